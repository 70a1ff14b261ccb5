/** Sizes and durations of a run: the full run (`npm run bench`) and the smoke run (tests). */

export interface BenchConfig {
  /** Publish throughput windows. */
  publish: {
    concurrencies: number[];
    /** Once per client, before its first window (connections, JIT). */
    initialWarmupMs: number;
    /** Before every window (refills the pipeline). */
    warmupMs: number;
    durationMs: number;
    /** Each client is measured this many times, interleaved; the best window is reported. */
    rounds: number;
  };
  /** End-to-end drain of pre-published messages. */
  drain: {
    messages: number;
    /** Nest consumer options of the tuned run (the defaults run passes none). */
    tuned: { concurrency: number; batchSize: number };
    /** Official SDK loop (its README): batch size and long-poll seconds. */
    officialBatch: number;
    officialWaitSeconds: number;
    /** The SDK loop and the tuned app alternate this many times (the defaults run once). */
    rounds: number;
    /** One untimed drain of this size per client before the rounds (JIT warm-up, as publish's). */
    warmupMessages: number;
    /** The tuned Nest app and the SDK loop again, through a proxy adding this delay each way. */
    rtt: { oneWayDelayMs: number; messages: number };
  };
  latency: { messages: number };
  capacity: {
    warmupMs: number;
    publishMs: number;
    publishConcurrency: number;
    /** Messages pre-published, then consumed and acked as fast as possible (per round). */
    consumeMessages: number;
    /** Memory and durable emulators are measured alternately this many times. */
    rounds: number;
    consumeLoops: number;
  };
  idlePolls: { polls: number; settleMs: number; sampleMs: number };
  /** Drains of the tuned Nest app without and with an OpenTelemetry SDK (turns per round). */
  telemetry: { messages: number; rounds: number };
  /** Steady publish + consume by two groups against a fresh emulator; memory sampled all along. */
  soak: {
    /** Publishes per second. */
    rate: number;
    durationMs: number;
    /** Samples before this are not used for the slopes. */
    warmupMs: number;
    sampleMs: number;
    consumersPerGroup: number;
    /**
     * Extra emulator flags: a smaller retention budget than the default, so that the plateau comes
     * within the first seconds of a short run instead of after 100 000 messages.
     */
    emulatorArgs: string[];
  };
  /** Hostile requests against a fresh emulator; its peak RSS is the figure. */
  hostile: {
    /** Times the list of hostile requests is sent. */
    rounds: number;
    concurrency: number;
    /** Slow (slowloris) connections held open at once. */
    slowConnections: number;
  };
  /** RocketMQ 5 (gRPC): publish windows as `publish`; each drain of this many messages. */
  rocketmq5: { drainMessages: number; batch: number; waitSeconds: number; concurrency: number };
  /** Publishes used to fill queues before a drain (not timed). */
  prefillConcurrency: number;
  /** Body of every benchmark message. */
  body: string;
}

/** Sized to keep `npm run bench` within about a quarter of an hour on 2 cores (the soak alone takes 4 minutes). */
export const FULL_CONFIG: BenchConfig = {
  publish: {
    concurrencies: [1, 32],
    initialWarmupMs: 1_000,
    warmupMs: 100,
    durationMs: 500,
    rounds: 10,
  },
  drain: {
    messages: 20_000,
    tuned: { concurrency: 32, batchSize: 16 },
    officialBatch: 16,
    officialWaitSeconds: 3,
    rounds: 3,
    warmupMessages: 4_000,
    rtt: { oneWayDelayMs: 2, messages: 4_000 },
  },
  latency: { messages: 1_000 },
  capacity: {
    warmupMs: 400,
    publishMs: 1_500,
    publishConcurrency: 32,
    consumeMessages: 8_000,
    consumeLoops: 8,
    rounds: 5,
  },
  idlePolls: { polls: 1_000, settleMs: 1_500, sampleMs: 3_000 },
  telemetry: { messages: 20_000, rounds: 3 },
  soak: {
    rate: 1_000,
    durationMs: 240_000,
    warmupMs: 120_000,
    sampleMs: 1_000,
    consumersPerGroup: 4,
    emulatorArgs: ['--max-retained-messages', '20000'],
  },
  hostile: { rounds: 20, concurrency: 8, slowConnections: 200 },
  rocketmq5: { drainMessages: 10_000, batch: 16, waitSeconds: 3, concurrency: 32 },
  prefillConcurrency: 64,
  body: JSON.stringify({ orderId: 'ORD-000042', amount: 129.9, currency: 'CNY', items: 3 }),
};

/** A few dozen messages per scenario: proves every scenario still runs, in seconds. */
export const SMOKE_CONFIG: BenchConfig = {
  publish: { concurrencies: [1, 4], initialWarmupMs: 50, warmupMs: 20, durationMs: 100, rounds: 2 },
  drain: {
    messages: 40,
    tuned: { concurrency: 4, batchSize: 8 },
    officialBatch: 16,
    officialWaitSeconds: 1,
    rounds: 1,
    warmupMessages: 20,
    rtt: { oneWayDelayMs: 1, messages: 40 },
  },
  latency: { messages: 10 },
  capacity: {
    warmupMs: 50,
    publishMs: 150,
    publishConcurrency: 4,
    consumeMessages: 40,
    consumeLoops: 2,
    rounds: 1,
  },
  idlePolls: { polls: 20, settleMs: 200, sampleMs: 200 },
  telemetry: { messages: 40, rounds: 1 },
  soak: {
    rate: 100,
    durationMs: 2_000,
    warmupMs: 500,
    sampleMs: 100,
    consumersPerGroup: 1,
    emulatorArgs: ['--max-retained-messages', '100'],
  },
  hostile: { rounds: 1, concurrency: 2, slowConnections: 5 },
  rocketmq5: { drainMessages: 40, batch: 16, waitSeconds: 1, concurrency: 4 },
  prefillConcurrency: 8,
  body: FULL_CONFIG.body,
};

export function describeConfig(config: BenchConfig): string {
  const p = config.publish;
  return (
    `publish ${p.rounds} rounds of ${p.durationMs} ms windows per client (after ${p.initialWarmupMs} ms warm-up), ` +
    `medians reported, ratios = median of per-round ratios; ` +
    `drain ${config.drain.messages} messages, ${config.drain.rounds} rounds (${config.drain.rtt.messages} via the ` +
    `${config.drain.rtt.oneWayDelayMs} ms-each-way proxy); latency ${config.latency.messages} messages; ` +
    `capacity ${config.capacity.rounds} rounds of ${config.capacity.publishMs} ms publish and ` +
    `${config.capacity.consumeMessages} consume+ack; ` +
    `${config.idlePolls.polls} idle polls sampled ${config.idlePolls.sampleMs} ms; ` +
    `telemetry ${config.telemetry.rounds} rounds of ${config.telemetry.messages} messages per variant; ` +
    `soak ${config.soak.rate} msg/s for ${config.soak.durationMs / 1000} s; ` +
    `hostile input ${config.hostile.rounds} rounds; ` +
    `RocketMQ 5 drains of ${config.rocketmq5.drainMessages} messages; ` +
    `body ${Buffer.byteLength(config.body)} bytes`
  );
}
