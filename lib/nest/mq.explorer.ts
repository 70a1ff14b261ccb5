import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { createPayloadDecoder } from './dispatcher/payload.deserializer.js';
import { DEFAULT_CONNECTION } from './mq.constants.js';
import { MQConnection } from './mq.connection.js';
import { MQMetadataAccessor } from './mq-metadata.accessor.js';
import { MQOrchestrator } from './mq.orchestrator.js';
import { duplicateConnection, invalidConsumerOption, unknownConnection } from './mq.messages.js';
import type { MQConsumerMetadata } from './decorators/mq-consumer.decorator.js';
import type { MQTransactionCheckerMetadata } from './decorators/mq-transaction-checker.decorator.js';
import type {
  MQHandlerDefinition,
  MQHandlerTarget,
  MQInstanceWrapper,
} from './interfaces/mq-handler-definition.interface.js';
import { resolveCheckerOptions } from './options/checker-options.resolver.js';
import { resolveConsumerOptions } from './options/consumer-options.resolver.js';
import { validateDefinitions } from './options/definitions.validator.js';

/**
 * Discovers connections and `@MQConsumer()` / `@MQTransactionChecker()` methods of providers and
 * controllers once, in onModuleInit, validates them and hands them to the orchestrator. Starts
 * nothing. Lives in the static core module, so it exists once per application however many
 * times `MQModule` is imported.
 */
@Injectable()
export class MQExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: MQMetadataAccessor,
    private readonly orchestrator: MQOrchestrator,
  ) {}

  onModuleInit(): void {
    const connections = this.discoverConnections();
    const definitions = this.discoverHandlers(connections);
    validateDefinitions(definitions, connections);
    this.orchestrator.register(connections, definitions);
  }

  private discoverConnections(): Map<string, MQConnection> {
    const connections = new Map<string, MQConnection>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (wrapper.isAlias || !(instance instanceof MQConnection)) continue;
      const known = connections.get(instance.name);
      if (known === undefined) connections.set(instance.name, instance);
      else if (known !== instance) known.logger.warn(duplicateConnection(instance.name));
    }
    return connections;
  }

  private discoverHandlers(connections: Map<string, MQConnection>): MQHandlerDefinition[] {
    const definitions: MQHandlerDefinition[] = [];
    const seen = new Set<unknown>();
    const wrappers = [...this.discovery.getControllers(), ...this.discovery.getProviders()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (wrapper.isAlias || instance === null || typeof instance !== 'object') continue;
      // One instance under several tokens (e.g. the same useValue twice) is one consumer.
      if (seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (prototype === null || prototype === Object.prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        if (typeof method !== 'function') continue;
        const consumers = this.accessor.getConsumers(method);
        const checkers = this.accessor.getTransactionCheckers(method);
        if (consumers.length === 0 && checkers.length === 0) continue;
        const target = this.targetOf(wrapper, prototype, methodName);
        for (const meta of consumers) definitions.push(this.consumer(meta, target, connections));
        for (const meta of checkers) definitions.push(this.checker(meta, target, connections));
      }
    }
    return definitions;
  }

  private targetOf(
    wrapper: MQInstanceWrapper,
    prototype: object,
    methodName: string,
  ): MQHandlerTarget {
    // For useFactory/useValue providers the class is the instance's, not the wrapper's metatype.
    const hostClass = (prototype as { constructor: Function }).constructor;
    return {
      wrapper,
      hostClass,
      methodName,
      label: `${hostClass.name}.${methodName}`,
      scope: !wrapper.isDependencyTreeStatic()
        ? 'request'
        : wrapper.isTransient
          ? 'transient'
          : 'static',
    };
  }

  private connectionFor(
    name: string,
    connection: unknown,
    connections: Map<string, MQConnection>,
  ): MQConnection {
    const key = connection ?? DEFAULT_CONNECTION;
    if (typeof key !== 'string') {
      throw new Error(invalidConsumerOption(name, 'connection', 'must be a string'));
    }
    const found = connections.get(key);
    if (found === undefined) throw new Error(unknownConnection(name, key, [...connections.keys()]));
    return found;
  }

  private consumer(
    meta: MQConsumerMetadata,
    target: MQHandlerTarget,
    connections: Map<string, MQConnection>,
  ): MQHandlerDefinition {
    const name = this.nameOf(meta.options?.name, target);
    const connection = this.connectionFor(name, meta.options?.connection, connections);
    const resolved = resolveConsumerOptions(
      name,
      meta.topic,
      meta.group,
      meta.options ?? {},
      connection.options,
    );
    const hook = resolved.onExhausted;
    if (
      typeof hook === 'string' &&
      typeof (target.hostClass.prototype as Record<string, unknown>)[hook] !== 'function'
    ) {
      throw new Error(
        invalidConsumerOption(
          name,
          'onExhausted',
          `names "${hook}", which is no method of ${target.hostClass.name}`,
        ),
      );
    }
    return {
      kind: 'consumer',
      options: resolved.options,
      target,
      decode: createPayloadDecoder(resolved.deserialize),
      ...(hook !== undefined && { onExhausted: hook }),
    };
  }

  private checker(
    meta: MQTransactionCheckerMetadata,
    target: MQHandlerTarget,
    connections: Map<string, MQConnection>,
  ): MQHandlerDefinition {
    const name = this.nameOf(meta.options?.name, target);
    const connection = this.connectionFor(name, meta.options?.connection, connections);
    const { deserialize, ...options } = resolveCheckerOptions(
      name,
      connection.options,
      meta.topic,
      meta.group,
      meta.options ?? {},
    );
    return { kind: 'checker', options, target, decode: createPayloadDecoder(deserialize) };
  }

  private nameOf(name: unknown, target: MQHandlerTarget): string {
    if (name === undefined) return target.label;
    if (typeof name !== 'string' || name.length === 0) {
      throw new Error(invalidConsumerOption(target.label, 'name', 'must be a non-empty string'));
    }
    return name;
  }
}
