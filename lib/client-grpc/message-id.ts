/**
 * Client-generated message ids in the layout of the official RocketMQ 5 clients (17 bytes, upper
 * hex): version 0x01, 6 bytes of host identity (random here: no MAC lookup), the low 2 bytes of
 * the pid, seconds since 2021-01-01 UTC (4 bytes) and a sequence (4 bytes). The proxy stores the
 * message under this id; consumers see it again as `messageId`.
 */
import { randomBytes } from 'node:crypto';

const EPOCH_2021_SECONDS = 1_609_459_200;

const PREFIX = (
  '01' +
  randomBytes(6).toString('hex') +
  (process.pid & 0xffff).toString(16).padStart(4, '0')
).toUpperCase();

let sequence = 0;

function hex8(value: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

export function newMessageId(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000) - EPOCH_2021_SECONDS;
  const id = PREFIX + hex8(seconds) + hex8(sequence);
  sequence = (sequence + 1) >>> 0;
  return id;
}
