/**
 * What the gRPC front knows about clients: the settings each one sent on its Telemetry stream (the
 * proxy keeps them per client id until NotifyClientTermination), the live stream itself (where
 * server commands such as transaction checks go), and which producers publish to which topic.
 * Bounded: past MAX_CLIENTS the oldest client record is dropped (its stream ended).
 */
import { status as GrpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Settings, TelemetryCommand } from '../../protocol-grpc/index.js';

export type TelemetryCall = ServerDuplexStream<TelemetryCommand, TelemetryCommand>;

export interface ClientRecord {
  readonly clientId: string;
  ns: string;
  /** The client's own settings, as last sent. */
  settings: Settings;
  role: 'producer' | 'consumer';
  /** Consumers: their group. */
  group: string | undefined;
  /** Producers: topics they publish to (from settings, and every topic they sent to). */
  readonly topics: Set<string>;
  /** The live Telemetry stream, if any. */
  stream: TelemetryCall | undefined;
}

const MAX_CLIENTS = 10_000;
/** Topics one producer may be registered for (each topic with producers runs one check loop). */
const MAX_TOPICS_PER_PRODUCER = 1024;
/** Commands a client has not read yet; past this its stream is ended (a client that never reads). */
const MAX_PENDING_COMMANDS = 1024;

/** Writes a command on a live Telemetry stream; false when the stream cannot take it. */
export function sendCommand(stream: TelemetryCall, command: TelemetryCommand): boolean {
  if (stream.writableEnded || stream.cancelled) return false;
  if (stream.writableLength > MAX_PENDING_COMMANDS) {
    stream.emit('error', {
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      details: 'the client does not read its Telemetry stream',
    });
    return false;
  }
  stream.write(command);
  return true;
}

export class ClientSessions {
  private readonly clients = new Map<string, ClientRecord>();
  /** Producers with a live stream, by `ns \n topic`. */
  private readonly producers = new Map<string, Set<ClientRecord>>();

  /** @param onProducers called when a topic gains its first live producer (true) or loses its last (false). */
  constructor(
    private readonly onProducers: (ns: string, topic: string, present: boolean) => void,
  ) {}

  get(clientId: string): ClientRecord | undefined {
    return this.clients.get(clientId);
  }

  /** Records a settings command received on `stream`. */
  update(
    clientId: string,
    ns: string,
    settings: Settings,
    role: 'producer' | 'consumer',
    group: string | undefined,
    topics: readonly string[],
    stream: TelemetryCall,
  ): ClientRecord {
    let record = this.clients.get(clientId);
    if (record !== undefined && (record.ns !== ns || record.stream !== stream)) {
      this.detach(record);
      if (record.ns !== ns) record.topics.clear();
    }
    if (record === undefined) {
      if (this.clients.size >= MAX_CLIENTS) this.evictOldest();
      record = { clientId, ns, settings, role, group, topics: new Set(), stream: undefined };
      this.clients.set(clientId, record);
    }
    record.ns = ns;
    record.settings = settings;
    record.role = role;
    record.group = group;
    if (role === 'producer') {
      for (const topic of topics)
        if (record.topics.size < MAX_TOPICS_PER_PRODUCER) record.topics.add(topic);
    }
    if (record.stream !== stream) {
      record.stream = stream;
      if (role === 'producer') for (const topic of record.topics) this.register(record, topic);
    }
    return record;
  }

  /** A producer sent to `topic`: it may answer that topic's transaction checks. */
  notePublish(clientId: string, ns: string, topic: string): void {
    const record = this.clients.get(clientId);
    if (record === undefined || record.role !== 'producer' || record.ns !== ns) return;
    if (record.topics.has(topic) || record.topics.size >= MAX_TOPICS_PER_PRODUCER) return;
    record.topics.add(topic);
    this.register(record, topic);
  }

  /** Live producers of a topic (round-robin is the caller's business). */
  producersOf(ns: string, topic: string): readonly ClientRecord[] {
    const set = this.producers.get(key(ns, topic));
    return set === undefined ? [] : [...set];
  }

  /** The stream ended (client closed it, cancelled, or failed): it can no longer take commands. */
  streamClosed(clientId: string, stream: TelemetryCall): void {
    const record = this.clients.get(clientId);
    if (record !== undefined && record.stream === stream) this.detach(record);
  }

  /** NotifyClientTermination: forget the client. */
  remove(clientId: string): ClientRecord | undefined {
    const record = this.clients.get(clientId);
    if (record === undefined) return undefined;
    this.detach(record);
    this.clients.delete(clientId);
    return record;
  }

  /** Ends every live stream (emulator stopping). */
  closeAll(): void {
    for (const record of this.clients.values()) {
      const stream = record.stream;
      this.detach(record);
      if (stream !== undefined && !stream.writableEnded) stream.end();
    }
    this.clients.clear();
  }

  private register(record: ClientRecord, topic: string): void {
    if (record.stream === undefined) return;
    const k = key(record.ns, topic);
    let set = this.producers.get(k);
    if (set === undefined) {
      set = new Set();
      this.producers.set(k, set);
    }
    const first = set.size === 0;
    set.add(record);
    if (first) this.onProducers(record.ns, topic, true);
  }

  private detach(record: ClientRecord): void {
    if (record.stream === undefined) return;
    record.stream = undefined;
    for (const topic of record.topics) {
      const k = key(record.ns, topic);
      const set = this.producers.get(k);
      if (set === undefined || !set.delete(record)) continue;
      if (set.size === 0) {
        this.producers.delete(k);
        this.onProducers(record.ns, topic, false);
      }
    }
  }

  private evictOldest(): void {
    const oldest = this.clients.values().next().value;
    if (oldest === undefined) return;
    const stream = oldest.stream;
    this.remove(oldest.clientId);
    if (stream !== undefined && !stream.writableEnded) stream.end();
  }
}

function key(ns: string, topic: string): string {
  return ns + '\n' + topic;
}
