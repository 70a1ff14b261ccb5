/**
 * The `host:port` of a RocketMQ 5 proxy (ApsaraMQ for RocketMQ 5.x: the instance's endpoint, e.g.
 * `rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080`). Parsed without loading gRPC, so that the Nest
 * layer can check it at bootstrap.
 */
import { MQInvalidArgumentError } from '../client/client.errors.js';

export interface GrpcEndpoint {
  host: string;
  port: number;
  /** What gRPC dials: `host:port` (`[v6]:port` for IPv6 literals). */
  target: string;
}

export const GRPC_ENDPOINT_EXAMPLE = 'rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080';

/** DNS names and IPv4 literals: letters, digits, '-', '_' and '.'. */
function isHostChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5f
  );
}

export function parseGrpcEndpoint(endpoint: unknown, argument = 'endpoint'): GrpcEndpoint {
  const fail = (problem: string): never => {
    throw new MQInvalidArgumentError(
      argument,
      `${problem}; give host:port of a RocketMQ 5 endpoint, e.g. ${GRPC_ENDPOINT_EXAMPLE}`,
    );
  };
  if (typeof endpoint !== 'string' || endpoint.length === 0)
    return fail('must be a non-empty string');
  if (endpoint.includes('://')) {
    return fail(`must not have a scheme (got ${JSON.stringify(endpoint)}; set client.tls for TLS)`);
  }
  let host: string;
  let portText: string;
  if (endpoint.startsWith('[')) {
    const close = endpoint.indexOf(']');
    if (close < 0 || endpoint[close + 1] !== ':')
      return fail(`is not host:port: ${JSON.stringify(endpoint)}`);
    host = endpoint.slice(1, close);
    portText = endpoint.slice(close + 2);
    if (host.length === 0 || !/^[0-9a-fA-F:.]+$/.test(host)) {
      return fail(`has an invalid IPv6 address: ${JSON.stringify(endpoint)}`);
    }
  } else {
    const colon = endpoint.lastIndexOf(':');
    if (colon <= 0) return fail(`has no port: ${JSON.stringify(endpoint)}`);
    host = endpoint.slice(0, colon);
    portText = endpoint.slice(colon + 1);
    for (let i = 0; i < host.length; i++) {
      if (!isHostChar(host.charCodeAt(i))) {
        return fail(`has an invalid host name: ${JSON.stringify(endpoint)}`);
      }
    }
  }
  if (!/^\d{1,5}$/.test(portText)) return fail(`has an invalid port: ${JSON.stringify(endpoint)}`);
  const port = Number(portText);
  if (port < 1 || port > 65_535)
    return fail(`has a port out of range: ${JSON.stringify(endpoint)}`);
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { host, port, target };
}
