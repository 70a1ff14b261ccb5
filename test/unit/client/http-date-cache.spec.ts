import { describe, expect, it } from '@jest/globals';
import { HttpDateCache } from '../../../lib/client/http-date.cache.js';

describe('HttpDateCache', () => {
  it('formats RFC 1123 dates with a two-digit day and refreshes once per second', () => {
    let now = Date.UTC(2026, 0, 1, 0, 0, 0, 0);
    const cache = new HttpDateCache(() => now);
    expect(cache.current()).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    now += 999;
    expect(cache.current()).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    now += 1;
    expect(cache.current()).toBe('Thu, 01 Jan 2026 00:00:01 GMT');
    now = Date.UTC(2017, 3, 11, 10, 9, 19);
    expect(cache.current()).toBe('Tue, 11 Apr 2017 10:09:19 GMT');
  });
});
