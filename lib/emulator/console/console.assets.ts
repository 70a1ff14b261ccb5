/**
 * Serves the console's static files (`lib/emulator/console/ui/`, copied to `dist/lib/...` by the
 * build) at `/_emulator/ui/`. Only files found in that folder at first use are served, by exact
 * name, so no path can reach outside it. Pages get a strict Content-Security-Policy: scripts and
 * styles from this origin only, no inline code, so even a message body mistakenly inserted as
 * HTML could not run.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminHttpError } from '../admin/admin.json.js';

const UI_DIR = fileURLToPath(new URL('./ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export class ConsoleAssets {
  private assets: Map<string, Asset> | undefined;

  constructor(private readonly dir: string = UI_DIR) {}

  /** `file` is the path below `/_emulator/ui/` ('' for the page itself, undefined for `/ui`). */
  serve(req: IncomingMessage, res: ServerResponse, file: string): void {
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'HEAD') {
      throw new AdminHttpError(405, 'MethodNotAllowed', 'use GET');
    }
    if (file === '' && !(req.url ?? '').split('?', 1)[0]!.endsWith('/')) {
      // `/_emulator/ui` → `/_emulator/ui/`, so the page's relative URLs resolve.
      res.writeHead(308, { location: '/_emulator/ui/', 'content-length': 0 });
      res.end();
      return;
    }
    const asset = this.load().get(file === '' ? 'index.html' : file);
    if (asset === undefined) {
      throw new AdminHttpError(404, 'NotFound', `no console file ${file}`);
    }
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, { etag: asset.etag, 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.body.length,
      'cache-control': 'no-cache',
      etag: asset.etag,
      ...SECURITY_HEADERS,
    });
    res.end(method === 'HEAD' ? undefined : asset.body);
  }

  private load(): Map<string, Asset> {
    if (this.assets !== undefined) return this.assets;
    const assets = new Map<string, Asset>();
    for (const name of readdirSync(this.dir)) {
      const type = TYPES[extname(name)];
      const path = join(this.dir, name);
      if (type === undefined || !statSync(path).isFile()) continue;
      const body = readFileSync(path);
      const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
      assets.set(name, { body, type, etag });
    }
    this.assets = assets;
    return assets;
  }
}
