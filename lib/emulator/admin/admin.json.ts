/** JSON plumbing of the admin API: errors, bodies, query parameters, answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/** A bad admin request: answered as JSON `{ error: { code, message } }`. */
export class AdminHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): AdminHttpError {
  return new AdminHttpError(400, 'BadRequest', message);
}

export function allow(method: string, expected: string): void {
  if (method !== expected) throw new AdminHttpError(405, 'MethodNotAllowed', `use ${expected}`);
}

export function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw badRequest(`query parameter "${name}" is required`);
  return value;
}

export function optionalParam(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

/** `limit` as an integer >= 1 (undefined when absent). */
export function limitParam(query: URLSearchParams, max?: number): number | undefined {
  const limit = optionalParam(query, 'limit');
  if (limit === undefined) return undefined;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || (max !== undefined && n > max)) {
    throw badRequest(`limit must be an integer >= 1${max !== undefined ? ` and <= ${max}` : ''}`);
  }
  return n;
}

export function errorBody(
  code: string,
  message: string,
): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(json);
}

/** The request's JSON body (at most 64 KiB); an empty body is `undefined`. */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
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
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(badRequest('body is not valid JSON'));
      }
    });
  });
}

/** A JSON object body whose keys are all in `allowed` (absent body = `{}` when `optional`). */
export async function readObjectBody(
  req: IncomingMessage,
  allowed: readonly string[],
  optional = false,
): Promise<Record<string, unknown>> {
  const body = await readJsonBody(req);
  if (body === undefined && optional) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`expected a JSON object with ${allowed.map((k) => `"${k}"`).join(', ')}`);
  }
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw badRequest(`unknown field "${key}"`);
  }
  return body as Record<string, unknown>;
}

export function stringField(
  body: Record<string, unknown>,
  name: string,
  required: true,
  allowEmpty?: boolean,
): string;
export function stringField(
  body: Record<string, unknown>,
  name: string,
  required: false,
  allowEmpty?: boolean,
): string | undefined;
export function stringField(
  body: Record<string, unknown>,
  name: string,
  required: boolean,
  allowEmpty = false,
): string | undefined {
  const value = body[name];
  if (value === undefined) {
    if (required) throw badRequest(`"${name}" is required`);
    return undefined;
  }
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw badRequest(`"${name}" must be a ${allowEmpty ? '' : 'non-empty '}string`);
  }
  return value;
}

/** An optional array of non-empty strings (at most `max`). */
export function idsField(
  body: Record<string, unknown>,
  name: string,
  max = 1_000,
): string[] | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length > max ||
    value.some((v) => typeof v !== 'string' || v === '')
  ) {
    throw badRequest(`"${name}" must be an array of at most ${max} non-empty strings`);
  }
  return value as string[];
}
