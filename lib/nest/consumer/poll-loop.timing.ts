/** The poll loop's fixed timings (probe, stop grace, settle grace) and its deadline helper. */

/**
 * Acks and commits of handlers that finished by the drain deadline get this much longer to reach
 * the broker; nothing the runner sends runs past it.
 */
export const SETTLE_GRACE_MS = 1_000;
/**
 * Deadline of a probe (a short poll, answered at once by a server that works): a server that
 * accepts connections but does not answer is found out quickly, not after the long-poll margin.
 */
export const PROBE_TIMEOUT_MS = 2_000;
/**
 * On stop, when the queue is busy (the last poll back brought messages), polls still outstanding
 * get this long to come back before they are aborted. A poll that a busy queue is about to answer
 * then brings its batch (handled within the drain deadline) instead of being cut while the broker
 * hands it messages: those would stay invisible to every consumer until their invisibility window
 * ends (5 min on the cloud). On an idle queue polls are cut at once (shutdown stays immediate).
 */
export const STOP_POLL_GRACE_MS = 250;

/** One start() .. stop() of the loop. */
export interface Run {
  /** Aborted when the stop begins: no new poll, sleeps end. */
  readonly intake: AbortController;
  /** Aborted at once or STOP_POLL_GRACE_MS later (busy queue): cuts the polls still waiting. */
  readonly polls: AbortController;
}

/** True when `done` settled before `deadlineAt` (monotonic ms; Infinity waits for it). */
export async function within(done: Promise<void>, deadlineAt: number): Promise<boolean> {
  if (deadlineAt === Infinity) {
    await done;
    return true;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadlineAt - performance.now()), false);
  });
  try {
    return await Promise.race([done.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
