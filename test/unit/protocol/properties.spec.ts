import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  PropertyError,
  decodeProperties,
  encodeProperties,
  encodePropertyPairs,
  findIllegalXmlChar,
  parsePropertyPairs,
  validatePropertyPair,
  type DecodedProperties,
} from '../../../lib/protocol/index.js';

const RESERVED = ['KEYS', '__STARTDELIVERTIME', '__TransCheckT', '__SHARDINGKEY'];

/** Non-empty text free of & " ' < > : | and of XML-illegal characters. */
const safeText = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 20 })
  .map((s) => s.replace(/[&"'<>:|]/g, ''))
  .filter((s) => s.length > 0 && findIllegalXmlChar(s) === -1);
const userKey = safeText.filter((k) => !RESERVED.includes(k));

describe('validatePropertyPair', () => {
  it.each(['&', '"', "'", '<', '>', ':', '|'])(
    'rejects %j in key and value, naming the key',
    (c) => {
      expect(() => validatePropertyPair(`k${c}`, 'v')).toThrow(PropertyError);
      expect(() => validatePropertyPair('color', `v${c}`)).toThrow(/"color"/);
    },
  );

  it('rejects empty key or value', () => {
    expect(() => validatePropertyPair('', 'v')).toThrow(/key must be a non-empty string/);
    expect(() => validatePropertyPair('k', '')).toThrow(/"k".*value must be a non-empty string/);
  });

  it('rejects XML-illegal characters', () => {
    expect(() => validatePropertyPair('k', 'a\u0001')).toThrow(PropertyError);
  });

  it('never echoes a huge value and truncates a huge key', () => {
    const value = 'x'.repeat(100_000) + '|';
    try {
      validatePropertyPair('big', value);
      throw new Error('not thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(PropertyError);
      expect((err as PropertyError).key).toBe('big');
      expect((err as Error).message.length).toBeLessThan(200);
    }
    expect(() => validatePropertyPair('k'.repeat(10_000) + ':', 'v')).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^.{0,300}$/s) }),
    );
  });

  it('accepts ordinary pairs', () => {
    expect(() => validatePropertyPair('color', 'red, green; 你好 😀')).not.toThrow();
  });
});

describe('parsePropertyPairs (lenient)', () => {
  it('accepts trailing or missing final pipe, skips empty and colon-less segments', () => {
    expect([...parsePropertyPairs('a:1|b:2')]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect([...parsePropertyPairs('|a:1||junk|b:2|')]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('splits at the first colon, skips empty keys, keeps empty values, last duplicate wins', () => {
    expect([...parsePropertyPairs('url:http://x|:v|e:|a:1|a:2|')]).toEqual([
      ['url', 'http://x'],
      ['e', ''],
      ['a', '2'],
    ]);
  });

  it('handles undefined and empty input', () => {
    expect(parsePropertyPairs(undefined).size).toBe(0);
    expect(parsePropertyPairs('').size).toBe(0);
    expect(parsePropertyPairs('|||').size).toBe(0);
  });
});

describe('encodePropertyPairs', () => {
  it('appends the trailing pipe and validates', () => {
    expect(
      encodePropertyPairs([
        ['a', '1'],
        ['b', '2'],
      ]),
    ).toBe('a:1|b:2|');
    expect(encodePropertyPairs([])).toBe('');
    expect(() => encodePropertyPairs([['a', 'x|y']])).toThrow(PropertyError);
  });

  it('rejects a repeated key (C# throws on duplicates)', () => {
    expect(() =>
      encodePropertyPairs([
        ['a', '1'],
        ['a', '2'],
      ]),
    ).toThrow(/"a".*repeated/);
  });

  it('round-trips with parsePropertyPairs', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(safeText, safeText), { selector: (p) => p[0] }),
        (pairs) => {
          expect([...parsePropertyPairs(encodePropertyPairs(pairs))]).toEqual(pairs);
        },
      ),
    );
  });
});

describe('decodeProperties / encodeProperties', () => {
  it('lifts the reserved keys into typed fields', () => {
    expect(
      decodeProperties(
        'KEYS:order-42|__STARTDELIVERTIME:1767225900000|__TransCheckT:60|__SHARDINGKEY:s1|color:red|',
      ),
    ).toEqual({
      messageKey: 'order-42',
      startDeliverTime: 1767225900000,
      transCheckImmunitySeconds: 60,
      shardingKey: 's1',
      user: { color: 'red' },
    });
    expect(decodeProperties(undefined)).toEqual({ user: {} });
  });

  it('drops reserved numbers that are not non-negative integers (kept nowhere)', () => {
    expect(decodeProperties('__STARTDELIVERTIME:soon|__TransCheckT:-5|a:b')).toEqual({
      user: { a: 'b' },
    });
    expect(decodeProperties('__STARTDELIVERTIME:99999999999999999999|')).toEqual({ user: {} });
  });

  it('reads every string exactly as through parsePropertyPairs: values, absent fields, key order', () => {
    // The reference: each key once (first place, last value) from the Map, then lifted.
    const reference = (raw: string): DecodedProperties => {
      const decoded: DecodedProperties = { user: {} };
      for (const [key, value] of parsePropertyPairs(raw)) {
        if (key === 'KEYS') decoded.messageKey = value;
        else if (key === '__SHARDINGKEY') decoded.shardingKey = value;
        else if (key === '__STARTDELIVERTIME' || key === '__TransCheckT') {
          const field = key === '__TransCheckT' ? 'transCheckImmunitySeconds' : 'startDeliverTime';
          if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value)))
            decoded[field] = Number(value);
          else delete decoded[field];
        } else
          Object.defineProperty(decoded.user, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return decoded;
    };
    const segment = fc.oneof(
      fc
        .constantFrom(...RESERVED, 'a', '1', '__proto__', 'constructor', '', 'x:y')
        .chain((key) =>
          fc
            .constantFrom('', '5', '007', 'soon', '-1', '99999999999999999999', 'v:w')
            .map((v) => `${key}:${v}`),
        ),
      fc.constantFrom('', 'novalue', ':v', '|'),
    );
    const samples = fc.oneof(
      fc.tuple(fc.array(segment, { maxLength: 8 }), fc.boolean()),
      fc.constant<[string[], boolean]>([
        ['__STARTDELIVERTIME:soon', 'KEYS:a', '__STARTDELIVERTIME:5'],
        true,
      ]),
      fc.constant<[string[], boolean]>([
        ['__TransCheckT:-1', 'b:c', '__SHARDINGKEY:s', '__TransCheckT:5'],
        false,
      ]),
    );
    fc.assert(
      fc.property(samples, ([segments, trailing]) => {
        const raw = segments.join('|') + (trailing ? '|' : '');
        const decoded = decodeProperties(raw);
        const expected = reference(raw);
        expect(decoded).toEqual(expected);
        expect(Object.keys(decoded)).toEqual(Object.keys(expected));
        expect(Object.keys(decoded.user)).toEqual(Object.keys(expected.user));
      }),
      { numRuns: 1000 },
    );
  });

  it('a user key named __proto__ stays an own property', () => {
    const decoded = decodeProperties('__proto__:x|');
    expect(Object.getPrototypeOf(decoded.user)).toBe(Object.prototype);
    expect(Object.keys(decoded.user)).toEqual(['__proto__']);
    expect(encodeProperties(decoded)).toBe('__proto__:x|');
  });

  it('encodes reserved fields first with a trailing pipe, undefined when empty', () => {
    expect(
      encodeProperties({
        user: { color: 'red' },
        shardingKey: 's',
        startDeliverTime: 5,
        messageKey: 'k',
        transCheckImmunitySeconds: 10,
      }),
    ).toBe('KEYS:k|__STARTDELIVERTIME:5|__TransCheckT:10|__SHARDINGKEY:s|color:red|');
    expect(encodeProperties({})).toBeUndefined();
    expect(encodeProperties({ user: {} })).toBeUndefined();
  });

  it.each([
    [{ startDeliverTime: -1 }, '__STARTDELIVERTIME'],
    [{ startDeliverTime: 1.5 }, '__STARTDELIVERTIME'],
    [{ startDeliverTime: Number.POSITIVE_INFINITY }, '__STARTDELIVERTIME'],
    [{ transCheckImmunitySeconds: Number.NaN }, '__TransCheckT'],
    [{ messageKey: '' }, 'KEYS'],
    [{ shardingKey: 'a|b' }, '__SHARDINGKEY'],
    [{ user: { KEYS: 'k' } }, 'KEYS'],
    [{ user: { a: 'b:c' } }, 'a'],
  ] as Array<[Partial<DecodedProperties>, string]>)('rejects %j naming %s', (input, key) => {
    try {
      encodeProperties(input);
      throw new Error('not thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(PropertyError);
      expect((err as PropertyError).key).toBe(key);
    }
  });

  it('decode(encode(p)) == p for arbitrary valid properties', () => {
    const props: fc.Arbitrary<DecodedProperties> = fc
      .record({
        messageKey: fc.option(safeText, { nil: undefined }),
        startDeliverTime: fc.option(fc.maxSafeNat(), { nil: undefined }),
        transCheckImmunitySeconds: fc.option(fc.nat(), { nil: undefined }),
        shardingKey: fc.option(safeText, { nil: undefined }),
        user: fc.dictionary(userKey, safeText, { maxKeys: 8 }),
      })
      .map(
        (p) =>
          Object.fromEntries(
            Object.entries(p).filter(([, v]) => v !== undefined),
          ) as unknown as DecodedProperties,
      );
    fc.assert(
      fc.property(props, (p) => {
        const encoded = encodeProperties(p);
        expect(decodeProperties(encoded)).toEqual(p);
        if (encoded !== undefined) expect(encoded.endsWith('|')).toBe(true);
      }),
    );
  });
});
