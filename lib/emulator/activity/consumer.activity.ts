/**
 * Consumers seen recently, for the admin API and the console. Protocol-neutral: every front (MQ
 * HTTP, gRPC, ONS) calls `recordPoll` when a consume request arrives and the function it returns
 * when the request is answered. Bounded: at most `maxEntries` (the least recently seen goes), and
 * entries idle for longer than `idleForgetMs` are forgotten when listed. Times are wall-clock
 * (liveness of a client is about real time, even when the broker runs on a virtual clock).
 */

export type ConsumerProtocol = 'http' | 'grpc' | 'ons';

export interface PollSeen {
  protocol: ConsumerProtocol;
  /** Who polls, as the front knows it: HTTP: the client's address; gRPC: its client id. */
  clientId: string;
  instanceId: string;
  topic: string;
  group: string;
  /** Client software, e.g. the User-Agent header (optional). */
  agent?: string;
}

export interface ConsumerSeen extends PollSeen {
  firstSeen: number;
  /** Wall-clock time of the last consume request. */
  lastPoll: number;
  polls: number;
  /** Consume requests of this consumer being served right now (parked long polls). */
  waiting: number;
}

export const DEFAULT_MAX_CONSUMERS = 1_000;
export const DEFAULT_IDLE_FORGET_MS = 60 * 60_000;
const MAX_AGENT_LENGTH = 120;

export class ConsumerActivity {
  private readonly entries = new Map<string, ConsumerSeen>();

  constructor(
    private readonly maxEntries = DEFAULT_MAX_CONSUMERS,
    private readonly idleForgetMs = DEFAULT_IDLE_FORGET_MS,
    private readonly wallClock: () => number = Date.now,
  ) {}

  /** A consume request arrived. Call the returned function once when it has been answered. */
  recordPoll(poll: PollSeen): () => void {
    const agent =
      poll.agent === undefined || poll.agent.length <= MAX_AGENT_LENGTH
        ? poll.agent
        : poll.agent.slice(0, MAX_AGENT_LENGTH);
    const key = `${poll.protocol}\n${poll.instanceId}\n${poll.topic}\n${poll.group}\n${poll.clientId}\n${agent ?? ''}`;
    const now = this.wallClock();
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {
        protocol: poll.protocol,
        clientId: poll.clientId,
        instanceId: poll.instanceId,
        topic: poll.topic,
        group: poll.group,
        ...(agent !== undefined ? { agent } : {}),
        firstSeen: now,
        lastPoll: now,
        polls: 0,
        waiting: 0,
      };
    }
    // Re-inserted so that the map stays ordered by last poll (the first key is the stalest).
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    entry.lastPoll = now;
    entry.polls++;
    entry.waiting++;
    const seen = entry;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      seen.waiting--;
    };
  }

  /** Most recent first; forgets entries idle for longer than idleForgetMs. */
  list(): ConsumerSeen[] {
    const now = this.wallClock();
    const out: ConsumerSeen[] = [];
    for (const [key, e] of this.entries) {
      if (e.waiting === 0 && now - e.lastPoll > this.idleForgetMs) {
        this.entries.delete(key);
        continue;
      }
      out.push({ ...e });
    }
    return out.reverse();
  }

  clear(): void {
    this.entries.clear();
  }
}
