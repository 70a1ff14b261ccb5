/**
 * Request-targets (path + raw query) exactly as they go on the wire and into the signature
 * (PROTOCOL.md §1.2–§1.5). Query order follows the Node SDK. Only `tag` is percent-encoded;
 * `consumer` and `ns` are validated to need no encoding, as every SDK sends them raw.
 */
import { MQ_LIMITS } from '../protocol/index.js';
import { MQInvalidArgumentError } from './client.errors.js';

export type ConsumeKind = 'normal' | 'order' | 'pop';
export type AckKind = 'ack' | 'commit' | 'rollback';

/**
 * `/topics/{topic}/messages`, cached per topic: publish/ack/consume repeat the same few topics, so a
 * hit skips both the validation and the encoding. Only validated topics are ever stored.
 */
export class TopicPathCache {
  private readonly paths = new Map<string, string>();

  constructor(private readonly validate: (topic: unknown) => string) {}

  get(topic: string): string {
    const cached = this.paths.get(topic);
    if (cached !== undefined) return cached;
    const path = '/topics/' + encodeURIComponent(this.validate(topic)) + '/messages';
    // Bounded: an app with unbounded distinct topics just stops benefiting from the cache.
    if (this.paths.size >= 1024) this.paths.clear();
    this.paths.set(topic, path);
    return path;
  }
}

export function publishTarget(path: string, ns: string): string {
  return ns.length === 0 ? path : path + '?ns=' + ns;
}

/** Node order: `consumer, ns, tag, numOfMessages, waitseconds[, trans=order]`; half: trans before numOfMessages. */
export function consumeTarget(
  path: string,
  group: string,
  ns: string,
  encodedTag: string | undefined,
  numOfMessages: number,
  waitSeconds: number,
  kind: ConsumeKind,
): string {
  let target = path + '?consumer=' + group;
  if (ns.length !== 0) target += '&ns=' + ns;
  if (kind === 'pop') target += '&trans=pop';
  else if (encodedTag !== undefined) target += '&tag=' + encodedTag;
  target += '&numOfMessages=' + numOfMessages;
  // waitseconds=0 means a short poll, like absent; Node omits it too (sent only when truthy).
  if (waitSeconds > 0) target += '&waitseconds=' + waitSeconds;
  if (kind === 'order') target += '&trans=order';
  return target;
}

export function ackTarget(path: string, group: string, ns: string, kind: AckKind): string {
  let target = path + '?consumer=' + group;
  if (ns.length !== 0) target += '&ns=' + ns;
  if (kind !== 'ack') target += '&trans=' + kind;
  return target;
}

/** The service refuses request lines over 1024 chars (`METHOD SP target SP HTTP/1.1`). */
export function checkRequestLine(method: string, target: string): void {
  const length = method.length + target.length + 10;
  if (length > MQ_LIMITS.maxRequestLineLength) {
    throw new MQInvalidArgumentError(
      'request',
      `request line would be ${length} characters; the service limit is ` +
        `${MQ_LIMITS.maxRequestLineLength} (shorten the topic, group, instance id or tag filter)`,
    );
  }
}
