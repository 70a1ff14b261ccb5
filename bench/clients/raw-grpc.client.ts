/**
 * A lean RocketMQ 5 client for capacity runs: one @grpc/grpc-js channel, metadata signed once and
 * re-sent (the emulator, like the proxy, checks the signature but not the age of x-mq-date-time),
 * a fresh producer message id per send, nothing else per request. It measures the emulator's gRPC
 * front, not a client's overhead.
 */
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  buildAuthorization,
  formatRequestDateTime,
  loadMessagingService,
  MQ_GRPC_HEADER,
  msToDuration,
} from '../../lib/protocol-grpc/index.js';
import type { BenchCredentials } from './presigned.request.js';

interface Received {
  messageId: string;
  receiptHandle: string;
}

export class RawGrpcClient {
  private readonly client: Client;
  private readonly service = loadMessagingService();
  private readonly metadata = new Metadata();
  private readonly idPrefix = `BENCH${process.pid}_${Date.now().toString(36)}_`;
  private nextId = 0;

  constructor(endpoint: string, creds: BenchCredentials) {
    this.client = new Client(endpoint, credentials.createInsecure(), {
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
    });
    const dateTime = formatRequestDateTime();
    this.metadata.set(MQ_GRPC_HEADER.dateTime, dateTime);
    this.metadata.set(MQ_GRPC_HEADER.clientId, `bench-${process.pid}`);
    this.metadata.set(MQ_GRPC_HEADER.protocol, 'v2');
    this.metadata.set(
      MQ_GRPC_HEADER.authorization,
      buildAuthorization(creds.accessKeyId, creds.accessKeySecret, dateTime),
    );
  }

  async send(topic: string, body: Buffer): Promise<void> {
    const res = await this.unary<{ status: { code: string; message: string } }>('SendMessage', {
      messages: [
        {
          topic: { name: topic },
          body,
          systemProperties: { messageId: this.idPrefix + this.nextId++, messageType: 'NORMAL' },
        },
      ],
    });
    if (res.status.code !== 'OK')
      throw new Error(`bench: gRPC send: ${res.status.code} ${res.status.message}`);
  }

  /** One ReceiveMessage without long polling; [] when nothing is ready. */
  receive(topic: string, group: string, max: number): Promise<Received[]> {
    const def = this.service.ReceiveMessage!;
    const out: Received[] = [];
    return new Promise((resolve, reject) => {
      const stream = this.client.makeServerStreamRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        {
          group: { name: group },
          messageQueue: { topic: { name: topic }, id: 0 },
          filterExpression: { type: 'TAG', expression: '*' },
          batchSize: max,
          invisibleDuration: msToDuration(60_000),
          longPollingTimeout: msToDuration(0),
        },
        this.metadata,
        { deadline: Date.now() + 10_000 },
      );
      let failure: string | undefined;
      stream.on('data', (frame: { content: string; status?: { code: string }; message?: any }) => {
        if (
          frame.content === 'status' &&
          frame.status!.code !== 'OK' &&
          frame.status!.code !== 'MESSAGE_NOT_FOUND'
        ) {
          failure = frame.status!.code;
        } else if (frame.content === 'message') {
          const sp = frame.message.systemProperties;
          out.push({ messageId: sp.messageId, receiptHandle: sp.receiptHandle });
        }
      });
      stream.on('error', reject);
      stream.on('end', () =>
        failure === undefined ? resolve(out) : reject(new Error(`bench: gRPC receive: ${failure}`)),
      );
    });
  }

  /** Acks a batch in one AckMessage request. */
  async ack(topic: string, group: string, messages: readonly Received[]): Promise<void> {
    const res = await this.unary<{ status: { code: string; message: string } }>('AckMessage', {
      group: { name: group },
      topic: { name: topic },
      entries: messages.map((m) => ({ messageId: m.messageId, receiptHandle: m.receiptHandle })),
    });
    if (res.status.code !== 'OK')
      throw new Error(`bench: gRPC ack: ${res.status.code} ${res.status.message}`);
  }

  close(): void {
    this.client.close();
  }

  private unary<T>(method: string, request: object): Promise<T> {
    const def = this.service[method]!;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        this.metadata,
        { deadline: Date.now() + 10_000 },
        (err: ServiceError | null, res?: unknown) => (err ? reject(err) : resolve(res as T)),
      );
    });
  }
}
