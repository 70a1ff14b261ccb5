import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorAdmin } from '../emulator.types.js';
import { EmulatorAdminError } from './emulator-admin.js';

/** Every admin path starts with this; it can never collide with `/topics/...`. */
export const ADMIN_PREFIX = '/_emulator/';
const MAX_ADMIN_BODY_BYTES = 64 * 1024;
const PEEK_STATES: ReadonlySet<string> = new Set([
  'ready',
  'delayed',
  'inflight',
  'half',
  'deadletter',
]);

export interface AdminHttpContext {
  admin: EmulatorAdmin;
  instanceId: string;
  clockMode: 'real' | 'virtual';
  auth: 'strict' | 'off';
  endpoint: () => string;
  /** `host:port` of the RocketMQ 5 gRPC front, when it runs. */
  grpcEndpoint?: () => string | undefined;
  /** Long polls parked right now. */
  longPolls: () => number;
}

/** A bad admin request: answered as JSON `{ error: { code, message } }`. */
class AdminHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The JSON admin API (never signed): health, topics, groups, peek, dead letters, clock, reset.
 * It only reads state, except POST clock and POST reset.
 */
export async function handleAdminRequest(
  ctx: AdminHttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  rawQuery: string,
): Promise<void> {
  try {
    const route = path.slice(ADMIN_PREFIX.length);
    const query = new URLSearchParams(rawQuery);
    const method = req.method ?? '';
    switch (route) {
      case 'health':
        allow(method, 'GET');
        return sendJson(res, 200, {
          status: 'ok',
          emulator: 'nestjs-aliyun-mq',
          endpoint: ctx.endpoint(),
          ...(ctx.grpcEndpoint?.() !== undefined ? { grpcEndpoint: ctx.grpcEndpoint() } : {}),
          instanceId: ctx.instanceId,
          clock: ctx.clockMode,
          auth: ctx.auth,
          now: ctx.admin.now(),
          longPolls: ctx.longPolls(),
        });
      case 'topics':
        allow(method, 'GET');
        return sendJson(res, 200, ctx.admin.topics());
      case 'groups':
        allow(method, 'GET');
        return sendJson(res, 200, ctx.admin.groups());
      case 'peek': {
        allow(method, 'GET');
        const state = optionalParam(query, 'state');
        if (state !== undefined && !PEEK_STATES.has(state)) {
          throw badRequest(`state must be one of ${[...PEEK_STATES].join(', ')}`);
        }
        const limit = optionalParam(query, 'limit');
        const parsedLimit = limit === undefined ? undefined : Number(limit);
        if (parsedLimit !== undefined && (!Number.isInteger(parsedLimit) || parsedLimit < 1)) {
          throw badRequest('limit must be an integer >= 1');
        }
        const instanceId = query.get('instanceId');
        const group = optionalParam(query, 'group');
        return sendJson(
          res,
          200,
          ctx.admin.peek({
            topic: requiredParam(query, 'topic'),
            ...(instanceId !== null ? { instanceId } : {}),
            ...(group !== undefined ? { group } : {}),
            ...(state !== undefined ? { state } : {}),
            ...(parsedLimit !== undefined ? { limit: parsedLimit } : {}),
          }),
        );
      }
      case 'deadletters': {
        allow(method, 'GET');
        const instanceId = query.get('instanceId');
        return sendJson(
          res,
          200,
          ctx.admin.deadLetters({
            topic: requiredParam(query, 'topic'),
            group: requiredParam(query, 'group'),
            ...(instanceId !== null ? { instanceId } : {}),
          }),
        );
      }
      case 'clock':
        if (method === 'GET')
          return sendJson(res, 200, { now: ctx.admin.now(), mode: ctx.clockMode });
        allow(method, 'POST');
        moveClock(ctx.admin, await readJsonBody(req));
        return sendJson(res, 200, { now: ctx.admin.now(), mode: ctx.clockMode });
      case 'reset':
        allow(method, 'POST');
        ctx.admin.reset();
        return sendJson(res, 200, { reset: true });
      default:
        throw new AdminHttpError(404, 'NotFound', `no admin resource ${path}`);
    }
  } catch (err) {
    if (err instanceof AdminHttpError)
      return sendJson(res, err.status, errorBody(err.code, err.message));
    // Clock misuse (real clock, backwards) and the broker's own validation are caller mistakes.
    if (err instanceof EmulatorAdminError)
      return sendJson(res, 409, errorBody('Conflict', err.message));
    if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
      return sendJson(res, 400, errorBody(err.code, err.message));
    }
    throw err;
  }
}

function moveClock(admin: EmulatorAdmin, body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('expected a JSON object { "advanceMs": number } or { "time": epochMs }');
  }
  const { advanceMs, time, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw badRequest(`unknown field "${extra[0]}"`);
  if ((advanceMs === undefined) === (time === undefined)) {
    throw badRequest('give exactly one of "advanceMs" or "time"');
  }
  if (advanceMs !== undefined) {
    if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
      throw badRequest('"advanceMs" must be a number >= 0');
    }
    admin.advance(advanceMs);
  } else {
    if (typeof time !== 'number' || !Number.isFinite(time))
      throw badRequest('"time" must be an epoch time in ms');
    admin.setTime(time);
  }
}

function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_ADMIN_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_ADMIN_BODY_BYTES) return reject(badRequest('body too large'));
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return reject(badRequest('expected a JSON body'));
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(badRequest('body is not valid JSON'));
      }
    });
  });
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new AdminHttpError(405, 'MethodNotAllowed', `use ${expected}`);
}

function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw badRequest(`query parameter "${name}" is required`);
  return value;
}

function optionalParam(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

function badRequest(message: string): AdminHttpError {
  return new AdminHttpError(400, 'BadRequest', message);
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
  });
  res.end(json);
}
