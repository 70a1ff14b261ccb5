/**
 * What the admin API and the console get from the emulator: its admin facade, settings, access
 * rules, the console's parts and live views of the fronts (endpoints, parked long polls, faults,
 * retention).
 */
import type { ActivityTap } from '../activity/activity.tap.js';
import type { RetentionStats } from '../broker/broker.retention.js';
import type { ConsoleAssets } from '../console/console.assets.js';
import type { EmulatorAdmin } from '../emulator.types.js';
import type { FaultInjector } from '../faults/fault.injector.js';
import type { AdminAccess } from './admin.access.js';
import type { LiveFeed } from './admin.events.js';

/** The console's parts; absent when the console is turned off. */
export interface ConsoleContext {
  tap: ActivityTap;
  feed: LiveFeed;
  assets: ConsoleAssets;
}

export interface AdminHttpContext {
  admin: EmulatorAdmin;
  instanceId: string;
  clockMode: 'real' | 'virtual';
  auth: 'strict' | 'off';
  access: AdminAccess;
  console: ConsoleContext | undefined;
  endpoint: () => string;
  /** `host:port` of the RocketMQ 5 gRPC front, when it runs. */
  grpcEndpoint?: () => string | undefined;
  /** Long polls parked right now. */
  longPolls: () => number;
  /** Requests the HTTP port has taken, by the way they were read (see http/fast-lane.ts). */
  httpRequests: () => { fastLane: number; nodeHttp: number };
  faults: FaultInjector;
  /** Retained messages and body bytes against the budget, and what it dropped. */
  retention: () => RetentionStats;
}
