/** The protocols a connection can use, by module option `transport`. */
import { grpcDriver } from './grpc/grpc.driver.js';
import { httpDriver } from './http/http.driver.js';
import type { MQTransportKind } from './mq-transport.js';
import type { MQTransportDriver } from './transport.driver.js';

const DRIVERS: Partial<Record<MQTransportKind, MQTransportDriver>> = {
  http: httpDriver,
  grpc: grpcDriver,
};

/** The protocols this build can speak, for option errors. */
export const TRANSPORT_KINDS = Object.keys(DRIVERS) as MQTransportKind[];

/** The driver of a protocol, or undefined when `kind` names none. */
export function findTransportDriver(kind: unknown): MQTransportDriver | undefined {
  return typeof kind === 'string' && Object.hasOwn(DRIVERS, kind)
    ? DRIVERS[kind as MQTransportKind]
    : undefined;
}
