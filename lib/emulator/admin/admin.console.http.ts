/**
 * Admin endpoints added for the console (usable by scripts too): overview, consumers, search,
 * one message's life, and the actions (send a test message, purge a topic, resend or purge dead
 * letters). Everything goes through EmulatorAdmin; nothing here reads broker internals.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorDeadLetterSelection } from '../emulator.types.js';
import type { AdminHttpContext } from './admin.context.js';
import {
  AdminHttpError,
  allow,
  badRequest,
  idsField,
  limitParam,
  optionalParam,
  readObjectBody,
  requiredParam,
  sendJson,
  stringField,
} from './admin.json.js';

const MAX_SEARCH_LIMIT = 500;
const SELECTION_FIELDS = ['topic', 'group', 'instanceId', 'messageIds'] as const;

/** Serves `route` when it is one of these endpoints; false otherwise. */
export async function handleConsoleRoute(
  ctx: AdminHttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  query: URLSearchParams,
): Promise<boolean> {
  const method = req.method ?? '';
  const admin = ctx.admin;
  switch (route) {
    case 'overview': {
      allow(method, 'GET');
      const tap = ctx.console?.tap;
      sendJson(res, 200, {
        now: admin.now(),
        clock: ctx.clockMode,
        instanceId: ctx.instanceId,
        topics: admin.topics(),
        groups: admin.groups(),
        consumers: admin.consumers(),
        totals: tap?.totals ?? null,
        rates: tap?.rates() ?? null,
        history: tap
          ? {
              events: tap.history.size,
              maxEvents: tap.history.maxEvents,
              maxEntriesPerMessage: tap.history.maxEntriesPerMessage,
            }
          : null,
      });
      return true;
    }
    case 'consumers':
      allow(method, 'GET');
      sendJson(res, 200, admin.consumers());
      return true;
    case 'search': {
      allow(method, 'GET');
      const instanceId = query.get('instanceId');
      const topic = optionalParam(query, 'topic');
      const limit = limitParam(query, MAX_SEARCH_LIMIT);
      sendJson(
        res,
        200,
        admin.search({
          text: requiredParam(query, 'q'),
          ...(instanceId !== null ? { instanceId } : {}),
          ...(topic !== undefined ? { topic } : {}),
          ...(limit !== undefined ? { limit } : {}),
        }),
      );
      return true;
    }
    case 'messages': {
      allow(method, 'POST');
      const body = await readObjectBody(req, [
        'topic',
        'body',
        'instanceId',
        'tag',
        'key',
        'properties',
        'delayMs',
      ]);
      const properties = body.properties;
      if (
        properties !== undefined &&
        (properties === null || typeof properties !== 'object' || Array.isArray(properties))
      ) {
        throw badRequest('"properties" must be an object of string values');
      }
      const delayMs = body.delayMs;
      if (delayMs !== undefined && typeof delayMs !== 'number') {
        throw badRequest('"delayMs" must be a number');
      }
      const instanceId = stringField(body, 'instanceId', false, true);
      const tag = stringField(body, 'tag', false, true);
      const key = stringField(body, 'key', false, true);
      const sent = admin.publish({
        topic: stringField(body, 'topic', true),
        body: stringField(body, 'body', true),
        ...(instanceId !== undefined ? { instanceId } : {}),
        ...(tag !== undefined ? { tag } : {}),
        ...(key !== undefined ? { key } : {}),
        ...(properties !== undefined ? { properties: properties as Record<string, string> } : {}),
        ...(delayMs !== undefined ? { delayMs } : {}),
      });
      sendJson(res, 201, sent);
      return true;
    }
    case 'topics/purge': {
      allow(method, 'POST');
      const body = await readObjectBody(req, ['topic', 'instanceId']);
      const instanceId = stringField(body, 'instanceId', false, true);
      const purged = admin.purgeTopic({
        topic: stringField(body, 'topic', true),
        ...(instanceId !== undefined ? { instanceId } : {}),
      });
      sendJson(res, 200, { purged });
      return true;
    }
    case 'deadletters/resend': {
      allow(method, 'POST');
      const selection = await readSelection(req);
      sendJson(res, 200, admin.resendDeadLetters(selection));
      return true;
    }
    case 'deadletters/purge': {
      allow(method, 'POST');
      const selection = await readSelection(req);
      sendJson(res, 200, { purged: admin.purgeDeadLetters(selection) });
      return true;
    }
    default:
      break;
  }
  if (route.startsWith('messages/')) {
    allow(method, 'GET');
    let id: string;
    try {
      id = decodeURIComponent(route.slice('messages/'.length));
    } catch {
      throw badRequest('the message id in the path is not valid percent-encoding');
    }
    if (id === '' || id.includes('/')) return false;
    const instanceId = query.get('instanceId');
    const topic = optionalParam(query, 'topic');
    const life = admin.message(id, {
      ...(instanceId !== null ? { instanceId } : {}),
      ...(topic !== undefined ? { topic } : {}),
    });
    if (life === undefined) {
      throw new AdminHttpError(404, 'MessageNotFound', `no message ${id} is known`);
    }
    sendJson(res, 200, life);
    return true;
  }
  return false;
}

async function readSelection(req: IncomingMessage): Promise<EmulatorDeadLetterSelection> {
  const body = await readObjectBody(req, SELECTION_FIELDS);
  const instanceId = stringField(body, 'instanceId', false, true);
  const messageIds = idsField(body, 'messageIds');
  return {
    topic: stringField(body, 'topic', true),
    group: stringField(body, 'group', true),
    ...(instanceId !== undefined ? { instanceId } : {}),
    ...(messageIds !== undefined ? { messageIds } : {}),
  };
}
