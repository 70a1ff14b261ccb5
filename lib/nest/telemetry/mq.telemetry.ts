/**
 * A connection's telemetry: traces and metrics through `@opentelemetry/api` when the application
 * has it installed and registered an SDK (tracer and/or meter provider), nothing otherwise. The
 * producer and the runners ask it for their hooks once (not per message); when it is off they get
 * none and run exactly as without this file.
 *
 * Providers are looked up when the connection opens and again at application bootstrap (so an SDK
 * started in another provider's onModuleInit counts). One registered later is not seen by runners
 * already started: register the SDK before the Nest application is created, as OpenTelemetry's
 * own instrumentations require anyway.
 */
import { instrumentBatchDispatcher } from './batch-process.telemetry.js';
import { loadOpenTelemetry, type OTelApi } from './otel.loader.js';
import { ProcessTelemetry } from './process.telemetry.js';
import { PublishTelemetry } from './publish.telemetry.js';
import { instrumentRunnerTransport } from './runner-transport.telemetry.js';
import { RunnerGauges } from './runner.gauges.js';
import type {
  ConsumerIdentity,
  PublishSender,
  RunnerHooks,
  RunnerSnapshot,
  TelemetryTarget,
} from './telemetry.contract.js';
import { resolveSignals, type TelemetrySignals } from './telemetry.signals.js';

const NO_HOOKS: RunnerHooks = {
  dispatcher: (dispatch) => dispatch,
  batchDispatcher: (dispatch) => dispatch,
  checker: (check) => check,
  transport: (transport) => transport,
};

export class MQTelemetry {
  private signals: TelemetrySignals | undefined;
  private publishTelemetry: PublishSender | undefined;
  private runners: (() => Iterable<RunnerSnapshot>) | undefined;
  private gauges: RunnerGauges | undefined;

  private constructor(
    private readonly api: OTelApi | undefined,
    private readonly target: TelemetryTarget,
  ) {}

  /** `enabled: false` (module option `telemetry: false`) never even loads the API. */
  static async create(enabled: boolean, target: TelemetryTarget): Promise<MQTelemetry> {
    const telemetry = new MQTelemetry(enabled ? await loadOpenTelemetry() : undefined, target);
    telemetry.refresh();
    return telemetry;
  }

  /** True while something records (a tracer or meter provider was registered). */
  get active(): boolean {
    return this.signals !== undefined;
  }

  /** The producer's hook; undefined while nothing records. */
  get publisher(): PublishSender | undefined {
    return this.publishTelemetry;
  }

  /** Looks for providers registered since the last look. Cheap; called at open and bootstrap. */
  refresh(): void {
    const api = this.api;
    const current = this.signals;
    if (api === undefined || (current?.tracer !== undefined && current.instruments !== undefined)) {
      return;
    }
    const signals = resolveSignals(api, this.target);
    if (
      signals === undefined ||
      (signals.tracer === current?.tracer && signals.instruments === current?.instruments)
    ) {
      return;
    }
    this.signals = signals;
    this.publishTelemetry = new PublishTelemetry(signals);
    this.startGauges();
  }

  /** Hooks for one runner, fixed when it is built. */
  runnerHooks(consumer: ConsumerIdentity): RunnerHooks {
    const signals = this.signals;
    if (signals === undefined) return NO_HOOKS;
    const process = new ProcessTelemetry(signals, consumer);
    return {
      dispatcher: (dispatch) => process.dispatcher(dispatch),
      batchDispatcher: (dispatch) => instrumentBatchDispatcher(dispatch, signals, consumer),
      checker: (check) => process.checker(check),
      transport: (transport) => instrumentRunnerTransport(transport, signals, consumer),
    };
  }

  /** Where the status and in-flight gauges read the connection's runners. */
  observeRunners(runners: () => Iterable<RunnerSnapshot>): void {
    this.runners = runners;
    this.startGauges();
  }

  /** Stops the gauges (the application shut down). */
  close(): void {
    this.gauges?.stop();
    this.gauges = undefined;
    this.runners = undefined;
  }

  private startGauges(): void {
    const meter = this.signals?.instruments?.meter;
    if (this.gauges !== undefined || meter === undefined || this.runners === undefined) return;
    this.gauges = new RunnerGauges(meter, this.signals!.base, this.runners);
  }
}
