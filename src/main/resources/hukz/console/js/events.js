// Events: NATS subjects webhooks subscribe to. List, create, edit, delete.
import { get, post, put, del, query } from './api.js';
import { h, act, notice, pager, pairsToText, table, textToPairs, time } from './ui.js';
import { navigate } from './app.js';

export async function eventsPage(view, { params }) {
  const page = Number(params.get('page') || 1);
  const tag = params.get('tag') || '';
  const list = await get(`/events${query({ page, limit: 50, tag })}`);
  const tagInput = h('input', { id: 'events-tag', value: tag, placeholder: 'key:value' });
  view.append(
    h('div', { class: 'actions' }, h('h1', {}, 'Events'), h('a', { class: 'button', href: '#/events/new', id: 'new-event' }, 'New event')),
    h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); navigate('/events', { tag: tagInput.value.trim() }); } },
      h('div', {}, h('label', { for: 'events-tag' }, 'Tag'), tagInput),
      h('div', {}, h('button', { type: 'submit' }, 'Filter'))),
    table([
      { label: 'Id', class: 'id-col', cell: (e) => h('a', { href: `#/events/${e.id}` }, `#${e.id}`) },
      { label: 'Name', cell: (e) => e.name },
      { label: 'Subject', cell: (e) => h('code', {}, e.event) },
      { label: 'Tags', cell: (e) => pairsToText(e.tags).replace(/\n/g, ', ') || '—' },
      { label: 'Created', cell: (e) => time(e.created_at) },
    ], list.nodes, 'Events'),
    pager(list.total, page, 50, (p) => navigate('/events', { tag, page: p })));
}

export async function eventPage(view, { id }) {
  const isNew = id === 'new';
  const event = isNew ? { name: '', event: '', tags: {} } : await get(`/events/${id}`);
  const name = h('input', { id: 'event-name', value: event.name });
  const subject = h('input', { id: 'event-subject', value: event.event, required: true, placeholder: 'post.created, post.*, post.>' });
  const tags = h('textarea', { id: 'event-tags', placeholder: 'app: blog' }, pairsToText(event.tags));
  const save = h('button', { type: 'submit', id: 'event-save' }, isNew ? 'Create event' : 'Save');
  const form = h('form', { class: 'card', onsubmit: (e) => {
    e.preventDefault();
    act(save, async () => {
      const body = { name: name.value, event: subject.value.trim(), tags: textToPairs(tags.value, 'tags') };
      const saved = isNew ? await post('/events', body) : await put(`/events/${id}`, body);
      notice(isNew ? `Event #${saved.id} created.` : 'Saved.');
      navigate('/events');
    });
  } },
  h('label', { for: 'event-name' }, 'Name'), name,
  h('label', { for: 'event-subject' }, 'Subject (NATS; * and > wildcards allowed)'), subject,
  h('label', { for: 'event-tags' }, 'Tags, one "key: value" per line'), tags,
  h('div', { class: 'actions' }, save,
    isNew ? null : h('button', { type: 'button', class: 'danger', id: 'event-delete', onclick: (e) => act(e.currentTarget, async () => {
      if (!window.confirm(`Delete event #${id}?`)) return;
      await del(`/events/${id}`);
      notice(`Event #${id} deleted.`);
      navigate('/events');
    }) }, 'Delete'),
    h('a', { href: '#/events' }, 'Back to events')));
  view.append(h('h1', {}, isNew ? 'New event' : `Event #${id}`), form);
  (isNew ? subject : name).focus();
}
