/**
 * Loads the vendored RocketMQ 5 `.proto` files (proto/, see proto/NOTICE) with @grpc/proto-loader.
 * No code generation: the service definition is built at run time, once per process.
 *
 * The decoding options are chosen once here, for every user of this layer:
 * - field names in camelCase (`systemProperties`, `receiptHandle`);
 * - int64 as JS numbers (timestamps, durations and offsets stay far below 2^53);
 * - enums as their names (`'FIFO'`, `'OK'`); encoding accepts names or numbers;
 * - bytes as Buffer;
 * - defaults filled in: absent scalars read as '' / 0 / false, absent sub-messages as null, while
 *   proto3 `optional` fields stay undefined when absent (their presence is real information);
 * - oneofs: the name of the member that is set (e.g. `content: 'status'`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';

/** Fully qualified name of the service. */
export const MESSAGING_SERVICE_NAME = 'apache.rocketmq.v2.MessagingService';

/** The service's path prefix on the wire, e.g. `/apache.rocketmq.v2.MessagingService/SendMessage`. */
export const MESSAGING_SERVICE_PATH = `/${MESSAGING_SERVICE_NAME}/`;

/** Directory holding `apache/rocketmq/v2/*.proto` (next to this file, in lib/ and in dist/lib/). */
export const PROTO_DIRECTORY = fileURLToPath(new URL('./proto/', import.meta.url));

export const PROTO_LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: false,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIRECTORY],
});

let cached: ServiceDefinition | undefined;

/**
 * The `MessagingService` definition, usable by `@grpc/grpc-js` as is: `server.addService(def, …)`
 * or `makeGenericClientConstructor(def, 'MessagingService')`.
 */
export function loadMessagingService(): ServiceDefinition {
  if (cached !== undefined) return cached;
  if (!existsSync(PROTO_DIRECTORY)) {
    throw new Error(
      `RocketMQ 5 protocol files are missing: ${PROTO_DIRECTORY} does not exist (a build that did not copy lib/**/*.proto?)`,
    );
  }
  const definitions = loadSync('apache/rocketmq/v2/service.proto', { ...PROTO_LOADER_OPTIONS });
  const service = definitions[MESSAGING_SERVICE_NAME];
  if (service === undefined || 'format' in service) {
    throw new Error(`${MESSAGING_SERVICE_NAME} is not defined by the vendored protocol files`);
  }
  cached = service as unknown as ServiceDefinition;
  return cached;
}
