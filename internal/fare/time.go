package fare

import "time"

// storedLayout is the layout of FormatTime.
const storedLayout = "2006-01-02T15:04:05.000Z"

// AppendTime appends t as FormatTime renders it. It writes the years 0 to
// 9999 digit by digit, without the layout interpreter of time.Format: it
// runs for every observation and document written.
func AppendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, storedLayout)
	}
	hour, minute, sec := t.Clock()
	m, ms := int(month), t.Nanosecond()/1e6
	return append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// parseStored parses s if it is in exactly the form FormatTime writes
// ("2026-11-21T06:00:00.000Z") and names a valid instant, returning the
// time time.Parse(time.RFC3339Nano, s) returns. Anything else is left to
// time.Parse (ok false).
func parseStored(s string) (t time.Time, ok bool) {
	if len(s) != len(storedLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n, lo, hi int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				ok = false
				return lo
			}
			v = v*10 + int(c-'0')
		}
		if v < lo || v > hi {
			ok = false
		}
		return v
	}
	ok = true
	year, month := num(0, 4, 0, 9999), num(5, 2, 1, 12)
	if !ok {
		return time.Time{}, false
	}
	day := num(8, 2, 1, daysIn(year, month))
	hour, minute, sec := num(11, 2, 0, 23), num(14, 2, 0, 59), num(17, 2, 0, 59)
	ms := num(20, 3, 0, 999)
	if !ok {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, ms*1e6, time.UTC), true
}

// validDate reports whether s is a date time.Parse(DateLayout, s) takes:
// YYYY-MM-DD naming a day that exists.
func validDate(s string) bool {
	if len(s) != len(DateLayout) || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	d := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	year, month, day := d(0)*100+d(2), d(5), d(8)
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
}

// daysIn returns the number of days of a month (1 to 12) of the proleptic
// Gregorian calendar.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
