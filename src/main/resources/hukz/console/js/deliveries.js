// Deliveries: one message to one webhook. The list with every filter of the API, and one delivery's attempts.
import { get, post, query } from './api.js';
import { h, act, codeBadge, notice, pager, pretty, statusBadge, table, time } from './ui.js';
import { navigate } from './app.js';

const LIMIT = 20;

export async function deliveriesPage(view, { params }) {
  const f = {
    webhook_id: params.get('webhook_id') || '',
    status: params.get('status') || '',
    event: params.get('event') || '',
    message_id: params.get('message_id') || '',
    tag: params.get('tag') || '',
  };
  const page = Number(params.get('page') || 1);
  const inputs = {
    webhook_id: h('input', { id: 'deliveries-webhook', inputmode: 'numeric', value: f.webhook_id }),
    status: h('select', { id: 'deliveries-status' }, ['', 'pending', 'delivered', 'failed'].map((s) => h('option', { value: s }, s || 'any'))),
    event: h('input', { id: 'deliveries-event', value: f.event, placeholder: 'post.created' }),
    message_id: h('input', { id: 'deliveries-message', value: f.message_id, placeholder: 'msg_… (webhook-id header)' }),
    tag: h('input', { id: 'deliveries-tag', value: f.tag, placeholder: 'key:value' }),
  };
  inputs.status.value = f.status;
  const results = h('div', { id: 'deliveries-results' });
  const filters = h('form', { class: 'filters card', onsubmit: (e) => {
    e.preventDefault();
    navigate('/deliveries', Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value.trim()])));
  } },
  h('div', {}, h('label', { for: 'deliveries-message' }, 'Message id'), inputs.message_id),
  h('div', {}, h('label', { for: 'deliveries-status' }, 'Status'), inputs.status),
  h('div', {}, h('label', { for: 'deliveries-webhook' }, 'Webhook id'), inputs.webhook_id),
  h('div', {}, h('label', { for: 'deliveries-event' }, 'Event'), inputs.event),
  h('div', {}, h('label', { for: 'deliveries-tag' }, 'Webhook tag'), inputs.tag),
  h('div', {}, h('button', { type: 'submit', id: 'deliveries-filter' }, 'Filter')));
  view.append(h('h1', {}, 'Deliveries'), h('p', { class: 'live' }, 'Newest first · updates by itself'), filters, results);

  let last = '';
  async function refresh() {
    const list = await get(`/deliveries${query({ ...f, page, limit: LIMIT })}`);
    const key = JSON.stringify(list);
    if (key === last) return;
    last = key;
    results.replaceChildren(table([
      { label: 'Id', class: 'id-col', cell: (d) => h('a', { href: `#/deliveries/${d.id}`, class: 'delivery-link' }, `#${d.id}`) },
      { label: 'Created', cell: (d) => time(d.created_at) },
      { label: 'Status', cell: (d) => statusBadge(d.status) },
      { label: 'Event', cell: (d) => h('code', {}, d.event) },
      { label: 'Webhook', cell: (d) => h('a', { href: `#/webhooks/${d.webhook_id}` }, `#${d.webhook_id}`) },
      { label: 'Attempts', cell: (d) => String(d.attempt_count) },
      { label: 'Last', cell: (d) => (d.last_status_code == null ? '—' : codeBadge(d.last_status_code)) },
      { label: 'Message id', cell: (d) => h('span', { class: 'mono full message-id' }, d.message_id) },
    ], list.nodes, 'Deliveries'), pager(list.total, page, LIMIT, (p) => navigate('/deliveries', { ...f, page: p })));
  }
  await refresh();
  return { refresh };
}

export async function deliveryPage(view, { id }) {
  const head = h('div');
  const attempts = h('div', { id: 'attempts' });
  const retry = h('button', { type: 'button', id: 'delivery-retry', onclick: () => act(retry, async () => {
    await post(`/deliveries/${id}/retry`);
    notice(`Delivery #${id} is being attempted again.`);
    await refresh();
  }) }, 'Retry now');
  view.append(h('h1', {}, `Delivery #${id}`), head, h('div', { class: 'actions' }, retry, h('a', { href: '#/deliveries' }, 'Back to deliveries')),
    h('h2', {}, 'Attempts'), attempts);

  let last = '';
  async function refresh() {
    const d = await get(`/deliveries/${id}`);
    const key = JSON.stringify(d);
    if (key === last) return;
    last = key;
    head.replaceChildren(h('section', { class: 'card' }, h('dl', { class: 'kv' },
      h('dt', {}, 'Status'), h('dd', { id: 'delivery-status' }, statusBadge(d.status)),
      h('dt', {}, 'Message id (webhook-id)'), h('dd', { class: 'mono full' }, d.message_id),
      h('dt', {}, 'Event'), h('dd', {}, h('code', {}, d.event)),
      h('dt', {}, 'Webhook'), h('dd', {}, h('a', { href: `#/webhooks/${d.webhook_id}` }, `#${d.webhook_id}`)),
      h('dt', {}, 'Created'), h('dd', {}, time(d.created_at)),
      h('dt', {}, 'Next attempt'), h('dd', {}, time(d.next_attempt_at)),
      h('dt', {}, 'Body sent'), h('dd', {}, h('details', {}, h('summary', {}, `${JSON.stringify(d.data).length} bytes`),
        h('pre', {}, pretty(d.data)))))));
    attempts.replaceChildren(...(d.attempts.length === 0 ? [h('p', {}, 'No attempt yet.')] : d.attempts.map((a) => {
      const ok = a.response_status_code >= 200 && a.response_status_code < 300;
      return h('article', { class: `attempt ${ok ? 'ok' : 'bad'}`, 'data-attempt': String(a.attempt) },
        h('h3', {}, `Attempt ${a.attempt} · `, codeBadge(a.response_status_code), ` · ${a.duration_ms} ms · ${time(a.created_at)}`),
        h('dl', { class: 'kv' },
          h('dt', {}, 'Error'), h('dd', { class: 'attempt-error' }, a.error || '—'),
          h('dt', {}, 'URL'), h('dd', { class: 'mono full' }, a.url),
          h('dt', {}, 'Request body'), h('dd', {}, h('pre', {}, pretty(a.data))),
          h('dt', {}, 'Response body'), h('dd', {}, h('pre', {}, a.response_body == null ? '—' : pretty(a.response_body)))));
    })));
  }
  await refresh();
  return { refresh };
}
