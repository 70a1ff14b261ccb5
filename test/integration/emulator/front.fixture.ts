/** One emulator per spec file plus raw, test-signed request helpers (independent of lib/'s signer). */
import { afterAll, beforeAll, expect } from '@jest/globals';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../lib/emulator/index.js';
import { expectErrorDocument } from './error-document.helper.js';
import { sendRaw, signedRequestBytes } from './raw-http.helper.js';
import type { RawResponse, SignedRequestInput } from './raw-http.helper.js';

export const NS = 'MQ_INST_emulator';

export const publishXml = (body: string, extra = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1/"><MessageBody>${body}</MessageBody>${extra}</Message>`;

export const handlesXml = (handles: string[]): string =>
  `<ReceiptHandles>${handles.map((h) => `<ReceiptHandle>${h}</ReceiptHandle>`).join('')}</ReceiptHandles>`;

export interface FrontFixture {
  readonly emulator: RunningEmulator;
  readonly host: string;
  /** Log lines starting with `[debug]`. */
  readonly debugLines: string[];
  send(input: Omit<SignedRequestInput, 'accessKeyId' | 'accessKeySecret'>): Promise<RawResponse>;
  expectError(res: RawResponse, status: number, code: string): void;
  publish(topic: string, body: string, extra?: string): Promise<RawResponse>;
}

/** Registers beforeAll/afterAll that start and stop an emulator (virtual clock, strict auth). */
export function useFrontFixture(options: EmulatorOptions = {}): FrontFixture {
  let emulator: RunningEmulator | undefined;
  let host = '';
  const debugLines: string[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({
      clock: 'virtual',
      logger: (line) => {
        if (line.startsWith('[debug]')) debugLines.push(line);
      },
      ...options,
    });
    host = new URL(emulator.endpoint).host;
  });
  afterAll(() => emulator?.stop());

  const fixture: FrontFixture = {
    get emulator() {
      if (emulator === undefined) throw new Error('the emulator is not started yet');
      return emulator;
    },
    get host() {
      return host;
    },
    debugLines,
    send: (input) =>
      sendRaw(
        fixture.emulator.endpoint,
        signedRequestBytes({ ...fixture.emulator.credentials, ...input }, host),
        input.method === 'HEAD',
      ),
    expectError(res, status, code) {
      expect(res.status).toBe(status);
      expect(expectErrorDocument(res, fixture.emulator.endpoint).code).toBe(code);
    },
    publish: (topic, body, extra = '') =>
      fixture.send({
        method: 'POST',
        target: `/topics/${topic}/messages?ns=${NS}`,
        body: publishXml(body, extra),
      }),
  };
  return fixture;
}
