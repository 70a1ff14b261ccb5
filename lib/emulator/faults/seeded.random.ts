/**
 * A small, fast, seeded generator (mulberry32: 32-bit state, uniform over [0, 1)). Not for secrets;
 * its only job is that the same seed gives the same sequence on every machine and Node version.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of one rule's own stream, from the injector's seed and the rule's number. Each rule draws
 * from its own stream, so adding or removing a rule never shifts the draws of another.
 */
export function ruleSeed(seed: number, ruleNumber: number): number {
  let h = (seed ^ Math.imul(ruleNumber, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
