import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'sample', 'main.js');
/** Starts every ANSI colour (escape) sequence. */
const ESC = String.fromCharCode(0x1b);

/** The output of the child so far, and waits for a pattern in it (rejecting after a limit). */
class Output {
  text = '';
  private readonly waiters = new Set<() => void>();

  constructor(child: ChildProcessWithoutNullStreams) {
    const add = (chunk: string): void => {
      this.text += chunk;
      for (const check of this.waiters) check();
    };
    child.stdout.setEncoding('utf8').on('data', add);
    child.stderr.setEncoding('utf8').on('data', add);
  }

  waitFor(pattern: RegExp, limitMs = 20_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(this.text);
        if (match === null) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(match);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`no ${pattern} in the sample's output within ${limitMs} ms:\n${this.text}`),
        );
      }, limitMs);
      this.waiters.add(check);
      check();
    });
  }
}

describe('sample app (npm run sample): serves HTTP, then shuts down gracefully on Ctrl-C', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterAll(() => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  });

  it('takes an order over HTTP, its consumers handle it, SIGINT drains and stops', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
    for (const key of [
      'MQ_ENDPOINT',
      'MQ_ACCESS_KEY_ID',
      'MQ_ACCESS_KEY_SECRET',
      'MQ_INSTANCE_ID',
    ]) {
      delete env[key];
    }
    delete env.NO_COLOR;
    const proc = spawn(process.execPath, [MAIN, '--no-demo', '--trace'], {
      cwd: ROOT,
      env,
      stdio: 'pipe',
    });
    child = proc;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const output = new Output(proc);

    const [, baseUrl] = await output.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    await output.waitFor(/Press Ctrl-C to stop/);
    expect(output.text).toContain('Messages go to: embedded emulator at http://127.0.0.1:');

    // The printed commands run as pasted into a shell (no placeholder such as <id>).
    const block =
      /Try \(the lines paste into a shell as they are\):\n([\s\S]*?)\nPress Ctrl-C/.exec(
        output.text,
      )![1]!;
    expect(block).not.toMatch(/<\w+>/);
    const shell = await promisify(execFile)('sh', ['-e', '-c', block], { timeout: 20_000 });
    const answers = shell.stdout.trim().split('\n');
    // Seven JSON answers, then the health check, the metrics and the order's trace (--trace).
    expect(answers.length).toBeGreaterThan(8);
    const transfer = JSON.parse(answers[2]!) as { id: string; status: string };
    expect(transfer.status).toBe('paid');
    // Paying again answers a conflict and publishes nothing.
    expect(JSON.parse(answers[3]!)).toEqual({
      statusCode: 409,
      // Paid, or already shipped by the fulfilment consumer.
      message: expect.stringMatching(`^order ${transfer.id} is already paid \\((paid|shipped)\\)$`),
      error: 'Conflict',
    });
    expect(JSON.parse(answers[6]!)).toMatchObject({ statusCode: 400 });
    expect(JSON.parse(answers[7]!)).toMatchObject({ status: 'ok', info: { mq: { status: 'up' } } });
    const observed = answers.slice(8).join('\n');
    expect(observed).toMatch(/^# TYPE messaging_client_sent_messages_total counter$/m);
    expect(observed).toMatch(/^trace [0-9a-f]{32}$/m);
    expect(observed).toMatch(new RegExp(`^ +\\+[\\d.]+ ms {2}pay order {2}`, 'm'));
    await output.waitFor(new RegExp(`fulfilment +${transfer.id} +paid 10\\.00 -> shipped`));
    expect(output.text.match(new RegExp(`${transfer.id} +marked paid`, 'g'))).toHaveLength(1);

    const created = await fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'c-9', amount: 42.5, paymentMethod: 'card' }),
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: string; status: string };
    expect(order.status).toBe('created');
    await output.waitFor(new RegExp(`fulfilment +${order.id} +paid 42\\.50 -> shipped`));
    await output.waitFor(new RegExp(`timeline +${order.id} +c-9 #3: shipped`));
    const shipped = (await (await fetch(`${baseUrl}/orders/${order.id}`)).json()) as {
      status: string;
    };
    expect(shipped.status).toBe('shipped');

    const invalid = await fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'C 9', amount: -1 }),
    });
    expect(invalid.status).toBe(400);

    const consumers = (await (await fetch(`${baseUrl}/mq/consumers`)).json()) as {
      name: string;
      status: string;
    }[];
    expect(consumers.map((c) => c.status)).toEqual(Array(6).fill('running'));

    // Terminus: the MQ connection is up, with every consumer's details.
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(200);
    const report = (await health.json()) as {
      details: { mq: { status: string; consumers: Record<string, { status: string }> } };
    };
    expect(report.details.mq.status).toBe('up');
    expect(Object.keys(report.details.mq.consumers)).toHaveLength(6);

    // Prometheus scrape of the package's OpenTelemetry metrics.
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /^messaging_client_sent_messages_total\{.*messaging_destination_name="orders".*\} \d+/m,
    );
    expect(metrics).toMatch(/^messaging_process_duration_count\{.*\} \d+/m);
    expect(metrics).toMatch(
      /^aliyun_mq_consumer_status\{.*aliyun_mq_consumer_status="running".*\} 1/m,
    );

    // --trace: the order's trace, from the HTTP request to the consumers and what they published.
    const traced = await (await fetch(`${baseUrl}/orders/${order.id}/trace`)).text();
    const lines = traced.split('\n');
    expect(lines[0]).toMatch(/^trace [0-9a-f]{32}$/);
    expect(lines[1]).toMatch(/ {2}create order {2}/);
    expect(traced).toMatch(/^ +\+[\d.]+ ms {4}send orders {2}tag created/m);
    expect(traced).toMatch(/^ +\+[\d.]+ ms {6}process orders {2}GID_orders_payments attempt 1/m);
    expect(traced).toMatch(/^ +\+[\d.]+ ms {6}process orders-orderly {2}GID_orders_timeline/m);

    proc.kill('SIGINT');
    const { code, signal } = await exited;
    await output.waitFor(/The embedded emulator stopped/, 1_000);
    expect(output.text).toContain('SIGINT: shutting down gracefully');
    // Nest re-raises the signal once its shutdown hooks ran.
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
    // Piped output (not a TTY): no ANSI colour codes, from the sample or from Nest's logger.
    expect(output.text).not.toContain(ESC);
  }, 60_000);
});
