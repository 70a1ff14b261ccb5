// @ts-check
/**
 * One message: where it is now (per group, with receipt handles), its body, and its life as a
 * timeline (published, deliveries with attempt, group and handle, expiries, acks, dead letter,
 * resend, transaction checks, commit or rollback), with the trace id of a `traceparent` property.
 */
import { api, ApiError, query } from './api.client.js';
import { bodyViewer } from './body.view.js';
import { h, replaceKeepingFocus, table } from './dom.util.js';
import { formatTime, instanceLabel, kindLabel, relative } from './format.util.js';

/** @type {import('./console.app.js').View} */
export function messageView(main, params, ctx) {
  const id = params.get('id') ?? '';
  const content = h('div', { class: 'message' });
  main.append(h('h2', null, 'Message ', h('span', { class: 'mono' }, id)), content);
  /** @type {string | undefined} */
  let shownBody;
  return {
    async refresh() {
      let life;
      try {
        life = await api(
          `messages/${encodeURIComponent(id)}${query({
            instanceId: params.get('instanceId') ?? undefined,
            topic: params.get('topic') ?? undefined,
          })}`,
        );
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) {
          replaceKeepingFocus(content, () => [
            h('p', { class: 'empty' }, `No message ${id} is known.`),
          ]);
          return;
        }
        throw err;
      }
      const body = content.querySelector('.body-viewer');
      // The body never changes: keep its viewer (and the chosen tab) across refreshes.
      const viewer =
        body !== null && shownBody === life.body
          ? body
          : life.body !== undefined
            ? bodyViewer(life.body, 'body')
            : h('p', { class: 'empty' }, 'The broker no longer holds this message.');
      shownBody = life.body;
      replaceKeepingFocus(content, () => [
        facts(life),
        h(
          'section',
          { 'aria-labelledby': 'now-heading' },
          h('h3', { id: 'now-heading' }, 'Now'),
          states(life, ctx.now()),
        ),
        h(
          'section',
          { 'aria-labelledby': 'body-heading' },
          h('h3', { id: 'body-heading' }, 'Body'),
          viewer,
        ),
        h(
          'section',
          { 'aria-labelledby': 'life-heading' },
          h('h3', { id: 'life-heading' }, 'Life'),
          timeline(life),
        ),
      ]);
    },
  };
}

/** @param {any} life */
function facts(life) {
  const props = Object.entries(life.properties ?? {});
  return h(
    'dl',
    { class: 'facts' },
    fact('Topic', `${life.topic} (${instanceLabel(life.instanceId)})`),
    fact('Published', formatTime(life.publishTime)),
    fact('Tag', life.tag ?? '—'),
    fact('Key', life.key ?? '—'),
    life.traceId ? fact('Trace id', h('span', { class: 'mono' }, life.traceId)) : null,
    fact(
      'Properties',
      props.length === 0
        ? '—'
        : h(
            'ul',
            { class: 'props' },
            props.map(([k, v]) => h('li', null, h('span', { class: 'mono' }, k), ' = ', v)),
          ),
    ),
  );
}

/**
 * @param {string} term
 * @param {Node | string} value
 */
function fact(term, value) {
  return h('div', null, h('dt', null, term), h('dd', null, value));
}

/**
 * @param {any} life
 * @param {number} now
 */
function states(life, now) {
  const rows = life.views.map((/** @type {any} */ v) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, v.group ?? '(transaction checks)'),
      h('td', null, h('span', { class: `state state-${v.state}` }, v.state)),
      h('td', { class: 'num' }, v.consumedTimes),
      h(
        'td',
        null,
        v.nextConsumeTime === undefined
          ? '—'
          : `${formatTime(v.nextConsumeTime)} (${relative(v.nextConsumeTime, now)})`,
      ),
      h('td', { class: 'mono handle' }, v.receiptHandle ?? '—'),
    ),
  );
  return table(
    `State of the message per group (${life.state})`,
    ['Group', 'State', 'Attempts', 'Next consume', 'Receipt handle'],
    rows,
    life.state === 'gone' ? 'The broker no longer holds this message.' : 'No group has it yet.',
  );
}

/** @param {any} life */
function timeline(life) {
  if (!life.recorded) {
    return h(
      'p',
      { class: 'empty' },
      'No history was recorded for this message (it is older than this emulator process, or its history was evicted).',
    );
  }
  const items = life.timeline.map((/** @type {any} */ e) =>
    h(
      'li',
      { 'data-kind': e.kind },
      h('time', { datetime: new Date(e.at).toISOString() }, formatTime(e.at)),
      h('span', { class: 'kind' }, kindLabel(e.kind)),
      h(
        'span',
        { class: 'detail' },
        [
          e.group ? `group ${e.group}` : '',
          e.attempt ? `attempt ${e.attempt}` : '',
          e.mode && e.mode !== 'normal' && e.mode !== 'half' ? e.mode : '',
          e.nextConsumeTime && e.kind !== 'published'
            ? `next consume ${formatTime(e.nextConsumeTime)}`
            : '',
        ]
          .filter((x) => x !== '')
          .join(' · '),
      ),
      e.receiptHandle ? h('span', { class: 'mono handle' }, e.receiptHandle) : null,
    ),
  );
  return h(
    'div',
    null,
    life.truncated > 0
      ? h('p', { class: 'note' }, `${life.truncated} earlier entries were not kept.`)
      : null,
    h('ol', { class: 'timeline' }, items),
  );
}
