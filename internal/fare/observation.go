package fare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Observation is one price of one series at one instant: the cheapest offer
// of its series key in one provider response.
type Observation struct {
	ID         string
	SeriesID   string
	ObservedAt time.Time
	Key        SeriesKey
	Price      Money
	// Offers is how many offers of the response fell into this series; the
	// observation holds the cheapest of them.
	Offers int
}

// NewObservation builds an observation with its identifiers derived from
// the key and instant. observedAt is truncated to milliseconds, the
// precision farepipe stores.
func NewObservation(key SeriesKey, observedAt time.Time, price Money, offers int) Observation {
	at := observedAt.UTC().Truncate(time.Millisecond)
	sid := key.ID()
	return Observation{
		ID:         ObservationID(sid, at),
		SeriesID:   sid,
		ObservedAt: at,
		Key:        key,
		Price:      price,
		Offers:     offers,
	}
}

// wireObservation is the flat JSON form of an observation, the one written
// to curated objects and indexed.
type wireObservation struct {
	ID          string `json:"id"`
	SeriesID    string `json:"series_id"`
	ObservedAt  string `json:"observed_at"`
	Source      string `json:"source"`
	Origin      string `json:"origin"`
	Destination string `json:"destination"`
	Departure   string `json:"departure_date"`
	Return      string `json:"return_date"`
	Cabin       string `json:"cabin"`
	NonStop     bool   `json:"non_stop"`
	Carrier     string `json:"carrier"`
	Currency    string `json:"currency"`
	Amount      string `json:"amount"`
	Minor       int64  `json:"amount_minor"`
	Offers      int    `json:"offers"`
}

// AppendJSON appends the observation as one flat JSON object, the form
// stored in curated objects and in Elasticsearch:
//
//	{"id":…,"series_id":…,"observed_at":…,"source":…,"origin":…,
//	 "destination":…,"departure_date":…,"return_date":…,"cabin":…,
//	 "non_stop":…,"carrier":…,"currency":…,"amount":…,"amount_minor":…,
//	 "offers":…}
//
// It writes the fields by hand: the encoder sits on the hot path of every
// step.
func (o *Observation) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendQuoted(b, o.ID)
	b = append(b, `,"series_id":`...)
	b = appendQuoted(b, o.SeriesID)
	b = append(b, `,"observed_at":"`...)
	b = appendTime(b, o.ObservedAt)
	b = append(b, '"')
	b = o.Key.appendFields(b)
	b = append(b, `,"amount":`...)
	b = appendQuoted(b, o.Price.Amount)
	b = append(b, `,"amount_minor":`...)
	b = strconv.AppendInt(b, o.Price.Minor, 10)
	b = append(b, `,"offers":`...)
	b = strconv.AppendInt(b, int64(o.Offers), 10)
	return append(b, '}')
}

// appendFields appends the key's fields as JSON members, each preceded by a
// comma.
func (k *SeriesKey) appendFields(b []byte) []byte {
	b = append(b, `,"source":`...)
	b = appendQuoted(b, k.Source)
	b = append(b, `,"origin":`...)
	b = appendQuoted(b, k.Origin)
	b = append(b, `,"destination":`...)
	b = appendQuoted(b, k.Destination)
	b = append(b, `,"departure_date":`...)
	b = appendQuoted(b, k.Departure)
	b = append(b, `,"return_date":`...)
	b = appendQuoted(b, k.Return)
	b = append(b, `,"cabin":`...)
	b = appendQuoted(b, k.Cabin)
	b = append(b, `,"non_stop":`...)
	b = strconv.AppendBool(b, k.NonStop)
	b = append(b, `,"carrier":`...)
	b = appendQuoted(b, k.Carrier)
	b = append(b, `,"currency":`...)
	return appendQuoted(b, k.Currency)
}

// appendQuoted appends s quoted as strconv.AppendQuote quotes it. The
// fields of an observation are printable ASCII with nothing to escape,
// which is copied as is without the general quoting loop.
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendTime appends t as FormatTime renders it, digit by digit for the
// years 0 to 9999.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = appendDigits(append(b, '-'), int(month), 2)
	b = appendDigits(append(b, '-'), day, 2)
	b = appendDigits(append(b, 'T'), hour, 2)
	b = appendDigits(append(b, ':'), minute, 2)
	b = appendDigits(append(b, ':'), sec, 2)
	b = appendDigits(append(b, '.'), t.Nanosecond()/1e6, 3)
	return append(b, 'Z')
}

// appendDigits appends the n last decimal digits of v, v ≥ 0.
func appendDigits(b []byte, v, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		b = append(b, 0)
	}
	for i := len(b) - 1; i >= len(b)-n; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// MarshalJSON encodes the observation in its flat form (see AppendJSON).
func (o Observation) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// UnmarshalJSON decodes the flat form and checks that the identifiers match
// the key and instant, so a record whose fields were edited after the fact
// is caught.
func (o *Observation) UnmarshalJSON(data []byte) error {
	var w wireObservation
	if !w.decode(data) {
		w = wireObservation{}
		if err := json.Unmarshal(data, &w); err != nil {
			return err
		}
	}
	at, err := time.Parse(time.RFC3339Nano, w.ObservedAt)
	if err != nil {
		return fmt.Errorf("observed_at %q: not an RFC 3339 time", w.ObservedAt)
	}
	key := SeriesKey{Source: w.Source, Origin: w.Origin, Destination: w.Destination,
		Departure: w.Departure, Return: w.Return, Cabin: w.Cabin, NonStop: w.NonStop,
		Carrier: w.Carrier, Currency: w.Currency}
	price, err := ParseMoney(w.Amount, w.Currency)
	if err != nil {
		return err
	}
	if price.Minor != w.Minor {
		return fmt.Errorf("amount %q and amount_minor %d disagree", w.Amount, w.Minor)
	}
	*o = NewObservation(key, at, price, w.Offers)
	if w.SeriesID != o.SeriesID || w.ID != o.ID {
		return fmt.Errorf("identifiers %s/%s do not match the key and observed_at (want %s/%s)",
			w.SeriesID, w.ID, o.SeriesID, o.ID)
	}
	return nil
}

// decode is the fast path of UnmarshalJSON for the form AppendJSON writes:
// one object of known keys, each once, with strings of printable ASCII
// without escapes, integers and booleans. It reports false for anything
// else (an escape, an unknown, repeated or differently cased key, null, a
// fraction, a syntax error), which json.Unmarshal then decodes, so the
// fast path changes speed, never results or errors.
func (w *wireObservation) decode(data []byte) bool {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipSpace(data, i+1) == len(data)
	}
	var seen uint32
	for {
		key, next, ok := plainString(data, i)
		if !ok {
			return false
		}
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		f, str := w.field(key)
		if f < 0 || seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		switch {
		case str != nil:
			v, next, ok := plainString(data, i)
			if !ok {
				return false
			}
			*str, i = string(v), next
		case f == wireNonStop && bytes.HasPrefix(data[i:], []byte("true")):
			w.NonStop, i = true, i+4
		case f == wireNonStop && bytes.HasPrefix(data[i:], []byte("false")):
			w.NonStop, i = false, i+5
		case f == wireMinor || f == wireOffers:
			v, next, ok := plainInt(data, i)
			if !ok {
				return false
			}
			if f == wireMinor {
				w.Minor = v
			} else if int64(int(v)) == v {
				w.Offers = int(v)
			} else {
				return false // too large for an int here
			}
			i = next
		default:
			return false
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return skipSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
}

// Fields of wireObservation that are not strings.
const (
	wireNonStop = iota + 1
	wireMinor
	wireOffers
)

// field returns a number for a known key, -1 for another, and for a string
// field where it goes.
func (w *wireObservation) field(key []byte) (int, *string) {
	switch string(key) {
	case "non_stop":
		return wireNonStop, nil
	case "amount_minor":
		return wireMinor, nil
	case "offers":
		return wireOffers, nil
	case "id":
		return 4, &w.ID
	case "series_id":
		return 5, &w.SeriesID
	case "observed_at":
		return 6, &w.ObservedAt
	case "source":
		return 7, &w.Source
	case "origin":
		return 8, &w.Origin
	case "destination":
		return 9, &w.Destination
	case "departure_date":
		return 10, &w.Departure
	case "return_date":
		return 11, &w.Return
	case "cabin":
		return 12, &w.Cabin
	case "carrier":
		return 13, &w.Carrier
	case "currency":
		return 14, &w.Currency
	case "amount":
		return 15, &w.Amount
	}
	return -1, nil
}

// plainString reads the JSON string at i if it holds printable ASCII only
// and no escape, returning its contents and the index after it.
func plainString(data []byte, i int) ([]byte, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return data[i+1 : j], j + 1, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// plainInt reads a JSON integer of at most 18 digits at i, which fits an
// int64, returning it and the index after it.
func plainInt(data []byte, i int) (int64, int, bool) {
	neg := i < len(data) && data[i] == '-'
	if neg {
		i++
	}
	start := i
	var v int64
	for ; i < len(data) && data[i] >= '0' && data[i] <= '9'; i++ {
		v = v*10 + int64(data[i]-'0')
	}
	n := i - start
	if n == 0 || n > 18 || n > 1 && data[start] == '0' {
		return 0, 0, false
	}
	if i < len(data) && (data[i] == '.' || data[i] == 'e' || data[i] == 'E') {
		return 0, 0, false
	}
	if neg {
		v = -v
	}
	return v, i, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}
