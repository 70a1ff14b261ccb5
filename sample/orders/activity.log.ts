import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { MQContext } from '../../lib/index.js';

/** What a part of the app did with an order; the demo checks its expectations against these. */
export type ActivityKind =
  | 'notified'
  | 'charged'
  | 'charge-failed'
  | 'awaiting-transfer'
  | 'committed'
  | 'rolled-back'
  | 'checked'
  | 'shipped'
  | 'duplicate-ignored'
  | 'cancelled'
  | 'timeout-ignored'
  | 'timeline'
  | 'timeline-failed'
  | 'unknown-order'
  | 'gave-up';

export interface Activity {
  /** ms since the app started. */
  at: number;
  /** Who did it (a consumer, the producer, the checker). */
  actor: string;
  kind: ActivityKind;
  orderId: string;
  /** Delivery attempt (the broker's ConsumedTimes) when a consumer did it. */
  attempt?: number;
  /** The message a consumer was handling. */
  messageId?: string;
  text: string;
  /** Extra facts for the demo's checks (e.g. the customer and sequence of a timeline entry). */
  data?: Readonly<Record<string, string | number>>;
}

/**
 * The readable account of what the consumers did: one line per action on stdout, and the list the
 * demo checks. A real app would log or trace instead; the sample wants a story a person can read.
 */
@Injectable()
export class ActivityLog {
  readonly entries: Activity[] = [];
  /** Every entry as it is recorded. */
  readonly recorded$ = new Subject<Activity>();
  private readonly startedAt = Date.now();

  record(
    actor: string,
    kind: ActivityKind,
    orderId: string,
    text: string,
    ctx?: Pick<MQContext, 'attempt' | 'messageId'>,
    data?: Record<string, string | number>,
  ): void {
    const entry: Activity = { at: Date.now() - this.startedAt, actor, kind, orderId, text };
    if (ctx !== undefined) {
      entry.attempt = ctx.attempt;
      entry.messageId = ctx.messageId;
    }
    if (data !== undefined) entry.data = data;
    this.entries.push(entry);
    process.stdout.write(formatActivity(entry) + '\n');
    this.recorded$.next(entry);
  }

  of(kind: ActivityKind, orderId?: string): Activity[] {
    return this.entries.filter(
      (e) => e.kind === kind && (orderId === undefined || e.orderId === orderId),
    );
  }
}

export function formatActivity(entry: Activity): string {
  const time = `+${(entry.at / 1000).toFixed(2)}s`.padStart(8);
  const attempt = entry.attempt === undefined ? '' : ` (attempt ${entry.attempt})`;
  return `${time}  ${entry.actor.padEnd(13)} ${entry.orderId.padEnd(11)} ${entry.text}${attempt}`;
}
