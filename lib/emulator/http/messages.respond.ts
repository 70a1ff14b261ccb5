/**
 * One MQ protocol request (`/topics/{topic}/messages`), from its checks to the reply: method and
 * target limits, the signature, 100 Continue, the body, the operation, the fault the rules pick
 * for it, then the broker. Created once per server (http.server.ts routes to it); what it returns
 * is answered at the end of the turn (reply.deliver.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MQ_LIMITS } from '../../protocol/index.js';
import type { ConsumerActivity } from '../activity/consumer.activity.js';
import type { MessageHistory } from '../activity/message.history.js';
import type { Broker } from '../broker/broker.js';
import type { Clock } from '../clock/clock.js';
import type { FaultInjector } from '../faults/fault.injector.js';
import type { FaultDecision, FaultRequest } from '../faults/fault.types.js';
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
  authenticate: ((req: IncomingMessage) => void) | undefined;
  maxBodyBytes: number;
  maxWaitSeconds: number;
  /** Long polls parked right now (the admin health view reads it). */
  longPolls: LongPollGauge;
  activity: ConsumerActivity | undefined;
  faults: FaultInjector | undefined;
  /** The console's message history, read when a fault is traced; undefined when it is off. */
  history: () => MessageHistory | undefined;
}

export class MessagesResponder {
  constructor(private readonly options: MessagesResponderOptions) {}

  /** Checks and runs one protocol request; undefined when there is nobody to answer. */
  async respond(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    path: string,
    rawQuery: string,
    requestId: string,
    state: ServeState,
    hostId: string,
  ): Promise<Reply | undefined> {
    const options = this.options;
    const method = req.method;
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE')
      throw new MQRequestError('InvalidRequestURL');
    if ((req.url ?? '').length > MAX_REQUEST_TARGET_LENGTH) {
      throw new MQRequestError(
        'InvalidRequestURL',
        `Http request URL is longer than ${MAX_REQUEST_TARGET_LENGTH} characters.`,
      );
    }
    const topic = matchMessagesPath(path);
    options.authenticate?.(req);
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
    if (options.authenticate !== undefined) verifyContentMd5(req, body);
    const query = parseMessagesQuery(rawQuery);
    const operation = resolveOperation(method, topic, query, options.maxWaitSeconds);
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
    const activity = options.activity;
    const polled =
      activity !== undefined && operation.kind === 'consume'
        ? recordHttpPoll(activity, req, operation)
        : undefined;
    let outcome;
    try {
      // Its writes are kept for the turn's group commit; the answer waits for them (reply.deliver.ts).
      const broker = options.broker;
      const result = broker.commits.deferred(() =>
        executeOperation(broker, operation, body, res, options.longPolls),
      );
      // Only a consume returns a promise: the others need no extra turn of the microtask queue.
      outcome = result instanceof Promise ? await result : result;
    } finally {
      polled?.();
    }
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
