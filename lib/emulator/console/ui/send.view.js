// @ts-check
/** Send a test message: topic, tag, key, properties, delay, body (a normal publish). */
import { api } from './api.client.js';
import { h, showResult } from './dom.util.js';
import { instanceLabel } from './format.util.js';

/** @type {import('./console.app.js').View} */
export function sendView(main, params, ctx) {
  const topics = h('datalist', { id: 'send-topics' });
  const instances = h('datalist', { id: 'send-instances' });
  const result = h('p', { class: 'result', role: 'status' });
  const link = h('p', { class: 'result-link' });
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'send', 'aria-describedby': 'send-help' },
      h(
        'p',
        { id: 'send-help', class: 'note' },
        'Published like any producer would. Properties: one name=value per line.',
      ),
      input('Topic', 'topic', { required: true, list: 'send-topics', value: params.get('topic') }),
      input('Instance id', 'instanceId', {
        list: 'send-instances',
        value: params.get('instanceId'),
        placeholder: 'the emulator’s own instance',
      }),
      input('Tag', 'tag', {}),
      input('Key', 'key', {}),
      input('Delay (ms)', 'delayMs', { type: 'number', min: 0, step: 1, inputmode: 'numeric' }),
      h(
        'label',
        { class: 'field wide' },
        h('span', null, 'Properties'),
        h('textarea', { name: 'properties', rows: 3, spellcheck: 'false' }),
      ),
      h(
        'label',
        { class: 'field wide' },
        h('span', null, 'Body'),
        h('textarea', { name: 'body', rows: 6, required: true, spellcheck: 'false' }),
      ),
      h('button', { type: 'submit' }, 'Send message'),
      topics,
      instances,
    )
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const text = (/** @type {string} */ name) => String(data.get(name) ?? '');
    /** @type {Record<string, string>} */
    const properties = {};
    for (const line of text('properties').split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      const eq = trimmed.indexOf('=');
      if (eq <= 0) {
        showResult(result, `Property line “${trimmed}” is not name=value.`, 'error');
        return;
      }
      properties[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
    }
    /** @type {Record<string, unknown>} */
    const message = { topic: text('topic').trim(), body: text('body') };
    if (text('instanceId').trim() !== '') message.instanceId = text('instanceId').trim();
    if (text('tag').trim() !== '') message.tag = text('tag').trim();
    if (text('key').trim() !== '') message.key = text('key').trim();
    if (text('delayMs') !== '') message.delayMs = Number(text('delayMs'));
    if (Object.keys(properties).length > 0) message.properties = properties;
    try {
      const sent = await api('messages', { method: 'POST', body: message });
      showResult(result, `Sent message ${sent.messageId}.`, 'ok');
      link.replaceChildren(
        h('a', { href: `#/message/${encodeURIComponent(sent.messageId)}` }, 'See its life'),
      );
      ctx.changed();
    } catch (err) {
      showResult(result, `Not sent: ${/** @type {Error} */ (err).message}`, 'error');
      link.replaceChildren();
    }
  });
  main.append(h('h2', null, 'Send a test message'), form, result, link);
  return {
    async refresh() {
      if (topics.childElementCount > 0) return;
      const o = await ctx.overview();
      const seen = new Set();
      for (const t of o.topics) {
        if (!seen.has(t.topic)) topics.append(h('option', { value: t.topic }));
        seen.add(t.topic);
        if (!seen.has(`#${t.instanceId}`) && t.instanceId !== '') {
          instances.append(h('option', { value: t.instanceId }, instanceLabel(t.instanceId)));
        }
        seen.add(`#${t.instanceId}`);
      }
    },
  };
}

/**
 * @param {string} label
 * @param {string} name
 * @param {Record<string, unknown>} attrs
 */
function input(label, name, attrs) {
  return h(
    'label',
    { class: 'field' },
    h('span', null, label),
    h('input', { name, type: 'text', autocomplete: 'off', ...attrs }),
  );
}
