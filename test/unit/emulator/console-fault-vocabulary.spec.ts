/**
 * The console's fault form offers exactly what the emulator accepts: fronts, operations, action
 * kinds, the longest delay, the code shape, and per front suggested codes that front takes, with
 * the status the emulator fills in. A front that adds an operation (FAULT_OPERATIONS) must add it to the form too.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { MQ_ERRORS } from '../../../lib/protocol/index.js';
import {
  MAX_FAULT_MS,
  validateFaultRule,
} from '../../../lib/emulator/faults/fault-rule.validate.js';
import {
  FAULT_FRONTS,
  FAULT_KINDS,
  FAULT_OPERATIONS,
} from '../../../lib/emulator/faults/fault.types.js';

/** The browser module (plain JavaScript, type-checked with the console's own tsconfig). */
interface Vocabulary {
  FRONTS: { value: string; label: string }[];
  OPERATIONS: string[];
  ACTIONS: { value: string; label: string; hint: string }[];
  SUGGESTED_CODES: Record<string, { code: string; status?: number; only?: string }[]>;
  MAX_FAULT_MS: number;
  CODE_PATTERN: RegExp;
}
const VOCABULARY: string = '../../../lib/emulator/console/ui/fault.vocabulary.js';
let ui: Vocabulary;
beforeAll(async () => {
  ui = (await import(VOCABULARY)) as Vocabulary;
});

describe('console fault vocabulary', () => {
  it('lists the fronts, operations and action kinds of the fault layer, in its order', () => {
    expect(ui.FRONTS.map((f) => f.value)).toEqual([...FAULT_FRONTS]);
    expect(ui.OPERATIONS).toEqual([...FAULT_OPERATIONS]);
    expect(ui.ACTIONS.map((a) => a.value)).toEqual([...FAULT_KINDS]);
    expect(ui.MAX_FAULT_MS).toBe(MAX_FAULT_MS);
  });

  it('suggests for each front codes it takes, with the status the emulator fills in', () => {
    expect(Object.keys(ui.SUGGESTED_CODES)).toEqual([...FAULT_FRONTS]);
    for (const [front, codes] of Object.entries(ui.SUGGESTED_CODES)) {
      for (const { code, status, only } of codes) {
        const match = { front, ...(only !== undefined ? { operation: only } : {}) };
        const rule = validateFaultRule({ match, action: { kind: 'error', code } });
        const filled = rule.action as { code: string; status?: number };
        expect([front, filled.code, filled.status]).toEqual([front, code, status]);
        // Offered for a rule on any front too, unless it needs its front's operation.
        if (only === undefined) {
          expect(() => validateFaultRule({ action: { kind: 'error', code } })).not.toThrow();
        }
      }
    }
    expect(
      ui.SUGGESTED_CODES.http!.map((c) => MQ_ERRORS[c.code as keyof typeof MQ_ERRORS]?.status),
    ).toEqual(ui.SUGGESTED_CODES.http!.map((c) => c.status));
  });

  it('checks a code’s shape as the server does', () => {
    for (const code of [
      'InternalError',
      'A',
      'My.Code_2',
      'x'.repeat(64),
      '',
      '1Abc',
      'a-b',
      'x'.repeat(65),
    ]) {
      let server = true;
      try {
        validateFaultRule({ action: { kind: 'error', code, status: 500 } });
      } catch {
        server = false;
      }
      expect([code, ui.CODE_PATTERN.test(code)]).toEqual([code, server]);
    }
  });
});
