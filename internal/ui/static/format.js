// Formatting of money, dates and instants for the page. Money stays the
// API's exact decimal string: digits are grouped, never computed with.

const locale = 'en-GB';
const utc = {timeZone: 'UTC'};
const longDay = new Intl.DateTimeFormat(locale, {...utc, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric'});
const shortDay = new Intl.DateTimeFormat(locale, {...utc, weekday: 'short', day: 'numeric', month: 'short'});
const monthName = new Intl.DateTimeFormat(locale, {...utc, month: 'long', year: 'numeric'});
const dayTime = new Intl.DateTimeFormat(locale, {...utc, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
const fullTime = new Intl.DateTimeFormat(locale, {...utc, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});

// amount groups the integer digits of a decimal string by thousands:
// "1234567.50" → "1,234,567.50".
export function amount(total) {
  const [int, frac] = String(total).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

// money is an amount with its currency code: "204,700 KRW".
export function money(price) {
  return `${amount(price.total)} ${price.currency}`;
}

// date parses "2027-01-13" as midnight UTC.
export function date(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

// isoDate formats a UTC date as "2027-01-13".
export function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

// longDate: "Wednesday 13 January 2027".
export function longDate(iso) { return longDay.format(date(iso)); }

// shortDate: "Wed 13 Jan".
export function shortDate(iso) { return shortDay.format(date(iso)); }

// monthTitle: "2027-01" → "January 2027".
export function monthTitle(month) { return monthName.format(date(`${month}-01`)); }

// instant: an RFC 3339 instant as "19 Nov, 06:00" (UTC), or with the year.
export function instant(iso, withYear = false) {
  return (withYear ? fullTime : dayTime).format(new Date(iso));
}
