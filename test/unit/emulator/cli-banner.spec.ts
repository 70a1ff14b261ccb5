import { describe, expect, it } from '@jest/globals';
import { formatBanner } from '../../../lib/emulator/cli/cli.banner.js';
import { FaultInjector } from '../../../lib/emulator/faults/fault.injector.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';

const running = {
  endpoint: 'http://127.0.0.1:9876',
  instanceId: 'MQ_INST_emulator',
  credentials: { accessKeyId: 'emulator', accessKeySecret: 'emulator-secret' },
  faults: new FaultInjector({ seed: 1 }),
} as unknown as RunningEmulator;

const LABELS = [
  'Endpoint',
  'Instance id',
  'AccessKeyId',
  'AccessKeySecret',
  'Auth',
  'Clock',
  'Storage',
  'Retention',
  'Topics/groups',
  'Faults',
  'Admin API',
];

/** Column where the value starts on each "  Label   value" row of the banner. */
function valueColumns(banner: string, labels: string[]): number[] {
  const lines = banner.split('\n');
  return labels.map((label) => {
    const line = lines.find((l) => l.startsWith(`  ${label} `));
    if (line === undefined) throw new Error(`no ${label} row in:\n${banner}`);
    const rest = line.slice(2 + label.length);
    return 2 + label.length + (rest.length - rest.trimStart().length);
  });
}

describe('emulator banner', () => {
  it.each([
    ['development credentials', {}, running, LABELS],
    [
      'configured credentials and a gRPC front',
      { auth: 'off' as const, clock: 'virtual' as const },
      {
        ...running,
        grpcEndpoint: '127.0.0.1:8081',
        credentials: { accessKeyId: 'ak', accessKeySecret: 'configured' },
      },
      [...LABELS, 'gRPC endpoint'],
    ],
  ])('aligns every value in one column (%s)', (_name, options, emulator, labels) => {
    const columns = valueColumns(
      formatBanner('1.2.3', emulator as RunningEmulator, options),
      labels,
    );
    expect(new Set(columns)).toEqual(new Set([18]));
  });

  it('lists the fault rules active from the start, with the seed, aligned too', () => {
    const faults = new FaultInjector({ seed: 42 });
    faults.add({ match: { operation: 'publish' }, count: 1, action: { kind: 'drop' } });
    const banner = formatBanner('1.2.3', { ...running, faults } as RunningEmulator, {});
    const lines = banner.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  Faults '));
    expect(lines[at]).toBe('  Faults          1 rule(s) ACTIVE, seed 42:');
    expect(lines[at + 1]).toBe(
      '                  f1 {"match":{"operation":"publish"},"count":1,"action":{"kind":"drop"}}',
    );
  });
});
