import { describe, expect, it } from '@jest/globals';
import { retryDelayMs } from '../../../lib/nest/consumer/nack-sender.js';
import { tagExpression } from '../../../lib/client-grpc/grpc.validation.js';

describe('retryDelayMs (the default retryBackoff: 1 s doubling to 5 min)', () => {
  const backoff = { initialMs: 1_000, maxMs: 300_000 };
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [9, 256_000],
    [10, 300_000],
    [1_000, 300_000],
    [0, 1_000],
  ])('attempt %i waits %i ms', (attempt, ms) => {
    expect(retryDelayMs(attempt, backoff)).toBe(ms);
  });
});

describe('tagExpression', () => {
  it.each([
    [undefined, '*'],
    [[], '*'],
    [['A'], 'A'],
    [['A', 'B'], 'A||B'],
    [['A', '*'], '*'],
  ])('%j → %s', (tags, expression) => {
    expect(tagExpression(tags)).toBe(expression);
  });
});
