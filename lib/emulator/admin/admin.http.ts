import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorAdmin } from '../emulator.types.js';
import type { AdminHttpContext } from './admin.context.js';
import { handleFaultsRequest } from './admin.faults.js';
import { handleConsoleRoute } from './admin.console.http.js';
import {
  AdminHttpError,
  allow,
  badRequest,
  errorBody,
  limitParam,
  optionalParam,
  readJsonBody,
  requiredParam,
  sendJson,
} from './admin.json.js';
import { EmulatorAdminError } from './emulator-admin.js';

/** Every admin path starts with this; it can never collide with `/topics/...`. */
export const ADMIN_PREFIX = '/_emulator/';
const PEEK_STATES: ReadonlySet<string> = new Set([
  'ready',
  'delayed',
  'inflight',
  'half',
  'deadletter',
]);

/**
 * The JSON admin API (never signed; see admin.access.ts for who may use it), the console's
 * static files and its live event stream. Reads have no side effects; actions are POSTs.
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
    const method = req.method ?? '';
    // The console's files hold no data: they load without the token, then ask for it.
    if (route === 'ui' || route.startsWith('ui/')) {
      if (ctx.console === undefined) throw notFound(path);
      return ctx.console.assets.serve(req, res, route.slice(3));
    }
    if (route === 'access') {
      allow(method, 'GET');
      return sendJson(res, 200, {
        tokenRequired: ctx.access.tokenRequired,
        tokenValid: ctx.access.tokenValid(req),
        console: ctx.console !== undefined,
      });
    }
    ctx.access.check(req);
    if (route === 'faults' || route.startsWith('faults/')) {
      const id = route === 'faults' ? undefined : route.slice('faults/'.length);
      const answer = await handleFaultsRequest(ctx.faults, method, id, () => readJsonBody(req));
      return sendJson(res, answer.status, answer.body);
    }
    const query = new URLSearchParams(rawQuery);
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
          httpRequests: ctx.httpRequests(),
          retention: ctx.retention(),
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
        const limit = limitParam(query);
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
            ...(limit !== undefined ? { limit } : {}),
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
        ctx.console?.feed.touch();
        return sendJson(res, 200, { now: ctx.admin.now(), mode: ctx.clockMode });
      case 'reset':
        allow(method, 'POST');
        ctx.admin.reset();
        return sendJson(res, 200, { reset: true });
      case 'events':
        allow(method, 'GET');
        if (ctx.console === undefined) throw notFound(path);
        return ctx.console.feed.attach(res);
      default:
        if (await handleConsoleRoute(ctx, req, res, route, query)) return;
        throw notFound(path);
    }
  } catch (err) {
    if (err instanceof AdminHttpError) {
      if (err.status === 401)
        res.setHeader('www-authenticate', 'Bearer realm="aliyun-mq-emulator"');
      return sendJson(res, err.status, errorBody(err.code, err.message));
    }
    if (err instanceof EmulatorAdminError) {
      // Bad arguments are 400; clock misuse (real clock, backwards) is 409.
      return err.reason === 'invalid'
        ? sendJson(res, 400, errorBody('BadRequest', err.message))
        : sendJson(res, 409, errorBody('Conflict', err.message));
    }
    // The broker's own validation (BrokerError): the caller's mistake, with the MQ error code.
    if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
      const missing = err.code === 'TopicNotExist' || err.code === 'SubscriptionNotExist';
      return sendJson(res, missing ? 404 : 400, errorBody(err.code, err.message));
    }
    throw err;
  }
}

function notFound(path: string): AdminHttpError {
  return new AdminHttpError(404, 'NotFound', `no admin resource ${path}`);
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
