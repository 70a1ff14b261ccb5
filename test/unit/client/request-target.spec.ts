import { describe, expect, it } from '@jest/globals';
import {
  TopicPathCache,
  ackTarget,
  checkRequestLine,
  consumeTarget,
  publishTarget,
} from '../../../lib/client/request.target.js';
import { MQInvalidArgumentError } from '../../../lib/client/client.errors.js';
import { checkTopic } from '../../../lib/client/client.validation.js';

describe('request targets', () => {
  const path = new TopicPathCache(checkTopic).get('T1');

  it('builds the topic path with the topic percent-encoded', () => {
    expect(path).toBe('/topics/T1/messages');
    expect(new TopicPathCache((t) => t as string).get('a b')).toBe('/topics/a%20b/messages');
    expect(new TopicPathCache(checkTopic).get('%DLQ%G')).toBe('/topics/%25DLQ%25G/messages');
  });

  it('validates a topic on first use only and never caches an invalid one', () => {
    let calls = 0;
    const cache = new TopicPathCache((t) => {
      calls++;
      return checkTopic(t);
    });
    cache.get('T1');
    cache.get('T1');
    expect(calls).toBe(1);
    expect(() => cache.get('a/b')).toThrow(MQInvalidArgumentError);
    expect(() => cache.get('a/b')).toThrow(MQInvalidArgumentError);
    expect(calls).toBe(3);
  });

  it('publish carries ns only when non-empty', () => {
    expect(publishTarget(path, '')).toBe('/topics/T1/messages');
    expect(publishTarget(path, 'MQ_INST_1_abc')).toBe('/topics/T1/messages?ns=MQ_INST_1_abc');
  });

  it('consume follows the Node SDK order (PROTOCOL.md §3.2 V2 resource)', () => {
    expect(consumeTarget(path, 'GID_1', 'MQ_INST_1_abc', 'TagA%7C%7CTagB', 3, 3, 'normal')).toBe(
      '/topics/T1/messages?consumer=GID_1&ns=MQ_INST_1_abc&tag=TagA%7C%7CTagB&numOfMessages=3&waitseconds=3',
    );
  });

  it('orderly appends trans=order; half puts trans=pop before numOfMessages and drops the tag', () => {
    expect(consumeTarget(path, 'G', '', undefined, 16, 30, 'order')).toBe(
      '/topics/T1/messages?consumer=G&numOfMessages=16&waitseconds=30&trans=order',
    );
    expect(consumeTarget(path, 'G', 'N', 'X', 2, 5, 'pop')).toBe(
      '/topics/T1/messages?consumer=G&ns=N&trans=pop&numOfMessages=2&waitseconds=5',
    );
  });

  it('a short poll (waitSeconds 0) omits waitseconds', () => {
    expect(consumeTarget(path, 'G', '', undefined, 1, 0, 'normal')).toBe(
      '/topics/T1/messages?consumer=G&numOfMessages=1',
    );
  });

  it('ack / commit / rollback', () => {
    expect(ackTarget(path, 'G', '', 'ack')).toBe('/topics/T1/messages?consumer=G');
    expect(ackTarget(path, 'G', 'N', 'commit')).toBe(
      '/topics/T1/messages?consumer=G&ns=N&trans=commit',
    );
    expect(ackTarget(path, 'G', '', 'rollback')).toBe(
      '/topics/T1/messages?consumer=G&trans=rollback',
    );
  });

  it('rejects a request line over 1024 characters and accepts exactly 1024', () => {
    // 'GET ' + target + ' HTTP/1.1' = 3 + 1 + n + 9
    const ok = '/' + 'a'.repeat(1024 - 13 - 1);
    expect(() => checkRequestLine('GET', ok)).not.toThrow();
    const err = (() => {
      try {
        checkRequestLine('GET', ok + 'a');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(MQInvalidArgumentError);
    expect((err as MQInvalidArgumentError).message).toMatch(/1025 characters.*1024/);
  });
});
