// @ts-check
/** Dead letters of one group for one topic: resend (to that group only) or purge. */
import { api, query } from './api.client.js';
import { h, replaceKeepingFocus, showResult, table } from './dom.util.js';
import { formatTime, instanceLabel, preview } from './format.util.js';

/** @type {import('./console.app.js').View} */
export function deadLettersView(main, params, ctx) {
  const where = {
    instanceId: params.get('instanceId') ?? '',
    topic: params.get('topic') ?? '',
    group: params.get('group') ?? '',
  };
  const picker = h('select', { id: 'dl-pick', name: 'pick' });
  const pickForm = h(
    'form',
    { class: 'filters', 'aria-label': 'Which dead-letter queue' },
    h('label', { class: 'field' }, h('span', null, 'Topic and group'), picker),
    h('button', { type: 'submit' }, 'Show'),
  );
  pickForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = /** @type {HTMLSelectElement} */ (picker).value;
    if (value === '') return;
    const [instanceId, topic, group] = JSON.parse(value);
    ctx.go(`#/deadletters${query({ instanceId, topic, group })}`);
  });
  const result = h('p', { class: 'result', role: 'status' });
  const list = h('div', { class: 'list' });
  const act = async (/** @type {'resend' | 'purge'} */ action, /** @type {boolean} */ all) => {
    const ids = [...list.querySelectorAll('input[type="checkbox"]:checked')].map(
      (box) => /** @type {HTMLInputElement} */ (box).value,
    );
    if (!all && ids.length === 0) {
      showResult(result, 'Select dead letters first (or use the “all” buttons).', 'error');
      return;
    }
    const count = all ? 'every dead letter' : `${ids.length} dead letter(s)`;
    if (
      action === 'purge' &&
      !confirm(`Delete ${count} of ${where.group}? This cannot be undone.`)
    ) {
      return;
    }
    try {
      const body = all ? where : { ...where, messageIds: ids };
      const answer = await api(`deadletters/${action}`, { method: 'POST', body });
      if (action === 'purge') {
        showResult(result, `Purged ${answer.purged} dead letter(s).`, 'ok');
      } else {
        const failed = answer.failed.map((/** @type {any} */ f) => `${f.messageId}: ${f.reason}`);
        showResult(
          result,
          `Resent ${answer.resent.length} dead letter(s) to ${where.group}.` +
            (failed.length > 0 ? ` Not resent: ${failed.join('; ')}` : ''),
          failed.length > 0 ? 'error' : 'ok',
        );
      }
      ctx.changed();
    } catch (err) {
      showResult(result, `${action} failed: ${/** @type {Error} */ (err).message}`, 'error');
    }
  };
  const actions = h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Dead-letter actions' },
    h('button', { type: 'button', onclick: () => act('resend', false) }, 'Resend selected'),
    h('button', { type: 'button', onclick: () => act('resend', true) }, 'Resend all'),
    h(
      'button',
      { type: 'button', class: 'danger', onclick: () => act('purge', false) },
      'Purge selected…',
    ),
    h(
      'button',
      { type: 'button', class: 'danger', onclick: () => act('purge', true) },
      'Purge all…',
    ),
  );
  main.append(h('h2', null, 'Dead letters'), pickForm, result);
  if (where.topic !== '' && where.group !== '') main.append(actions, list);

  let filled = false;
  return {
    async refresh() {
      const o = await ctx.overview();
      if (where.topic === '') {
        const first = o.groups.find((/** @type {any} */ g) => g.deadLetter > 0);
        if (first !== undefined) {
          const { instanceId, topic, group } = first;
          ctx.go(`#/deadletters${query({ instanceId, topic, group })}`, true);
          return;
        }
      }
      if (!filled) {
        filled = true;
        const wanted = JSON.stringify([where.instanceId, where.topic, where.group]);
        for (const g of o.groups) {
          const value = JSON.stringify([g.instanceId, g.topic, g.group]);
          picker.append(
            h(
              'option',
              { value, selected: value === wanted },
              `${g.topic} / ${g.group} (${instanceLabel(g.instanceId)}): ${g.deadLetter}`,
            ),
          );
        }
        if (o.groups.length === 0) picker.append(h('option', { value: '' }, 'No group yet'));
      }
      if (where.topic === '' || where.group === '') return;
      const letters = await api(`deadletters${query(where)}`);
      const rows = letters.map((/** @type {any} */ m) =>
        h(
          'tr',
          null,
          h(
            'td',
            null,
            h('input', {
              type: 'checkbox',
              value: m.messageId,
              id: `dl-${m.messageId}`,
              'data-focus-key': `dl-${m.messageId}`,
              'aria-label': `Select ${m.messageId}`,
            }),
          ),
          h(
            'th',
            { scope: 'row' },
            h(
              'a',
              {
                class: 'mono',
                href: `#/message/${encodeURIComponent(m.messageId)}${query({ instanceId: where.instanceId, topic: where.topic })}`,
                'data-focus-key': `dl-link-${m.messageId}`,
              },
              m.messageId,
            ),
          ),
          h('td', { class: 'num' }, m.consumedTimes),
          h('td', null, m.tag ?? '—'),
          h('td', null, formatTime(m.publishTime)),
          h('td', { class: 'body-preview' }, preview(m.body)),
        ),
      );
      const checked = new Set(
        [...list.querySelectorAll('input[type="checkbox"]:checked')].map(
          (box) => /** @type {HTMLInputElement} */ (box).value,
        ),
      );
      replaceKeepingFocus(list, () => [
        table(
          `Dead letters of ${where.group} for ${where.topic}`,
          ['Select', 'Message id', 'Attempts', 'Tag', 'Published', 'Body'],
          rows,
          'No dead letter here.',
        ),
      ]);
      for (const box of list.querySelectorAll('input[type="checkbox"]')) {
        const input = /** @type {HTMLInputElement} */ (box);
        input.checked = checked.has(input.value);
      }
    },
  };
}
