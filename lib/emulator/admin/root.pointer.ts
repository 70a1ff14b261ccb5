/**
 * `GET /`: says what this server is and where things are (console, admin API, the MQ endpoint).
 * The cloud has no resource at `/`, and no SDK asks for it; every other path outside the admin
 * prefix keeps the protocol's XML errors. Browsers get a small page, everything else JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RootPointerContext {
  endpoint: string;
  instanceId: string;
  consoleEnabled: boolean;
  tokenRequired: boolean;
}

export function sendRootPointer(
  ctx: RootPointerContext,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const links = {
    emulator: 'aliyun-mq-emulator (an EMULATOR of Alibaba Cloud MQ for RocketMQ, not the service)',
    console: ctx.consoleEnabled ? '/_emulator/ui/' : null,
    admin: '/_emulator/health',
    adminTokenRequired: ctx.tokenRequired,
    endpoints: {
      http: `${ctx.endpoint}/topics/{topic}/messages`,
    },
    instanceId: ctx.instanceId,
  };
  const html = (req.headers.accept ?? '').includes('text/html');
  const body = html ? page(ctx, links.endpoints.http) : JSON.stringify(links, null, 2) + '\n';
  res.writeHead(200, {
    'content-type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function page(ctx: RootPointerContext, httpEndpoint: string): string {
  const consoleLine = ctx.consoleEnabled
    ? `<li><a href="/_emulator/ui/">Web console</a>${ctx.tokenRequired ? ' (asks for the admin token printed in the banner)' : ''}</li>`
    : '<li>Web console: turned off (<code>--no-console</code>)</li>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aliyun-mq-emulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}code{background:#f2f2f2;padding:0 .2em}</style>
</head><body>
<h1>aliyun-mq-emulator</h1>
<p>An <strong>emulator</strong> of Alibaba Cloud MQ for RocketMQ (HTTP protocol) for development and tests. It is not the cloud service.</p>
<ul>
${consoleLine}
<li><a href="/_emulator/health">Admin API</a> (JSON under <code>/_emulator/</code>)</li>
<li>MQ HTTP endpoint: <code>${escapeHtml(httpEndpoint)}</code>, instance id <code>${escapeHtml(ctx.instanceId === '' ? '(default instance)' : ctx.instanceId)}</code></li>
</ul>
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
