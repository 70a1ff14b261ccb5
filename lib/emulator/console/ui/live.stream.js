// @ts-check
/**
 * The live stream (`/_emulator/events`, server-sent events) read with fetch, so that it can carry
 * the admin token in a header (EventSource cannot). Reconnects with backoff after a failure.
 */
import { authHeaders } from './api.client.js';

/**
 * @typedef {{ now: number, totals: Record<string, number>, events: FeedEvent[], more: number }} Change
 * @typedef {{ kind: string, instanceId: string, topic: string, messageId?: string, group?: string, attempt?: number }} FeedEvent
 */

/**
 * @param {{ onChange: (c: Change) => void, onStatus: (s: 'live' | 'offline') => void }} handlers
 * @returns {() => void} stops the stream
 */
export function openLiveStream(handlers) {
  let stopped = false;
  /** @type {AbortController | undefined} */
  let controller;
  let retryMs = 1000;

  /** @param {string} block */
  const dispatch = (block) => {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if ((event === 'change' || event === 'hello') && data !== '') {
      handlers.onChange(JSON.parse(data));
    }
  };

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch('/_emulator/events', {
          headers: { ...authHeaders(), accept: 'text/event-stream' },
          signal: controller.signal,
          cache: 'no-store',
          credentials: 'omit',
        });
        if (!res.ok || res.body === null) throw new Error(`live stream: ${res.status}`);
        handlers.onStatus('live');
        retryMs = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // Network failure or stop(): handled below.
      }
      if (stopped) return;
      handlers.onStatus('offline');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, 10_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
