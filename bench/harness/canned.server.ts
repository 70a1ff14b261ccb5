/**
 * Child process: a trivial HTTP server that answers every request with one fixed, valid publish
 * response (201 `<Message>`). Publishing to it measures a client's own cost with a server that does
 * nearly nothing. Usage: `node canned.server.js --body-md5 <UPPER HEX MD5 of the bench body>`.
 * The MD5 is fixed per run because clients verify MessageBodyMD5 against what they sent.
 */
import { createServer } from 'node:http';

const md5Index = process.argv.indexOf('--body-md5');
const bodyMd5 = md5Index > 0 ? process.argv[md5Index + 1] : undefined;
if (bodyMd5 === undefined || !/^[0-9A-F]{32}$/.test(bodyMd5)) {
  process.stderr.write('canned server: --body-md5 <32 upper-case hex chars> is required\n');
  process.exit(2);
}

const RESPONSE = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>' +
    '<Message xmlns="http://mq.aliyuncs.com/doc/v1">' +
    '<MessageId>0A1B2C3D00002A9F4E8B1C7D00000001</MessageId>' +
    `<MessageBodyMD5>${bodyMd5}</MessageBodyMD5>` +
    '</Message>',
  'utf8',
);
const HEADERS = {
  'content-type': 'text/xml;charset=utf-8',
  'content-length': String(RESPONSE.length),
  'x-mq-request-id': '6900000000000000000000AA',
  'x-mq-version': '2015-06-06',
};

const server = createServer((req, res) => {
  // Read the whole request before answering, as a real server must.
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(201, HEADERS);
    res.end(RESPONSE);
  });
});
// Clients keep connections for up to 30 s; never be the side that closes an idle keep-alive socket.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('canned server: no port');
  process.stdout.write(`canned-201 server listening on http://127.0.0.1:${address.port}\n`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
