import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MQHealthService } from './health/mq-health.service.js';
import { MQExplorer } from './mq.explorer.js';
import { MQMetadataAccessor } from './mq-metadata.accessor.js';
import { MQOrchestrator } from './mq.orchestrator.js';
import { MQConsumerRegistry } from './mq.registry.js';

/**
 * The discovery and runtime machinery, shared by every connection. A static module class: Nest
 * instantiates it once per application however many `MQModule.forRoot()` imports there are
 * (dynamic modules are compared by reference since Nest 11, static ones by class), so consumers
 * are never discovered twice. Global so that `MQConsumerRegistry` is injectable anywhere.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [MQMetadataAccessor, MQOrchestrator, MQExplorer, MQConsumerRegistry, MQHealthService],
  // MQHealthService is internal; `nestjs-aliyun-mq/terminus` injects it.
  exports: [MQConsumerRegistry, MQHealthService],
})
export class MQCoreModule {}
