/** The long-polling window of a gRPC receive: requested, capped, and kept inside the call's deadline. */
import { describe, expect, it } from '@jest/globals';
import { pollingWindow } from '../../../lib/emulator/grpc/receive.handler.js';
import { RocketMQStatusError } from '../../../lib/protocol-grpc/index.js';

describe('gRPC receive: long-polling window', () => {
  const NOW = 1_000_000;

  it('uses the requested time, capped by the front maximum, default the maximum', () => {
    expect(pollingWindow(5_000, 20_000, Infinity, NOW)).toBe(5_000);
    expect(pollingWindow(30_000, 20_000, Infinity, NOW)).toBe(20_000);
    expect(pollingWindow(undefined, 20_000, Infinity, NOW)).toBe(20_000);
    expect(pollingWindow(0, 20_000, Infinity, NOW)).toBe(0);
  });

  it('ends 100 ms before the deadline, and refuses a deadline that leaves no time', () => {
    expect(pollingWindow(30_000, 20_000, NOW + 3_000, NOW)).toBe(2_900);
    expect(pollingWindow(1_000, 20_000, NOW + 3_000, NOW)).toBe(1_000);
    let error: unknown;
    try {
      pollingWindow(5_000, 20_000, NOW + 100, NOW);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RocketMQStatusError);
    expect(error).toMatchObject({ code: 'ILLEGAL_POLLING_TIME' });
  });
});
