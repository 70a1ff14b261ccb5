import type { EmulatorOptions, EmulatorTimings } from '../emulator.types.js';
import { parseFaultRule } from '../faults/fault-rule.parse.js';
import { FaultRuleError } from '../faults/fault-rule.validate.js';
import type { FaultRuleInput } from '../faults/fault.types.js';

/** A command-line mistake: the CLI prints it (naming the flag) and exits with status 2. */
export class CliUsageError extends Error {
  constructor(
    readonly flag: string,
    problem: string,
  ) {
    super(`${flag}: ${problem}`);
    this.name = 'CliUsageError';
  }
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'run';
      /** Options given as flags only (the config file is merged by the caller; flags win). */
      options: EmulatorOptions;
      configFile?: string;
      quiet: boolean;
      verbose: boolean;
    };

type ValueFlag = (value: string, flag: string, run: RunState) => void;

interface RunState {
  options: EmulatorOptions;
  timings: Partial<EmulatorTimings>;
  faultRules: FaultRuleInput[];
  faultSeed?: number;
  configFile?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
}

const TIMING_FLAGS: Record<string, keyof EmulatorTimings> = {
  '--invisibility-ms': 'invisibilityMs',
  '--orderly-invisibility-ms': 'orderlyInvisibilityMs',
  '--half-invisibility-ms': 'halfInvisibilityMs',
  '--max-retries': 'maxRetries',
  '--retention-ms': 'retentionMs',
  '--half-max-age-ms': 'halfMaxAgeMs',
  '--max-date-skew-ms': 'maxDateSkewMs',
  '--max-wait-seconds': 'maxWaitSeconds',
  '--headers-timeout-ms': 'headersTimeoutMs',
  '--request-timeout-ms': 'requestTimeoutMs',
  '--ons-max-time-skew-ms': 'onsMaxTimeSkewMs',
};

/** Flags that may be given several times. */
const REPEATABLE_FLAGS = new Set(['--fault']);

const VALUE_FLAGS: Record<string, ValueFlag> = {
  '--port': (v, f, s) => {
    s.options.port = integer(v, f, 0, 65_535);
  },
  '--grpc-port': (v, f, s) => {
    s.options.grpcPort = integer(v, f, 0, 65_535);
  },
  '--host': (v, f, s) => {
    s.options.host = nonEmpty(v, f);
  },
  '--data-dir': (v, f, s) => {
    s.options.dataDir = nonEmpty(v, f);
  },
  '--config': (v, f, s) => {
    s.configFile = nonEmpty(v, f);
  },
  '--access-key-id': (v, f, s) => {
    s.accessKeyId = nonEmpty(v, f);
  },
  '--access-key-secret': (v, f, s) => {
    s.accessKeySecret = nonEmpty(v, f);
  },
  '--instance-id': (v, _f, s) => {
    s.options.instanceId = v;
  },
  '--auth': (v, f, s) => {
    s.options.auth = choice(v, f, ['strict', 'off'] as const);
  },
  '--clock': (v, f, s) => {
    s.options.clock = choice(v, f, ['real', 'virtual'] as const);
  },
  '--start-time': (v, f, s) => {
    s.options.startTime = epochMs(v, f);
  },
  '--fault': (v, f, s) => {
    try {
      s.faultRules.push(parseFaultRule(v));
    } catch (err) {
      if (err instanceof FaultRuleError) throw new CliUsageError(f, err.message);
      throw err;
    }
  },
  '--max-retained-messages': (v, f, s) => {
    s.options.maxRetainedMessages = integer(v, f, 1, Number.MAX_SAFE_INTEGER);
  },
  '--max-retained-bytes': (v, f, s) => {
    s.options.maxRetainedBytes = integer(v, f, 1, Number.MAX_SAFE_INTEGER);
  },
  '--fault-seed': (v, f, s) => {
    s.faultSeed = integer(v, f, 0, 0xffffffff);
  },
  '--admin-token': (v, f, s) => {
    s.options.adminToken = nonEmpty(v, f);
  },
};

const BOOLEAN_FLAGS = new Set([
  '--strict',
  '--no-console',
  '--quiet',
  '--verbose',
  '--help',
  '-h',
  '--version',
  '-v',
]);

/** Parses the emulator's argv (no dependency). Accepts `--flag value` and `--flag=value`. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const state: RunState = { options: {}, timings: {}, faultRules: [] };
  let quiet = false;
  let verbose = false;
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (BOOLEAN_FLAGS.has(flag)) {
      if (eq !== -1) throw new CliUsageError(flag, 'takes no value');
      if (flag === '--help' || flag === '-h') return { kind: 'help' };
      if (flag === '--version' || flag === '-v') return { kind: 'version' };
      if (flag === '--strict') state.options.autoCreate = false;
      else if (flag === '--no-console') state.options.console = false;
      else if (flag === '--quiet') quiet = true;
      else verbose = true;
      continue;
    }
    const handler = VALUE_FLAGS[flag];
    const timing = TIMING_FLAGS[flag];
    if (handler === undefined && timing === undefined) {
      throw new CliUsageError(arg, flag.startsWith('-') ? 'unknown flag' : 'unexpected argument');
    }
    if (seen.has(flag) && !REPEATABLE_FLAGS.has(flag)) {
      throw new CliUsageError(flag, 'given more than once');
    }
    seen.add(flag);
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new CliUsageError(flag, 'needs a value');
      }
      value = next;
      i++;
    }
    if (timing !== undefined) {
      state.timings[timing] = integer(
        value,
        flag,
        timing === 'maxRetries' ? 0 : 1,
        Number.MAX_SAFE_INTEGER,
      );
    } else {
      handler!(value, flag, state);
    }
  }
  if (quiet && verbose) throw new CliUsageError('--quiet', 'cannot be combined with --verbose');
  if ((state.accessKeyId === undefined) !== (state.accessKeySecret === undefined)) {
    const missing = state.accessKeyId === undefined ? '--access-key-id' : '--access-key-secret';
    throw new CliUsageError(missing, 'is required when the other credential flag is given');
  }
  if (state.accessKeyId !== undefined && state.accessKeySecret !== undefined) {
    state.options.credentials = [
      { accessKeyId: state.accessKeyId, accessKeySecret: state.accessKeySecret },
    ];
  }
  if (Object.keys(state.timings).length > 0) state.options.timings = state.timings;
  if (state.faultRules.length > 0 || state.faultSeed !== undefined) {
    state.options.faults = {
      ...(state.faultSeed !== undefined ? { seed: state.faultSeed } : {}),
      ...(state.faultRules.length > 0 ? { rules: state.faultRules } : {}),
    };
  }
  return {
    kind: 'run',
    options: state.options,
    ...(state.configFile !== undefined ? { configFile: state.configFile } : {}),
    quiet,
    verbose,
  };
}

function integer(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value))
    throw new CliUsageError(flag, `expected a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) {
    throw new CliUsageError(
      flag,
      max === Number.MAX_SAFE_INTEGER ? `must be >= ${min}` : `must be ${min}-${max}`,
    );
  }
  return n;
}

function nonEmpty(value: string, flag: string): string {
  if (value === '') throw new CliUsageError(flag, 'must not be empty');
  return value;
}

function choice<T extends string>(value: string, flag: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new CliUsageError(flag, `expected ${allowed.join(' or ')}, got "${value}"`);
  }
  return value as T;
}

/** Epoch milliseconds or an ISO date such as 2026-01-01T00:00:00Z. */
function epochMs(value: string, flag: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(n))
    throw new CliUsageError(flag, `expected epoch ms or an ISO date, got "${value}"`);
  return n;
}

export const CLI_HELP = `Usage: aliyun-mq-emulator [options]

Local EMULATOR of Alibaba Cloud MQ for RocketMQ over its HTTP protocol (and, with --grpc-port, the
RocketMQ 5 gRPC protocol), for development and tests. It is not the cloud service.

Server
  --port <n>                   port to listen on (default 9876; 0 = any free port)
  --grpc-port <n>              also serve the RocketMQ 5 gRPC protocol on this port
                                 (0 = any free port; default: off)
  --host <addr>                address to bind (default 127.0.0.1)
  --config <file.json>         JSON file with any emulator option (flags override it)
  --data-dir <dir>             keep messages in a durable log in <dir> (default: memory only)
  --instance-id <id>           instance id shown to clients (default MQ_INST_emulator)
  --strict                     only declared topics and groups exist (no auto-creation)
  --max-retained-messages <n>  retention budget: messages kept (default 100000); over it, acked
                               messages go first, then the oldest (the cloud keeps 3 days)
  --max-retained-bytes <n>     retention budget: bytes of message bodies kept (default 268435456)

Security
  --auth strict|off            check signatures, Date and Content-MD5 (default strict)
  --access-key-id <id>         accepted AccessKeyId (with --access-key-secret;
  --access-key-secret <secret>   default: the public development credentials)
  --admin-token <token>        token the admin API and console require (default: none on
                                 loopback; a random one, printed, when --host is not loopback)

Console
  --no-console                 no web console at /_emulator/ui/, no live stream, no history

Time
  --clock real|virtual         virtual time moves only through the admin API (default real)
  --start-time <ms|ISO>        start of a virtual clock
  --invisibility-ms <n>        invisibility after a normal consume (default 300000)
  --orderly-invisibility-ms <n>  after an orderly consume (default 60000)
  --half-invisibility-ms <n>   after a half-message check (default 10000)
  --max-retries <n>            redeliveries before the dead-letter queue (default 288)
  --retention-ms <n>           message retention (default 259200000 = 3 days)
  --half-max-age-ms <n>        unresolved half messages are rolled back after (default 86400000)
  --max-date-skew-ms <n>       allowed Date header skew (default 900000)
  --max-wait-seconds <n>       largest waitseconds of a long poll (default 30)
  --ons-max-time-skew-ms <n>   old ONS API (/message/): allowed skew of the signed time
                               (default 15000)
  --headers-timeout-ms <n>     close a request whose headers are not in by then (default 10000)
  --request-timeout-ms <n>     close a request not received completely by then (default 30000)

Fault injection (also POST /_emulator/faults at run time)
  --fault <rule>               a rule, repeatable, e.g. operation=publish,probability=0.1,error=InternalError
                               or operation=consume,count=1,reset=after; items: front, operation, topic,
                               group, instanceId, probability, count, after and one action:
                               error=Code[:status], delay=ms, reset=before|after, drop, stall, trickle=ms
                               (a value starting with { is the JSON rule of the admin API)
  --fault-seed <n>             seed of the fault generator, to replay a run (default random)

Output
  --quiet                      print only the endpoint line and warnings
  --verbose                    also print debug lines (e.g. the string-to-sign of a bad signature)
  --help, -h                   show this help
  --version, -v                print the version
`;
