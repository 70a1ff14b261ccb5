/**
 * NotifyClientTermination for one client id, sent when the client closes so the proxy drops the
 * session at once instead of ~2 min after its last heartbeat. Best effort: the close must go on
 * whatever the proxy does, so this never rejects; a refusal or failure is logged.
 */
import type { TelemetryCommand } from '../protocol-grpc/grpc.types.js';
import { isSuccessCode } from '../protocol-grpc/grpc.status.js';
import type { GrpcClientLogger } from './client.logger.js';
import { statusCodeName } from './grpc.errors.js';
import type { RpcChannel } from './rpc.channel.js';

export interface TerminationHost {
  readonly channel: RpcChannel;
  readonly namespace: string;
  readonly logger: GrpcClientLogger;
}

/** `group`: consumer sessions; `description`: the session as log lines name it. */
export async function notifyTermination(
  host: TerminationHost,
  clientId: string,
  group: string | undefined,
  description: string,
  timeoutMs: number,
): Promise<void> {
  const channel = host.channel;
  const request =
    group === undefined ? {} : { group: { name: group, resourceNamespace: host.namespace } };
  try {
    const response = await channel.unary<object, { status?: TelemetryCommand['status'] }>(
      'NotifyClientTermination',
      request,
      channel.context('NotifyClientTermination'),
      { clientId, timeoutMs },
    );
    if (!isSuccessCode(response.status?.code)) {
      host.logger.warn(
        `RocketMQ 5 ${description}: NotifyClientTermination answered ${statusCodeName(response.status)}`,
      );
    }
  } catch (error) {
    host.logger.warn(
      `RocketMQ 5 ${description}: NotifyClientTermination failed (${(error as Error).message}); the proxy forgets the client when its heartbeats stop`,
    );
  }
}
