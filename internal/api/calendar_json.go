package api

import (
	"bytes"
	"maps"
	"net/url"
	"slices"
	"strconv"
)

// AppendJSON appends the document as encoding/json writes it with HTML
// escaping off (what writeJSON sends), byte for byte, without reflection:
// a calendar has hundreds of entries, and encoding them by reflection was
// a seventh of the API's CPU per calendar.
func (d CalendarDocument) AppendJSON(b []byte) []byte {
	b = slices.Grow(b, 512+len(d.Data)*entryBytes)
	m := d.Meta
	b = strconv.AppendInt(append(b, `{"meta":{"count":`...), int64(m.Count), 10)
	if m.Currency != "" {
		b = appendString(append(b, `,"currency":`...), m.Currency)
	}
	b = appendString(append(b, `,"viewBy":`...), m.ViewBy)
	b = appendString(append(b, `,"departureDate":`...), m.DepartureDate)
	b = appendString(append(b, `,"links":{"self":`...), m.Links.Self)
	b = append(b, '}')
	if len(m.Defaults) > 0 {
		b = append(b, `,"defaults":{`...)
		for i, k := range slices.Sorted(maps.Keys(m.Defaults)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(append(appendString(b, k), ':'), m.Defaults[k])
		}
		b = append(b, '}')
	}
	if m.Hint != "" {
		b = appendString(append(b, `,"hint":`...), m.Hint)
	}
	if len(m.Alternatives) > 0 {
		b = append(b, `,"alternatives":[`...)
		for i, a := range m.Alternatives {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(append(b, `{"option":`...), a.Option)
			b = appendStrings(append(b, `,"values":`...), a.Values)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if d.Data == nil {
		return append(b, `},"data":null}`...)
	}
	b = append(b, `},"data":[`...)
	for i := range d.Data {
		if i > 0 {
			b = append(b, ',')
		}
		b = d.Data[i].appendJSON(b)
	}
	return append(b, "]}"...)
}

// entryBytes is about the length of one entry of a round trip, its two
// links included: AppendJSON grows its buffer once, not at every doubling.
const entryBytes = 640

func (f *FlightDate) appendJSON(b []byte) []byte {
	b = appendString(append(b, `{"type":`...), f.Type)
	b = appendString(append(b, `,"origin":`...), f.Origin)
	b = appendString(append(b, `,"destination":`...), f.Destination)
	b = appendString(append(b, `,"departureDate":`...), f.DepartureDate)
	if f.ReturnDate != "" {
		b = appendString(append(b, `,"returnDate":`...), f.ReturnDate)
	}
	if f.Duration != nil {
		b = strconv.AppendInt(append(b, `,"duration":`...), int64(*f.Duration), 10)
	}
	if f.Week != "" {
		b = appendString(append(b, `,"week":`...), f.Week)
	}
	b = appendString(append(b, `,"price":{"total":`...), f.Price.Total)
	b = appendString(append(b, `,"currency":`...), f.Price.Currency)
	b = strconv.AppendInt(append(b, `},"priceMinor":`...), f.PriceMinor, 10)
	b = appendString(append(b, `,"carrier":`...), f.Carrier)
	b = appendString(append(b, `,"cabin":`...), f.Cabin)
	b = strconv.AppendBool(append(b, `,"nonStop":`...), f.NonStop)
	b = appendString(append(b, `,"source":`...), f.Source)
	b = appendString(append(b, `,"observedAt":`...), f.ObservedAt)
	b = appendString(append(b, `,"changedAt":`...), f.ChangedAt)
	b = appendString(append(b, `,"seriesId":`...), f.SeriesID)
	b = appendString(append(b, `,"links":{"history":`...), f.Links.History)
	b = appendString(append(b, `,"priceMetrics":`...), f.Links.PriceMetrics)
	return append(b, "}}"...)
}

// appendStrings appends ss as a JSON array of strings, null when nil.
func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string as encoding/json quotes it with
// HTML escaping off. Printable ASCII other than the quote and the
// backslash, which is all a calendar holds but for free text, is copied
// as is; anything else goes through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			var buf bytes.Buffer
			_ = encodeJSON(&buf, s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// queryBuilder writes a URL with a query string as encodeQuery writes
// url.Values: the caller adds the pairs in the order of their names, and
// each value is escaped by url.QueryEscape with its commas kept
// (keepCommas). One builder is reused from URL to URL.
type queryBuilder struct {
	b     []byte
	start int // where the query string begins in b
}

// reset starts a new URL with path, which ends with "?".
func (q *queryBuilder) reset(path string) {
	q.b = append(q.b[:0], path...)
	q.start = len(q.b)
}

func (q *queryBuilder) add(name, value string) {
	if len(q.b) > q.start {
		q.b = append(q.b, '&')
	}
	q.b = append(append(q.b, name...), '=')
	q.b = append(q.b, keepCommas(url.QueryEscape(value))...)
}

func (q *queryBuilder) String() string { return string(q.b) }
