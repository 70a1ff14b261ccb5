/**
 * Is a request for the 2017 ONS HTTP API (`/message/`)? Its samples hand the full URL to their HTTP
 * library, so the request line may be in absolute form (`POST http://host:port/message/?… HTTP/1.1`,
 * any host); origin form (`/message/?…`) is accepted too. Routing looks at the path only.
 */

/** The raw query ('' when none) of a request for `/message/` or `/message`, else undefined. */
export function matchOnsTarget(url: string): string | undefined {
  let pathStart = 0;
  // Cheap first test: MQ requests (`/topics/…`, `/_emulator/…`) are origin form and never match.
  if (url.charCodeAt(0) !== 0x2f /* / */) {
    pathStart = absoluteFormPathStart(url);
    if (pathStart === -1) return undefined;
  }
  if (!url.startsWith('/message', pathStart)) return undefined;
  let end = pathStart + '/message'.length;
  if (url.charCodeAt(end) === 0x2f) end++;
  if (end === url.length) return '';
  return url.charCodeAt(end) === 0x3f /* ? */ ? url.slice(end + 1) : undefined;
}

/** Index of the path in `http://authority/path…` (scheme case-insensitive), -1 if not that shape. */
function absoluteFormPathStart(url: string): number {
  const scheme = url.slice(0, 8).toLowerCase();
  let authority: number;
  if (scheme.startsWith('http://')) authority = 7;
  else if (scheme === 'https://') authority = 8;
  else return -1;
  const slash = url.indexOf('/', authority);
  const query = url.indexOf('?', authority);
  // `http://host?x` has no path at all; `http://host` neither.
  if (slash === -1 || (query !== -1 && query < slash)) return -1;
  return slash;
}
