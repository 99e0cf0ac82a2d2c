// The last 24 hours at a glance: /stats in hour buckets, pending deliveries, and webhooks in trouble.
import { get, query } from './api.js';
import { h, ago, healthBadge, table, time } from './ui.js';
import { attemptsChart } from './chart.js';

function sum(buckets, field) {
  return buckets.reduce((n, b) => n + b[field], 0);
}

/** Since the start of the hour 23 hours ago: 24 whole-hour buckets, the last one the current hour. */
function dayWindow() {
  const now = new Date();
  const since = new Date(now);
  since.setMinutes(0, 0, 0);
  since.setHours(since.getHours() - 23);
  return { since: since.toISOString(), until: now.toISOString() };
}

function stat(label, value, id) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value', id }, value));
}

export async function overview(view) {
  const body = h('div');
  view.append(h('h1', {}, 'Overview'), h('p', { class: 'live' }, 'Last 24 hours · updates by itself'), body);

  async function refresh() {
    const [stats, webhooks, failures] = await Promise.all([
      get(`/stats${query({ ...dayWindow(), bucket: '1h' })}`),
      get('/webhooks?limit=100'),
      get(`/webhooks/logs${query({ status: 'failed', since: dayWindow().since, limit: 100 })}`),
    ]);
    const b = stats.buckets;
    const attempts = sum(b, 'attempts');
    const delivered = sum(b, 'delivered');
    const latest = [...b].reverse().find((x) => x.attempts > 0);
    const failingIds = new Map();
    for (const l of failures.nodes) {
      if (!failingIds.has(l.webhook_id)) failingIds.set(l.webhook_id, l);
    }
    const trouble = webhooks.nodes.filter((w) => failingIds.has(w.id) || !w.enabled
      || (w.health && (w.health.circuit !== 'closed' || w.health.consecutive_failures > 0)));
    body.replaceChildren(
      h('div', { class: 'grid' },
        stat('Delivered (attempts that succeeded)', String(delivered), 'stat-delivered'),
        stat('Failed attempts', String(sum(b, 'failed_attempts')), 'stat-failed'),
        stat('Success rate', attempts ? `${((100 * delivered) / attempts).toFixed(1)} %` : '—', 'stat-rate'),
        stat('Latency p50 / p95 (latest hour)', latest ? `${latest.p50_ms} / ${latest.p95_ms} ms` : '—', 'stat-latency'),
        stat('Pending deliveries', String(stats.pending), 'stat-pending'),
        stat('Oldest pending', ago(stats.oldest_pending_age_s), 'stat-oldest')),
      h('section', { class: 'card' }, h('h2', {}, 'Attempts per hour'), attemptsChart(b),
        h('details', {}, h('summary', {}, 'As a table'),
          table([
            { label: 'Hour', cell: (x) => time(x.start) },
            { label: 'Delivered', cell: (x) => x.delivered },
            { label: 'Failed', cell: (x) => x.failed_attempts },
            { label: 'p50 ms', cell: (x) => (x.p50_ms ?? '—') },
            { label: 'p95 ms', cell: (x) => (x.p95_ms ?? '—') },
          ], b.filter((x) => x.attempts > 0), 'Attempts per hour'))),
      h('section', { class: 'card' }, h('h2', {}, 'Webhooks failing, disabled or with an open circuit'),
        table([
          { label: 'Webhook', cell: (w) => h('a', { href: `#/webhooks/${w.id}` }, `${w.name || 'webhook'} #${w.id}`) },
          { label: 'State', cell: (w) => healthBadge(w) },
          { label: 'Last failure (24 h)', cell: (w) => (failingIds.has(w.id) ? `${time(failingIds.get(w.id).created_at)} · ${
            failingIds.get(w.id).error || `HTTP ${failingIds.get(w.id).response_status_code}`}` : '—') },
          { label: 'Failing since', cell: (w) => (w.health && w.health.failing_since ? time(w.health.failing_since) : (w.disabled_reason || '—')) },
          { label: 'See', cell: (w) => h('a', { href: `#/deliveries?webhook_id=${w.id}&status=failed` }, 'failed deliveries') },
        ], trouble, 'Webhooks in trouble')));
  }

  await refresh();
  return { refresh };
}
