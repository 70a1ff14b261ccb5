export { MQConsumer } from './mq-consumer.decorator.js';
export { MQTransactionChecker, MQTransactionStatus } from './mq-transaction-checker.decorator.js';
export { MQPayload } from './mq-payload.decorator.js';
export { MQMessage } from './mq-message.decorator.js';
export { MQCtx } from './mq-ctx.decorator.js';
export { InjectMQProducer } from './inject-mq-producer.decorator.js';
export { InjectMQClient } from './inject-mq-client.decorator.js';
