/**
 * Topic, group and tag names of the sample. On the cloud they must exist before the app starts
 * (console: topics with these types; groups as HTTP groups on 4.x, on 5.x the timeline group with
 * ordered delivery); the embedded emulator declares them.
 */
export const TOPIC = {
  /** Normal topic: order lifecycle events, one tag per event. */
  orders: 'orders',
  /** Orderly (partitioned) topic: per-customer status changes, sharding key = customer id. */
  orderly: 'orders-orderly',
  /** Transactional topic: "order paid", visible only once the local payment is committed. */
  tx: 'orders-tx',
  /** Delay (timer) topic: "payment window over" checks. */
  timeout: 'orders-timeout',
} as const;

export const GROUP = {
  notifications: 'GID_orders_notifications',
  payments: 'GID_orders_payments',
  timeline: 'GID_orders_timeline',
  timeouts: 'GID_orders_timeouts',
  fulfilment: 'GID_orders_fulfilment',
  /** The transaction producer's group: commit/rollback and the broker's checks use it. */
  tx: 'GID_orders_tx',
} as const;

/** Groups of orderly consumers: on RocketMQ 5 they must be FIFO groups (ordered delivery). */
export const FIFO_GROUPS: ReadonlySet<string> = new Set([GROUP.timeline]);

export const TAG = {
  created: 'created',
  paid: 'paid',
} as const;

/** The topic types the cloud console needs (and the embedded emulator enforces). */
export const TOPIC_TYPES = [
  { name: TOPIC.orders, type: 'normal' },
  { name: TOPIC.orderly, type: 'orderly' },
  { name: TOPIC.tx, type: 'transactional' },
  { name: TOPIC.timeout, type: 'delay' },
] as const;
