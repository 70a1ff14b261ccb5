/**
 * The console's tap on the broker (its BrokerObserver): counts traffic, records each message's
 * history and hands events to the live feed while someone watches. Per event: a switch, a
 * counter, a Map update; nothing is copied (bodies stay in the broker).
 */
import type { Clock } from '../clock/clock.js';
import type { BrokerEvent } from '../store/store.js';
import { MessageHistory, type MessageHistoryOptions } from './message.history.js';

export interface TrafficTotals {
  published: number;
  delivered: number;
  acked: number;
  deadLettered: number;
  committed: number;
  rolledBack: number;
}

export interface TrafficRates {
  /** Width of one sample (wall clock). */
  intervalMs: number;
  /** Messages published per sample, oldest first (the last one is the latest full second). */
  publish: number[];
  ack: number[];
}

const RATE_SAMPLES = 60;
const RATE_INTERVAL_MS = 1_000;

export class ActivityTap {
  readonly history: MessageHistory;
  readonly totals: TrafficTotals = {
    published: 0,
    delivered: 0,
    acked: 0,
    deadLettered: 0,
    committed: 0,
    rolledBack: 0,
  };
  /** Set by the live feed while it has listeners. */
  onEvent: ((e: BrokerEvent) => void) | undefined;
  private readonly publishRate: number[] = new Array<number>(RATE_SAMPLES).fill(0);
  private readonly ackRate: number[] = new Array<number>(RATE_SAMPLES).fill(0);
  private lastPublished = 0;
  private lastAcked = 0;
  private sampler: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    historyOptions?: MessageHistoryOptions,
  ) {
    this.history = new MessageHistory(historyOptions);
  }

  /** The BrokerObserver. */
  readonly observe = (e: BrokerEvent): void => {
    switch (e.t) {
      case 'pub':
        this.totals.published++;
        break;
      case 'dlv':
        this.totals.delivered++;
        break;
      case 'ack':
        this.totals.acked++;
        break;
      case 'dead':
        this.totals.deadLettered++;
        break;
      case 'commit':
        this.totals.committed++;
        break;
      case 'rollback':
        this.totals.rolledBack++;
        break;
      default:
        break;
    }
    this.history.record(e, this.clock.now());
    this.onEvent?.(e);
  };

  /** Starts sampling rates once a second (wall clock; the timer never keeps the process alive). */
  start(): void {
    if (this.sampler !== undefined) return;
    this.sampler = setInterval(() => this.sample(), RATE_INTERVAL_MS);
    this.sampler.unref();
  }

  stop(): void {
    if (this.sampler !== undefined) clearInterval(this.sampler);
    this.sampler = undefined;
  }

  rates(): TrafficRates {
    return { intervalMs: RATE_INTERVAL_MS, publish: [...this.publishRate], ack: [...this.ackRate] };
  }

  /** @internal one rate sample (called by the timer; tests call it directly). */
  sample(): void {
    shiftIn(this.publishRate, this.totals.published - this.lastPublished);
    shiftIn(this.ackRate, this.totals.acked - this.lastAcked);
    this.lastPublished = this.totals.published;
    this.lastAcked = this.totals.acked;
  }
}

function shiftIn(ring: number[], value: number): void {
  ring.shift();
  ring.push(value);
}
