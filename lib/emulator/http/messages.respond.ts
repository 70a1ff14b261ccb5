/**
 * One MQ protocol request (`/topics/{topic}/messages`), from its checks to the reply: method and
 * target limits, the signature, 100 Continue, the body, the operation, the fault the rules pick
 * for it, then the broker. Created once per server; http.server.ts routes node:http's requests to
 * `respond`, the fast lane its whole requests to `respondWhole`; what either returns is answered
 * at the end of the turn (reply.deliver.ts, fast-lane.connection.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MQ_LIMITS } from '../../protocol/index.js';
import type { ConsumerActivity } from '../activity/consumer.activity.js';
import type { MessageHistory } from '../activity/message.history.js';
import type { Broker } from '../broker/broker.js';
import type { Clock } from '../clock/clock.js';
import type { FaultInjector } from '../faults/fault.injector.js';
import type { FaultDecision, FaultRequest } from '../faults/fault.types.js';
import { ResponseChannel } from './answer.channel.js';
import type { AnswerChannel } from './answer.channel.js';
import { beforeActing, injectedError } from './fault.apply.js';
import { traceFault } from './fault.trace.js';
import { MQRequestError } from './http.errors.js';
import { executeOperation } from './messages.execute.js';
import type { LongPollGauge, OperationOutcome } from './messages.execute.js';
import { verifyContentMd5 } from './request.auth.js';
import { readRequestBody } from './request.body.js';
import type { ServeState } from './request.log.js';
import { resolveOperation } from './request.operation.js';
import type { MessagesOperation } from './request.operation.js';
import { recordHttpPoll } from './poll.activity.js';
import type { RequestHead } from './request.head.js';
import { parseMessagesQuery } from './request.query.js';
import { matchMessagesPath } from './request.route.js';
import { errorReply, noContentReply, xmlReply } from './response.write.js';
import type { Reply } from './response.write.js';

/** The documented request-line limit (PROTOCOL.md §1.3), applied to the request-target. */
const MAX_REQUEST_TARGET_LENGTH = MQ_LIMITS.maxRequestLineLength;

export interface MessagesResponderOptions {
  broker: Broker;
  clock: Clock;
  /** Checks the signature (auth 'strict'); undefined when auth is off. */
  authenticate: ((req: RequestHead) => void) | undefined;
  maxBodyBytes: number;
  maxWaitSeconds: number;
  /** Long polls parked right now (the admin health view reads it). */
  longPolls: LongPollGauge;
  activity: ConsumerActivity | undefined;
  faults: FaultInjector | undefined;
  /** The console's message history, read when a fault is traced; undefined when it is off. */
  history: () => MessageHistory | undefined;
}

type Answer = Reply | undefined;
/** The methods `check` lets through. */
type ProtocolMethod = 'GET' | 'POST' | 'DELETE';

export class MessagesResponder {
  constructor(private readonly options: MessagesResponderOptions) {}

  /** Checks and runs one request node:http serves; undefined when there is nobody to answer. */
  async respond(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    path: string,
    rawQuery: string,
    requestId: string,
    state: ServeState,
    hostId: string,
  ): Promise<Answer> {
    const options = this.options;
    const topic = this.check(req, path);
    if (expectContinue) {
      const length = Number(req.headers['content-length']);
      if (length > options.maxBodyBytes) {
        throw new MQRequestError(
          'InvalidArgument',
          `The value of request body should between 0 and ${options.maxBodyBytes} bytes.`,
          true,
        );
      }
      res.writeContinue();
    }
    const body = await readRequestBody(req, options.maxBodyBytes);
    const operation = this.operation(req, topic, rawQuery, body);
    const faults = options.faults;
    if (faults !== undefined && faults.armed) {
      const fault = faults.decide(describeForFaults(operation));
      if (fault !== undefined) {
        state.fault = fault;
        if (fault.action.kind === 'error') {
          this.traceFault(fault, operation, body, undefined);
          const wire = injectedError(fault.action);
          state.errorCode = wire.code;
          return errorReply(wire, requestId, hostId);
        }
        if (!(await beforeActing(fault.action, req, res))) {
          this.traceFault(fault, operation, body, undefined);
          return undefined;
        }
      }
    }
    const outcome = this.execute(
      operation,
      body,
      req,
      req.socket.remoteAddress,
      new ResponseChannel(res),
    );
    // Only a consume returns a promise: the others need no extra turn of the microtask queue.
    return this.answer(
      outcome instanceof Promise ? await outcome : outcome,
      operation,
      body,
      requestId,
      state,
    );
  }

  /**
   * Checks and runs one request the fast lane received whole (never while a fault rule is armed:
   * the lane hands those to node:http). Throws the request's error; a promise only for a consume.
   */
  respondWhole(
    head: RequestHead,
    remoteAddress: string | undefined,
    body: Buffer,
    channel: AnswerChannel,
    path: string,
    rawQuery: string,
    requestId: string,
    state: ServeState,
  ): Answer | Promise<Answer> {
    const topic = this.check(head, path);
    const operation = this.operation(head, topic, rawQuery, body);
    const outcome = this.execute(operation, body, head, remoteAddress, channel);
    return outcome instanceof Promise
      ? outcome.then((done) => this.answer(done, operation, body, requestId, state))
      : this.answer(outcome, operation, body, requestId, state);
  }

  /** Method, target length, the path's topic and the signature; returns the topic. */
  private check(head: RequestHead, path: string): string {
    const method = head.method;
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE')
      throw new MQRequestError('InvalidRequestURL');
    if ((head.url ?? '').length > MAX_REQUEST_TARGET_LENGTH) {
      throw new MQRequestError(
        'InvalidRequestURL',
        `Http request URL is longer than ${MAX_REQUEST_TARGET_LENGTH} characters.`,
      );
    }
    const topic = matchMessagesPath(path);
    this.options.authenticate?.(head);
    return topic;
  }

  /** The body's digest, then which operation the request is, its parameters checked. */
  private operation(
    head: RequestHead,
    topic: string,
    rawQuery: string,
    body: Buffer,
  ): MessagesOperation {
    const options = this.options;
    if (options.authenticate !== undefined) verifyContentMd5(head, body);
    return resolveOperation(
      head.method as ProtocolMethod,
      topic,
      parseMessagesQuery(rawQuery),
      options.maxWaitSeconds,
    );
  }

  /** Runs the operation on the broker, its writes kept for the turn's group commit. */
  private execute(
    operation: MessagesOperation,
    body: Buffer,
    head: RequestHead,
    remoteAddress: string | undefined,
    channel: AnswerChannel,
  ): OperationOutcome | Promise<OperationOutcome> {
    const options = this.options;
    const activity = options.activity;
    const polled =
      activity !== undefined && operation.kind === 'consume'
        ? recordHttpPoll(activity, head, remoteAddress, operation)
        : undefined;
    const broker = options.broker;
    if (polled === undefined) {
      return broker.commits.deferred(() =>
        executeOperation(broker, operation, body, channel, options.longPolls),
      );
    }
    let result;
    try {
      result = broker.commits.deferred(() =>
        executeOperation(broker, operation, body, channel, options.longPolls),
      );
    } catch (err) {
      polled();
      throw err;
    }
    if (!(result instanceof Promise)) {
      polled();
      return result;
    }
    return result.finally(polled);
  }

  /** The reply for an operation's outcome; undefined when the client has left. */
  private answer(
    outcome: OperationOutcome,
    operation: MessagesOperation,
    body: Buffer,
    requestId: string,
    state: ServeState,
  ): Answer {
    if (state.fault !== undefined) this.traceFault(state.fault, operation, body, outcome);
    if (outcome.status === 0) return undefined;
    if (outcome.status === 204) return noContentReply(requestId);
    if (outcome.status === 200) state.handles = outcome.handles;
    return xmlReply(outcome.status, outcome.xml, requestId);
  }

  /** The console's history learns which messages a fault touched (nothing when it is off). */
  private traceFault(
    fault: FaultDecision,
    operation: MessagesOperation,
    body: Buffer,
    outcome: OperationOutcome | undefined,
  ): void {
    const history = this.options.history();
    if (history !== undefined) {
      traceFault(history, this.options.clock.now(), fault, operation, body, outcome);
    }
  }
}

/** The front-agnostic description the fault rules match on. */
function describeForFaults(op: MessagesOperation): FaultRequest {
  return op.kind === 'publish'
    ? { front: 'http', operation: 'publish', topic: op.topic, instanceId: op.ns }
    : { front: 'http', operation: op.kind, topic: op.topic, group: op.group, instanceId: op.ns };
}
