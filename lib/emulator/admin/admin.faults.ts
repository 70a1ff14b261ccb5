/**
 * The admin API of fault injection (`/_emulator/faults`), as plain status + JSON answers; the admin
 * HTTP layer does the reading and writing.
 *
 *   GET    /_emulator/faults        → { seed, rules: [...], injected: { total, byKind } }
 *   POST   /_emulator/faults        → 201 { id }      (body: a rule without id)
 *   DELETE /_emulator/faults        → { removed: n }  (every rule; counters stay)
 *   GET    /_emulator/faults/{id}   → the rule
 *   DELETE /_emulator/faults/{id}   → { removed: 1 }, or 404
 */
import type { FaultInjector } from '../faults/fault.injector.js';
import { FaultRuleError } from '../faults/fault-rule.validate.js';
import type { FaultRuleInput } from '../faults/fault.types.js';

export interface AdminAnswer {
  status: number;
  body: unknown;
}

export async function handleFaultsRequest(
  faults: FaultInjector,
  method: string,
  id: string | undefined,
  readBody: () => Promise<unknown>,
): Promise<AdminAnswer> {
  if (id === undefined) {
    switch (method) {
      case 'GET':
        return { status: 200, body: faults.stats() };
      case 'POST': {
        const rule = await readBody();
        try {
          return { status: 201, body: { id: faults.add(rule as FaultRuleInput) } };
        } catch (err) {
          if (!(err instanceof FaultRuleError)) throw err;
          return {
            status: 400,
            body: { error: { code: 'InvalidFaultRule', message: err.message, field: err.field } },
          };
        }
      }
      case 'DELETE': {
        const removed = faults.stats().rules.length;
        faults.clear();
        return { status: 200, body: { removed } };
      }
      default:
        return notAllowed('GET, POST or DELETE');
    }
  }
  const rule = faults.stats().rules.find((r) => r.id === id);
  if (method !== 'GET' && method !== 'DELETE') return notAllowed('GET or DELETE');
  if (rule === undefined) {
    return { status: 404, body: { error: { code: 'NotFound', message: `no fault rule "${id}"` } } };
  }
  if (method === 'GET') return { status: 200, body: rule };
  faults.remove(id);
  return { status: 200, body: { removed: 1 } };
}

function notAllowed(allowed: string): AdminAnswer {
  return { status: 405, body: { error: { code: 'MethodNotAllowed', message: `use ${allowed}` } } };
}
