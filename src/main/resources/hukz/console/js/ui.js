// Small DOM helpers: elements built with properties (never HTML strings), messages, formatting.

/** h('a', {href: '#/x', class: 'c'}, 'text', child) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function svg(tag, attrs = {}) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

const errorBox = () => document.getElementById('error');
const noticeBox = () => document.getElementById('notice');

export function showError(e) {
  const box = errorBox();
  const status = e && e.status ? `${e.status}: ` : '';
  box.textContent = status + (e && e.message ? e.message : String(e));
  box.hidden = false;
  if (e && !(e.status >= 0)) console.warn(e);
}

export function clearError() {
  errorBox().hidden = true;
  errorBox().textContent = '';
}

let noticeTimer;
export function hideNotice() {
  noticeBox().hidden = true;
}

export function notice(text) {
  const box = noticeBox();
  box.textContent = text;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
}

/** Runs an action for a button: disabled while it runs, errors shown in words. */
export async function act(button, fn) {
  clearError();
  if (button) button.disabled = true;
  try {
    return await fn();
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function ago(seconds) {
  if (seconds == null) return '—';
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

export function pretty(value) {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export function statusBadge(status) {
  const cls = status === 'delivered' ? 'ok' : status === 'failed' ? 'bad' : 'warn';
  return h('span', { class: `badge ${cls}` }, status);
}

export function codeBadge(code) {
  const ok = code >= 200 && code < 300;
  return h('span', { class: `badge ${ok ? 'ok' : 'bad'}` }, code === 0 ? 'no response' : String(code));
}

export function healthBadge(webhook) {
  if (!webhook.enabled) return h('span', { class: 'badge muted' }, 'disabled');
  const health = webhook.health;
  if (!health) return h('span', { class: 'badge muted' }, 'enabled');
  if (health.circuit === 'open') return h('span', { class: 'badge bad' }, 'circuit open');
  if (health.circuit === 'half_open') return h('span', { class: 'badge warn' }, 'probing');
  if (health.consecutive_failures > 0) return h('span', { class: 'badge warn' }, `failing (${health.consecutive_failures})`);
  return h('span', { class: 'badge ok' }, 'healthy');
}

/** A table whose cells carry their column name, so it can stack into cards on narrow screens. */
export function table(columns, rows, caption) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'list' },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      h('tbody', {}, rows.length === 0
        ? h('tr', {}, h('td', { colSpan: columns.length, class: 'empty' }, 'Nothing here yet.'))
        : rows.map((r) => h('tr', {}, columns.map((c) => h('td', { 'data-label': c.label, class: c.class || null }, c.cell(r))))))));
}

/** key: value lines <-> an object of strings (tags, headers). */
export function pairsToText(obj) {
  return Object.entries(obj || {}).map(([k, v]) => `${k}: ${v}`).join('\n');
}

export function textToPairs(text, field) {
  const out = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf(':');
    if (i <= 0) throw new Error(`${field}: each line must be "key: value" ("${line}")`);
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Previous / next paging of a {total, nodes} list. */
export function pager(total, page, limit, go) {
  const pages = Math.max(1, Math.ceil(total / limit));
  return h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'secondary', disabled: page <= 1, onclick: () => go(page - 1) }, '← Newer'),
    h('span', {}, `Page ${page} of ${pages} · ${total} in all`),
    h('button', { type: 'button', class: 'secondary', disabled: page >= pages, onclick: () => go(page + 1) }, 'Older →'));
}

/** datetime-local value (local time) <-> RFC 3339 */
export function localToIso(value) {
  return value ? new Date(value).toISOString() : '';
}

export function isoToLocal(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
