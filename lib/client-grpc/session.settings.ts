/**
 * What the proxy learns about a session: its client id and the Settings command sent on its
 * Telemetry stream (client type, access point, request timeout, user agent, and the producer's
 * publishing topics or the consumer group's subscriptions). Pure functions of the session's state,
 * called when settings are (re)sent, never per message.
 */
import { hostname, platform } from 'node:os';
import { CLIENT_VERSION } from '../client/client.version.js';
import { msToDuration } from '../protocol-grpc/grpc.time.js';
import type { ClientType, Resource, Settings } from '../protocol-grpc/grpc.types.js';
import type { RpcChannel } from './rpc.channel.js';

const HOST = hostname();
let sessionIndex = 0;

export type SessionClientType = Extract<ClientType, 'PRODUCER' | 'SIMPLE_CONSUMER'>;

/** `host@pid@index@time`: unique per session, readable in the proxy's logs (as the official clients). */
export function newClientId(): string {
  return `${HOST}@${process.pid}@${sessionIndex++}@${Date.now().toString(36)}`;
}

/** The client-wide part of the settings, as the session's host knows it. */
export interface SettingsSource {
  readonly channel: RpcChannel;
  readonly namespace: string;
  readonly requestTimeoutMs: number;
}

/**
 * The settings command the proxy expects from a session. `topics`: the producer's publishing
 * topics (values unused), or the consumer's topic → tag expression; `group` for consumers.
 */
export function sessionSettings(
  source: SettingsSource,
  clientType: SessionClientType,
  group: string | undefined,
  topics: ReadonlyMap<string, string>,
): Settings {
  const ns = source.namespace;
  const { host, port } = source.channel.endpoint;
  const settings: Settings = {
    clientType,
    accessPoint: {
      scheme: /^[\d.]+$/.test(host) ? 'IPv4' : host.includes(':') ? 'IPv6' : 'DOMAIN_NAME',
      addresses: [{ host, port }],
    },
    requestTimeout: msToDuration(source.requestTimeoutMs),
    userAgent: {
      language: 'NODE_JS',
      version: CLIENT_VERSION,
      platform: platform(),
      hostname: HOST,
    },
  };
  if (clientType === 'PRODUCER') {
    const resources: Resource[] = [];
    for (const topic of topics.keys()) resources.push({ name: topic, resourceNamespace: ns });
    settings.publishing = { topics: resources, validateMessageType: true };
  } else {
    const subscriptions = [];
    for (const [topic, expression] of topics) {
      subscriptions.push({
        topic: { name: topic, resourceNamespace: ns },
        expression: { type: 'TAG' as const, expression },
      });
    }
    settings.subscription = {
      group: { name: group!, resourceNamespace: ns },
      subscriptions,
    };
  }
  return settings;
}

/** The union of two tag expressions of one topic ('*' covers every tag). */
export function mergeExpressions(a: string, b: string): string {
  if (a === '' && b === '') return '';
  if (a === '*' || b === '*' || a === '' || b === '') return '*';
  return [...new Set([...a.split('||'), ...b.split('||')])].sort().join('||');
}
