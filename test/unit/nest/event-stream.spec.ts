/**
 * `MQConsumerRegistry.events$` behaves as the rxjs Subject it replaces (multicast in subscription
 * order, unsubscribing, completion, late subscribers), and runners build no event while nobody
 * listens.
 */
import { describe, expect, it } from '@jest/globals';
import { Subject, type Observable } from 'rxjs';
import { RunnerEvents } from '../../../lib/nest/consumer/runner-events.js';
import type { MQEvent } from '../../../lib/nest/interfaces/mq-events.interface.js';
import { MQEventStream } from '../../../lib/nest/mq.event-stream.js';
import type { MQReceivedMessage } from '../../../lib/transport/index.js';

const noop = (): void => undefined;
const logger = { log: noop, error: noop, warn: noop };

function event(n: number): MQEvent {
  return { type: 'consumer.started', consumer: `c${n}`, topic: 't', group: 'g', at: n };
}

/** Runs the same script against a Subject and an MQEventStream; returns what each observer saw. */
function script(source: {
  next(e: MQEvent): void;
  complete(): void;
  asObservable(): Observable<MQEvent>;
}): string[] {
  const seen: string[] = [];
  const events$ = source.asObservable();
  const a = events$.subscribe({
    next: (e) => seen.push(`a:${e.consumer}`),
    complete: () => seen.push('a:complete'),
  });
  source.next(event(1));
  // b unsubscribes a while an event is being delivered; c comes and goes.
  const b = events$.subscribe((e) => {
    seen.push(`b:${e.consumer}`);
    if (e.consumer === 'c2') a.unsubscribe();
  });
  const c = events$.subscribe((e) => seen.push(`c:${e.consumer}`));
  source.next(event(2));
  c.unsubscribe();
  source.next(event(3));
  source.complete();
  source.next(event(4));
  events$.subscribe({ next: () => seen.push('late:next'), complete: () => seen.push('late:done') });
  b.unsubscribe();
  return seen;
}

describe('MQEventStream', () => {
  it('delivers, unsubscribes and completes exactly as a Subject', () => {
    const expected = script(new Subject<MQEvent>());
    expect(script(new MQEventStream())).toEqual(expected);
    expect(expected).toEqual(['a:c1', 'a:c2', 'b:c2', 'c:c2', 'b:c3', 'late:done']);
  });

  it('says whether anyone observes it', () => {
    const stream = new MQEventStream();
    expect(stream.observed).toBe(false);
    const subscription = stream.asObservable().subscribe(noop);
    expect(stream.observed).toBe(true);
    subscription.unsubscribe();
    expect(stream.observed).toBe(false);
  });

  it('a runner builds no event while nobody observes the stream', () => {
    const stream = new MQEventStream();
    const sent: MQEvent[] = [];
    const sink = {
      get observed() {
        return stream.observed;
      },
      next: (e: MQEvent) => sent.push(e),
    };
    const events = new RunnerEvents('c', 't', 'g', sink, logger);
    const message = { messageId: 'M', consumedTimes: 1 } as MQReceivedMessage;
    events.received(message);
    events.acked(message, true);
    expect(sent).toEqual([]);
    const subscription = stream.asObservable().subscribe(noop);
    events.received(message);
    events.acked(message, true);
    expect(sent.map((e) => e.type)).toEqual(['message.received', 'message.acked']);
    subscription.unsubscribe();
  });
});
