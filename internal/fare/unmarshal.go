package fare

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"time"
)

// SeriesFields are the fields of a flat document that name its series:
// the series key and its id. Observations, change-log documents and latest
// documents all begin with them.
type SeriesFields struct {
	SeriesID    string `json:"series_id"`
	Source      string `json:"source"`
	Origin      string `json:"origin"`
	Destination string `json:"destination"`
	Departure   string `json:"departure_date"`
	Return      string `json:"return_date"`
	Cabin       string `json:"cabin"`
	NonStop     bool   `json:"non_stop"`
	Carrier     string `json:"carrier"`
	Currency    string `json:"currency"`
	Adults      int64  `json:"adults"`
	Children    int64  `json:"children"`
	Infants     int64  `json:"infants"`
}

// Key returns the series key the fields name. It does not check them
// against SeriesID.
func (f *SeriesFields) Key() SeriesKey {
	return SeriesKey{Source: f.Source, Origin: f.Origin, Destination: f.Destination,
		Departure: f.Departure, Return: f.Return, Cabin: f.Cabin, NonStop: f.NonStop,
		Carrier: f.Carrier, Currency: f.Currency,
		Passengers: Passengers{Adults: int(f.Adults), Children: int(f.Children), Infants: int(f.Infants)}}
}

// wireObservation is the flat JSON form of an observation, the one written
// to curated objects and indexed.
type wireObservation struct {
	ID         string `json:"id"`
	ObservedAt string `json:"observed_at"`
	SeriesFields
	Amount          string `json:"amount"`
	Minor           int64  `json:"amount_minor"`
	Base            string `json:"base"`
	BaseMinor       int64  `json:"base_minor"`
	Taxes           string `json:"taxes"`
	TaxesMinor      int64  `json:"taxes_minor"`
	GrandTotal      string `json:"grand_total"`
	GrandTotalMinor int64  `json:"grand_total_minor"`
	Offers          int64  `json:"offers"`
}

// UnmarshalJSON decodes the flat form and checks that the identifiers match
// the key and instant, so a record whose fields were edited after the fact
// is caught.
func (o *Observation) UnmarshalJSON(data []byte) error {
	var w wireObservation
	if !w.decode(data) {
		slow := new(wireObservation) // on the heap; w stays on the stack
		if err := json.Unmarshal(data, slow); err != nil {
			return err
		}
		w = *slow
	}
	return o.fromWire(&w)
}

// ParseObservation decodes an observation in its flat form and validates
// it: the results and errors of UnmarshalJSON followed by Validate, without
// hashing the identifiers a second time (UnmarshalJSON has checked them).
func ParseObservation(data []byte) (Observation, error) {
	var o Observation
	if err := o.UnmarshalJSON(data); err != nil {
		return o, err
	}
	return o, o.validate(false)
}

// fromWire builds the observation of w. It uses the identifiers of w once
// it has checked them, so that a decoded observation costs no strings
// besides those of w.
func (o *Observation) fromWire(w *wireObservation) error {
	at, ok := parseStored(w.ObservedAt)
	if !ok {
		var err error
		if at, err = time.Parse(time.RFC3339Nano, w.ObservedAt); err != nil {
			return fmt.Errorf("observed_at %q: not an RFC 3339 time", w.ObservedAt)
		}
	}
	counts := [...]int64{w.Adults, w.Children, w.Infants, w.Offers}
	for _, n := range counts {
		if n < 0 || n > math.MaxInt32 {
			return fmt.Errorf("count %d out of range", n)
		}
	}
	key := w.Key()
	price, err := wireMoney(FieldAmount, w.Amount, w.Minor, w.Currency)
	if err != nil {
		return err
	}
	var bd Breakdown
	if w.Base != "" || w.BaseMinor != 0 || w.Taxes != "" || w.TaxesMinor != 0 {
		if bd.Base, err = wireMoney(FieldBase, w.Base, w.BaseMinor, w.Currency); err != nil {
			return err
		}
		if bd.Taxes, err = wireMoney(FieldTaxes, w.Taxes, w.TaxesMinor, w.Currency); err != nil {
			return err
		}
	}
	if w.GrandTotal != "" || w.GrandTotalMinor != 0 {
		if bd.GrandTotal, err = wireMoney(FieldGrandTotal, w.GrandTotal, w.GrandTotalMinor, w.Currency); err != nil {
			return err
		}
	}
	at = at.UTC().Truncate(time.Millisecond) // as NewObservation has it
	sid := key.id()
	oid := observationID(sid[:], at)
	*o = Observation{ID: w.ID, SeriesID: w.SeriesID, ObservedAt: at, Key: key, Price: price, Breakdown: bd, Offers: int(w.Offers)}
	if w.SeriesID != string(sid[:]) || w.ID != string(oid[:]) {
		o.SeriesID, o.ID = string(sid[:]), string(oid[:])
		return fmt.Errorf("identifiers %s/%s do not match the key and observed_at (want %s/%s)",
			w.SeriesID, w.ID, o.SeriesID, o.ID)
	}
	return nil
}

// wireMoney is the money of a decimal string and its amount in minor units,
// which must agree; field names the pair in the error.
func wireMoney(field, amount string, minor int64, currency string) (Money, error) {
	m, err := ParseMoney(amount, currency)
	if err != nil {
		return m, fmt.Errorf("%s: %w", field, err)
	}
	if m.Minor != minor {
		return m, fmt.Errorf("%s %q and %s_minor %d disagree", field, amount, field, minor)
	}
	return m, nil
}

// decode is the fast path of UnmarshalJSON for the form AppendJSON writes:
// one object of known keys, each once, with strings of printable ASCII
// without escapes, integers and booleans. It reports false for anything
// else (an escape, an unknown, repeated or differently cased key, null, a
// fraction, a syntax error), which json.Unmarshal then decodes, so the
// fast path changes speed, never results or errors. The strings of w share
// one copy of data.
func (w *wireObservation) decode(data []byte) bool {
	src := string(data)
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
		start, end, ok := plainString(data, i)
		if !ok {
			return false
		}
		key, next := data[start:end], end+1
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		f, str, num := w.field(key)
		if f < 0 || seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		switch {
		case str != nil:
			start, end, ok := plainString(data, i)
			if !ok {
				return false
			}
			*str, i = src[start:end], end+1
		case num != nil:
			v, next, ok := plainInt(data, i)
			if !ok {
				return false
			}
			*num, i = v, next
		case bytes.HasPrefix(data[i:], []byte("true")):
			w.NonStop, i = true, i+4
		case bytes.HasPrefix(data[i:], []byte("false")):
			w.NonStop, i = false, i+5
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

// field returns a number for a known key, -1 for another, and where its
// value goes: a string, an integer, or neither for non_stop.
func (w *wireObservation) field(key []byte) (int, *string, *int64) {
	switch string(key) {
	case FieldNonStop:
		return 1, nil, nil
	case FieldAmountMinor:
		return 2, nil, &w.Minor
	case FieldOffers:
		return 3, nil, &w.Offers
	case FieldID:
		return 4, &w.ID, nil
	case FieldSeriesID:
		return 5, &w.SeriesID, nil
	case FieldObservedAt:
		return 6, &w.ObservedAt, nil
	case FieldSource:
		return 7, &w.Source, nil
	case FieldOrigin:
		return 8, &w.Origin, nil
	case FieldDestination:
		return 9, &w.Destination, nil
	case FieldDeparture:
		return 10, &w.Departure, nil
	case FieldReturn:
		return 11, &w.Return, nil
	case FieldCabin:
		return 12, &w.Cabin, nil
	case FieldCarrier:
		return 13, &w.Carrier, nil
	case FieldCurrency:
		return 14, &w.Currency, nil
	case FieldAmount:
		return 15, &w.Amount, nil
	case FieldAdults:
		return 16, nil, &w.Adults
	case FieldChildren:
		return 17, nil, &w.Children
	case FieldInfants:
		return 18, nil, &w.Infants
	case FieldBase:
		return 19, &w.Base, nil
	case FieldBaseMinor:
		return 20, nil, &w.BaseMinor
	case FieldTaxes:
		return 21, &w.Taxes, nil
	case FieldTaxesMinor:
		return 22, nil, &w.TaxesMinor
	case FieldGrandTotal:
		return 23, &w.GrandTotal, nil
	case FieldGrandTotalMinor:
		return 24, nil, &w.GrandTotalMinor
	}
	return -1, nil, nil
}

// plainString reads the JSON string at i if it holds printable ASCII only
// and no escape, returning where its contents start and end (at the
// closing quote). It looks at 8 bytes at a time.
func plainString(data []byte, i int) (start, end int, ok bool) {
	if i >= len(data) || data[i] != '"' {
		return 0, 0, false
	}
	j := i + 1
	for ; j+8 <= len(data); j += 8 {
		if m := notPlain8(binary.LittleEndian.Uint64(data[j:])); m != 0 {
			j += bits.TrailingZeros64(m) / 8
			return i + 1, j, data[j] == '"'
		}
	}
	for ; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return i + 1, j, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// notPlain8 returns the high bits of the bytes of w (little endian) that
// end a plain string or make it not plain: a quote, a backslash, a byte
// below 0x20 or above 0x7e. Subtracting n from a byte below n borrows and
// sets its high bit ("Bit Twiddling Hacks", hasless); a borrow only moves
// into later bytes, so the lowest bit set marks the first such byte
// exactly.
func notPlain8(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := w ^ ('"' * ones)
	slash := w ^ ('\\' * ones)
	del := w ^ (0x7f * ones)
	return (w | (w - 0x20*ones) | (quote - ones) | (slash - ones) | (del - ones)) & highs
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
	if i < len(data) && data[i] > ' ' {
		return i // compact JSON: no white space between tokens
	}
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}
