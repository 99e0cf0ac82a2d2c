// Webhooks: list; one webhook's settings, secret, test, recovery and health.
import { get, post, put, del, query } from './api.js';
import { h, act, codeBadge, healthBadge, isoToLocal, localToIso, notice, pager, pairsToText, pretty, table,
  textToPairs, time } from './ui.js';
import { navigate } from './app.js';

export async function webhooksPage(view, { params }) {
  const page = Number(params.get('page') || 1);
  const tag = params.get('tag') || '';
  const spaceId = params.get('space_id') || '';
  const tagInput = h('input', { id: 'webhooks-tag', value: tag, placeholder: 'key:value' });
  const spaceInput = h('input', { id: 'webhooks-space', value: spaceId });
  const list = await get(`/webhooks${query({ page, limit: 50, tag, space_id: spaceId })}`);
  view.append(
    h('div', { class: 'actions' }, h('h1', {}, 'Webhooks'), h('a', { class: 'button', href: '#/webhooks/new', id: 'new-webhook' }, 'New webhook')),
    h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); navigate('/webhooks', { tag: tagInput.value.trim(), space_id: spaceInput.value.trim() }); } },
      h('div', {}, h('label', { for: 'webhooks-tag' }, 'Tag'), tagInput),
      h('div', {}, h('label', { for: 'webhooks-space' }, 'Space id'), spaceInput),
      h('div', {}, h('button', { type: 'submit' }, 'Filter'))),
    table([
      { label: 'Id', class: 'id-col', cell: (w) => h('a', { href: `#/webhooks/${w.id}` }, `#${w.id}`) },
      { label: 'Name', cell: (w) => w.name },
      { label: 'URL', cell: (w) => h('span', { class: 'mono full' }, w.url) },
      { label: 'Events', cell: (w) => (w.events || []).map((e) => e.event).join(', ') },
      { label: 'Format', cell: (w) => w.format },
      { label: 'State', cell: (w) => healthBadge(w) },
    ], list.nodes, 'Webhooks'),
    pager(list.total, page, 50, (p) => navigate('/webhooks', { tag, space_id: spaceId, page: p })));
}

function numberOrNull(input, field) {
  const v = input.value.trim();
  if (v === '') return null;
  if (!/^\d+$/.test(v)) throw new Error(`${field} must be a whole number`);
  return Number(v);
}

export async function webhookPage(view, { id }) {
  const isNew = id === 'new';
  const [webhook, events] = await Promise.all([
    isNew ? Promise.resolve({ name: '', url: '', enabled: true, event_ids: [], tags: {}, headers: {}, format: 'json', space_id: null })
      : get(`/webhooks/${id}`),
    get('/events?limit=100'),
  ]);
  const name = h('input', { id: 'webhook-name', value: webhook.name || '' });
  const url = h('input', { id: 'webhook-url', value: webhook.url || '', required: true, type: 'url', placeholder: 'https://example.com/hook' });
  const enabled = h('input', { id: 'webhook-enabled', type: 'checkbox', checked: webhook.enabled !== false });
  const eventBoxes = events.nodes.map((e) => h('input', { type: 'checkbox', value: String(e.id), id: `webhook-event-${e.id}`,
    checked: (webhook.event_ids || []).includes(e.id) }));
  const format = h('select', { id: 'webhook-format' }, ['json', 'slack', 'google_chat'].map((f) => h('option', { value: f }, f)));
  format.value = webhook.format || 'json';
  const tags = h('textarea', { id: 'webhook-tags', placeholder: 'team: core' }, pairsToText(webhook.tags));
  const headers = h('textarea', { id: 'webhook-headers', placeholder: 'X-Api-Key: ...' }, pairsToText(webhook.headers));
  const space = h('input', { id: 'webhook-space', value: webhook.space_id == null ? '' : String(webhook.space_id) });
  const rateLimit = h('input', { id: 'webhook-rate-limit', inputmode: 'numeric', value: webhook.rate_limit == null ? '' : String(webhook.rate_limit),
    placeholder: 'none' });
  const maxInFlight = h('input', { id: 'webhook-max-in-flight', inputmode: 'numeric',
    value: webhook.max_in_flight == null ? '' : String(webhook.max_in_flight), placeholder: 'server default' });
  const save = h('button', { type: 'submit', id: 'webhook-save' }, isNew ? 'Create webhook' : 'Save');

  const form = h('form', { class: 'card', id: 'webhook-form', onsubmit: (e) => {
    e.preventDefault();
    act(save, async () => {
      const body = {
        name: name.value,
        url: url.value.trim(),
        enabled: enabled.checked,
        event_ids: eventBoxes.filter((b) => b.checked).map((b) => Number(b.value)),
        tags: textToPairs(tags.value, 'tags'),
        headers: textToPairs(headers.value, 'headers'),
        format: format.value,
        rate_limit: numberOrNull(rateLimit, 'rate_limit'),
      };
      const mif = numberOrNull(maxInFlight, 'max_in_flight');
      if (mif != null) body.max_in_flight = mif;
      const sid = space.value.trim();
      if (sid) body.space_id = /^\d+$/.test(sid) ? Number(sid) : sid;
      const saved = isNew ? await post('/webhooks', body) : await put(`/webhooks/${id}`, body);
      notice(isNew ? `Webhook #${saved.id} created.` : 'Saved.');
      navigate(`/webhooks/${saved.id}`);
    });
  } },
  h('div', { class: 'form-grid' },
    h('div', {},
      h('label', { for: 'webhook-name' }, 'Name'), name,
      h('label', { for: 'webhook-url' }, 'URL'), url,
      h('label', { class: 'inline' }, enabled, 'Enabled'),
      h('fieldset', {}, h('legend', {}, 'Events'),
        events.nodes.length === 0 ? h('p', { class: 'hint' }, 'No events yet: create one first.') : null,
        events.nodes.map((e, i) => h('label', { class: 'inline', for: eventBoxes[i].id }, eventBoxes[i], `${e.event}${e.name && e.name !== e.event ? ` (${e.name})` : ''}`))),
      h('label', { for: 'webhook-format' }, 'Format'), format),
    h('div', {},
      h('label', { for: 'webhook-tags' }, 'Tags, one "key: value" per line'), tags,
      h('label', { for: 'webhook-headers' }, 'Extra request headers, one "Name: value" per line'), headers,
      h('p', { class: 'hint' }, 'Credential-like header values come back masked; leaving the mask keeps the stored value.'),
      h('label', { for: 'webhook-space' }, 'Space id'), space,
      h('label', { for: 'webhook-rate-limit' }, 'Rate limit (requests per second, empty for none)'), rateLimit,
      h('label', { for: 'webhook-max-in-flight' }, 'Max in flight (attempts at once per instance)'), maxInFlight)),
  h('div', { class: 'actions' }, save, h('a', { href: '#/webhooks' }, 'Back to webhooks')));

  view.append(h('h1', {}, isNew ? 'New webhook' : `Webhook #${id}: ${webhook.name || ''}`));
  if (!isNew) view.append(statusCard(webhook));
  view.append(form);
  if (!isNew) view.append(secretCard(id), toolsCard(id, webhook));
  (isNew ? url : name).focus();
}

function statusCard(w) {
  const health = w.health;
  return h('section', { class: 'card', id: 'webhook-health' }, h('h2', {}, 'Health'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'State'), h('dd', {}, healthBadge(w)),
      w.disabled_reason ? [h('dt', {}, 'Disabled because'), h('dd', {}, w.disabled_reason)] : null,
      health ? [
        h('dt', {}, 'Circuit'), h('dd', {}, health.circuit),
        h('dt', {}, 'Consecutive failures'), h('dd', {}, String(health.consecutive_failures)),
        h('dt', {}, 'Failing since'), h('dd', {}, time(health.failing_since)),
        h('dt', {}, 'Next probe'), h('dd', {}, time(health.next_probe_at)),
      ] : [h('dt', {}, 'Circuit'), h('dd', {}, 'not reported by this hukz')],
      h('dt', {}, 'Deliveries'), h('dd', {}, h('a', { href: `#/deliveries?webhook_id=${w.id}` }, 'all'), ' · ',
        h('a', { href: `#/deliveries?webhook_id=${w.id}&status=failed` }, 'failed'), ' · ',
        h('a', { href: `#/logs?webhook_id=${w.id}` }, 'attempts'))));
}

function secretCard(id) {
  const out = h('code', { id: 'webhook-secret', class: 'mono full' }, 'hidden');
  return h('section', { class: 'card' }, h('h2', {}, 'Signing secret'),
    h('p', {}, out),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'secret-show', onclick: (e) => act(e.currentTarget, async () => {
        out.textContent = (await get(`/webhooks/${id}/secret`)).key;
      }) }, 'Show secret'),
      h('button', { type: 'button', class: 'secondary', id: 'secret-rotate', onclick: (e) => act(e.currentTarget, async () => {
        if (!window.confirm('Rotate the secret? The old one keeps signing beside the new one for 24 hours.')) return;
        out.textContent = (await post(`/webhooks/${id}/secret/rotate`)).key;
        notice('New secret made; the old one signs beside it for 24 hours.');
      }) }, 'Rotate secret')));
}

function toolsCard(id, webhook) {
  const result = h('div', { id: 'webhook-test-result' });
  const since = h('input', { id: 'recover-since', type: 'datetime-local', value: isoToLocal(new Date(Date.now() - 86400000).toISOString()) });
  return h('section', { class: 'card' }, h('h2', {}, 'Test and recover'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'webhook-test', onclick: (e) => act(e.currentTarget, async () => {
        const log = await post(`/webhooks/${id}/test`);
        result.replaceChildren(h('p', {}, 'Test sent (hukz.ping): ', codeBadge(log.response_status_code), ` in ${log.duration_ms} ms`,
          log.error ? ` · ${log.error}` : ''), h('pre', {}, pretty(log.response_body)));
      }) }, 'Send test event')),
    result,
    h('form', { class: 'filters', onsubmit: (e) => {
      e.preventDefault();
      const button = e.currentTarget.querySelector('button');
      act(button, async () => {
        if (!since.value) throw new Error('since: choose a time');
        const r = await post(`/webhooks/${id}/recover`, { since: localToIso(since.value) });
        notice(`${r.count} failed deliveries re-queued.`);
      });
    } },
    h('div', {}, h('label', { for: 'recover-since' }, 'Re-queue failed deliveries since'), since),
    h('div', {}, h('button', { type: 'submit', class: 'secondary', id: 'recover-submit' }, 'Recover'))),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', id: 'webhook-delete', onclick: (e) => act(e.currentTarget, async () => {
      if (!window.confirm(`Delete webhook #${id} (${webhook.name || webhook.url})?`)) return;
      await del(`/webhooks/${id}`);
      notice(`Webhook #${id} deleted.`);
      navigate('/webhooks');
    }) }, 'Delete webhook')));
}

