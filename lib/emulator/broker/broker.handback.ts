/**
 * Handing deliveries back: a delivery whose answer never reached the client (it left before the
 * response was written) is undone, so its message does not sit out the invisibility window.
 */
import type { BrokerEvent } from '../store/store.js';
import { BrokerMaintenance } from './broker.maintenance.js';
import type { Message } from './broker.state.js';
import { offer } from './subscription.views.js';

export abstract class BrokerHandback extends BrokerMaintenance {
  /**
   * Deliveries whose answer never reached the client (it left before the response was written):
   * each message is ready again at once and the attempt is not counted, as if it had never been
   * handed out. Unknown or settled handles and publish handles are ignored. Returns how many.
   */
  protected releaseUndelivered(handles: readonly string[]): number {
    let released = 0;
    for (const h of handles) {
      const d = this.handles.get(h);
      if (d === undefined || !d.active) continue;
      const m = d.msg;
      if (d.sub === undefined) {
        // A half message's check; its publish handle is not a delivery.
        if (m.halfDelivery !== d) continue;
        this.settleDelivery(d);
        m.halfDelivery = undefined;
        if (--m.halfChecks === 0) m.halfFirstCheck = 0;
        if (this.logging)
          this.pendingLog.push(undelivered(m, undefined, m.halfChecks, m.halfFirstCheck, 'half'));
        if (m.state === 'half') this.queueHalfCheck(m);
      } else {
        const sub = d.sub;
        const sm = d.subMsg!;
        this.settleDelivery(d);
        if (--sm.consumedTimes === 0) sm.firstConsumeTime = 0;
        if (this.logging) {
          this.pendingLog.push(
            undelivered(
              m,
              sub.group.id,
              sm.consumedTimes,
              sm.firstConsumeTime,
              d.kind === 'orderly' ? 'orderly' : 'normal',
            ),
          );
        }
        // Orderly messages stay in their partition's outstanding list and go out again first.
        if (d.kind === 'normal' && m.state === 'live' && !sm.done) offer(sub, m, true);
        if (d.partition !== undefined) this.releasePartition(sub, d.partition);
        else this.wake(sub);
      }
      this.due.noteSettledEarly();
      released++;
    }
    if (this.logging) this.flushLog();
    return released;
  }
}

/** Replays as "counters only, no delivery in flight" (see applyDelivered). */
function undelivered(
  m: Message,
  group: string | undefined,
  n: number,
  first: number,
  kind: 'normal' | 'orderly' | 'half',
): BrokerEvent {
  return {
    t: 'dlv',
    ns: m.topic.ns,
    topic: m.topic.name,
    g: group,
    id: m.id,
    h: '',
    next: 0,
    n,
    first,
    kind,
  };
}
