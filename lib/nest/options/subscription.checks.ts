import { MQInvalidArgumentError } from '../../client/client.errors.js';
import {
  checkGroup,
  checkIdChars,
  checkTopic,
  consumeTagExpression,
} from '../../client/client.validation.js';
import { checkRequestLine, consumeTarget } from '../../client/request.target.js';

type Fail = (option: string, problem: string) => never;

/** Runs one of the client's argument checks, reporting its complaint as an option error. */
function viaClient(fail: Fail, check: () => void): void {
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
 * The checks the client would make on the first poll, made at bootstrap instead, so that a bad
 * topic, group, tag or an over-long request line fails the application start, not a poll loop.
 */
export function checkSubscription(
  fail: Fail,
  topic: string,
  group: string,
  tags: string[] | undefined,
  instanceId: string | undefined,
  kind: 'normal' | 'order' | 'pop',
): void {
  viaClient(fail, () => checkTopic(topic));
  viaClient(fail, () => checkGroup(group));
  let expression: string | undefined;
  viaClient(fail, () => {
    expression = consumeTagExpression(tags);
  });
  viaClient(fail, () => {
    const ns = instanceId ?? '';
    if (ns.length > 0) checkIdChars(ns, 'instanceId');
    const path = '/topics/' + encodeURIComponent(topic) + '/messages';
    const tag = expression === undefined ? undefined : encodeURIComponent(expression);
    checkRequestLine('GET', consumeTarget(path, group, ns, tag, 16, 30, kind));
  });
}
