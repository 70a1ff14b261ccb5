/**
 * The 2017 ONS HTTP API on the emulator's HTTP port (`/message/`), on the same broker, clock,
 * durability and admin view as the MQ HTTP protocol. Every request is answered with the old API's
 * statuses and JSON bodies; nothing a client sends can crash the process. Fault rules (`front:
 * 'ons'`, operations publish, consume and ack) are asked once the request is checked and signed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  buildOnsMessages,
  ONS_HEADERS,
  ONS_LIMITS,
  onsBodyMd5Hex,
  onsConsumeStringToSign,
  onsDeleteStringToSign,
  onsMissingParameterInfo,
  onsPublishStringToSign,
} from '../../protocol/ons/index.js';
import type { Broker } from '../broker/broker.js';
import { MAX_REQUEST_BODY_BYTES } from '../config/emulator.defaults.js';
import type { EmulatorCredential } from '../emulator.types.js';
import type { FaultInjector } from '../faults/fault.injector.js';
import type { FaultDecision, FaultOperation } from '../faults/fault.types.js';
import { actsAfter, beforeActing, deliverFaulted, writeAnswer } from '../http/fault.apply.js';
import type { HttpAnswer } from '../http/fault.apply.js';
import type { EmulatorLog } from '../http/http.log.js';
import { ClientGoneError } from '../http/request.body.js';
import { isTopicName } from '../http/request.route.js';
import { headerValue, OnsAuthenticator } from './ons.auth.js';
import { readOnsBody } from './ons.body.js';
import { injectedOnsError, OnsRequestError, toOnsWireError } from './ons.errors.js';
import type { ConsumerActivity } from '../activity/consumer.activity.js';
import { traceFault, type FaultTouched } from '../activity/fault.trace.js';
import type { MessageHistory } from '../activity/message.history.js';
import type { OnsOperation } from './ons.errors.js';
import { onsConsume, onsDelete, onsPublish, parseNum } from './ons.execute.js';
import { parseOnsQuery } from './ons.query.js';
import { onsErrorAnswer, onsJsonAnswer, onsNoContentAnswer } from './ons.response.js';

export interface OnsFrontOptions {
  broker: Broker;
  /** The old API has no instance: it acts in this one (the emulator's advertised instance). */
  instanceId: string;
  auth: 'strict' | 'off';
  credentials: readonly EmulatorCredential[];
  /** Allowed distance between `time` and real wall time (`timings.onsMaxTimeSkewMs`). */
  maxTimeSkewMs: number;
  log: EmulatorLog;
  /** Largest body read before answering (default: the HTTP front's 5 MiB); beyond it the connection closes. */
  drainLimitBytes?: number;
  /** Consumers seen (the console); undefined when the console is off. */
  activity?: ConsumerActivity;
  /** The console's message history (faults that touched messages); undefined when the console is off. */
  history?: MessageHistory;
  /** Fault rules, consulted once per request after its checks (`front: 'ons'`). */
  faults?: FaultInjector;
}

/** What one request turned into, for the HTTP server's log line. */
export interface OnsServed {
  /** The error code sent ('' on success). */
  errorCode: string;
  /** The status of the answer built (also when a fault withheld it); undefined when none was. */
  status: number | undefined;
  fault: FaultDecision | undefined;
}

export class OnsFront {
  private readonly auth: OnsAuthenticator | undefined;
  private readonly drainLimit: number;

  constructor(private readonly options: OnsFrontOptions) {
    this.auth =
      options.auth === 'strict'
        ? new OnsAuthenticator(options.credentials, options.maxTimeSkewMs, options.log)
        : undefined;
    this.drainLimit = options.drainLimitBytes ?? MAX_REQUEST_BODY_BYTES;
  }

  /** Answers one request for `/message/`. */
  async serve(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    rawQuery: string,
  ): Promise<OnsServed> {
    const operation = operationOf(req.method);
    const served: OnsServed = { errorCode: '', status: undefined, fault: undefined };
    let answer: HttpAnswer | undefined;
    try {
      answer = await this.handle(operation, req, res, expectContinue, rawQuery, served);
    } catch (err) {
      if (err instanceof ClientGoneError) return served;
      const wire = toOnsWireError(err, operation);
      served.errorCode = wire.code;
      if (wire.internal) {
        this.options.log.warn(
          `INTERNAL_ERROR serving ONS ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      }
      if (!req.complete && !wire.closeConnection) {
        if (expectContinue) {
          // The client waits for 100 Continue and may or may not send its body: close.
          wire.closeConnection = true;
        } else {
          // Refused before its body was read: read it first, so that a client that writes the
          // whole body before reading (the samples) gets this answer, not EPIPE.
          try {
            const rest = await readOnsBody(req, 0, this.drainLimit);
            if (!rest.complete) wire.closeConnection = true;
          } catch {
            return served; // the client left
          }
        }
      }
      answer = onsErrorAnswer(wire);
    }
    if (answer === undefined) return served;
    served.status = answer.status;
    const fault = served.fault;
    if (fault !== undefined && actsAfter(fault.action)) {
      // The server acted and the fault eats the answer: delivered messages stay in flight.
      deliverFaulted(fault.action, req, res, answer);
    } else if (writeAnswer(res, answer) && answer.headers.connection === 'close') {
      res.once('finish', () => req.socket.destroySoon());
    }
    return served;
  }

  private async handle(
    operation: OnsOperation | undefined,
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    rawQuery: string,
    served: OnsServed,
  ): Promise<HttpAnswer | undefined> {
    if (operation === undefined) {
      throw new OnsRequestError(
        'SC_BAD_REQUEST',
        `method ${String(req.method)} is not supported on /message/ (POST, GET or DELETE)`,
      );
    }
    const query = parseOnsQuery(rawQuery);
    const topic = query.topic ?? '';
    if (topic === '') throw new OnsRequestError('SC_BAD_REQUEST', onsMissingParameterInfo('topic'));
    // As on the MQ front: such a topic cannot exist in the cloud, so none is created.
    if (!isTopicName(topic)) throw new OnsRequestError('TOPIC_NOT_EXIST');
    const isPublish = operation === 'publish';
    const group = headerValue(req, isPublish ? 'producerid' : 'consumerid');
    if (group === '') {
      const name = isPublish ? ONS_HEADERS.producerId : ONS_HEADERS.consumerId;
      throw new OnsRequestError('SC_BAD_REQUEST', onsMissingParameterInfo(name));
    }
    const msgHandle = query.msgHandle ?? '';
    if (operation === 'delete' && msgHandle === '') {
      throw new OnsRequestError('SC_BAD_REQUEST', onsMissingParameterInfo('msgHandle'));
    }
    const pending = this.auth?.begin(req, query.time);

    const limit = ONS_LIMITS.maxBodyBytes;
    if (expectContinue) {
      if (isPublish && Number(req.headers['content-length']) > limit) {
        throw new OnsRequestError('BODY_TOO_BIG', undefined, true);
      }
      res.writeContinue();
    }
    // GET and DELETE carry no body; one that is sent anyway is read and ignored.
    const body = await readOnsBody(req, limit, this.drainLimit);
    if (!body.complete || body.size > limit) {
      if (isPublish) throw new OnsRequestError('BODY_TOO_BIG', undefined, !body.complete);
      if (!body.complete) {
        throw new OnsRequestError('SC_BAD_REQUEST', 'The request body is too large', true);
      }
    }

    const { broker, instanceId: ns } = this.options;
    const time = query.time ?? '';
    if (pending !== undefined) {
      const md5 = isPublish ? onsBodyMd5Hex(body.bytes) : '';
      this.auth!.verify(
        pending,
        operation === 'publish'
          ? onsPublishStringToSign(topic, group, md5, time)
          : operation === 'consume'
            ? onsConsumeStringToSign(topic, group, time)
            : onsDeleteStringToSign(topic, group, msgHandle, time),
      );
    }
    const num = operation === 'consume' ? parseNum(query.num) : 0;

    // Checked and authenticated: the fault rules may now decide (before the broker acts).
    const faults = this.options.faults;
    if (faults !== undefined && faults.armed) {
      const fault = faults.decide({
        front: 'ons',
        operation: faultOperation(operation),
        topic,
        group,
        instanceId: ns,
      });
      if (fault !== undefined) {
        served.fault = fault;
        if (fault.action.kind === 'error') {
          const wire = injectedOnsError(fault.action);
          served.errorCode = wire.code;
          if (operation === 'delete')
            this.traceFault(fault, operation, topic, false, { handles: [msgHandle] });
          return onsErrorAnswer(wire);
        }
        if (!(await beforeActing(fault.action, req, res))) {
          if (operation === 'delete')
            this.traceFault(fault, operation, topic, false, { handles: [msgHandle] });
          return undefined;
        }
      }
    }
    const fault = served.fault;

    if (operation === 'publish') {
      const { json, messageId } = onsPublish(broker, {
        ns,
        topic,
        producerId: group,
        body: body.bytes,
        query,
        shardingKey: headerValue(req, 'shardingkey'),
        isOrder: headerValue(req, 'isorder'),
      });
      if (fault !== undefined) this.traceFault(fault, operation, topic, true, { ids: [messageId] });
      return onsJsonAnswer(201, json);
    }
    if (operation === 'consume') {
      const agent = req.headers['user-agent'];
      const polled = this.options.activity?.recordPoll({
        protocol: 'ons',
        clientId: req.socket.remoteAddress ?? 'unknown',
        instanceId: ns,
        topic,
        group,
        ...(agent !== undefined ? { agent } : {}),
      });
      let messages;
      try {
        messages = await onsConsume(broker, ns, topic, group, num);
      } finally {
        polled?.();
      }
      if (fault !== undefined && messages.length > 0) {
        this.traceFault(fault, operation, topic, true, {
          handles: messages.map((m) => m.msgHandle),
        });
      }
      return onsJsonAnswer(200, buildOnsMessages(messages));
    }
    // A delete refused on its own (stale handle) throws first: not the fault's doing, not traced.
    onsDelete(broker, ns, topic, group, msgHandle);
    if (fault !== undefined)
      this.traceFault(fault, operation, topic, true, { handles: [msgHandle] });
    return onsNoContentAnswer();
  }

  /** The console's history learns which messages a fault touched (nothing when it is off). */
  private traceFault(
    fault: FaultDecision,
    operation: OnsOperation,
    topic: string,
    acted: boolean,
    touched: FaultTouched,
  ): void {
    const { history, broker, instanceId: ns } = this.options;
    if (history === undefined) return;
    const request = { front: 'ons' as const, operation: faultOperation(operation), ns, topic };
    traceFault(history, broker.clock.now(), fault, request, acted, touched);
  }
}

/** A delete is the old API's ack. */
function faultOperation(operation: OnsOperation): FaultOperation {
  return operation === 'delete' ? 'ack' : operation;
}

function operationOf(method: string | undefined): OnsOperation | undefined {
  if (method === 'POST') return 'publish';
  if (method === 'GET') return 'consume';
  if (method === 'DELETE') return 'delete';
  return undefined;
}
