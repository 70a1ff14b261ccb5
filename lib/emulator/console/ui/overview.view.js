// @ts-check
/**
 * Overview: traffic (totals, rates chart), topics, groups with their counts, consumers seen
 * recently, and the latest message events from the live stream.
 */
import { query } from './api.client.js';
import { h, replaceKeepingFocus, table } from './dom.util.js';
import { formatTime, instanceLabel, kindLabel, relative } from './format.util.js';
import { ratesChart } from './rates.chart.js';

/** @type {import('./console.app.js').View} */
export function overviewView(main, _params, ctx) {
  const body = h('div', { class: 'overview' });
  main.append(h('h2', null, 'Overview'), body);
  const timer = window.setInterval(() => ctx.changed(), 2_000);
  return {
    async refresh() {
      const o = await ctx.overview();
      replaceKeepingFocus(body, () => [
        traffic(o),
        topics(o.topics),
        groups(o.groups),
        consumers(o.consumers),
        feed(ctx),
      ]);
    },
    dispose: () => window.clearInterval(timer),
  };
}

/** @param {any} o */
function traffic(o) {
  if (o.totals === null) return h('p', null, 'Traffic statistics are off (console disabled).');
  const t = o.totals;
  const r = o.rates;
  const n = r.publish.length;
  return h(
    'section',
    { 'aria-labelledby': 'traffic-heading', class: 'card' },
    h('h3', { id: 'traffic-heading' }, 'Traffic'),
    h(
      'dl',
      { class: 'stats' },
      stat('Published', t.published),
      stat('Delivered', t.delivered),
      stat('Acknowledged', t.acked),
      stat('Dead-lettered', t.deadLettered),
      stat('Publish rate', `${r.publish[n - 1] ?? 0}/s`),
      stat('Ack rate', `${r.ack[n - 1] ?? 0}/s`),
    ),
    h(
      'figure',
      { class: 'rates' },
      ratesChart(r),
      h(
        'figcaption',
        null,
        h('span', { class: 'key key-publish' }, 'published'),
        ' and ',
        h('span', { class: 'key key-ack' }, 'acknowledged'),
        ' per second, last minute (wall clock)',
      ),
    ),
  );
}

/**
 * @param {string} label
 * @param {string | number} value
 */
function stat(label, value) {
  return h('div', null, h('dt', null, label), h('dd', null, String(value)));
}

/** @param {any[]} list */
function topics(list) {
  const rows = list.map((t) =>
    h(
      'tr',
      null,
      h('td', null, instanceLabel(t.instanceId)),
      h('th', { scope: 'row' }, t.topic),
      h('td', null, t.type),
      h('td', { class: 'num' }, t.messages),
      h('td', { class: 'num' }, t.delayed),
      h('td', { class: 'num' }, t.half),
      h(
        'td',
        null,
        h(
          'a',
          {
            href: `#/messages${query({ instanceId: t.instanceId, topic: t.topic })}`,
            'data-focus-key': `topic-browse-${t.instanceId}-${t.topic}`,
          },
          'Browse',
          h('span', { class: 'visually-hidden' }, ` ${t.topic}`),
        ),
      ),
    ),
  );
  return section(
    'topics-heading',
    'Topics',
    table(
      'Topics and their messages',
      ['Instance', 'Topic', 'Type', 'Messages', 'Delayed', 'Half', ''],
      rows,
      'No topic yet. Publish a message (or declare topics) to see one here.',
    ),
  );
}

/** @param {any[]} list */
function groups(list) {
  const rows = list.map((g) => {
    const where = { instanceId: g.instanceId, topic: g.topic, group: g.group };
    return h(
      'tr',
      null,
      h('td', null, instanceLabel(g.instanceId)),
      h('td', null, g.topic),
      h('th', { scope: 'row' }, g.group),
      h('td', { class: 'num' }, g.ready),
      h('td', { class: 'num' }, g.inflight),
      h('td', { class: 'num' }, g.delayed),
      h(
        'td',
        { class: 'num' },
        g.deadLetter > 0
          ? h(
              'a',
              {
                href: `#/deadletters${query(where)}`,
                'data-focus-key': `dl-${g.instanceId}-${g.topic}-${g.group}`,
              },
              String(g.deadLetter),
              h('span', { class: 'visually-hidden' }, ` dead letters of ${g.group}`),
            )
          : '0',
      ),
    );
  });
  return section(
    'groups-heading',
    'Consumer groups',
    table(
      'Groups per topic',
      ['Instance', 'Topic', 'Group', 'Ready', 'In flight', 'Delayed', 'Dead letters'],
      rows,
      'No group has consumed yet.',
    ),
  );
}

/** @param {any[]} list */
function consumers(list) {
  const wall = Date.now();
  const rows = list.map((c) =>
    h(
      'tr',
      null,
      h('td', null, c.protocol.toUpperCase()),
      h('th', { scope: 'row' }, c.clientId, c.agent ? h('div', { class: 'sub' }, c.agent) : null),
      h('td', null, `${c.topic} / ${c.group}`),
      h('td', null, relative(c.lastPoll, wall)),
      h('td', { class: 'num' }, c.polls),
      h('td', { class: 'num' }, c.waiting),
    ),
  );
  return section(
    'consumers-heading',
    'Consumers seen',
    table(
      'Clients that polled recently',
      ['Protocol', 'Client', 'Topic / group', 'Last poll', 'Polls', 'Waiting now'],
      rows,
      'No consumer has polled yet.',
    ),
  );
}

/** @param {import('./console.app.js').ConsoleContext} ctx */
function feed(ctx) {
  const items = ctx.feed.map((e) =>
    h(
      'li',
      null,
      h('span', { class: 'kind' }, kindLabel(e.kind)),
      ' ',
      e.messageId
        ? h('a', { href: `#/message/${encodeURIComponent(e.messageId)}` }, e.messageId)
        : null,
      h(
        'span',
        { class: 'sub' },
        ` ${e.topic}${e.group ? ` · ${e.group}` : ''}${e.attempt ? ` · attempt ${e.attempt}` : ''}`,
      ),
    ),
  );
  return section(
    'feed-heading',
    'Latest events',
    items.length === 0
      ? h('p', { class: 'empty' }, `Nothing yet since this page opened (${formatTime(ctx.now())}).`)
      : h('ol', { class: 'feed' }, items),
  );
}

/**
 * @param {string} id
 * @param {string} title
 * @param {Node} content
 */
function section(id, title, content) {
  return h('section', { 'aria-labelledby': id }, h('h3', { id }, title), content);
}
