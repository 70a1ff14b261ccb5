import { ActivityTap } from './activity/activity.tap.js';
import { ConsumerActivity } from './activity/consumer.activity.js';
import { AdminAccess, generateAdminToken, isLoopbackHost } from './admin/admin.access.js';
import { LiveFeed } from './admin/admin.events.js';
import { createEmulatorAdmin } from './admin/emulator-admin.js';
import { ConsoleAssets } from './console/console.assets.js';
import { Broker } from './broker/broker.js';
import { RealClock, VirtualClock } from './clock/clock.js';
import type { Clock } from './clock/clock.js';
import { resolveEmulatorOptions } from './config/emulator-options.validate.js';
import type { EmulatorOptions, RunningEmulator } from './emulator.types.js';
import { FaultInjector } from './faults/fault.injector.js';
import { EmulatorGrpcServer } from './grpc/grpc.server.js';
import { createEmulatorLog } from './http/http.log.js';
import { EmulatorHttpServer } from './http/http.server.js';
import { OnsFront } from './ons/ons.front.js';
import { MemoryBodyStore } from './store/body.store.js';
import type { BodyStore } from './store/body.store.js';
import { DiskBodyStore } from './store/disk-body.store.js';
import { LogStore } from './store/log.store.js';
import { MemoryStore } from './store/memory.store.js';
import type { Store } from './store/store.js';

/** How long stop() lets answered long polls flush before it destroys the remaining sockets. */
const STOP_FLUSH_MS = 1_000;

/**
 * Starts an emulator in this process (no child process): validates the options, builds the clock,
 * the store (memory, or the durable log in `dataDir`), the broker, the HTTP server and, with
 * `grpcPort`, the RocketMQ 5 gRPC server on the same broker, and resolves once they listen. The same
 * function backs the CLI.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveEmulatorOptions(options);
  const log = createEmulatorLog(resolved.logger, resolved.logLevel);
  const clock: Clock =
    resolved.clock === 'virtual'
      ? new VirtualClock(resolved.startTime ?? Date.now())
      : new RealClock();
  const store: Store =
    resolved.dataDir !== undefined ? new LogStore(resolved.dataDir) : new MemoryStore();
  let bodies: BodyStore | undefined;
  const tap = resolved.console ? new ActivityTap(clock) : undefined;
  const activity = resolved.console ? new ConsumerActivity() : undefined;
  let broker: Broker;
  try {
    bodies =
      resolved.dataDir !== undefined ? new DiskBodyStore(resolved.dataDir) : new MemoryBodyStore();
    broker = new Broker({
      clock,
      timings: resolved.timings,
      autoCreate: resolved.autoCreate,
      topics: resolved.topics,
      groups: resolved.groups,
      store,
      bodies,
      maxRetainedMessages: resolved.maxRetainedMessages,
      maxRetainedBytes: resolved.maxRetainedBytes,
      warn: (line) => log.warn(line),
      ...(tap !== undefined ? { observer: tap.observe } : {}),
    });
  } catch (err) {
    bodies?.close();
    store.close();
    throw err;
  }
  const admin = createEmulatorAdmin(broker, clock, resolved.instanceId, tap, activity);
  const faults = new FaultInjector(resolved.faults);
  let grpc: EmulatorGrpcServer | undefined;
  let grpcEndpoint: string | undefined;
  // Safe by default: beyond loopback, the admin API (which can drop every message) needs a token.
  const adminToken =
    resolved.adminToken ?? (isLoopbackHost(resolved.host) ? undefined : generateAdminToken());
  const feed = tap !== undefined ? new LiveFeed(tap, () => clock.now(), faults) : undefined;
  const http = new EmulatorHttpServer({
    broker,
    clock,
    auth: resolved.auth,
    credentials: resolved.credentials,
    maxDateSkewMs: resolved.timings.maxDateSkewMs,
    maxWaitSeconds: resolved.timings.maxWaitSeconds,
    headersTimeoutMs: resolved.timings.headersTimeoutMs,
    requestTimeoutMs: resolved.timings.requestTimeoutMs,
    log,
    faults,
    ons: new OnsFront({
      broker,
      instanceId: resolved.instanceId,
      auth: resolved.auth,
      credentials: resolved.credentials,
      maxTimeSkewMs: resolved.timings.onsMaxTimeSkewMs,
      log,
      faults,
      ...(activity !== undefined ? { activity } : {}),
      ...(tap !== undefined ? { history: tap.history } : {}),
    }),
    admin: {
      admin,
      faults,
      retention: () => broker.retention(),
      instanceId: resolved.instanceId,
      clockMode: resolved.clock,
      auth: resolved.auth,
      access: new AdminAccess(adminToken),
      console:
        tap !== undefined && feed !== undefined
          ? { tap, feed, assets: new ConsoleAssets() }
          : undefined,
      grpcEndpoint: () => grpcEndpoint,
    },
    ...(activity !== undefined ? { activity } : {}),
  });

  let endpoint: string;
  try {
    endpoint = await http.listen(resolved.port, resolved.host);
  } catch (err) {
    await broker.close();
    feed?.close();
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'the address is already in use' : (err as Error).message;
    throw new Error(`Emulator cannot listen on ${resolved.host}:${resolved.port}: ${reason}`, {
      cause: err,
    });
  }

  if (resolved.grpcPort !== undefined) {
    try {
      grpc = new EmulatorGrpcServer({
        broker,
        clock,
        auth: resolved.auth,
        credentials: resolved.credentials,
        timings: resolved.timings,
        log,
        faults,
        ...(activity !== undefined ? { activity } : {}),
        ...(tap !== undefined ? { history: tap.history } : {}),
      });
      grpcEndpoint = await grpc.listen(resolved.grpcPort, resolved.host);
    } catch (err) {
      await grpc?.stop();
      const closed = http.stopAccepting();
      http.closeAllConnections();
      await closed;
      await broker.close();
      const reason = /address already in use|EADDRINUSE/i.test((err as Error).message)
        ? 'the address is already in use'
        : (err as Error).message;
      throw new Error(
        `Emulator cannot listen for gRPC on ${resolved.host}:${resolved.grpcPort}: ${reason}`,
        { cause: err },
      );
    }
  }

  tap?.start();
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const grpcStopped = grpc?.stop();
    const closed = http.stopAccepting();
    tap?.stop();
    feed?.close();
    // Ends parked long polls (they are answered 404 MessageNotExist) and closes the store.
    await broker.close();
    await flushWithin(http.drain(), STOP_FLUSH_MS);
    http.closeAllConnections();
    await closed;
    await grpcStopped;
    log.info('emulator stopped');
  };
  return {
    endpoint,
    ...(grpcEndpoint !== undefined ? { grpcEndpoint } : {}),
    credentials: { ...resolved.credentials[0]! },
    instanceId: resolved.instanceId,
    admin,
    faults,
    consoleUrl: resolved.console
      ? `${endpoint}/_emulator/ui/${adminToken !== undefined ? `#token=${adminToken}` : ''}`
      : undefined,
    adminToken,
    stop: () => (stopping ??= stop()),
  };
}

function flushWithin(done: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([done, deadline]).finally(() => clearTimeout(timer));
}
