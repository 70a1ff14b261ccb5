/** Minimal typings of the official Node SDK 1.0.4 (a CJS package without its own types). */
declare module '@aliyunmq/mq-http-sdk' {
  export interface SdkResponse<T> {
    code: number;
    requestId: string;
    body: T;
  }
  export interface SdkMessage {
    MessageId: string;
    ReceiptHandle: string;
    MessageBodyMD5: string;
    MessageBody: string;
    PublishTime: string;
    NextConsumeTime: string;
    FirstConsumeTime: string;
    ConsumedTimes: string;
    MessageTag?: string;
    MessageKey?: string;
    StartDeliverTime?: number;
    ShardingKey?: string;
    Properties: Record<string, string>;
  }
  export interface SdkPublishResult {
    MessageId: string;
    MessageBodyMD5: string;
    ReceiptHandle?: string;
  }
  export interface SdkAckError {
    ErrorCode: string;
    ErrorMessage: string;
    ReceiptHandle: string;
  }
  export class MessageProperties {
    messageKey(key: string): void;
    startDeliverTime(timeMillis: number): void;
    transCheckImmunityTime(seconds: number): void;
    shardingKey(key: string): void;
    putProperty(key: string, value: string): void;
  }
  export class MQProducer {
    publishMessage(
      body: string,
      tag?: string,
      props?: MessageProperties,
    ): Promise<SdkResponse<SdkPublishResult>>;
  }
  export class MQTransProducer extends MQProducer {
    consumeHalfMessage(
      numOfMessages: number,
      waitSeconds?: number,
    ): Promise<SdkResponse<SdkMessage[]>>;
    commit(receiptHandle: string): Promise<SdkResponse<SdkAckError[] | undefined>>;
    rollback(receiptHandle: string): Promise<SdkResponse<SdkAckError[] | undefined>>;
  }
  export class MQConsumer {
    consumeMessage(numOfMessages: number, waitSeconds?: number): Promise<SdkResponse<SdkMessage[]>>;
    consumeMessageOrderly(
      numOfMessages: number,
      waitSeconds?: number,
    ): Promise<SdkResponse<SdkMessage[]>>;
    ackMessage(receiptHandles: string[]): Promise<SdkResponse<SdkAckError[] | undefined>>;
  }
  export class MQClient {
    constructor(
      endpoint: string,
      accessKeyId: string,
      accessKeySecret: string,
      securityToken?: string,
    );
    getProducer(instanceId: string, topic: string): MQProducer;
    getTransProducer(instanceId: string, topic: string, groupId: string): MQTransProducer;
    getConsumer(
      instanceId: string,
      topic: string,
      consumer: string,
      messageTag?: string,
    ): MQConsumer;
  }
  const sdk: {
    MQClient: typeof MQClient;
    MessageProperties: typeof MessageProperties;
  };
  export default sdk;
}
