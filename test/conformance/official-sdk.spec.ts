import { describeConformance } from './conformance.scenarios.js';
import { officialSdkFactory } from './official-sdk.client.js';

describeConformance(officialSdkFactory);
