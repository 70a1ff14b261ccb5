import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The public option interfaces whose every property the README must name, by file. */
const DOCUMENTED: Record<string, string[]> = {
  'lib/nest/interfaces/mq-module-options.interface.ts': [
    'MQModuleOptions',
    'MQModuleExtras',
    'MQModuleAsyncOptions',
  ],
  'lib/nest/interfaces/mq-consumer-options.interface.ts': ['MQConsumerOptions'],
  'lib/nest/interfaces/mq-transaction-checker-options.interface.ts': [
    'MQTransactionCheckerOptions',
  ],
  'lib/nest/interfaces/mq-publish-options.interface.ts': [
    'MQPublishOptions',
    'MQTransactionalPublishOptions',
  ],
  'lib/nest/interfaces/mq-retry-options.interface.ts': ['MQRetryOptions'],
  'lib/nest/context/mq.context.ts': ['MQContext'],
  'lib/nest/context/mq-batch.context.ts': ['MQBatchContext'],
  'lib/client/client.types.ts': ['MQClientOptions'],
  'lib/client/ons/ons.types.ts': ['OnsHttpClientOptions', 'OnsCallOptions', 'OnsPublishInput'],
  'lib/emulator/emulator.types.ts': ['EmulatorOptions', 'EmulatorTimings'],
  'lib/terminus/mq-health.options.ts': ['MQHealthModuleOptions', 'MQHealthCheckOptions'],
};

/** Property names of `interfaceName` declared in `file` (read from the source, not hand-copied). */
function propertiesOf(file: string, interfaceName: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
  );
  const names: string[] = [];
  let found = false;
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== interfaceName) return;
    found = true;
    for (const member of node.members) {
      if (ts.isPropertySignature(member) && ts.isIdentifier(member.name)) {
        names.push(member.name.text);
      }
    }
  });
  if (!found) throw new Error(`${file}: no interface ${interfaceName}`);
  return names;
}

/** True when README shows `name` as code: `name`, `x.name`, `name.x`, `name: …` inside backticks. */
function documented(name: string): boolean {
  return new RegExp('`[^`\\n]*\\b' + name + '\\b[^`\\n]*`').test(README);
}

describe('README documents every public option', () => {
  for (const [file, interfaces] of Object.entries(DOCUMENTED)) {
    for (const name of interfaces) {
      it(`${name} (${file})`, () => {
        const properties = propertiesOf(file, name);
        expect(properties.length).toBeGreaterThan(0);
        expect(properties.filter((property) => !documented(property))).toEqual([]);
      });
    }
  }
});
