/**
 * The emulator's web console in a real browser: headless Chromium (Debian's `chromium`) driven by
 * playwright-core against a real emulator, with the real client producing and consuming. Pages
 * load with no console error and no failed request; a published message appears live; a message
 * body is shown as text (an HTML body stays inert); a dead letter is resent; the clock advances;
 * everything used here works from the keyboard; the token flow works beyond loopback.
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
import { MQClient } from '../../lib/client/index.js';
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
function focused(page: Page): Promise<{ tag?: string; id?: string; text?: string | null }> {
  return page.evaluate(() => {
    const el = (globalThis as any).document.activeElement;
    return { tag: el?.tagName, id: el?.id, text: el?.textContent };
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

    beforeAll(async () => {
      emulator = await startEmulator({
        clock: 'virtual',
        startTime: START,
        timings: { invisibilityMs: 60_000, maxRetries: 0 },
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
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => {
        const error = r.failure()?.errorText;
        // The live stream is cut on purpose when the page reloads or closes; anything else counts.
        if (r.url().endsWith('/_emulator/events') && error === 'net::ERR_ABORTED') return;
        problems.push(`failed: ${r.url()} ${error}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      await page.goto(url);
      await page.locator('#live-state[data-state="live"]').waitFor(WAIT);
      return page;
    }

    beforeEach(() => {
      problems.length = 0;
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
        await fresh.close();
        expect(problems).toEqual([]);
      } finally {
        await guarded.stop();
      }
    }, 30_000);
  },
);
