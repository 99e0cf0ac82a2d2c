// Attempts per bucket, stacked by outcome, as SVG built with the DOM (no inline styles, no library).
import { h, svg } from './ui.js';

export function attemptsChart(buckets) {
  const width = 960;
  const height = 180;
  const top = 10;
  const bottom = 22;
  const left = 36;
  const max = Math.max(1, ...buckets.map((b) => b.attempts));
  const slot = (width - left) / Math.max(1, buckets.length);
  const bar = Math.max(1, slot * 0.8);
  const scale = (n) => (n / max) * (height - top - bottom);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img',
    'aria-label': `Attempts per ${buckets.length > 1 ? 'bucket' : 'period'}: delivered and failed` });
  root.append(svg('line', { class: 'axis', x1: left, y1: height - bottom, x2: width, y2: height - bottom }));
  const maxLabel = svg('text', { x: 0, y: top + 10 });
  maxLabel.textContent = String(max);
  root.append(maxLabel);
  buckets.forEach((b, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    const ok = scale(b.delivered);
    const bad = scale(b.failed_attempts);
    const base = height - bottom;
    const title = svg('title');
    title.textContent = `${new Date(b.start).toLocaleString()}: ${b.delivered} delivered, ${b.failed_attempts} failed`
      + (b.p50_ms != null ? `, p50 ${b.p50_ms} ms, p95 ${b.p95_ms} ms` : '');
    const g = svg('g');
    g.append(title);
    if (ok > 0) g.append(svg('rect', { class: 'delivered', x, y: base - ok, width: bar, height: ok }));
    if (bad > 0) g.append(svg('rect', { class: 'failed', x, y: base - ok - bad, width: bar, height: bad }));
    root.append(g);
  });
  const labels = [0, Math.floor(buckets.length / 2), buckets.length - 1];
  for (const i of new Set(labels)) {
    if (!buckets[i]) continue;
    const anchor = i === 0 ? 'start' : i === buckets.length - 1 ? 'end' : 'middle';
    const x = anchor === 'end' ? width : left + i * slot + slot / 2;
    const t = svg('text', { x, y: height - 6, 'text-anchor': anchor });
    t.textContent = new Date(buckets[i].start).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    root.append(t);
  }
  return h('div', { class: 'chart' },
    h('div', { class: 'legend' },
      h('span', {}, h('span', { class: 'swatch delivered' }), 'delivered'),
      h('span', {}, h('span', { class: 'swatch failed' }), 'failed attempts')),
    root);
}
