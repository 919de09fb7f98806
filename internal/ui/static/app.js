// The fare calendar page: the form, the month of fares, and the history
// of the date chosen. The URL's query string holds the search, so a
// search can be bookmarked, shared and reloaded.
import {APIError, getJSON} from './api.js';
import {monthRange, renderMonth} from './calendar.js';
import {stepChart} from './chart.js';
import * as fmt from './format.js';

const $ = id => document.getElementById(id);
const form = $('search');
const result = $('result');
const detail = $('detail');

// fieldOf names the form field of each API parameter, for its errors.
const fieldOf = {origin: 'origin', destination: 'destination', departureDate: 'month', duration: 'stay',
  oneWay: 'trip', nonStop: 'nonStop', currency: 'currency', adults: 'adults'};

let searching = null; // AbortController of the calendar request in flight
let picking = null; // AbortController of the detail requests in flight

// readForm returns the search the form holds.
function readForm() {
  const f = new FormData(form);
  const text = k => String(f.get(k) ?? '').trim();
  return {origin: text('origin').toUpperCase(), destination: text('destination').toUpperCase(), month: text('month'),
    oneWay: f.get('trip') === 'oneway', stay: text('stay'), currency: text('currency').toUpperCase(),
    nonStop: f.get('nonStop') === 'true', adults: text('adults') || '1'};
}

function fillForm(s) {
  form.origin.value = s.origin;
  form.destination.value = s.destination;
  form.month.value = s.month;
  form.trip.value = s.oneWay ? 'oneway' : 'round';
  form.stay.value = s.stay;
  form.currency.value = s.currency;
  form.nonStop.checked = s.nonStop;
  form.adults.value = s.adults;
  syncTrip();
}

// The page's own query string: origin, destination, month, oneWay, stay,
// currency, nonStop, adults (when not 1).
function toQuery(s) {
  const q = new URLSearchParams({origin: s.origin, destination: s.destination, month: s.month});
  if (s.oneWay) q.set('oneWay', 'true');
  else if (s.stay) q.set('stay', s.stay);
  if (s.currency) q.set('currency', s.currency);
  if (s.nonStop) q.set('nonStop', 'true');
  if (s.adults !== '1') q.set('adults', s.adults);
  return q;
}

function fromQuery(q) {
  const next = new Date();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return {origin: q.get('origin') ?? '', destination: q.get('destination') ?? '',
    month: q.get('month') ?? fmt.isoDate(next).slice(0, 7), oneWay: q.get('oneWay') === 'true',
    stay: q.get('stay') ?? '', currency: q.get('currency') ?? '', nonStop: q.get('nonStop') === 'true',
    adults: q.get('adults') ?? '1'};
}

// calendarPath asks the API for the cheapest fare of each date of the month.
function calendarPath(s) {
  const {first, last} = monthRange(s.month);
  const q = new URLSearchParams({origin: s.origin, destination: s.destination, departureDate: `${first},${last}`, viewBy: 'DATE'});
  if (s.oneWay) q.set('oneWay', 'true');
  else if (s.stay) q.set('duration', s.stay);
  if (s.nonStop) q.set('nonStop', 'true');
  if (s.currency) q.set('currency', s.currency);
  if (s.adults !== '1') q.set('adults', s.adults); // left out, the API counts 1 adult and the fares stored before passengers were
  return `/v1/calendar?${q}`;
}

function clearErrors() {
  for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  $('form-error').hidden = true;
  $('form-error').replaceChildren();
}

// showErrors puts each issue next to its field, the rest above the form's
// end, and focuses the first field at fault.
function showErrors(err) {
  const general = [];
  let first = null;
  const issues = err instanceof APIError && err.status === 400 ? err.issues : [];
  for (const issue of issues) {
    const name = fieldOf[issue.parameter];
    if (!name) {
      general.push(`${issue.parameter ?? 'request'}: ${issue.detail ?? issue.title}`);
      continue;
    }
    const out = $(`${name}-error`);
    const value = issue.value !== undefined && issue.value !== '' ? ` (${issue.value})` : '';
    out.textContent = out.textContent ? `${out.textContent}; ` : '';
    out.textContent += `${issue.detail ?? issue.title}${value}`;
    const input = name === 'trip' ? form.querySelector('input[name=trip]') : $(name);
    input.setAttribute('aria-invalid', 'true');
    first ??= input;
  }
  if (issues.length === 0) general.push(err.message);
  if (general.length > 0) {
    const box = $('form-error');
    box.replaceChildren(...general.map(text => Object.assign(document.createElement('p'), {textContent: text})));
    box.hidden = false;
  }
  first?.focus();
}

async function search(s) {
  searching?.abort();
  picking?.abort();
  const ctl = new AbortController();
  searching = ctl;
  clearErrors();
  if (!/^\d{4}-\d{2}$/.test(s.month)) {
    $('month-error').textContent = 'Choose a month.';
    form.month.setAttribute('aria-invalid', 'true');
    form.month.focus();
    return;
  }
  result.dataset.state = 'loading';
  result.setAttribute('aria-busy', 'true');
  $('status').textContent = 'Searching…';
  try {
    const doc = await getJSON(calendarPath(s), ctl.signal);
    showMonth(s, doc);
    result.dataset.state = 'done';
    $('status').textContent = `${doc.meta.count} ${doc.meta.count === 1 ? 'date' : 'dates'} with fares.`;
  } catch (err) {
    if (err.name === 'AbortError') return;
    // What is on screen no longer answers the form: hide it.
    result.dataset.state = 'error';
    result.hidden = true;
    detail.hidden = true;
    $('status').textContent = '';
    showErrors(err);
  } finally {
    if (searching === ctl) result.removeAttribute('aria-busy');
  }
}

function showMonth(s, doc) {
  const trip = s.oneWay ? 'one way' : s.stay ? `round trip, ${s.stay.replace(',', '–')}-day stay` : 'round trip, any stay';
  const adults = s.adults === '1' ? '' : `, ${s.adults} adults`;
  $('result-title').textContent = `${s.origin} → ${s.destination} · ${fmt.monthTitle(s.month)} · ${trip}${s.nonStop ? ', non-stop' : ''}${adults}`;
  const entries = doc.data;
  detail.hidden = true;
  const {cheapest, low, high} = renderMonth($('days'), s.month, entries, pick);
  const {days} = monthRange(s.month);
  if (entries.length === 0) {
    // The API names the changes of one option that find fares.
    const ways = (doc.meta.alternatives ?? []).map(a => a.values.map(v => optionWords(a.option, v)).join(' or '));
    $('summary').textContent = ways.length > 0
      ? `No fares stored for these dates with these options; there are fares ${ways.join(', or ')}.`
      : 'No fares stored for these dates. farepipe may not collect this route, month or stay.';
    $('legend').hidden = true;
  } else {
    const when = cheapest.map(e => fmt.shortDate(e.departureDate)).join(', ');
    $('summary').textContent = `${entries.length} of ${days} dates have fares, in ${doc.meta.currency}. ` +
      `Cheapest: ${fmt.money(low.price)} on ${when}.`;
    $('legend-min').textContent = fmt.amount(low.price.total);
    $('legend-max').textContent = fmt.amount(high.price.total);
    $('legend').hidden = false;
  }
  result.hidden = false;
}

// optionWords says a value of a trip option in the page's words:
// optionWords('oneWay', 'false') is "for round trips".
function optionWords(option, value) {
  switch (option) {
    case 'oneWay': return value === 'true' ? 'one way' : 'for round trips';
    case 'nonStop': return value === 'true' ? 'non-stop only' : 'with stops';
    case 'cabin': return `in ${value.toLowerCase().replaceAll('_', ' ')} cabin`;
    case 'currency': return `in ${value}`;
    case 'adults': return `for ${value} ${value === '1' ? 'adult' : 'adults'}`;
    default: return `with ${option} ${value}`;
  }
}

// pick shows the fare of one date: its price rating and history.
async function pick(entry, button) {
  picking?.abort();
  const ctl = new AbortController();
  picking = ctl;
  for (const b of document.querySelectorAll('button.fare[aria-pressed=true]')) b.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-pressed', 'true');
  detail.dataset.date = entry.departureDate;
  detail.dataset.state = 'loading';
  detail.hidden = false;
  const back = entry.returnDate ? ` → ${fmt.longDate(entry.returnDate)}` : ' (one way)';
  $('detail-title').textContent = `${fmt.longDate(entry.departureDate)}${back}`;
  $('detail-fare').textContent = `${fmt.money(entry.price)} · ${entry.carrier} · ${entry.nonStop ? 'non-stop' : 'with stops'} · ` +
    `${entry.cabin.toLowerCase().replace('_', ' ')} · price since ${fmt.instant(entry.changedAt, true)} UTC, ` +
    `last seen ${fmt.instant(entry.observedAt, true)} UTC`;
  $('rating').hidden = true;
  $('chart').replaceChildren();
  detail.querySelector('tbody').replaceChildren();
  detail.scrollIntoView({block: 'nearest'});
  const [hist, metrics] = await Promise.allSettled([getJSON(entry.links.history, ctl.signal),
    getJSON(entry.links.priceMetrics, ctl.signal)]);
  if (picking !== ctl) return;
  if (metrics.status === 'fulfilled') showRating(metrics.value.data[0]);
  if (hist.status === 'rejected') {
    $('chart').replaceChildren(Object.assign(document.createElement('p'), {className: 'form-error', textContent: hist.reason.message}));
    detail.dataset.state = 'error';
    return;
  }
  showHistory(hist.value.data);
  detail.dataset.state = 'done';
}

function showRating(m) {
  const r = m?.priceRating;
  if (!r) return;
  const q = Object.fromEntries(m.priceMetrics.map(p => [p.quartileRanking, p.amount]));
  const out = $('rating');
  out.replaceChildren(
    Object.assign(document.createElement('span'), {className: `badge rating-${r.rating.toLowerCase()}`, textContent: r.rating}),
    ` price, compared with every fare farepipe saw for this date${m.oneWay ? ' one way' : ' and stay'}` +
      ` (all cabins and carriers): ${fmt.amount(q.MINIMUM)} to ${fmt.amount(q.MAXIMUM)} ${m.currencyCode},` +
      ` the middle half ${fmt.amount(q.FIRST)} to ${fmt.amount(q.THIRD)}.`);
  out.dataset.rating = r.rating;
  out.hidden = false;
}

let shown = null; // the history on screen, redrawn when its width changes

function showHistory(h) {
  shown = h;
  drawChart();
  const rows = h.changes.map(c => {
    const tr = document.createElement('tr');
    tr.append(Object.assign(document.createElement('td'), {textContent: fmt.instant(c.observedAt, true)}),
      Object.assign(document.createElement('td'), {textContent: fmt.money(c.price)}));
    return tr;
  });
  detail.querySelector('tbody').replaceChildren(...rows);
}

function drawChart() {
  const box = $('chart');
  if (!shown || detail.hidden || box.clientWidth === 0) return;
  box.replaceChildren(stepChart(shown, box.clientWidth));
}

let drawnWidth = 0;
new ResizeObserver(() => {
  const w = $('chart').clientWidth;
  if (w !== drawnWidth) {
    drawnWidth = w;
    drawChart();
  }
}).observe($('chart'));

function syncTrip() {
  form.stay.disabled = form.trip.value === 'oneway';
}

form.addEventListener('change', ev => { if (ev.target.name === 'trip') syncTrip(); });
form.addEventListener('submit', ev => {
  ev.preventDefault();
  const s = readForm();
  const q = toQuery(s).toString();
  if (q !== location.search.slice(1)) history.pushState(null, '', `/?${q}`);
  search(s);
});
window.addEventListener('popstate', () => start());

// showRoutes lists the routes that have fares, so that the first visit
// is not an empty form; choosing one searches it in the form's month.
async function showRoutes() {
  let doc;
  try {
    doc = await getJSON('/v1/routes');
  } catch {
    return; // the list is a help, not the page: the form still works
  }
  const list = $('route-list');
  list.replaceChildren(...doc.data.map(r => {
    const b = Object.assign(document.createElement('button'), {type: 'button', className: 'route'});
    b.dataset.origin = r.origin;
    b.dataset.destination = r.destination;
    b.textContent = `${r.origin} → ${r.destination}`;
    const note = Object.assign(document.createElement('span'), {className: 'route-note',
      textContent: ` ${r.series} ${r.series === 1 ? 'fare' : 'fares'}, seen ${fmt.instant(r.lastSeen, true)} UTC`});
    b.append(note);
    b.addEventListener('click', () => {
      form.origin.value = r.origin;
      form.destination.value = r.destination;
      form.requestSubmit();
    });
    const li = document.createElement('li');
    li.append(b);
    return li;
  }));
  $('routes').hidden = doc.data.length === 0;
}

function start() {
  const s = fromQuery(new URLSearchParams(location.search));
  fillForm(s);
  if (s.origin && s.destination) search(s);
}

showRoutes();

start();
