import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the MQ front's checks read of a request (method, target, headers): node:http's
 * IncomingMessage is one, the fast lane's parsed head (fast-lane.head.ts) another.
 */
export interface RequestHead {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}
