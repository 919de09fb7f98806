// The price history of one series as an SVG step chart: a price holds
// from its change point until the next one, the last until the series
// was last seen. Each change point is a dot.
import * as fmt from './format.js';

const NS = 'http://www.w3.org/2000/svg';
const HOUR = 3600000;

// stepChart returns an <svg> of history (the data of
// /v1/series/{id}/history) width pixels wide.
export function stepChart(history, width) {
  const changes = history.changes;
  const height = Math.round(Math.min(280, Math.max(200, width * 0.45)));
  const m = {top: 16, right: 16, bottom: 40, left: 20 + 7.5 * longest(changes)};
  const times = changes.map(c => Date.parse(c.observedAt));
  const seen = history.current ? Date.parse(history.current.lastSeen) : times.at(-1);
  const t0 = times[0];
  const t1 = Math.max(seen, times.at(-1), t0 + HOUR);
  const prices = changes.map(c => c.priceMinor);
  let lo = Math.min(...prices);
  let hi = Math.max(...prices);
  const pad = Math.max(1, (hi - lo) * 0.08);
  lo -= pad;
  hi += pad;
  const x = t => m.left + (t - t0) / (t1 - t0) * (width - m.left - m.right);
  const y = p => m.top + (hi - p) / (hi - lo) * (height - m.top - m.bottom);

  const svg = el('svg', {viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'chart-title chart-desc'});
  const low = changes.find(c => c.priceMinor === Math.min(...prices));
  const high = changes.find(c => c.priceMinor === Math.max(...prices));
  svg.append(
    el('title', {id: 'chart-title'}, `Price history of ${history.origin}–${history.destination} ${history.departureDate}`),
    el('desc', {id: 'chart-desc'}, `${changes.length} price ${changes.length === 1 ? 'change' : 'changes'} from ` +
      `${fmt.instant(changes[0].observedAt, true)} to ${fmt.instant(new Date(t1).toISOString(), true)} UTC, ` +
      `between ${fmt.money(low.price)} and ${fmt.money(high.price)}.`));

  // Axes: a gridline per distinct price (labelled exactly), and instants
  // along the bottom.
  const axes = el('g', {class: 'axes', 'aria-hidden': 'true'});
  const labelled = new Set();
  for (const c of [...changes].sort((a, b) => a.priceMinor - b.priceMinor)) {
    if (labelled.has(c.priceMinor)) continue;
    const py = y(c.priceMinor);
    if ([...labelled].some(p => Math.abs(y(p) - py) < 14)) continue;
    labelled.add(c.priceMinor);
    axes.append(el('line', {class: 'grid', x1: m.left, x2: width - m.right, y1: py, y2: py}),
      el('text', {class: 'ylabel', x: m.left - 10, y: py, 'text-anchor': 'end', 'dominant-baseline': 'middle'}, fmt.amount(c.price.total)));
  }
  const base = height - m.bottom;
  axes.append(el('line', {class: 'axis', x1: m.left, x2: width - m.right, y1: base, y2: base}));
  const ticks = Math.max(2, Math.min(5, Math.floor((width - m.left - m.right) / 150) + 1));
  for (let i = 0; i < ticks; i++) {
    const t = t0 + (t1 - t0) * i / (ticks - 1);
    const tx = x(t);
    const anchor = i === 0 ? 'start' : i === ticks - 1 ? 'end' : 'middle';
    axes.append(el('line', {class: 'tick', x1: tx, x2: tx, y1: base, y2: base + 5}),
      el('text', {class: 'xlabel', x: tx, y: base + 20, 'text-anchor': anchor}, fmt.instant(new Date(t).toISOString())));
  }
  axes.append(el('text', {class: 'xlabel unit', x: width - m.right, y: base + 36, 'text-anchor': 'end'}, `observed (UTC) · ${history.currency}`));
  svg.append(axes);

  // The steps, then the dots on top.
  let d = `M${x(times[0])},${y(prices[0])}`;
  for (let i = 1; i < changes.length; i++) d += `H${x(times[i])}V${y(prices[i])}`;
  d += `H${x(t1)}`;
  svg.append(el('path', {class: 'step', d}));
  const dots = el('g', {class: 'points'});
  changes.forEach((c, i) => {
    const dot = el('circle', {class: 'point', cx: x(times[i]), cy: y(c.priceMinor), r: 5, 'data-price': c.price.total});
    dot.append(el('title', {}, `${fmt.instant(c.observedAt, true)} UTC: ${fmt.money(c.price)}`));
    dots.append(dot);
  });
  svg.append(dots);
  return svg;
}

// longest is the most characters a price label of changes takes.
function longest(changes) {
  return Math.max(4, ...changes.map(c => fmt.amount(c.price.total).length));
}

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}
