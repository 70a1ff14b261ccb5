// @ts-check
/** Search by message id, key (`KEYS`) or tag, across every topic and instance. */
import { api, query } from './api.client.js';
import { h, replaceKeepingFocus, table } from './dom.util.js';
import { formatTime, instanceLabel } from './format.util.js';

/** @type {import('./console.app.js').View} */
export function searchView(main, params, ctx) {
  const text = params.get('q') ?? '';
  const input = /** @type {HTMLInputElement} */ (
    h('input', { id: 'search-q', type: 'search', name: 'q', value: text, required: true })
  );
  const status = h('p', { class: 'result', role: 'status' });
  const results = h('div', { class: 'list' });
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    h('label', { class: 'field' }, h('span', null, 'Message id, key or tag'), input),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.go(`#/search${query({ q: input.value.trim() })}`);
  });
  main.append(h('h2', null, 'Search'), form, status, results);
  let done = false;
  return {
    async refresh() {
      // Results stay as found: live changes do not reshuffle them under the reader.
      if (done || text === '') return;
      done = true;
      const hits = await api(`search${query({ q: text, limit: 100 })}`);
      const rows = hits.map((/** @type {any} */ m) =>
        h(
          'tr',
          null,
          h(
            'th',
            { scope: 'row' },
            h(
              'a',
              {
                class: 'mono',
                href: `#/message/${encodeURIComponent(m.messageId)}${query({ instanceId: m.instanceId, topic: m.topic })}`,
              },
              m.messageId,
            ),
          ),
          h('td', null, m.matched),
          h('td', null, `${m.topic} (${instanceLabel(m.instanceId)})`),
          h('td', null, m.state + (m.group ? ` (${m.group})` : '')),
          h('td', null, m.tag ?? '—'),
          h('td', null, m.key ?? '—'),
          h('td', null, formatTime(m.publishTime)),
        ),
      );
      status.textContent = `${hits.length} message(s) found for “${text}”.`;
      replaceKeepingFocus(results, () => [
        table(
          `Messages matching ${text}`,
          ['Message id', 'Matched', 'Topic', 'State', 'Tag', 'Key', 'Published'],
          rows,
          'Nothing matches.',
        ),
      ]);
    },
  };
}
