// @ts-check
/**
 * The fault rule a form describes, as the admin API takes it, or the mistakes in it. The page
 * checks shapes and ranges (so a typo costs no round trip); which error codes are the protocol's
 * own, and anything else only the emulator knows, it leaves to the emulator's 400 answer.
 */
import { chosen } from './form.fields.js';
import { CODE_PATTERN, MAX_FAULT_MS } from './fault.vocabulary.js';

const MAX_INT = 2 ** 31 - 1;
/** Instance select values: absent, an exact id after '=', or a typed one. */
export const ANY = '*';
export const OTHER = 'other';

/** @typedef {import('./form.fields.js').FieldError} FieldError */

/**
 * The rule the form describes, or the mistakes in it (page checks: shapes and ranges).
 * @param {HTMLFormElement} form
 * @param {string} instanceChoice
 * @returns {{ rule: any, errors: FieldError[] }}
 */
export function readRule(form, instanceChoice) {
  const text = (/** @type {string} */ id) =>
    /** @type {HTMLInputElement} */ (form.querySelector(`#${id}`)).value.trim();
  /** @type {FieldError[]} */
  const errors = [];
  /** @type {Record<string, unknown>} */
  const match = {};
  const front = text('fault-front');
  const operation = text('fault-operation');
  if (front !== '') match.front = front;
  if (operation !== '') match.operation = operation;
  if (text('fault-topic') !== '') match.topic = text('fault-topic');
  if (text('fault-group') !== '') match.group = text('fault-group');
  if (instanceChoice === OTHER) {
    if (text('fault-instance-other') === '') {
      errors.push({
        path: 'match.instanceId',
        message: 'Enter an instance id, or choose the default instance.',
      });
    } else match.instanceId = text('fault-instance-other');
  } else if (instanceChoice !== ANY) match.instanceId = instanceChoice.slice(1);

  /** @type {Record<string, unknown>} */
  const rule = { match };
  const probability = text('fault-probability');
  if (probability !== '') {
    const p = Number(probability);
    if (!(p > 0 && p <= 1)) {
      errors.push({
        path: 'probability',
        message: 'Enter a number greater than 0 and at most 1, such as 0.25.',
      });
    } else rule.probability = p;
  }
  const count = integer(text('fault-count'), 'count', 1, MAX_INT, errors, false);
  if (count !== undefined) rule.count = count;
  const after = integer(text('fault-after'), 'after', 0, MAX_INT, errors, false);
  if (after !== undefined) rule.after = after;

  const kind = chosen(form, 'kind');
  /** @type {Record<string, unknown>} */
  const action = { kind };
  switch (kind) {
    case 'error': {
      const code = text('fault-code');
      if (!CODE_PATTERN.test(code)) {
        errors.push({
          path: 'action.code',
          message:
            code === ''
              ? 'Enter an error code, such as InternalError.'
              : 'A code starts with a letter and has only letters, digits, "_" and "." (64 at most).',
        });
      }
      action.code = code;
      const status = integer(text('fault-status'), 'action.status', 400, 599, errors, false);
      if (status !== undefined) action.status = status;
      if (text('fault-message') !== '') action.message = text('fault-message');
      break;
    }
    case 'delay':
      action.ms = integer(text('fault-ms'), 'action.ms', 1, MAX_FAULT_MS, errors, true);
      break;
    case 'reset':
      action.when = chosen(form, 'when');
      if (action.when === '')
        errors.push({ path: 'action.when', message: 'Choose before or after.' });
      break;
    case 'trickle':
      action.intervalMs = integer(
        text('fault-interval'),
        'action.intervalMs',
        1,
        MAX_FAULT_MS,
        errors,
        true,
      );
      break;
    case 'drop':
    case 'stall':
      break;
    default:
      errors.push({ path: 'action.kind', message: 'Choose what happens.' });
  }
  rule.action = action;
  return { rule, errors };
}

/**
 * @param {string} value
 * @param {string} path
 * @param {number} min
 * @param {number} max
 * @param {FieldError[]} errors
 * @param {boolean} required
 */
function integer(value, path, min, max, errors, required) {
  if (value === '') {
    if (required) errors.push({ path, message: `Enter a whole number from ${min} to ${max}.` });
    return undefined;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    errors.push({ path, message: `Enter a whole number from ${min} to ${max}.` });
    return undefined;
  }
  return n;
}
