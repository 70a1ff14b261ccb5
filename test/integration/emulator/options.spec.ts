/** startEmulator option validation, defaults, the config file loader and CLI argument parsing. */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEV_CREDENTIALS,
  EmulatorOptionsError,
  startEmulator,
} from '../../../lib/emulator/index.js';
import type { EmulatorOptions } from '../../../lib/emulator/index.js';
import { parseCliArgs } from '../../../lib/emulator/cli/cli.args.js';
import {
  EmulatorConfigFileError,
  loadEmulatorConfigFile,
} from '../../../lib/emulator/config/config-file.load.js';
import { sendRaw, signedRequestBytes } from './raw-http.helper.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mq-emulator-options-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('startEmulator options', () => {
  it('starts with the documented defaults', async () => {
    const emulator = await startEmulator();
    try {
      expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Number(new URL(emulator.endpoint).port)).toBeGreaterThan(0);
      expect(emulator.credentials).toEqual({
        accessKeyId: 'emulator',
        accessKeySecret: 'emulator-secret',
      });
      expect(emulator.credentials).toEqual(DEV_CREDENTIALS);
      expect(emulator.instanceId).toBe('MQ_INST_emulator');
      expect(Math.abs(emulator.admin.now() - Date.now())).toBeLessThan(60_000);
    } finally {
      await emulator.stop();
    }
  });

  it.each<[string, unknown, RegExp]>([
    ['port', { port: -1 }, /"port".*integer from 0 to 65535, got -1/],
    ['port', { port: '80' }, /"port"/],
    ['host', { host: '' }, /"host"/],
    ['clock', { clock: 'fast' }, /"clock".*"real", "virtual".*"fast"/],
    ['startTime', { startTime: 5 }, /"startTime".*virtual/],
    ['auth', { auth: 'maybe' }, /"auth"/],
    ['credentials', { credentials: [] }, /"credentials"/],
    [
      'credentials[0].accessKeySecret',
      { credentials: [{ accessKeyId: 'a' }] },
      /"credentials\[0\]\.accessKeySecret"/,
    ],
    [
      'credentials[1].accessKeyId',
      {
        credentials: [
          { accessKeyId: 'a', accessKeySecret: 's' },
          { accessKeyId: 'a', accessKeySecret: 't' },
        ],
      },
      /twice/,
    ],
    ['instanceId', { instanceId: 'bad id' }, /"instanceId"/],
    ['autoCreate', { autoCreate: 'no' }, /"autoCreate"/],
    ['topics[0].type', { topics: [{ name: 'T', type: 'weird' }] }, /"topics\[0\]\.type"/],
    ['topics[0].name', { topics: [{ name: 'a/b' }] }, /"topics\[0\]\.name"/],
    [
      'topics[1].name',
      { topics: [{ name: 'ok' }, { name: 'a b' }] },
      /"topics\[1\]\.name": topic "a b" can never be used: a topic name has 1-64 letters, digits/,
    ],
    ['topics[0].name', { topics: [{ name: 'orders.created' }] }, /topic "orders.created"/],
    [
      'groups[0].id',
      { groups: [{ id: 'GID a b' }] },
      /"groups\[0\]\.id": group "GID a b" can never be used/,
    ],
    ['topics[1].name', { topics: [{ name: 'T' }, { name: 'T' }] }, /declared twice/],
    ['groups[0].id', { groups: [{ id: '' }] }, /"groups\[0\]\.id"/],
    ['groups[0].fifo', { groups: [{ id: 'G', fifo: 'yes' }] }, /"groups\[0\]\.fifo"/],
    ['grpcPort', { grpcPort: 70_000 }, /"grpcPort".*integer from 0 to 65535/],
    ['grpcPort', { port: 9911, grpcPort: 9911 }, /"grpcPort": must differ from port/],
    ['timings.maxRetries', { timings: { maxRetries: -1 } }, /"timings\.maxRetries".*>= 0/],
    ['timings.invisibilityMs', { timings: { invisibilityMs: 0 } }, /"timings\.invisibilityMs"/],
    ['timings.bogus', { timings: { bogus: 1 } }, /"timings\.bogus"/],
    ['logger', { logger: 'console' }, /"logger"/],
    ['logLevel', { logLevel: 'trace' }, /"logLevel"/],
    [
      'timings.headersTimeoutMs',
      { timings: { headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 } },
      /must not exceed timings\.requestTimeoutMs/,
    ],
    ['maxRetainedMessages', { maxRetainedMessages: 0 }, /"maxRetainedMessages".*>= 1/],
    ['maxRetainedBytes', { maxRetainedBytes: 1.5 }, /"maxRetainedBytes"/],
    ['faults.rules', { faults: { rules: {} } }, /"faults\.rules": expected an array/],
    ['faults.color', { faults: { color: 'red' } }, /"faults\.color"/],
    ['prot', { prot: 1 }, /"prot": unknown option/],
  ])('rejects a bad %s with an error naming it', async (option, options, message) => {
    const error = await startEmulator(options as EmulatorOptions).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(EmulatorOptionsError);
    expect((error as EmulatorOptionsError).option).toBe(option);
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes a secret in an option error', async () => {
    const error = (await startEmulator({
      credentials: [{ accessKeyId: 'bad:id', accessKeySecret: 'super-secret-value' }],
    }).catch((err: unknown) => err)) as Error;
    expect(error.message).toContain('credentials[0].accessKeyId');
    expect(error.message).not.toContain('super-secret-value');
  });

  it('serves gRPC only when asked, and says clearly when the gRPC port is taken', async () => {
    const plain = await startEmulator();
    const withGrpc = await startEmulator({ grpcPort: 0 });
    try {
      expect(plain.grpcEndpoint).toBeUndefined();
      expect(withGrpc.grpcEndpoint).toMatch(/^127\.0\.0\.1:\d+$/);
      const taken = Number(withGrpc.grpcEndpoint!.split(':')[1]);
      // grpc-js reports the failed bind on its own logger (console.error) too.
      const grpcLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      await expect(startEmulator({ grpcPort: taken })).rejects.toThrow(
        `Emulator cannot listen for gRPC on 127.0.0.1:${taken}: the address is already in use`,
      );
      grpcLog.mockRestore();
    } finally {
      await plain.stop();
      await withGrpc.stop();
    }
  });

  it('says clearly when the port is taken', async () => {
    const first = await startEmulator();
    try {
      const port = Number(new URL(first.endpoint).port);
      await expect(startEmulator({ port })).rejects.toThrow(
        `Emulator cannot listen on 127.0.0.1:${port}: the address is already in use`,
      );
    } finally {
      await first.stop();
    }
  });

  it('accepts any of several configured credentials and reports the first', async () => {
    const emulator = await startEmulator({
      credentials: [
        { accessKeyId: 'first', accessKeySecret: 'one' },
        { accessKeyId: 'second', accessKeySecret: 'two' },
      ],
    });
    try {
      expect(emulator.credentials).toEqual({ accessKeyId: 'first', accessKeySecret: 'one' });
      const host = new URL(emulator.endpoint).host;
      const target = '/topics/creds/messages?consumer=GID_c&numOfMessages=1';
      const second = await sendRaw(
        emulator.endpoint,
        signedRequestBytes(
          { method: 'GET', target, accessKeyId: 'second', accessKeySecret: 'two' },
          host,
        ),
      );
      expect(second.status).toBe(404); // MessageNotExist: authenticated
      const dev = await sendRaw(
        emulator.endpoint,
        signedRequestBytes({ method: 'GET', target, ...DEV_CREDENTIALS }, host),
      );
      expect(dev.status).toBe(403); // the dev credentials are not accepted once others are configured
    } finally {
      await emulator.stop();
    }
  });

  it.each([
    ['warn', [], []],
    ['info', ['[info] GET /topics/levels/messages'], []],
    ['debug', ['[info] GET /topics/levels/messages'], ['[debug] SignatureDoesNotMatch']],
  ] as const)(
    'logLevel %s: which request and debug lines reach the logger',
    async (logLevel, info, debug) => {
      const lines: string[] = [];
      const emulator = await startEmulator({ logLevel, logger: (line) => lines.push(line) });
      try {
        const host = new URL(emulator.endpoint).host;
        const target = '/topics/levels/messages?consumer=GID_levels&numOfMessages=1';
        const request = { method: 'GET', target, accessKeyId: 'emulator', accessKeySecret: 'x' };
        const res = await sendRaw(emulator.endpoint, signedRequestBytes(request, host));
        expect(res.status).toBe(403);
        const prefixes = (prefix: string): string[] =>
          lines.filter((l) => l.startsWith(prefix)).map((l) => l.split(' ').slice(0, 3).join(' '));
        expect(prefixes('[info]').map((l) => l.replace(/\?.*/, ''))).toEqual(info);
        expect(prefixes('[debug]').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(debug);
      } finally {
        await emulator.stop();
      }
    },
  );

  it('keeps messages across a restart with dataDir', async () => {
    const dataDir = tempDir();
    const first = await startEmulator({ dataDir, auth: 'off' });
    const body = '<Message><MessageBody>durable</MessageBody></Message>';
    const published = await sendRaw(
      first.endpoint,
      `POST /topics/durable/messages HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(published.status).toBe(201);
    await first.stop();
    const second = await startEmulator({ dataDir, auth: 'off' });
    try {
      expect(second.admin.peek({ topic: 'durable', instanceId: '' }).map((m) => m.body)).toEqual([
        'durable',
      ]);
    } finally {
      await second.stop();
    }
  });
});

describe('config file', () => {
  it('loads every option and resolves a relative dataDir against the file', () => {
    const dir = tempDir();
    const file = join(dir, 'emulator.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 0,
        grpcPort: 0,
        clock: 'virtual',
        autoCreate: false,
        dataDir: 'data',
        topics: [{ name: 'orders', instanceId: 'MQ_INST_emulator', type: 'normal' }],
        groups: [{ id: 'GID_orders', instanceId: 'MQ_INST_emulator', fifo: true }],
        timings: { invisibilityMs: 5_000 },
      }),
    );
    const options = loadEmulatorConfigFile(file);
    expect(options).toMatchObject({
      grpcPort: 0,
      groups: [{ id: 'GID_orders', fifo: true }],
      clock: 'virtual',
      autoCreate: false,
      timings: { invisibilityMs: 5_000 },
    });
    expect(options.dataDir).toBe(join(dir, 'data'));
  });

  it.each([
    ['{ not json', /is not valid JSON/],
    ['[1, 2]', /must hold a JSON object/],
    ['{"timings":{"maxRetries":"many"}}', /"timings\.maxRetries"/],
    ['{"colour":"blue"}', /"colour": unknown option/],
  ])('names the file and the problem for %s', (text, message) => {
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, text);
    expect(() => loadEmulatorConfigFile(file)).toThrow(EmulatorConfigFileError);
    expect(() => loadEmulatorConfigFile(file)).toThrow(message);
    expect(() => loadEmulatorConfigFile(file)).toThrow(file);
  });

  it('reports a missing file', () => {
    expect(() => loadEmulatorConfigFile('/nonexistent/emulator.json')).toThrow(
      /emulator\.json: cannot be read \(ENOENT\)/,
    );
  });
});

describe('CLI arguments', () => {
  it('maps every flag onto the options (both --flag value and --flag=value)', () => {
    const command = parseCliArgs([
      '--port=0',
      '--grpc-port',
      '0',
      '--host',
      '0.0.0.0',
      '--data-dir',
      '/tmp/x',
      '--config',
      'c.json',
      '--access-key-id',
      'me',
      '--access-key-secret',
      's',
      '--instance-id',
      'MQ_INST_x',
      '--auth',
      'off',
      '--clock',
      'virtual',
      '--start-time',
      '2026-01-01T00:00:00Z',
      '--strict',
      '--invisibility-ms',
      '1',
      '--orderly-invisibility-ms',
      '2',
      '--half-invisibility-ms',
      '3',
      '--max-retries',
      '0',
      '--retention-ms',
      '5',
      '--half-max-age-ms',
      '6',
      '--max-date-skew-ms',
      '7',
      '--max-wait-seconds',
      '8',
      '--headers-timeout-ms',
      '9',
      '--request-timeout-ms',
      '10',
      '--max-retained-messages',
      '11',
      '--max-retained-bytes',
      '12',
      '--fault',
      'operation=ack,drop',
      '--fault',
      'delay=5',
      '--fault-seed',
      '13',
      '--ons-max-time-skew-ms',
      '14',
      '--quiet',
    ]);
    expect(command).toEqual({
      kind: 'run',
      configFile: 'c.json',
      quiet: true,
      verbose: false,
      options: {
        port: 0,
        grpcPort: 0,
        host: '0.0.0.0',
        dataDir: '/tmp/x',
        credentials: [{ accessKeyId: 'me', accessKeySecret: 's' }],
        instanceId: 'MQ_INST_x',
        auth: 'off',
        clock: 'virtual',
        startTime: Date.UTC(2026, 0, 1),
        autoCreate: false,
        maxRetainedMessages: 11,
        maxRetainedBytes: 12,
        faults: {
          seed: 13,
          rules: [
            { match: { operation: 'ack' }, action: { kind: 'drop' } },
            { match: {}, action: { kind: 'delay', ms: 5 } },
          ],
        },
        timings: {
          invisibilityMs: 1,
          orderlyInvisibilityMs: 2,
          halfInvisibilityMs: 3,
          maxRetries: 0,
          retentionMs: 5,
          halfMaxAgeMs: 6,
          maxDateSkewMs: 7,
          maxWaitSeconds: 8,
          headersTimeoutMs: 9,
          requestTimeoutMs: 10,
          onsMaxTimeSkewMs: 14,
        },
      },
    });
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['--bogus'], '--bogus: unknown flag'],
    [['stray'], 'stray: unexpected argument'],
    [['--port', 'abc'], '--port: expected a whole number, got "abc"'],
    [['--port', '70000'], '--port: must be 0-65535'],
    [['--port'], '--port: needs a value'],
    [['--port', '--quiet'], '--port: needs a value'],
    [['--port', '1', '--port', '2'], '--port: given more than once'],
    [['--auth', 'maybe'], '--auth: expected strict or off, got "maybe"'],
    [['--clock', 'fast'], '--clock: expected real or virtual'],
    [['--invisibility-ms', '0'], '--invisibility-ms: must be >= 1'],
    [['--max-retries', '-1'], '--max-retries: expected a whole number'],
    [['--access-key-id', 'me'], '--access-key-secret: is required'],
    [['--quiet=yes'], '--quiet: takes no value'],
    [['--quiet', '--verbose'], '--quiet: cannot be combined with --verbose'],
    [['--start-time', 'soon'], '--start-time: expected epoch ms or an ISO date'],
    [['--fault', 'operation=publish'], '--fault: action: is required'],
    [['--fault', 'trickle=0'], '--fault: action.intervalMs: expected an integer from 1'],
    [['--fault-seed', '-1'], '--fault-seed: expected a whole number'],
    [['--max-retained-messages', '0'], '--max-retained-messages: must be >= 1'],
  ])('%j → "%s"', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
