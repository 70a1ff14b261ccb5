/**
 * The chaos run: a Nest app publishing and consuming under load on the emulator while its fault
 * injector (seeded) answers some requests with 5xx or throttling, delays them, resets connections
 * before or after acting, drops answers, stalls or trickles them. Then endpoint outages (recovery
 * time), a shutdown under load (stranded messages) and a shutdown against a stalled peer (close
 * time). Everything is real: sockets, emulator, Nest app, client.
 */
import { MQClient } from '../../lib/client/index.js';
import { startEmulator, type RunningEmulator } from '../../lib/emulator/index.js';
import type { FaultKind, FaultRuleInput } from '../../lib/emulator/faults/fault.types.js';
import { CHAOS_APP_SETTINGS, CHAOS_GROUP, CHAOS_TOPIC, startChaosApp } from './chaos.app.js';
import type { ChaosApp } from './chaos.app.js';
import { ChaosLedger, type ChaosTally } from './chaos.ledger.js';

export interface ChaosConfig {
  /** Seed of the fault injector: the same seed draws the same faults for the same requests. */
  seed: number;
  /** Messages published through the faults. */
  messages: number;
  /** Publishers working at once. */
  publishConcurrency: number;
  /** Endpoint outages (every connection reset) and how long each lasts. */
  outages: number;
  outageMs: number;
  /** Shutdowns of an app while messages keep coming. */
  shutdowns: number;
}

export const CHAOS_TEST_CONFIG: ChaosConfig = {
  seed: 20_240_601,
  messages: 1_500,
  publishConcurrency: 16,
  outages: 2,
  outageMs: 1_500,
  shutdowns: 2,
};

export const CHAOS_FULL_CONFIG: ChaosConfig = {
  seed: 20_240_601,
  messages: 6_000,
  publishConcurrency: 16,
  outages: 5,
  outageMs: 3_000,
  shutdowns: 5,
};

/** Redelivery after 3 s instead of 5 min: a failed ack comes back within the run. */
const INVISIBILITY_MS = 3_000;

/**
 * Every fault kind, each on a share of all requests (publish, consume, ack alike). Acks are few
 * (up to 16 messages each), so two rules first make sure some ack answers are lost after the
 * broker acted, whatever the draw: the case where outcomes must not lie.
 */
export const CHAOS_RULES: readonly FaultRuleInput[] = [
  { match: { operation: 'ack' }, after: 2, count: 2, action: { kind: 'reset', when: 'after' } },
  { match: { operation: 'ack' }, after: 4, count: 2, action: { kind: 'drop' } },
  { probability: 0.02, action: { kind: 'error', code: 'InternalError', status: 503 } },
  { probability: 0.02, action: { kind: 'error', code: 'QpsLimitExceeded' } },
  { probability: 0.02, action: { kind: 'delay', ms: 150 } },
  { probability: 0.01, action: { kind: 'reset', when: 'before' } },
  { probability: 0.01, action: { kind: 'reset', when: 'after' } },
  { probability: 0.01, action: { kind: 'drop' } },
  { probability: 0.005, action: { kind: 'stall' } },
  { probability: 0.005, action: { kind: 'trickle', intervalMs: 100 } },
];

export interface ChaosReport {
  config: ChaosConfig;
  tally: ChaosTally;
  faults: { total: number; byKind: Record<FaultKind, number> };
  /** Per outage: from the endpoint coming back to the first new message handled. */
  recoveryMs: number[];
  /** Per shutdown under load: messages delivered to the app and not acked when close() returned. */
  stranded: number[];
  /** app.close() against a peer that stalls every answer. */
  stalledClose: { ms: number; boundMs: number };
  /** Wall time of the whole run. */
  seconds: number;
}

export async function runChaos(
  config: ChaosConfig,
  log: (line: string) => void = () => undefined,
): Promise<ChaosReport> {
  const started = performance.now();
  const emulator = await startEmulator({
    port: 0,
    timings: { invisibilityMs: INVISIBILITY_MS },
    faults: { seed: config.seed },
  });
  const direct = new MQClient(emulator.endpoint, emulator.credentials, {
    instanceId: emulator.instanceId,
  });
  const ledger = new ChaosLedger();
  const appOptions = {
    endpoint: emulator.endpoint,
    credentials: emulator.credentials,
    instanceId: emulator.instanceId,
    onDelivery: (m: Parameters<ChaosLedger['delivered']>[0]) => ledger.delivered(m),
    onEvent: (e: Parameters<ChaosLedger['event']>[0]) => ledger.event(e),
  };
  try {
    let app = await startChaosApp(appOptions);

    log(`faults: ${config.messages} messages through ${CHAOS_RULES.length} seeded rules`);
    const ids = CHAOS_RULES.map((rule) => emulator.faults.add(rule));
    await publishAll(app, ledger, 'm', config.messages, config.publishConcurrency);
    const hits = emulator.faults
      .stats()
      .rules.map((r) => `${r.action.kind} ${r.hits}/${r.matched}`);
    log(`rules hit/matched: ${hits.join(', ')}`);
    for (const id of ids) emulator.faults.remove(id);

    const recoveryMs: number[] = [];
    for (let i = 0; i < config.outages; i++) {
      recoveryMs.push(await outage(emulator, app, ledger, config.outageMs, i));
      log(`outage ${i + 1}: recovered in ${Math.round(recoveryMs[i]!)} ms`);
    }

    log('drain: waiting for every acknowledged message and every promised redelivery');
    await ledger.until(() => ledger.settled(), INVISIBILITY_MS * 4 + 10_000);

    // Each shutdown first waits for the group to settle at the broker, so redeliveries of acks
    // whose outcome was unknown have come by the time the tally is taken.
    const stranded: number[] = [];
    for (let i = 0; i < config.shutdowns; i++) {
      stranded.push(await shutdownUnderLoad(emulator, direct, app, i));
      app = await startChaosApp(appOptions);
    }
    const stalledClose = await closeAgainstStall(emulator, app);
    log(`stalled close: ${Math.round(stalledClose.ms)} ms (bound ${stalledClose.boundMs} ms)`);
    const tally = ledger.tally();

    const stats = emulator.faults.stats();
    return {
      config,
      tally,
      faults: stats.injected,
      recoveryMs,
      stranded,
      stalledClose,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    emulator.faults.clear();
    await direct.close();
    await emulator.stop();
  }
}

/** `count` publishes keyed `${prefix}-${i}`, `concurrency` at a time, each tracked. */
async function publishAll(
  app: ChaosApp,
  ledger: ChaosLedger,
  prefix: string,
  count: number,
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const key = `${prefix}-${next++}`;
      await ledger.track(key, app.producer.publish(CHAOS_TOPIC, { key }, { key }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * The endpoint goes away (every connection reset, polls under way included) for `ms`, then comes
 * back; the recovery time runs from its return to the handling of a message published then.
 */
async function outage(
  emulator: RunningEmulator,
  app: ChaosApp,
  ledger: ChaosLedger,
  ms: number,
  index: number,
): Promise<number> {
  // A consumer still working through a backlog would hand the new message over late for reasons
  // that have nothing to do with the outage.
  await ledger.until(() => ledger.caughtUp(), 30_000);
  // Polls under way finish (at most waitSeconds); every request after that is reset.
  const id = emulator.faults.add({ action: { kind: 'reset', when: 'before' } });
  await new Promise((resolve) => setTimeout(resolve, ms));
  emulator.faults.remove(id);
  const backAt = performance.now();
  const key = `outage-${index}`;
  // Published by the app's own producer: its retries ride out what is left of the outage too.
  void ledger.track(key, app.producer.publish(CHAOS_TOPIC, { key }, { key }));
  await ledger.until(() => ledger.hasDelivered(key), 30_000);
  return performance.now() - backAt;
}

/**
 * Closes the app while a publisher keeps going; returns the messages the broker had handed to the
 * app and that were not acked once close() returned (and the emulator saw its clients gone).
 */
async function shutdownUnderLoad(
  emulator: RunningEmulator,
  direct: MQClient,
  app: ChaosApp,
  index: number,
): Promise<number> {
  // Messages handed to polls whose answers the faults withheld come back after their
  // invisibility window: wait for them, so that what is in flight after close() is this close's.
  const guard = performance.now() + INVISIBILITY_MS * 3;
  while (groupInflight(emulator) > 0 && performance.now() < guard) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let publishing = true;
  let n = 0;
  const load = (async () => {
    while (publishing) {
      await Promise.all(
        Array.from({ length: 8 }, () =>
          direct.publish(CHAOS_TOPIC, { body: `{}`, key: `sd-${index}-${n++}` }),
        ),
      );
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await app.close();
  // Once the emulator has seen the app's polls gone (while messages keep coming), whatever the
  // app took and did not ack is in flight: nothing else consumes this group.
  await untilNoParkedPolls(emulator);
  const inflight = groupInflight(emulator);
  publishing = false;
  await load;
  return inflight;
}

async function untilNoParkedPolls(emulator: RunningEmulator): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const response = await fetch(`${emulator.endpoint}/_emulator/health`);
    const { longPolls } = (await response.json()) as { longPolls: number };
    if (longPolls === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function groupInflight(emulator: RunningEmulator): number {
  const stats = emulator.admin
    .groups()
    .find((g) => g.topic === CHAOS_TOPIC && g.group === CHAOS_GROUP);
  return stats?.inflight ?? 0;
}

/** Every answer stalls (headers, then nothing); app.close() must still return, and soon. */
async function closeAgainstStall(
  emulator: RunningEmulator,
  app: ChaosApp,
): Promise<{ ms: number; boundMs: number }> {
  const id = emulator.faults.add({ action: { kind: 'stall' } });
  // A publish in flight at close time, and the consumer's polls stalled.
  const inFlight = app.producer.publish(CHAOS_TOPIC, 'stalled').catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const startedAt = performance.now();
  await app.close();
  const ms = performance.now() - startedAt;
  await inFlight;
  emulator.faults.remove(id);
  const s = CHAOS_APP_SETTINGS;
  // Drain deadline + the ack grace (1 s) + one request deadline for the publish in flight.
  return { ms, boundMs: s.drainTimeoutMs + 1_000 + s.requestTimeoutMs };
}
