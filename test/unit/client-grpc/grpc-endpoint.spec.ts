import { describe, expect, it } from '@jest/globals';
import { parseGrpcEndpoint } from '../../../lib/client-grpc/grpc.endpoint.js';
import { MQInvalidArgumentError } from '../../../lib/client/index.js';

describe('parseGrpcEndpoint', () => {
  it.each([
    [
      'rmq-cn-x.cn-hangzhou.rmq.aliyuncs.com:8080',
      'rmq-cn-x.cn-hangzhou.rmq.aliyuncs.com',
      8080,
      'rmq-cn-x.cn-hangzhou.rmq.aliyuncs.com:8080',
    ],
    ['127.0.0.1:8081', '127.0.0.1', 8081, '127.0.0.1:8081'],
    ['[::1]:8081', '::1', 8081, '[::1]:8081'],
    ['proxy_1:1', 'proxy_1', 1, 'proxy_1:1'],
  ])('%s', (endpoint, host, port, target) => {
    expect(parseGrpcEndpoint(endpoint)).toEqual({ host, port, target });
  });

  it.each([
    [undefined, 'must be a non-empty string'],
    ['', 'must be a non-empty string'],
    ['http://127.0.0.1:8081', 'must not have a scheme'],
    ['grpc://127.0.0.1:8081', 'must not have a scheme'],
    ['127.0.0.1', 'has no port'],
    [':8081', 'has no port'],
    ['host:0', 'has a port out of range'],
    ['host:65536', 'has a port out of range'],
    ['host:80a', 'has an invalid port'],
    ['host:', 'has an invalid port'],
    ['ho st:80', 'has an invalid host name'],
    ['host/path:80', 'has an invalid host name'],
    ['[::1:8081', 'is not host:port'],
    ['[zz]:8081', 'has an invalid IPv6 address'],
  ])('refuses %j: %s', (endpoint, problem) => {
    let error: unknown;
    try {
      parseGrpcEndpoint(endpoint);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MQInvalidArgumentError);
    expect((error as MQInvalidArgumentError).argument).toBe('endpoint');
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).toContain('host:port');
  });
});
