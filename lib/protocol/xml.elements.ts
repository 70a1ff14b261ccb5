/**
 * The leaf elements of each MQ document, in the order the service (and our builders) emit them.
 * Shared by both parsers: the fast scanner reads children expecting this order, the
 * fast-xml-parser path looks them up by name.
 */
export const PUBLISH_REQUEST_LEAVES = ['MessageBody', 'MessageTag', 'Properties'];
export const PUBLISH_RESPONSE_LEAVES = ['MessageId', 'MessageBodyMD5', 'ReceiptHandle'];
export const CONSUMED_MESSAGE_LEAVES = [
  'MessageId',
  'ReceiptHandle',
  'MessageBodyMD5',
  'MessageBody',
  'PublishTime',
  'FirstConsumeTime',
  'NextConsumeTime',
  'ConsumedTimes',
  'MessageTag',
  'Properties',
];
export const ERROR_LEAVES = ['Code', 'Message', 'RequestId', 'HostId'];
export const ACK_ERROR_LEAVES = ['ErrorCode', 'ErrorMessage', 'ReceiptHandle'];
