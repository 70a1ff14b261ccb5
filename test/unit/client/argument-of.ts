import { MQInvalidArgumentError } from '../../../lib/client/client.errors.js';

/** The `argument` named by the MQInvalidArgumentError that `fn` throws; undefined when it does not throw. */
export function argumentOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof MQInvalidArgumentError) return err.argument;
    throw err;
  }
  return undefined;
}
