/**
 * The transport seam (internal to the package; `MQTransport` and its request types are public so
 * that `MQProducer.transport` is typed). The Nest layer imports protocols only through here: the
 * seam's interface, the drivers, and the package's message vocabulary and errors, which every
 * transport speaks.
 */
export type {
  MQTransport,
  MQTransportKind,
  MQTransportCallOptions,
  MQReceiveRequest,
  MQCheckRequest,
} from './mq-transport.js';
export type {
  MQTransportConfig,
  MQTransportLogger,
  MQTransportDriver,
  MQSubscriptionCheck,
} from './transport.driver.js';
export { findTransportDriver, TRANSPORT_KINDS } from './transport.drivers.js';
export {
  MQError,
  MQServiceError,
  MQNetworkError,
  MQTimeoutError,
  MQAbortError,
  MQProtocolError,
  MQInvalidArgumentError,
} from '../client/client.errors.js';
export type {
  MQCredentials,
  MQCredentialsProvider,
  MQClientOptions,
  MQPublishInput,
  MQPublishResult,
  MQReceivedMessage,
  MQAckFailure,
  MQAckResult,
} from '../client/client.types.js';
export type { MQConnectionCheck } from '../client/connection.check.js';
/** Refuses unknown keys of an options object (a typo is never ignored), in the client's wording. */
export { checkKnownKeys } from '../client/client.validation.js';
/** The package's version (User-Agent, telemetry scope). */
export { CLIENT_VERSION } from '../client/client.version.js';
/** The HTTP protocol's client type (what `native` is on an HTTP transport). */
export type { MQClient as MQHttpClient } from '../client/mq.client.js';
