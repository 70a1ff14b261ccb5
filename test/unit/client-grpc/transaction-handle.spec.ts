import { describe, expect, it } from '@jest/globals';
import {
  decodeTransactionHandle,
  encodeTransactionHandle,
} from '../../../lib/transport/grpc/transaction.handle.js';
import { MQInvalidArgumentError } from '../../../lib/client/index.js';

describe('transaction receipt handles of the grpc transport', () => {
  it.each([
    { source: 'client' as const, messageId: '01AB', transactionId: 'tx-1' },
    // Transaction ids are the proxy's: they may hold the separator.
    { source: 'check' as const, messageId: '01AB', transactionId: 'a:b:c' },
  ])('round-trips %j', (handle) => {
    const encoded = encodeTransactionHandle(handle);
    expect(decodeTransactionHandle(encoded)).toEqual(handle);
  });

  it.each([
    '',
    'x',
    'rmq5tx:',
    'rmq5tx:client:01AB',
    'rmq5tx:client::tx',
    'rmq5tx:other:01AB:tx',
    'rmq5tx:client:01AB:',
  ])('refuses %j naming the argument', (value) => {
    expect(() => decodeTransactionHandle(value)).toThrow(MQInvalidArgumentError);
    expect(() => decodeTransactionHandle(value)).toThrow('receiptHandle:');
  });
});
