import type { MQEvent } from '../../lib/index.js';
import type { ActivityKind, ActivityLog } from '../orders/activity.log.js';
import type { Order } from '../orders/order.model.js';
import { GROUP } from '../orders/orders.topics.js';

/** One expectation of the demo: `problem()` is undefined when it holds, else what is wrong. */
export interface DemoCheck {
  label: string;
  problem(): string | undefined;
}

/** What the demo burst created, for the checks. */
export interface DemoRun {
  /** Card, small amount: charged on the first attempt. */
  smallCard: Order;
  /** Card, large amount: the gateway times out on attempt 1, attempt 2 succeeds. */
  largeCard: Order;
  /** Bank transfer that never arrives in time: cancelled by the timer message, late pay rolled back. */
  lateTransfer: Order;
  /** Bank transfer paid by a process that "crashes" before its commit: the checker commits it. */
  crashed: Order;
  /** A malformed "created" event from a legacy producer. */
  legacyMessageId: string;
  /** HTTP status of paying `lateTransfer` after its cancellation (expected 409). */
  latePayStatus?: number;
  /** Status changes published per customer (what the orderly timeline must show, in order). */
  publishedStatuses: ReadonlyMap<string, number>;
  /** `OrderStatusEvent.source` of this run's publisher (older runs' events are not counted). */
  statusSource: string;
}

export function buildChecks(
  run: DemoRun,
  activity: ActivityLog,
  events: readonly MQEvent[],
  paymentWindowMs: number,
  /** The broker's clock may differ from ours (0 with the embedded emulator: same clock). */
  clockToleranceMs: number,
): DemoCheck[] {
  const count = (kind: ActivityKind, order: Order): number => activity.of(kind, order.id).length;
  const once = (kind: ActivityKind, order: Order, attempt?: number): string | undefined => {
    const found = activity.of(kind, order.id);
    if (found.length !== 1) return `expected one "${kind}", saw ${found.length}`;
    if (attempt !== undefined && found[0]!.attempt !== attempt) {
      return `expected attempt ${attempt}, was attempt ${found[0]!.attempt}`;
    }
    return undefined;
  };
  const never = (kind: ActivityKind, order: Order): string | undefined =>
    count(kind, order) === 0 ? undefined : `expected no "${kind}", saw ${count(kind, order)}`;
  const all = (...problems: (string | undefined)[]): string | undefined =>
    problems.filter((p) => p !== undefined).join('; ') || undefined;

  const { smallCard, largeCard, lateTransfer, crashed } = run;
  const checks: DemoCheck[] = [];
  for (const order of [crashed, smallCard, largeCard, lateTransfer]) {
    checks.push({
      label: `${order.id}: "created" validated and confirmed once (notifications)`,
      problem: () => once('notified', order, 1),
    });
  }
  checks.push(
    {
      label: `${smallCard.id}: card charged on attempt 1, "paid" committed, shipped once`,
      problem: () =>
        all(
          once('charged', smallCard, 1),
          never('charge-failed', smallCard),
          once('committed', smallCard),
          once('shipped', smallCard),
        ),
    },
    {
      label: `${largeCard.id}: gateway timeout on attempt 1 (filter, no ack), charged on attempt 2, shipped once`,
      problem: () =>
        all(
          once('charge-failed', largeCard, 1),
          once('charged', largeCard, 2),
          once('committed', largeCard),
          once('shipped', largeCard),
        ),
    },
    {
      label: `${lateTransfer.id}: no payment; the timer message cancels it after the payment window`,
      problem: () => {
        const cancelled = activity.of('cancelled', lateTransfer.id);
        if (cancelled.length !== 1) return `expected one "cancelled", saw ${cancelled.length}`;
        return all(once('awaiting-transfer', lateTransfer, 1), never('charged', lateTransfer));
      },
    },
    {
      label: `${lateTransfer.id}: paying after the cancellation answers 409, "paid" rolled back, never shipped`,
      problem: () =>
        all(
          run.latePayStatus === 409
            ? undefined
            : `POST /orders/${lateTransfer.id}/pay answered ${run.latePayStatus ?? 'nothing yet'}`,
          once('rolled-back', lateTransfer),
          never('committed', lateTransfer),
          never('shipped', lateTransfer),
        ),
    },
    {
      label: `${crashed.id}: commit lost in a "crash"; the transaction checker commits it, shipped once`,
      problem: () => {
        const checked = activity.of('checked', crashed.id);
        if (checked.length === 0) return 'the checker was not asked yet';
        if (checked.some((c) => c.data?.decision !== 'commit'))
          return 'the checker did not answer commit';
        return once('shipped', crashed);
      },
    },
    {
      label: `timer messages: all 4 orders' payment windows (${paymentWindowMs / 1000} s) reported, only ${lateTransfer.id} cancelled`,
      problem: () =>
        all(
          ...[smallCard, largeCard, crashed].map((o) => once('timeout-ignored', o)),
          once('cancelled', lateTransfer),
          tooEarly(activity, paymentWindowMs, clockToleranceMs),
        ),
    },
    {
      label: `malformed "created" event: rejected by ValidationPipe and dropped (acked) by both consumers, handlers never ran`,
      problem: () => {
        const acked = events.filter(
          (e) => e.type === 'message.acked' && e.messageId === run.legacyMessageId,
        );
        const groups = new Set(acked.map((e) => e.group));
        return all(
          groups.has(GROUP.notifications) ? undefined : 'notifications did not ack it',
          groups.has(GROUP.payments) ? undefined : 'payments did not ack it',
          activity.entries.some((e) => e.messageId === run.legacyMessageId)
            ? 'a handler ran for it'
            : undefined,
        );
      },
    },
    {
      label: `orderly: ${largeCard.id}'s "paid" fails once (receipt not ready); its "shipped" waits for the retry`,
      problem: () => {
        const failed = once('timeline-failed', largeCard, 1);
        if (failed !== undefined) return failed;
        const entries = activity
          .of('timeline', largeCard.id)
          .map((e) => `${e.data?.status}@${e.attempt}`);
        const expected = ['created@1', 'paid@2', 'shipped@1'];
        return entries.join() === expected.join()
          ? undefined
          : `timeline of ${largeCard.id} was ${entries.join(', ') || 'empty'}, expected ${expected.join(', ')}`;
      },
    },
    {
      label: 'orderly timeline: every customer sees its status changes once, in publish order',
      problem: () => timelineProblem(activity, run.publishedStatuses, run.statusSource),
    },
  );
  return checks;
}

/** A timer message delivered before its time would be a bug. */
function tooEarly(
  activity: ActivityLog,
  paymentWindowMs: number,
  clockToleranceMs: number,
): string | undefined {
  const early = [...activity.of('cancelled'), ...activity.of('timeout-ignored')].filter(
    (e) => Number(e.data?.sinceOrderMs) < paymentWindowMs - clockToleranceMs,
  );
  return early.length === 0 ? undefined : `${early.length} timer message(s) delivered early`;
}

function timelineProblem(
  activity: ActivityLog,
  published: ReadonlyMap<string, number>,
  source: string,
): string | undefined {
  const byCustomer = new Map<string, number[]>();
  for (const entry of activity.of('timeline')) {
    if (entry.data?.source !== source) continue;
    const customer = String(entry.data?.customerId);
    const list = byCustomer.get(customer) ?? [];
    list.push(Number(entry.data?.seq));
    byCustomer.set(customer, list);
  }
  const problems: string[] = [];
  for (const [customer, total] of published) {
    const seen = byCustomer.get(customer) ?? [];
    const expected = Array.from({ length: total }, (_, i) => i + 1);
    if (seen.join(',') !== expected.join(',')) {
      problems.push(
        `${customer}: saw #${seen.join(',#') || 'none'}, expected #${expected.join(',#')}`,
      );
    }
  }
  return problems.join('; ') || undefined;
}
