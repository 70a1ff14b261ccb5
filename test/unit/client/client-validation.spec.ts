import { describe, expect, it } from '@jest/globals';
import {
  checkGroup,
  checkReceiptHandles,
  checkTopic,
  consumeTagExpression,
} from '../../../lib/client/client.validation.js';
import { argumentOf } from './argument-of.js';

describe('client argument checks', () => {
  it('topic: non-empty, ≤ 64, no / ? # whitespace', () => {
    expect(checkTopic('T_1-x')).toBe('T_1-x');
    expect(checkTopic('%RETRY%GID_1')).toBe('%RETRY%GID_1');
    expect(checkTopic('t'.repeat(64))).toBe('t'.repeat(64));
    for (const bad of ['', 't'.repeat(65), 'a/b', 'a?b', 'a#b', 'a b', 'a\tb', 'a\u0000b']) {
      expect(argumentOf(() => checkTopic(bad))).toBe('topic');
    }
    expect(argumentOf(() => checkTopic(undefined))).toBe('topic');
  });

  it('group: non-empty and needing no encoding', () => {
    expect(checkGroup('GID_1')).toBe('GID_1');
    for (const bad of ['', 'a&b', 'a=b', 'a b', 'grüppe']) {
      expect(argumentOf(() => checkGroup(bad))).toBe('group');
    }
  });

  it('tag filters: string, expression or list; each tag 1..64 without |', () => {
    expect(consumeTagExpression(undefined)).toBeUndefined();
    expect(consumeTagExpression('')).toBeUndefined();
    expect(consumeTagExpression([])).toBeUndefined();
    expect(consumeTagExpression('TagA')).toBe('TagA');
    expect(consumeTagExpression('TagA||TagB')).toBe('TagA||TagB');
    expect(consumeTagExpression(['TagA', 'TagB'])).toBe('TagA||TagB');
    expect(consumeTagExpression('*')).toBe('*');
    expect(argumentOf(() => consumeTagExpression(['ok', 'a|b']))).toBe('tag[1]');
    expect(argumentOf(() => consumeTagExpression(['x'.repeat(65)]))).toBe('tag[0]');
    expect(argumentOf(() => consumeTagExpression('x'.repeat(65)))).toBe('tag');
    expect(argumentOf(() => consumeTagExpression('A|||B'))).toBe('tag[1]');
    expect(argumentOf(() => consumeTagExpression('A||'))).toBe('tag[1]');
    expect(argumentOf(() => consumeTagExpression(5))).toBe('tag');
  });

  it('receipt handles: 1..max non-empty strings', () => {
    expect(checkReceiptHandles(['h1'], 16)).toEqual(['h1']);
    expect(argumentOf(() => checkReceiptHandles([], 16))).toBe('receiptHandles');
    expect(argumentOf(() => checkReceiptHandles(new Array(17).fill('h'), 16))).toBe(
      'receiptHandles',
    );
    expect(argumentOf(() => checkReceiptHandles(['h', ''], 16))).toBe('receiptHandles[1]');
    expect(argumentOf(() => checkReceiptHandles('h' as never, 16))).toBe('receiptHandles');
  });
});
