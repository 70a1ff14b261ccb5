import {
  DEFAULT_MAX_RETAINED_BYTES,
  DEFAULT_MAX_RETAINED_MESSAGES,
  DEFAULT_TIMINGS,
  DEV_CREDENTIALS,
} from '../config/emulator.defaults.js';
import type { EmulatorOptions, RunningEmulator } from '../emulator.types.js';

/**
 * The start-up banner: says plainly that this is an emulator, where it listens and how to point an
 * app at it. The development secret is public and printed; a configured secret never is.
 */
export function formatBanner(
  version: string,
  running: RunningEmulator,
  options: EmulatorOptions,
): string {
  const { endpoint, instanceId, credentials } = running;
  const devSecret = credentials.accessKeySecret === DEV_CREDENTIALS.accessKeySecret;
  const secretShown = devSecret ? credentials.accessKeySecret : '<your configured secret>';
  const storage =
    options.dataDir !== undefined
      ? `durable log in ${options.dataDir} (message bodies on disk)`
      : 'memory only';
  const maxMessages = options.maxRetainedMessages ?? DEFAULT_MAX_RETAINED_MESSAGES;
  const maxBytes = options.maxRetainedBytes ?? DEFAULT_MAX_RETAINED_BYTES;
  const retentionMs = options.timings?.retentionMs ?? DEFAULT_TIMINGS.retentionMs;
  const topics =
    options.autoCreate === false ? 'only declared ones (strict)' : 'created on first use';
  const rows: [string, string][] = [
    ['Endpoint', endpoint],
    ...(running.grpcEndpoint !== undefined
      ? [
          [
            'gRPC endpoint',
            `${running.grpcEndpoint}  (RocketMQ 5, plaintext; namespace = instance id)`,
          ] as [string, string],
        ]
      : []),
    ['Instance id', instanceId === '' ? '(default instance, no namespace)' : instanceId],
    ['AccessKeyId', credentials.accessKeyId],
    [
      'AccessKeySecret',
      devSecret
        ? `${credentials.accessKeySecret}  (public development credential)`
        : '(configured; not shown)',
    ],
    [
      'Auth',
      options.auth === 'off' ? 'off (nothing checked)' : 'strict (signature, Date, Content-MD5)',
    ],
    ['Clock', options.clock === 'virtual' ? 'virtual (moves via POST /_emulator/clock)' : 'real'],
    ['Storage', storage],
    [
      'Retention',
      `${duration(retentionMs)}, but at most ${maxMessages} messages and ${mib(maxBytes)} of bodies:`,
    ],
    [
      '',
      'over that, acked messages are dropped first (the cloud keeps 3 days whatever the volume)',
    ],
    ['Topics/groups', topics],
    ...faultRows(running),
    ['Admin API', `${endpoint}/_emulator/health`],
    ...consoleRows(running, options),
  ];
  // One value column, one space past the longest label.
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const lines = [
    `aliyun-mq-emulator ${version}`,
    'EMULATOR of Alibaba Cloud MQ for RocketMQ (HTTP protocol) for development and tests.',
    'It is NOT the cloud service. Do not use real credentials with it.',
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
    '',
    `export MQ_ENDPOINT=${endpoint}`,
    `export MQ_ACCESS_KEY_ID=${credentials.accessKeyId}`,
    `export MQ_ACCESS_KEY_SECRET=${shellWord(secretShown)}`,
    `export MQ_INSTANCE_ID=${instanceId}`,
    ...(running.grpcEndpoint !== undefined
      ? [`export MQ_GRPC_ENDPOINT=${running.grpcEndpoint}`]
      : []),
    '',
    'Press Ctrl+C to stop.',
  ];
  return lines.join('\n') + '\n';
}

/** Fault rules active from the start deserve a loud line: every app talking to this sees them. */
function faultRows(running: RunningEmulator): [string, string][] {
  const { seed, rules } = running.faults.stats();
  if (rules.length === 0)
    return [['Faults', `none (add rules at ${running.endpoint}/_emulator/faults)`]];
  return [
    ['Faults', `${rules.length} rule(s) ACTIVE, seed ${seed}:`],
    ...rules.map(({ id, hits: _h, matched: _m, exhausted: _e, ...rule }): [string, string] => [
      '',
      `${id} ${JSON.stringify(rule)}`,
    ]),
  ];
}

/** The one line printed with --quiet (plus the admin token when one was generated). */
export function formatQuietLine(running: RunningEmulator, options: EmulatorOptions = {}): string {
  const grpc = running.grpcEndpoint !== undefined ? ` (gRPC ${running.grpcEndpoint})` : '';
  const line = `aliyun-mq-emulator (EMULATOR, not the cloud service) listening on ${running.endpoint}${grpc}\n`;
  return generatedToken(running, options) ? `${line}admin token ${running.adminToken}\n` : line;
}

function consoleRows(running: RunningEmulator, options: EmulatorOptions): [string, string][] {
  const rows: [string, string][] = [];
  const shown = running.adminToken === undefined || generatedToken(running, options);
  if (running.consoleUrl !== undefined) {
    rows.push(['Console', shown ? running.consoleUrl : running.consoleUrl.split('#', 1)[0]!]);
  } else {
    rows.push(['Console', 'off (--no-console)']);
  }
  if (running.adminToken !== undefined) {
    rows.push([
      'Admin token',
      shown
        ? `${running.adminToken}  (listening beyond loopback: send "Authorization: Bearer <token>")`
        : '(configured; not shown)',
    ]);
  }
  return rows;
}

/** The emulator made the token up (none was configured): it must be printed to be usable. */
function generatedToken(running: RunningEmulator, options: EmulatorOptions): boolean {
  return running.adminToken !== undefined && options.adminToken === undefined;
}

function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day(s)`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms} ms`;
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(0)} MiB` : `${bytes} bytes`;
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9_.\-/:@]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
