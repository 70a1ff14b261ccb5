/**
 * Group commit (see group.commit.ts): while `deferred` is true, writes are kept in memory and go to
 * the OS together at the next flush(); otherwise each is handed to the OS before the call returns,
 * after any kept ones (so the order on disk is the order of the calls).
 */
export interface DeferrableWrites {
  deferred: boolean;
  /** Kept writes wait for flush(). */
  readonly hasPending: boolean;
  /** Hands every kept write to the OS, in order, in as few system calls as possible. */
  flush(): void;
  /** Forgets the kept writes (their bodies could not be written: the events must not be). */
  discard(): void;
}
