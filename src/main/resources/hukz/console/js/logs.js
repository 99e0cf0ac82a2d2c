// Logs: every attempt of the signed-in user's webhooks, newest first, with every filter of the API.
import { get, query } from './api.js';
import { h, codeBadge, isoToLocal, localToIso, pager, pretty, table, time } from './ui.js';
import { navigate } from './app.js';

const LIMIT = 20;

export async function logsPage(view, { params }) {
  const f = {
    status: params.get('status') || '',
    event: params.get('event') || '',
    webhook_id: params.get('webhook_id') || '',
    tag: params.get('tag') || '',
    since: params.get('since') || '',
    until: params.get('until') || '',
  };
  const page = Number(params.get('page') || 1);
  const inputs = {
    status: h('select', { id: 'logs-status' }, [['', 'any'], ['success', 'success (2xx)'], ['failed', 'failed']].map(([v, l]) => h('option', { value: v }, l))),
    event: h('input', { id: 'logs-event', value: f.event }),
    webhook_id: h('input', { id: 'logs-webhook', inputmode: 'numeric', value: f.webhook_id }),
    tag: h('input', { id: 'logs-tag', value: f.tag, placeholder: 'key:value' }),
    since: h('input', { id: 'logs-since', type: 'datetime-local', value: isoToLocal(f.since) }),
    until: h('input', { id: 'logs-until', type: 'datetime-local', value: isoToLocal(f.until) }),
  };
  inputs.status.value = f.status;
  const results = h('div', { id: 'logs-results' });
  const form = h('form', { class: 'filters card', onsubmit: (e) => {
    e.preventDefault();
    navigate('/logs', { status: inputs.status.value, event: inputs.event.value.trim(), webhook_id: inputs.webhook_id.value.trim(),
      tag: inputs.tag.value.trim(), since: localToIso(inputs.since.value), until: localToIso(inputs.until.value) });
  } },
  h('div', {}, h('label', { for: 'logs-status' }, 'Status'), inputs.status),
  h('div', {}, h('label', { for: 'logs-event' }, 'Event'), inputs.event),
  h('div', {}, h('label', { for: 'logs-webhook' }, 'Webhook id'), inputs.webhook_id),
  h('div', {}, h('label', { for: 'logs-tag' }, 'Tag'), inputs.tag),
  h('div', {}, h('label', { for: 'logs-since' }, 'Since'), inputs.since),
  h('div', {}, h('label', { for: 'logs-until' }, 'Until'), inputs.until),
  h('div', {}, h('button', { type: 'submit', id: 'logs-filter' }, 'Filter')));
  view.append(h('h1', {}, 'Logs'), h('p', { class: 'live' }, 'Every attempt, newest first · updates by itself'), form, results);

  let last = '';
  async function refresh() {
    const list = await get(`/webhooks/logs${query({ ...f, page, limit: LIMIT })}`);
    const key = JSON.stringify(list);
    if (key === last) return;
    last = key;
    results.replaceChildren(table([
      { label: 'Time', cell: (l) => time(l.created_at) },
      { label: 'Status', cell: (l) => h('span', { class: 'log-status' }, codeBadge(l.response_status_code)) },
      { label: 'Event', cell: (l) => h('code', {}, l.event) },
      { label: 'Webhook', cell: (l) => h('a', { href: `#/webhooks/${l.webhook_id}` }, `#${l.webhook_id}`) },
      { label: 'Delivery', cell: (l) => (l.delivery_id ? h('a', { href: `#/deliveries/${l.delivery_id}` }, `#${l.delivery_id} · attempt ${l.attempt}`) : 'test') },
      { label: 'Duration', cell: (l) => `${l.duration_ms} ms` },
      { label: 'Error', cell: (l) => l.error || '—' },
      { label: 'Bodies', cell: (l) => h('details', {}, h('summary', {}, 'request / response'),
        h('pre', {}, pretty(l.data)), h('pre', {}, l.response_body == null ? '—' : pretty(l.response_body))) },
    ], list.nodes, 'Attempts'), pager(list.total, page, LIMIT, (p) => navigate('/logs', { ...f, page: p })));
  }
  await refresh();
  return { refresh };
}
