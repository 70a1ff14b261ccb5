import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  CLIENT_DEFAULTS,
  resolveClientOptions,
  resolveEndpoint,
} from '../../../lib/client/client.options.js';
import { CLIENT_VERSION } from '../../../lib/client/client.version.js';
import { argumentOf } from './argument-of.js';

describe('resolveEndpoint', () => {
  it('normalises to the origin and strips trailing slashes', () => {
    expect(resolveEndpoint('http://1.mqrest.cn-hangzhou.aliyuncs.com/')).toBe(
      'http://1.mqrest.cn-hangzhou.aliyuncs.com',
    );
    expect(resolveEndpoint('https://h:8443///')).toBe('https://h:8443');
    expect(resolveEndpoint('http://127.0.0.1:9876')).toBe('http://127.0.0.1:9876');
  });

  it.each([
    ['', 'empty'],
    ['ftp://h', 'scheme'],
    ['not a url', 'garbage'],
    ['http://h/base', 'path'],
    ['http://h/?a=1', 'query'],
    ['http://h/#x', 'fragment'],
    ['http://user:pw@h', 'user info'],
  ])('rejects %j (%s) naming the endpoint', (endpoint) => {
    expect(argumentOf(() => resolveEndpoint(endpoint))).toBe('endpoint');
  });
});

describe('resolveClientOptions', () => {
  it('applies the defaults', () => {
    const o = resolveClientOptions(undefined);
    expect(o).toEqual({
      instanceId: '',
      ...CLIENT_DEFAULTS,
      verifyMd5: true,
      userAgent: `nestjs-aliyun-mq/${CLIENT_VERSION}`,
      clock: Date.now,
    });
  });

  it('appends the userAgent option', () => {
    expect(resolveClientOptions({ userAgent: 'app/1' }).userAgent).toBe(
      `nestjs-aliyun-mq/${CLIENT_VERSION} app/1`,
    );
  });

  it.each([
    ['connections', 0],
    ['connections', 1.5],
    ['pollConnections', -1],
    ['requestTimeoutMs', Number.NaN],
    ['longPollMarginMs', '5'],
    ['keepAliveTimeoutMs', 0],
  ])('rejects %s = %p naming the option', (name, value) => {
    expect(argumentOf(() => resolveClientOptions({ [name]: value } as never))).toBe(
      `options.${name}`,
    );
  });

  it('rejects a bad verifyMd5, userAgent with CR/LF, and an instance id that needs encoding', () => {
    expect(argumentOf(() => resolveClientOptions({ verifyMd5: 'yes' as never }))).toBe(
      'options.verifyMd5',
    );
    expect(argumentOf(() => resolveClientOptions({ userAgent: 'a\r\nx: y' }))).toBe(
      'options.userAgent',
    );
    expect(argumentOf(() => resolveClientOptions({ instanceId: 'a&b' }))).toBe(
      'options.instanceId',
    );
  });

  it('CLIENT_VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(CLIENT_VERSION).toBe(pkg.version);
  });
});
