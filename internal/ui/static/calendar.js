// The month grid: one cell per day, Monday first; a day with a fare is a
// button coloured by its price between the month's cheapest and dearest.
import * as fmt from './format.js';

// monthRange returns the first and last dates of "2027-01" and how many
// days it has.
export function monthRange(month) {
  const first = fmt.date(`${month}-01`);
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
  return {first: fmt.isoDate(first), last: fmt.isoDate(last), days: last.getUTCDate()};
}

// colour maps t in [0, 1], cheap to dear, from green through yellow to
// red, light enough for dark text. style.css draws the legend alike.
export function colour(t) {
  const hue = Math.round(145 - 145 * t);
  return `hsl(${hue} 65% 80%)`;
}

// renderMonth fills list (an <ol>) with the days of month, the entries
// (the calendar's DATE view: one per departure date) placed on theirs,
// and calls onPick(entry, button) when a date is chosen. It returns the
// cheapest and dearest entries and all entries at the cheapest price.
export function renderMonth(list, month, entries, onPick) {
  const {first, days} = monthRange(month);
  const byDate = new Map(entries.map(e => [e.departureDate, e]));
  const prices = entries.map(e => e.priceMinor);
  const min = Math.min(...prices);
  const max = Math.max(...prices);
  const name = fmt.monthTitle(month).split(' ')[0];
  const cells = [];
  for (let d = 1; d <= days; d++) {
    const iso = `${month}-${String(d).padStart(2, '0')}`;
    const li = document.createElement('li');
    li.className = 'day';
    li.dataset.date = iso;
    const dom = span('dom', String(d));
    const e = byDate.get(iso);
    if (!e) {
      li.classList.add('empty');
      li.append(dom, span('visually-hidden', `${fmt.longDate(iso)}: no fare`));
      dom.setAttribute('aria-hidden', 'true');
      cells.push(li);
      continue;
    }
    const cheapest = e.priceMinor === min;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'fare';
    b.dataset.date = iso;
    b.dataset.price = e.price.total;
    b.dataset.priceMinor = String(e.priceMinor);
    b.setAttribute('aria-pressed', 'false');
    const t = max > min ? (e.priceMinor - min) / (max - min) : 0;
    b.style.setProperty('--fare-bg', colour(t));
    let label = `${fmt.longDate(iso)}: ${fmt.money(e.price)}`;
    if (e.returnDate) label += `, back ${fmt.shortDate(e.returnDate)}`;
    b.append(dom, span('price', fmt.amount(e.price.total)));
    if (cheapest) {
      li.classList.add('cheapest');
      b.append(span('badge', 'cheapest'));
      label += `, cheapest in ${name}`;
    }
    b.setAttribute('aria-label', label);
    b.addEventListener('click', () => onPick(e, b));
    li.append(b);
    cells.push(li);
  }
  // The first day sits in its weekday's column (Monday = 1).
  cells[0].style.gridColumnStart = String((fmt.date(first).getUTCDay() + 6) % 7 + 1);
  list.replaceChildren(...cells);
  list.onkeydown = ev => move(list, ev);
  const sorted = [...entries].sort((a, b) => a.priceMinor - b.priceMinor);
  return {cheapest: sorted.filter(e => e.priceMinor === min), low: sorted[0], high: sorted.at(-1)};
}

// move answers the arrow keys, Home and End on the grid: focus goes to
// the next date with a fare in that direction.
function move(list, ev) {
  const steps = {ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7};
  const buttons = [...list.querySelectorAll('button.fare')];
  const at = buttons.indexOf(document.activeElement);
  if (at < 0) return;
  let target = null;
  if (ev.key === 'Home') target = buttons[0];
  else if (ev.key === 'End') target = buttons.at(-1);
  else if (steps[ev.key]) {
    const step = steps[ev.key];
    let d = fmt.date(buttons[at].dataset.date);
    for (let i = 0; i < 40 && !target; i++) {
      d = new Date(d.getTime() + step * 86400000);
      const cell = list.querySelector(`li[data-date="${fmt.isoDate(d)}"]`);
      if (!cell) break;
      target = cell.querySelector('button.fare');
    }
  } else {
    return;
  }
  ev.preventDefault();
  target?.focus();
}

function span(cls, text) {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}
