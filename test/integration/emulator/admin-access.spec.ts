/**
 * Who may use the admin API and the console: the token beyond loopback, the Host check on
 * loopback (DNS rebinding), and actions refused from other sites (Origin, Sec-Fetch-Site, JSON).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MQClient } from '../../../lib/client/index.js';
import { runCli } from '../../../lib/emulator/cli/cli.run.js';
import { EmulatorOptionsError, startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import { sendRaw } from './raw-http.helper.js';

/** A raw request with exactly these headers (fetch would add or forbid some). */
function raw(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
) {
  const lines = [`${method} ${path} HTTP/1.1`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close');
  return sendRaw(endpoint, `${lines.join('\r\n')}\r\n\r\n${body}`);
}

const errorCode = (body: string): string => (JSON.parse(body) as any).error.code;

describe('admin API on loopback without a token', () => {
  let emulator: RunningEmulator;
  let host: string;
  beforeAll(async () => {
    emulator = await startEmulator({ clock: 'virtual' });
    host = new URL(emulator.endpoint).host;
  });
  afterAll(() => emulator.stop());

  it('needs no token, but only answers requests addressed to a loopback name', async () => {
    expect(emulator.adminToken).toBeUndefined();
    expect(emulator.consoleUrl).toBe(`${emulator.endpoint}/_emulator/ui/`);
    const port = new URL(emulator.endpoint).port;
    for (const name of [host, `localhost:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
      expect(
        (await raw(emulator.endpoint, 'GET', '/_emulator/health', { Host: name })).status,
      ).toBe(200);
    }
    // A page whose DNS name was rebound to 127.0.0.1 still sends its own name.
    const rebound = await raw(emulator.endpoint, 'GET', '/_emulator/topics', {
      Host: `attacker.example:${port}`,
    });
    expect([rebound.status, errorCode(rebound.body)]).toEqual([403, 'Forbidden']);
  });

  it.each([
    ['another site’s Origin', { Origin: 'http://attacker.example' }, 403, 'CrossSiteRequest'],
    ['an opaque Origin', { Origin: 'null' }, 403, 'CrossSiteRequest'],
    ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site' }, 403, 'CrossSiteRequest'],
    ['Sec-Fetch-Site same-site', { 'Sec-Fetch-Site': 'same-site' }, 403, 'CrossSiteRequest'],
    ['a text/plain body', { 'Content-Type': 'text/plain' }, 415, 'UnsupportedMediaType'],
    [
      'a form body',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      415,
      'UnsupportedMediaType',
    ],
    ['a body without content type', {}, 415, 'UnsupportedMediaType'],
  ])('refuses an action with %s', async (_label, headers, status, code) => {
    const res = await raw(
      emulator.endpoint,
      'POST',
      '/_emulator/clock',
      { Host: host, ...headers },
      '{"advanceMs":1000}',
    );
    expect([res.status, errorCode(res.body)]).toEqual([status, code]);
  });

  it('accepts actions from its own origin and from tools that send no Origin', async () => {
    const before = emulator.admin.now();
    const own = await raw(
      emulator.endpoint,
      'POST',
      '/_emulator/clock',
      {
        Host: host,
        Origin: emulator.endpoint,
        'Sec-Fetch-Site': 'same-origin',
        'Content-Type': 'application/json; charset=utf-8',
      },
      '{"advanceMs":1000}',
    );
    expect(own.status).toBe(200);
    expect(emulator.admin.now()).toBe(before + 1000);
    // A body-less POST (curl -X POST .../reset) needs no content type.
    expect((await raw(emulator.endpoint, 'POST', '/_emulator/reset', { Host: host })).status).toBe(
      200,
    );
  });
});

describe('admin API beyond loopback', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ host: '0.0.0.0' });
  });
  afterAll(() => emulator.stop());

  const get = (path: string, token?: string) =>
    fetch(`${emulator.endpoint}/_emulator/${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it('requires the generated token, which the console link carries', async () => {
    const token = emulator.adminToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(emulator.consoleUrl).toBe(`${emulator.endpoint}/_emulator/ui/#token=${token}`);
    const denied = await get('health');
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(((await denied.json()) as any).error.code).toBe('Unauthorized');
    expect((await get('health', `${token}x`)).status).toBe(401);
    expect((await get('health', token)).status).toBe(200);
    expect((await get('events', 'wrong')).status).toBe(401);
  });

  it('serves the console files and the access check without the token', async () => {
    expect((await get('ui/')).status).toBe(200);
    expect(await (await get('access')).json()).toEqual({
      tokenRequired: true,
      tokenValid: false,
      console: true,
    });
    expect(await (await get('access', emulator.adminToken)).json()).toMatchObject({
      tokenValid: true,
    });
  });

  it('leaves the MQ protocol alone (it has its own signatures)', async () => {
    const client = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
    });
    try {
      await client.publish('beyond', { body: 'x' });
      expect(await client.consume('beyond', 'GID_beyond')).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('takes a configured token instead, and the CLI banner never prints it', async () => {
    const out: string[] = [];
    const result = await runCli(
      ['--port', '0', '--host', '0.0.0.0', '--admin-token', 'configured-token-1'],
      { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
    );
    if (!('running' in result)) throw new Error(out.join(''));
    try {
      expect(result.running.adminToken).toBe('configured-token-1');
      const res = await fetch(`${result.running.endpoint}/_emulator/health`, {
        headers: { authorization: 'Bearer configured-token-1' },
      });
      expect(res.status).toBe(200);
      const banner = out.join('');
      expect(banner).toMatch(/Console {9}http:\/\/127\.0\.0\.1:\d+\/_emulator\/ui\/\n/);
      expect(banner).toMatch(/Admin token {5}\(configured; not shown\)/);
      expect(banner).not.toContain('configured-token-1');
    } finally {
      await result.running.stop();
    }
  });

  it('prints a generated token in the banner (also with --quiet)', async () => {
    for (const quiet of [false, true]) {
      const out: string[] = [];
      const result = await runCli(
        ['--port', '0', '--host', '0.0.0.0', ...(quiet ? ['--quiet'] : [])],
        { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
      );
      if (!('running' in result)) throw new Error(out.join(''));
      try {
        const token = result.running.adminToken!;
        expect(out.join('')).toContain(quiet ? `admin token ${token}` : `#token=${token}`);
      } finally {
        await result.running.stop();
      }
    }
  });
});

describe('console and token options', () => {
  it.each([
    [{ adminToken: 'short' }, 'adminToken'],
    [{ adminToken: 'has spaces in it' }, 'adminToken'],
    [{ adminToken: 42 }, 'adminToken'],
    [{ console: 'yes' }, 'console'],
  ])('%j fails naming the option', async (options, option) => {
    const error = await startEmulator(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorOptionsError);
    expect((error as EmulatorOptionsError).option).toBe(option);
  });

  it('requires a configured token on loopback too', async () => {
    const emulator = await startEmulator({ adminToken: 'loopback-token' });
    try {
      expect((await fetch(`${emulator.endpoint}/_emulator/topics`)).status).toBe(401);
    } finally {
      await emulator.stop();
    }
  });
});
