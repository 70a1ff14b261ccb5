/**
 * What an operation needs to know of the connection its answer goes to: whether the client is
 * still there, and when it leaves. A long poll parks on it (messages.execute.ts) so that it takes
 * nothing for a client that has gone. node:http's ServerResponse is one (ResponseChannel); the
 * fast lane's connection is another (fast-lane.connection.ts).
 */
import type { ServerResponse } from 'node:http';

export interface AnswerChannel {
  /** The client closed its side or the connection is dead: an answer would never be read. */
  gone(): boolean;
  /**
   * Calls `listener` once if the connection closes before the answer has been written; returns
   * what stops watching.
   */
  watchGone(listener: () => void): () => void;
}

/** A node:http response as an AnswerChannel. */
export class ResponseChannel implements AnswerChannel {
  constructor(private readonly res: ServerResponse) {}

  gone(): boolean {
    const res = this.res;
    // A pipelined request's response gets its socket only when the answers before it are out:
    // until then the request's socket is the one to look at.
    const socket = res.socket ?? res.req.socket;
    return (
      res.destroyed ||
      socket === null ||
      socket.destroyed ||
      !socket.writable ||
      socket.readableEnded ||
      res.req.destroyed
    );
  }

  watchGone(listener: () => void): () => void {
    const res = this.res;
    const onClose = (): void => {
      if (!res.writableFinished) listener();
    };
    res.once('close', onClose);
    return () => res.off('close', onClose);
  }
}
