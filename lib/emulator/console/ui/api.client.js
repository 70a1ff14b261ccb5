// @ts-check
/**
 * The console's only way to the emulator: the JSON admin API under /_emulator/. Sends the admin
 * token (when the emulator needs one) as a Bearer header; actions are JSON POSTs, which a page of
 * another site cannot send here.
 */

const BASE = '/_emulator/';
const TOKEN_KEY = 'aliyun-mq-emulator.token';

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @type {string} */
let token = sessionStorage.getItem(TOKEN_KEY) ?? '';

/** @param {string} value */
export function setToken(value) {
  token = value;
  if (value === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
}

export function hasToken() {
  return token !== '';
}

/** Headers of every request (the live stream uses them too). */
export function authHeaders() {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (token !== '') headers.authorization = `Bearer ${token}`;
  return headers;
}

/**
 * @param {string} path below /_emulator/, with its query
 * @param {{ method?: string, body?: unknown, signal?: AbortSignal }} [init]
 * @returns {Promise<any>}
 */
export async function api(path, init = {}) {
  const headers = authHeaders();
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(BASE + path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    cache: 'no-store',
    credentials: 'omit',
    ...(init.signal !== undefined ? { signal: init.signal } : {}),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(
      res.status,
      json?.error?.code ?? 'HttpError',
      json?.error?.message ?? `${res.status} ${res.statusText}`,
    );
  }
  return json;
}

/**
 * A query string from the defined entries.
 * @param {Record<string, string | number | undefined>} params
 */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
