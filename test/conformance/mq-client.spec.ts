import { describeConformance } from './conformance.scenarios.js';
import { mqClientFactory } from './mq-client.client.js';

describeConformance(mqClientFactory);
