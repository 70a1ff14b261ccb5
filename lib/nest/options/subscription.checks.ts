import {
  MQInvalidArgumentError,
  type MQSubscriptionCheck,
  type MQTransportDriver,
} from '../../transport/index.js';

type Fail = (option: string, problem: string) => never;

/**
 * Runs one of the transport's argument checks, reporting its complaint as an option error naming
 * the option at fault.
 */
export function viaTransport(fail: Fail, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof MQInvalidArgumentError)) throw error;
    const prefix = `${error.argument}: `;
    const problem = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    fail(error.argument === 'request' ? 'tag' : error.argument, problem);
  }
}

/**
 * The checks the transport would make on the first poll, made at bootstrap instead, so that a bad
 * topic, group, tag or an over-long request line fails the application start, not a poll loop.
 */
export function checkSubscription(
  fail: Fail,
  driver: MQTransportDriver,
  subscription: MQSubscriptionCheck,
): void {
  viaTransport(fail, () => driver.checkSubscription(subscription));
}
