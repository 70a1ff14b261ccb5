/**
 * Operator gauges, read when the meter collects (nothing on the message path):
 * `aliyun_mq.consumer.in_flight` (messages taken and not done with) and `aliyun_mq.consumer.status`
 * (1 for the current status, 0 for the others, one series per status: alert on
 * `status="unhealthy"`), per consumer and transaction checker of the connection.
 */
import type {
  Attributes,
  BatchObservableCallback,
  Meter,
  ObservableGauge,
} from '@opentelemetry/api';
import type { RunnerStatus } from '../consumer/index.js';
import type { RunnerSnapshot } from './telemetry.contract.js';
import { ATTR, METRIC } from './telemetry.names.js';

const STATUSES: readonly RunnerStatus[] = [
  'idle',
  'running',
  'paused',
  'backing-off',
  'unhealthy',
  'stopping',
  'stopped',
];

interface Gauges {
  inFlight: ObservableGauge;
  status: ObservableGauge;
}

/** One pair of gauges per meter; each connection adds its own callback. */
const gaugesByMeter = new WeakMap<Meter, Gauges>();

export class RunnerGauges {
  private readonly gauges: Gauges;
  private readonly callback: BatchObservableCallback;

  constructor(
    private readonly meter: Meter,
    base: Attributes,
    runners: () => Iterable<RunnerSnapshot>,
  ) {
    let gauges = gaugesByMeter.get(meter);
    if (gauges === undefined) {
      gauges = {
        inFlight: meter.createObservableGauge(METRIC.inFlight, {
          description: 'Messages a consumer took from the broker and is not done with yet',
          unit: '{message}',
        }),
        status: meter.createObservableGauge(METRIC.status, {
          description: "1 for the consumer's current status, 0 for the other statuses",
        }),
      };
      gaugesByMeter.set(meter, gauges);
    }
    this.gauges = gauges;
    const { inFlight, status } = gauges;
    this.callback = (result) => {
      for (const runner of runners()) {
        const attributes: Attributes = {
          ...base,
          [ATTR.destination]: runner.topic,
          [ATTR.consumerGroup]: runner.group,
          [ATTR.consumerName]: runner.name,
        };
        result.observe(inFlight, runner.inFlight, attributes);
        for (const s of STATUSES) {
          result.observe(status, s === runner.status ? 1 : 0, {
            ...attributes,
            [ATTR.consumerStatus]: s,
          });
        }
      }
    };
    meter.addBatchObservableCallback(this.callback, [inFlight, status]);
  }

  /** Stops reporting (the application shut down). */
  stop(): void {
    this.meter.removeBatchObservableCallback(this.callback, [
      this.gauges.inFlight,
      this.gauges.status,
    ]);
  }
}
