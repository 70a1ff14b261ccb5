/**
 * Messages a client holds through `auto_renew` receives (PushConsumer). The proxy keeps renewing
 * their invisibility while the client lives (up to 3 hours) and gives them back (visible again after
 * one second) when the client goes away. The emulator delivers them invisible for those 3 hours and
 * gives them back when the client's Telemetry stream ends or it sends NotifyClientTermination.
 * Bounded per client; a forgotten entry only means its message waits the full 3 hours.
 */
import { ROCKETMQ5_PROXY_DEFAULTS as PROXY } from '../../protocol-grpc/index.js';
import type { Broker } from '../broker/broker.js';

interface Hold {
  ns: string;
  topic: string;
  group: string;
}

const MAX_HELD_PER_CLIENT = 16_384;

export class HeldMessages {
  private readonly byClient = new Map<string, Map<string, Hold>>();

  constructor(private readonly broker: Broker) {}

  hold(
    clientId: string,
    ns: string,
    topic: string,
    group: string,
    handles: readonly string[],
  ): void {
    if (handles.length === 0) return;
    let held = this.byClient.get(clientId);
    if (held === undefined) {
      held = new Map();
      this.byClient.set(clientId, held);
    }
    for (const handle of handles) {
      if (held.size >= MAX_HELD_PER_CLIENT) held.delete(held.keys().next().value!);
      held.set(handle, { ns, topic, group });
    }
  }

  /** The client acked, nacked or dead-lettered this handle. */
  settled(clientId: string, handle: string): void {
    this.byClient.get(clientId)?.delete(handle);
  }

  /** The client is gone: its held messages become visible again shortly. */
  release(clientId: string): void {
    const held = this.byClient.get(clientId);
    if (held === undefined) return;
    this.byClient.delete(clientId);
    for (const [handle, h] of held) {
      try {
        this.broker.changeInvisibility(h.ns, h.topic, h.group, handle, PROXY.releaseInvisibleMs);
      } catch {
        // Broker closed or the resource is gone: nothing left to give back.
      }
    }
  }
}
