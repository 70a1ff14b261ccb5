/**
 * What a connection's telemetry records with, once the application registered an OpenTelemetry
 * SDK: a tracer (when a tracer provider is registered), the instruments (when a meter provider
 * is), and the attributes shared by every signal of the connection. Absent pieces cost nothing:
 * their callers hold `undefined` and skip them.
 */
import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import { CLIENT_VERSION } from '../../transport/index.js';
import type { OTelApi } from './otel.loader.js';
import type { TelemetryTarget } from './telemetry.contract.js';
import { ATTR, DURATION_BUCKETS, METRIC, SCOPE_NAME, SYSTEM } from './telemetry.names.js';

export class TelemetryInstruments {
  readonly sent: Counter;
  readonly consumed: Counter;
  readonly processDuration: Histogram;
  readonly operationDuration: Histogram;

  constructor(readonly meter: Meter) {
    this.sent = meter.createCounter(METRIC.sent, {
      description: 'Messages the producer attempted to send to the broker',
      unit: '{message}',
    });
    this.consumed = meter.createCounter(METRIC.consumed, {
      description: 'Messages delivered to the application by receive operations',
      unit: '{message}',
    });
    this.processDuration = meter.createHistogram(METRIC.processDuration, {
      description: 'Duration of processing operations (one handler run through the Nest pipeline)',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.operationDuration = meter.createHistogram(METRIC.operationDuration, {
      description: 'Duration of messaging operations with the broker (send, receive, ack, ...)',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  }
}

/** Instruments per meter: two connections share them (and the SDK their storage). */
const instrumentsByMeter = new WeakMap<Meter, TelemetryInstruments>();

export interface TelemetrySignals {
  readonly api: OTelApi;
  readonly tracer: Tracer | undefined;
  readonly instruments: TelemetryInstruments | undefined;
  /** `messaging.system`, `server.address`, `server.port` (metric attributes start from these). */
  readonly base: Attributes;
  /** The same server fields for span attributes (undefined: not a URL endpoint). */
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
  /** `messaging.rocketmq.namespace` when the connection has an instance id. */
  readonly namespace: string | undefined;
}

/**
 * The signals the registered providers allow, or undefined when neither a tracer provider nor a
 * meter provider is registered (the API's no-op defaults): then telemetry costs nothing at all.
 */
export function resolveSignals(
  api: OTelApi,
  target: TelemetryTarget,
): TelemetrySignals | undefined {
  const tracer = registeredTracer(api);
  const meter = registeredMeter(api);
  if (tracer === undefined && meter === undefined) return undefined;
  let instruments: TelemetryInstruments | undefined;
  if (meter !== undefined) {
    instruments = instrumentsByMeter.get(meter);
    if (instruments === undefined) {
      instruments = new TelemetryInstruments(meter);
      instrumentsByMeter.set(meter, instruments);
    }
  }
  const base = serverAttributes(target.endpoint);
  return {
    api,
    tracer,
    instruments,
    base,
    serverAddress: base[ATTR.serverAddress] as string | undefined,
    serverPort: base[ATTR.serverPort] as number | undefined,
    namespace: target.instanceId,
  };
}

/**
 * The registered provider's tracer. The API's global provider is a proxy whose tracers are no-ops
 * until an SDK registers; asking the proxy for its delegate tells the two apart without creating
 * a span.
 */
function registeredTracer(api: OTelApi): Tracer | undefined {
  const provider = api.trace.getTracerProvider() as TracerProvider & {
    getDelegateTracer?: (name: string, version?: string) => Tracer | undefined;
  };
  if (typeof provider.getDelegateTracer === 'function') {
    return provider.getDelegateTracer(SCOPE_NAME, CLIENT_VERSION);
  }
  return provider.getTracer(SCOPE_NAME, CLIENT_VERSION);
}

/** The registered provider's meter; the API's default provider hands out one shared no-op meter. */
function registeredMeter(api: OTelApi): Meter | undefined {
  const meter = api.metrics.getMeter(SCOPE_NAME, CLIENT_VERSION);
  return meter === api.createNoopMeter() ? undefined : meter;
}

function serverAttributes(endpoint: string): Attributes {
  const base: Attributes = { [ATTR.system]: SYSTEM };
  try {
    const url = new URL(endpoint);
    base[ATTR.serverAddress] = url.hostname.replace(/^\[|\]$/g, '');
    base[ATTR.serverPort] =
      url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  } catch {
    // Not a URL (a transport with another kind of endpoint): no server attributes.
  }
  return base;
}
