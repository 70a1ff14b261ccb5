/**
 * The emulator's web console in a real browser: headless Chromium (Debian's `chromium`) driven by
 * playwright-core against a real emulator, with the real client producing and consuming. Pages
 * load with no console error and no failed request; a published message appears live; a message
 * body is shown as text (an HTML body stays inert); a dead letter is resent; the clock advances;
 * a fault rule added from the form makes a real client's publish fail and its counter moves live,
 * a message's life shows the fault that hit its delivery, rules are removed one by one or all at
 * once; everything used here works from the keyboard; the token flow works beyond loopback.
 *
 * "No failed request" is strict: every 4xx/5xx answer to the page and every console error counts,
 * except the failures a test provokes on purpose. Those are declared right before the action that
 * provokes them (method, path, status) and must each happen exactly once: one answer, and the one
 * console line Chromium logs for it ("Failed to load resource: ... status of 400", whose location
 * is that URL). The faults a test injects hit the real MQ client in Node, never the page.
 *
 * Without Chromium (CHROMIUM_PATH or /usr/bin/chromium) the test is skipped, and says so.
 * Screenshots for the README: `UPDATE_SCREENSHOTS=1` writes them to docs/images/ (otherwise they
 * go to a temporary folder, so a normal run never dirties the working tree).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { MQClient, MQNetworkError } from '../../lib/client/index.js';
import { startEmulator } from '../../lib/emulator/index.js';
import type { RunningEmulator } from '../../lib/emulator/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = join(import.meta.dirname, '..', '..');
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
const START = Date.UTC(2026, 0, 1, 9, 0, 0);
const XSS = '<img src=x onerror="window.__xss = true">';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const WAIT = { timeout: 10_000 };

if (!HAVE_CHROMIUM) {
  console.warn(
    `SKIPPED the console browser test: no Chromium at ${CHROMIUM} ` +
      '(apt-get install -y chromium, or set CHROMIUM_PATH).',
  );
}

const describeBrowser = HAVE_CHROMIUM ? describe : describe.skip;

/** The element that has the keyboard focus in the page. */
function focused(
  page: Page,
): Promise<{ tag?: string; id?: string; text?: string | null; value?: string }> {
  return page.evaluate(() => {
    const el = (globalThis as any).document.activeElement;
    return { tag: el?.tagName, id: el?.id, text: el?.textContent, value: el?.value };
  });
}

describeBrowser(
  `emulator console in headless Chromium${HAVE_CHROMIUM ? '' : ' (SKIPPED: no Chromium)'}`,
  () => {
    let emulator: RunningEmulator;
    let client: MQClient;
    let context: BrowserContext;
    let profile: string;
    const shots = UPDATE ? join(ROOT, 'docs', 'images') : mkdtempSync(join(tmpdir(), 'shots-'));
    const problems: string[] = [];
    /** Failures provoked on purpose (see the file's comment), counted instead of reported. */
    const onPurpose: {
      method: string;
      path: string;
      status: number;
      answers: number;
      consoleErrors: number;
    }[] = [];
    const provoked = (url: string, status: number, method?: string) =>
      onPurpose.find(
        (p) =>
          p.status === status &&
          (method === undefined || p.method === method) &&
          url !== '' &&
          new URL(url).pathname === p.path,
      );

    beforeAll(async () => {
      emulator = await startEmulator({
        clock: 'virtual',
        startTime: START,
        timings: { invisibilityMs: 60_000, maxRetries: 0 },
        faults: { seed: 42 },
      });
      client = new MQClient(emulator.endpoint, emulator.credentials, {
        instanceId: emulator.instanceId,
      });
      profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 860 },
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      mkdirSync(shots, { recursive: true });
    }, 30_000);

    afterAll(async () => {
      await context?.close();
      await client?.close();
      await emulator?.stop();
      rmSync(profile, { recursive: true, force: true });
      if (!UPDATE) rmSync(shots, { recursive: true, force: true });
    });

    /** A page that records every console error, page error, failed request and 4xx/5xx. */
    async function open(url: string): Promise<Page> {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() !== 'error' && m.type() !== 'warning') return;
        const status = /status of (\d{3})/.exec(m.text())?.[1];
        const expected = status && provoked(m.location().url, Number(status));
        if (expected) expected.consoleErrors++;
        else problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => {
        const error = r.failure()?.errorText;
        // The live stream is cut on purpose when the page reloads or closes; anything else counts.
        if (r.url().endsWith('/_emulator/events') && error === 'net::ERR_ABORTED') return;
        problems.push(`failed: ${r.url()} ${error}`);
      });
      page.on('response', (r) => {
        if (r.status() < 400) return;
        const expected = provoked(r.url(), r.status(), r.request().method());
        if (expected) expected.answers++;
        else problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      await page.goto(url);
      await page.locator('#live-state[data-state="live"]').waitFor(WAIT);
      return page;
    }

    beforeEach(() => {
      problems.length = 0;
      onPurpose.length = 0;
    });

    it('shows traffic live, message lives as text, resends a dead letter, advances the clock', async () => {
      const json = await client.publish('orders', {
        body: JSON.stringify({ order: 1042, sku: 'A-7', qty: 2 }),
        tag: 'created',
        key: 'order-1042',
        properties: { traceparent: TRACEPARENT },
      });
      await client.publish('orders', { body: 'plain text', tag: 'note' });
      await client.consume('orders', 'GID_billing', { numOfMessages: 1 });

      const page = await open(emulator.consoleUrl!);
      await expect(page.getByRole('heading', { name: 'Overview' }).isVisible()).resolves.toBe(true);
      const topics = page.getByRole('table', { name: 'Topics and their messages' });
      await topics.getByRole('rowheader', { name: 'orders' }).waitFor(WAIT);

      // A message published now appears without reloading (live stream).
      const live = await client.publish('payments', { body: 'live!', tag: 'paid' });
      await topics.getByRole('rowheader', { name: 'payments' }).waitFor(WAIT);
      await page.locator('.feed a', { hasText: live.messageId }).waitFor(WAIT);
      const consumers = page.getByRole('table', { name: 'Clients that polled recently' });
      await consumers.getByText('orders / GID_billing').waitFor(WAIT);
      await page.screenshot({ path: join(shots, 'console-overview.png') });

      // A body that is HTML is shown as text and stays inert.
      const evil = await client.publish('orders', { body: XSS, tag: 'evil' });
      await page.goto(`${emulator.endpoint}/_emulator/ui/#/message/${evil.messageId}`);
      const body = page.getByRole('tabpanel');
      await body.waitFor(WAIT);
      expect(await body.textContent()).toBe(XSS);
      expect(await page.locator('main img').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as { __xss?: boolean }).__xss)).toBeUndefined();

      // A JSON message: tabs by keyboard, timeline, trace id.
      await page.goto(`${emulator.endpoint}/_emulator/ui/#/message/${json.messageId}`);
      await body.filter({ hasText: '"order": 1042' }).waitFor(WAIT);
      expect(await page.getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected')).toBe(
        'true',
      );
      await page.getByRole('tab', { name: 'JSON' }).focus();
      await page.keyboard.press('ArrowRight');
      expect(await page.getByRole('tab', { name: 'Hex' }).getAttribute('aria-selected')).toBe(
        'true',
      );
      expect((await focused(page)).text).toBe('Hex');
      expect(await body.textContent()).toMatch(/^00000000 {2}7b 22 6f 72/);
      await page.keyboard.press('ArrowLeft');
      expect(await body.textContent()).toContain('"order": 1042');
      await page.getByText('4bf92f3577b34da6a3ce929d0e0e4736', { exact: true }).waitFor(WAIT);
      const timeline = page.locator('ol.timeline li');
      expect(await timeline.allTextContents()).toEqual([
        expect.stringMatching(/^2026-01-01 09:00:00\.000 UTC\s*Published/),
        expect.stringMatching(/Delivered\s*group GID_billing · attempt 1/),
      ]);

      // A poison message dies (maxRetries 0) when the clock passes its invisibility.
      const poison = await client.publish('refunds', {
        body: JSON.stringify({ refund: 'R-9', order: 1042, amount: '19.90' }),
        tag: 'refund',
        key: 'refund-R-9',
        properties: { traceparent: TRACEPARENT },
      });
      await client.consume('refunds', 'GID_refunds');
      await page.goto(`${emulator.endpoint}/_emulator/ui/#/overview`);
      await page.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
      const clock = page.locator('#clock-now');
      expect(await clock.textContent()).toBe('2026-01-01 09:00:00.000 UTC');
      await page.getByLabel('Advance by').selectOption({ label: '1 minute' });
      await page.getByRole('button', { name: 'Advance clock' }).click();
      await page.getByText('2026-01-01 09:01:00.000 UTC').first().waitFor(WAIT);
      expect(emulator.admin.now()).toBe(START + 60_000);

      // Keyboard: the nav link with Enter, focus lands on the view's heading.
      await page.locator('#nav a[data-route="deadletters"]').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Dead letters' }).waitFor(WAIT);
      await page.waitForFunction(
        () => (globalThis as any).document.activeElement?.tagName === 'H2',
      );
      // GID_billing's message died too; pick the refunds queue.
      await page
        .getByLabel('Topic and group')
        .selectOption({ label: `refunds / GID_refunds (${emulator.instanceId}): 1` });
      await page.getByRole('button', { name: 'Show' }).click();
      const letters = page.getByRole('table', { name: 'Dead letters of GID_refunds for refunds' });
      await letters.waitFor(WAIT);
      await page.getByLabel(`Select ${poison.messageId}`).check();
      await page.screenshot({ path: join(shots, 'console-deadletters.png') });
      await page.getByRole('button', { name: 'Resend selected' }).click();
      await page.getByText('Resent 1 dead letter(s) to GID_refunds.').waitFor(WAIT);
      await page.getByText('No dead letter here.').waitFor(WAIT);
      const [again] = await client.consume('refunds', 'GID_refunds');
      expect([again?.messageId, again?.consumedTimes]).toEqual([poison.messageId, 1]);

      // Its whole life on its page.
      await page.goto(`${emulator.endpoint}/_emulator/ui/#/message/${poison.messageId}`);
      const life = page.locator('ol.timeline li');
      await life.nth(5).waitFor(WAIT);
      expect(await life.evaluateAll((items) => items.map((li) => li.dataset.kind))).toEqual([
        'published',
        'delivered',
        'expired',
        'deadLettered',
        'resent',
        'delivered',
      ]);
      await page.screenshot({ path: join(shots, 'console-message.png'), fullPage: true });

      // Search from the keyboard: Tab from the heading to the field, type, Enter.
      await page.locator('#nav a[data-route="search"]').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Search' }).waitFor(WAIT);
      await page.keyboard.press('Tab');
      expect((await focused(page)).id).toBe('search-q');
      await page.keyboard.type('order-1042');
      await page.keyboard.press('Enter');
      const hits = page.getByRole('table', { name: 'Messages matching order-1042' });
      await hits.waitFor(WAIT);
      // In its topic, and a dead letter of GID_billing (it died there when the clock moved).
      expect(await hits.locator('tbody tr td:nth-child(4)').allTextContents()).toEqual([
        'live',
        'deadletter (GID_billing)',
      ]);
      expect(await hits.getByRole('link', { name: json.messageId }).count()).toBe(2);

      // Skip link first in tab order, and it moves focus to the content.
      await page.reload();
      await page.locator('#live-state[data-state="live"]').waitFor(WAIT);
      await page.keyboard.press('Tab');
      expect((await focused(page)).text).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect((await focused(page)).id).toBe('main');

      await page.close();
      expect(problems).toEqual([]);
    }, 60_000);

    it('faults: a rule from the form fails a real publish live; timeline; remove one, then all', async () => {
      const page = await open(`${emulator.endpoint}/_emulator/ui/#/overview`);
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/_emulator/faults')) posts.push(r.url());
      });
      await page.locator('#nav a[data-route="faults"]').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Faults', exact: true }).waitFor(WAIT);
      await page.getByText('No rule: every request is served normally.').waitFor(WAIT);

      // Checked in the page: a probability of 1.5 never reaches the emulator.
      await page.getByLabel('Operation').selectOption('publish');
      await page.getByLabel('Topic', { exact: true }).fill('checkout');
      await page.getByLabel('Probability').fill('1.5');
      await page.getByLabel('Error code').fill('Boom');
      await page.getByLabel('Error code').press('Enter');
      const probability = page.getByLabel('Probability');
      await page.locator('#fault-probability-error').waitFor(WAIT);
      expect(await probability.getAttribute('aria-invalid')).toBe('true');
      expect(await probability.getAttribute('aria-describedby')).toContain(
        'fault-probability-error',
      );
      expect(await page.locator('#fault-probability-error').textContent()).toBe(
        'Enter a number greater than 0 and at most 1, such as 0.25.',
      );
      expect((await focused(page)).id).toBe('fault-probability');
      expect(posts).toEqual([]);

      // Checked by the emulator (it knows the protocol's codes): its 400 names action.status,
      // shown next to that field. This is the one failed request this test provokes.
      onPurpose.push({
        method: 'POST',
        path: '/_emulator/faults',
        status: 400,
        answers: 0,
        consoleErrors: 0,
      });
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Enter');
      const statusError = page.locator('#fault-status-error');
      await statusError.filter({ hasText: 'required for "Boom"' }).waitFor(WAIT);
      expect(await page.getByLabel('HTTP status').getAttribute('aria-invalid')).toBe('true');
      expect(await probability.getAttribute('aria-invalid')).toBeNull();
      expect((await focused(page)).id).toBe('fault-status');
      await page.keyboard.type('503');
      await page.keyboard.press('Enter');
      const added = page.getByText(
        /^Rule f\d+ added: publish · topic checkout → error Boom \(503\)\.$/,
      );
      await added.waitFor(WAIT);
      const publishRule = /Rule (f\d+)/.exec((await added.textContent())!)![1]!;
      expect(await statusError.isHidden()).toBe(true);
      expect(posts).toHaveLength(2);
      const hits = (id: string) =>
        page
          .getByRole('row', { name: new RegExp(`^${id} `) })
          .locator('td')
          .nth(3);
      expect(await hits(publishRule).textContent()).toBe('0');

      // A real client: its publish fails with the injected error; the counter moves live.
      await expect(client.publish('checkout', { body: 'refused' })).rejects.toMatchObject({
        code: 'Boom',
        status: 503,
      });
      await hits(publishRule).filter({ hasText: /^1$/ }).waitFor(WAIT);
      await page
        .locator('ol.feed li', { hasText: `${publishRule} error → http publish · checkout` })
        .waitFor(WAIT);
      expect(await page.locator('#fault-rules').textContent()).toBe('1');

      // A second rule, by keyboard only: Reset (arrow keys), after acting, once.
      await page.getByLabel('Operation').selectOption('consume');
      await page.getByLabel('At most (times)').fill('1');
      await page.getByRole('radio', { name: /^Error/ }).focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      expect(await page.getByRole('radio', { name: /^Reset/ }).isChecked()).toBe(true);
      expect(await page.getByLabel('Error code').isHidden()).toBe(true);
      await page.keyboard.press('Tab');
      expect((await focused(page)).value).toBe('before');
      await page.keyboard.press('ArrowDown');
      expect(await page.getByRole('radio', { name: /^after/ }).isChecked()).toBe(true);
      await page.keyboard.press('Tab');
      expect((await focused(page)).text).toBe('Add rule');
      await page.keyboard.press('Enter');
      const second = page.getByText(
        /^Rule f\d+ added: consume · topic checkout → reset after acting\.$/,
      );
      await second.waitFor(WAIT);
      const consumeRule = /Rule (f\d+)/.exec((await second.textContent())!)![1]!;
      await page.getByRole('row', { name: new RegExp(`^${consumeRule} `) }).waitFor(WAIT);
      await page.locator('#fault-rules', { hasText: /^2$/ }).waitFor(WAIT);

      // The other kinds and match fields, as the form builds them (on another topic).
      const kinds: [string, Record<string, string>, Record<string, string>, string, object][] = [
        [
          'Delay',
          { 'Added latency (ms)': '250' },
          { Front: 'http' },
          'Any instance',
          { kind: 'delay', ms: 250 },
        ],
        [
          'Trickle',
          { 'One byte every (ms)': '100' },
          { Front: 'grpc' },
          emulator.instanceId,
          { kind: 'trickle', intervalMs: 100 },
        ],
        [
          'Drop',
          { Group: 'GID_audit', 'After (requests let through)': '2' },
          { Front: 'ons' },
          '(default instance)',
          { kind: 'drop' },
        ],
        ['Stall', { Probability: '0.5' }, { Front: '' }, 'Another instance id…', { kind: 'stall' }],
      ];
      // Each front has its own codes: the suggestions follow the front.
      const suggested = () =>
        page
          .locator('#fault-codes option')
          .evaluateAll((o) => o.map((x) => x.getAttribute('value')));
      expect(await suggested()).toEqual(
        expect.arrayContaining(['InternalError', 'INTERNAL_ERROR']),
      );
      await page.getByLabel('Front', { exact: true }).selectOption('grpc');
      expect(await suggested()).toContain('TOO_MANY_REQUESTS');
      expect(await suggested()).not.toContain('InternalError');
      await page.getByLabel('Front', { exact: true }).selectOption('');
      await page.getByLabel('Topic', { exact: true }).fill('audit');
      await page.getByLabel('At most (times)').fill('');
      await page.getByLabel('Operation').selectOption('');
      for (const [kind, fields, selects, instance] of kinds) {
        await page.getByRole('radio', { name: new RegExp(`^${kind}`) }).check();
        for (const [label, value] of Object.entries(fields))
          await page.getByLabel(label, { exact: true }).fill(value);
        for (const [label, value] of Object.entries(selects))
          await page.getByLabel(label, { exact: true }).selectOption(value);
        await page.getByLabel('Instance', { exact: true }).selectOption({ label: instance });
        if (instance === 'Another instance id…')
          await page.getByLabel('Instance id').fill('MQ_INST_other');
        await page.getByRole('button', { name: 'Add rule' }).click();
        await page
          .getByText(new RegExp(`^Rule f\\d+ added: .* → ${kind.toLowerCase()}`))
          .waitFor(WAIT);
        for (const label of Object.keys(fields))
          await page.getByLabel(label, { exact: true }).fill('');
      }
      expect(
        emulator.faults
          .stats()
          .rules.slice(2)
          .map((r) => [r.match, r.probability, r.after, r.action]),
      ).toEqual([
        [{ front: 'http', topic: 'audit' }, undefined, undefined, kinds[0]![4]],
        [
          { front: 'grpc', topic: 'audit', instanceId: emulator.instanceId },
          undefined,
          undefined,
          kinds[1]![4],
        ],
        [
          { front: 'ons', topic: 'audit', group: 'GID_audit', instanceId: '' },
          undefined,
          2,
          kinds[2]![4],
        ],
        [{ topic: 'audit', instanceId: 'MQ_INST_other' }, 0.5, undefined, kinds[3]![4]],
      ]);
      await page.locator('#fault-rules', { hasText: /^6$/ }).waitFor(WAIT);
      await page.screenshot({ path: join(shots, 'console-faults.png'), fullPage: true });

      // Remove the first rule from the keyboard; focus moves to the next rule's button.
      await page.getByRole('button', { name: `Remove rule ${publishRule}` }).focus();
      await page.keyboard.press('Enter');
      await page.getByText(`Rule ${publishRule} removed.`).waitFor(WAIT);
      await page.waitForFunction(
        (name) => (globalThis as any).document.activeElement?.textContent === name,
        `Remove rule ${consumeRule}`,
      );
      const { messageId } = await client.publish('checkout', { body: 'accepted again' });

      // The delivery whose answer the second rule cut: in flight, and in the message's life.
      const err = await client.consume('checkout', 'GID_checkout').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MQNetworkError);
      const row = page.getByRole('row', { name: new RegExp(`^${consumeRule} `) });
      await row.getByText('exhausted').waitFor(WAIT);

      // Remove every rule: asked first; "cancel" keeps them.
      page.once('dialog', (d) => void d.dismiss());
      await page.getByRole('button', { name: 'Remove every rule…' }).click();
      expect(await row.isVisible()).toBe(true);
      expect(emulator.faults.stats().rules).toHaveLength(5);
      page.once('dialog', (d) => {
        expect(d.message()).toBe('Remove all 5 fault rule(s)? The injected counters stay.');
        void d.accept();
      });
      await page.getByRole('button', { name: 'Remove every rule…' }).click();
      await page.getByText('Removed 5 rule(s).').waitFor(WAIT);
      await page.getByText('No rule: every request is served normally.').waitFor(WAIT);
      expect(emulator.faults.stats().rules).toEqual([]);
      await page.locator('#fault-rules').waitFor({ ...WAIT, state: 'hidden' });

      await page.goto(`${emulator.endpoint}/_emulator/ui/#/message/${messageId}`);
      const life = page.locator('ol.timeline li');
      await life.nth(2).waitFor(WAIT);
      expect(await life.evaluateAll((items) => items.map((li) => li.dataset.kind))).toEqual([
        'published',
        'delivered',
        'faultInjected',
      ]);
      expect(await life.nth(2).textContent()).toMatch(
        new RegExp(
          `Fault injected.*group GID_checkout · attempt 1 · rule ${consumeRule}: reset after acting on http consume` +
            '.*Delivered, then the connection was reset: the client got no answer\\.',
        ),
      );

      await page.close();
      expect(problems).toEqual([]);
      expect(onPurpose).toEqual([expect.objectContaining({ answers: 1, consoleErrors: 1 })]);
    }, 30_000);

    it('beyond loopback: opens with the banner link, or asks for the token', async () => {
      const guarded = await startEmulator({ host: '0.0.0.0', clock: 'virtual' });
      try {
        const page = await open(guarded.consoleUrl!);
        await page.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
        // The token left the address bar at once.
        expect(page.url()).not.toContain('token');
        await page.close();

        const fresh = await context.newPage();
        fresh.on('response', (r) => {
          if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
        });
        // A new tab has its own session storage: the console asks for the token.
        await fresh.goto(`${guarded.endpoint}/_emulator/ui/`);
        const dialog = fresh.getByRole('dialog', { name: 'Admin token required' });
        await dialog.waitFor(WAIT);
        await fresh.getByRole('textbox', { name: 'Admin token' }).fill(guarded.adminToken!);
        await fresh.keyboard.press('Enter');
        await fresh.locator('#live-state[data-state="live"]').waitFor(WAIT);
        // Fault actions carry the token like every other action.
        await fresh.goto(`${guarded.endpoint}/_emulator/ui/#/faults`);
        await fresh.getByLabel('Error code').fill('QpsLimitExceeded');
        await fresh.getByRole('button', { name: 'Add rule' }).click();
        await fresh
          .getByText(/^Rule f1 added: every request → error QpsLimitExceeded\.$/)
          .waitFor(WAIT);
        await fresh.getByRole('button', { name: 'Remove rule f1' }).click();
        await fresh.getByText('Rule f1 removed.').waitFor(WAIT);
        expect(guarded.faults.stats().rules).toEqual([]);
        await fresh.close();
        expect(problems).toEqual([]);
      } finally {
        await guarded.stop();
      }
    }, 30_000);
  },
);
