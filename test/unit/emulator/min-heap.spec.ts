import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MinHeap } from '../../../lib/emulator/broker/min-heap.js';

describe('MinHeap', () => {
  it('pops by key, ties in insertion order, also after retain()', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }),
        fc.integer({ min: 2, max: 5 }),
        (keys, mod) => {
          const heap = new MinHeap<number>();
          keys.forEach((k, i) => heap.push(k, i));
          heap.retain((i) => i % mod !== 0);
          const expected = keys
            .map((k, i) => ({ k, i }))
            .filter(({ i }) => i % mod !== 0)
            .sort((a, b) => a.k - b.k || a.i - b.i)
            .map(({ i }) => i);
          const got: number[] = [];
          while (heap.size > 0) got.push(heap.pop()!);
          expect(got).toEqual(expected);
        },
      ),
    );
  });
});
