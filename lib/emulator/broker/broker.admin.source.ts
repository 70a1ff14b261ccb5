import type { BodyRef } from '../store/body.store.js';
import type { DeadLetter, Topic } from './broker.state.js';

/** The broker internals the admin reads (implemented by Broker). */
export interface AdminSource {
  readonly topics: Map<string, Topic>;
  readonly groups: Map<string, { ns: string; id: string; deadLetters: DeadLetter[] }>;
  clockNow(): number;
  resetAll(): void;
  /** A body as text, read back from disk if it lives there. */
  bodyText(ref: BodyRef): string;
}
