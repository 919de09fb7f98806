package intake

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/ndjson"
)

// Row is one fare row read with a mapping: the observation it became, or
// why it did not.
type Row struct {
	Line   int             // line of the object the row starts on
	Record json.RawMessage // the row as a JSON object (CSV: column -> value), when it could be read
	Text   string          // the line, when it is not JSON
	Obs    fare.Observation
	Err    error // the row is rejected for this reason
}

// RowReader reads the fare rows of an object with its mapping.
type RowReader struct {
	m      *Mapping
	at     Instant // of rows without an observed_at of their own
	csv    *csv.Reader
	header []string
	lines  *ndjson.Reader
	done   bool
}

// NewRowReader reads the rows of an object Sniff found to hold fare rows.
// at is the instant of rows whose mapping gives them no observed_at (see
// ObjectInstant). A CSV object's first line is its header.
func NewRowReader(s *Sniffed, at Instant) (*RowReader, error) {
	r := &RowReader{m: s.Mapping, at: at}
	if !s.CSV {
		lr, err := ndjson.NewReader(s.Body)
		if err != nil {
			return nil, err
		}
		r.lines = lr
		return r, nil
	}
	r.csv = csv.NewReader(s.Body)
	r.csv.Comma = s.Mapping.comma()
	r.csv.FieldsPerRecord = -1
	header, err := r.csv.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the CSV header: %w", err)
	}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, string(utf8BOM))
		}
		r.header = append(r.header, strings.TrimSpace(h))
	}
	return r, nil
}

// Next returns the next row. At the end it returns io.EOF; an error
// wrapping ndjson.ErrTruncated means the object broke off after the rows
// returned. Any other error ends the reading.
func (r *RowReader) Next() (Row, error) {
	if r.done {
		return Row{}, io.EOF
	}
	if r.lines != nil {
		return r.nextLine()
	}
	rec, err := r.csv.Read()
	line, _ := r.csv.FieldPos(0)
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		r.done = true
		return Row{}, io.EOF
	case errors.As(err, &pe) && pe.Err != csv.ErrFieldCount:
		return Row{Line: pe.StartLine, Err: fmt.Errorf("not a CSV row (lines %d to %d): %w", pe.StartLine, pe.Line, pe.Err)}, nil
	case err != nil && !errors.As(err, &pe):
		r.done = true
		if isTruncation(err) {
			return Row{Line: line}, fmt.Errorf("%w after CSV line %d: %v", ndjson.ErrTruncated, line, err)
		}
		return Row{}, fmt.Errorf("reading CSV: %w", err)
	}
	row := Row{Line: line, Record: csvRecord(r.header, rec)}
	if len(rec) != len(r.header) {
		row.Err = fmt.Errorf("%d fields, the header has %d", len(rec), len(r.header))
		return row, nil
	}
	row.Obs, row.Err = r.observation(func(col string) (string, bool) {
		for i, h := range r.header {
			if h == col {
				return rec[i], true
			}
		}
		return "", false
	})
	return row, nil
}

func (r *RowReader) nextLine() (Row, error) {
	line, n, err := r.lines.Next()
	var le *ndjson.LineError
	switch {
	case errors.As(err, &le):
		return Row{Line: le.Line, Err: le.Err}, nil
	case err != nil:
		r.done = true
		return Row{}, err
	}
	row := Row{Line: n}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || dec.More() || obj == nil {
		if json.Valid(line) {
			row.Record = append(json.RawMessage(nil), line...)
			row.Err = errors.New("not a JSON object")
		} else {
			row.Text = string(line)
			row.Err = fmt.Errorf("not JSON: %v", err)
		}
		return row, nil
	}
	row.Record = append(json.RawMessage(nil), line...)
	row.Obs, row.Err = r.observation(func(col string) (string, bool) {
		v, ok := obj[col]
		switch v := v.(type) {
		case nil:
			return "", ok
		case string:
			return v, true
		case json.Number:
			return v.String(), true
		case bool:
			return strconv.FormatBool(v), true
		default:
			return fmt.Sprintf("%v", v), true
		}
	})
	return row, nil
}

// csvRecord returns a CSV row as a JSON object of its columns; fields
// beyond the header are named by their position.
func csvRecord(header, rec []string) json.RawMessage {
	b := []byte{'{'}
	for i, v := range rec {
		if i > 0 {
			b = append(b, ',')
		}
		name := "field" + strconv.Itoa(i+1)
		if i < len(header) {
			name = header[i]
		}
		k, _ := json.Marshal(name)
		s, _ := json.Marshal(v)
		b = append(append(append(b, k...), ':'), s...)
	}
	return append(b, '}')
}

// observation builds the observation of one row whose columns col looks
// up.
func (r *RowReader) observation(col func(string) (string, bool)) (fare.Observation, error) {
	m := r.m
	var errs []error
	get := func(field string) string {
		if c := m.column[field]; c != "" {
			v, ok := col(c)
			if !ok {
				errs = append(errs, &fare.FieldError{Field: field, Reason: "column " + strconv.Quote(c) + " is missing"})
			}
			return strings.TrimSpace(v)
		}
		return strings.TrimSpace(m.Constants[field])
	}
	bad := func(field, value, reason string) {
		errs = append(errs, &fare.FieldError{Field: field, Value: value, Reason: reason})
	}
	key := fare.SeriesKey{
		Source:      m.Source,
		Origin:      strings.ToUpper(get(FieldOrigin)),
		Destination: strings.ToUpper(get(FieldDestination)),
		Carrier:     strings.ToUpper(get(FieldCarrier)),
		Currency:    strings.ToUpper(get(FieldCurrency)),
		Cabin:       cabin(get(FieldCabin)),
	}
	var err error
	if key.Departure, err = m.date(FieldDeparture, get(FieldDeparture)); err != nil {
		errs = append(errs, err)
	}
	if key.Return, err = m.date(FieldReturn, get(FieldReturn)); err != nil {
		errs = append(errs, err)
	}
	if _, given := m.Constants[FieldStops]; m.column[FieldStops] != "" || given {
		v := get(FieldStops)
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad(FieldStops, v, "not a number of stops (0, 1, 2 …)")
		}
		key.NonStop = n == 0
	} else {
		v := get(FieldNonStop)
		b, ok := parseBool(v)
		if !ok {
			bad(FieldNonStop, v, "not true or false (also 1/0, yes/no, y/n)")
		}
		key.NonStop = b
	}
	key.Passengers = fare.Passengers{Adults: 1}
	for _, p := range []struct {
		field string
		n     *int
	}{{FieldAdults, &key.Passengers.Adults}, {FieldChildren, &key.Passengers.Children}, {FieldInfants, &key.Passengers.Infants}} {
		if v := get(p.field); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				bad(p.field, v, "not a number of travellers")
			}
			*p.n = n
		}
	}
	at := r.at.At
	if m.HasObservedAt() {
		if at, err = m.instant(get(FieldObservedAt)); err != nil {
			errs = append(errs, err)
		}
	} else if at.IsZero() {
		bad(FieldObservedAt, "", "missing: the mapping gives none and the object's instant is unknown")
	}
	// The key's own checks, but for the fields read above, whose errors
	// name the mapping's field and value.
	for _, fe := range fare.FieldErrors(key.Validate()) {
		if !slices.Contains(readFields, fe.Field) {
			errs = append(errs, fe)
		}
	}
	amount := get(FieldPrice)
	price, perr := fare.ParseMoney(amount, key.Currency)
	if _, known := fare.MinorUnits(key.Currency); perr != nil && known {
		bad(FieldPrice, amount, perr.Error())
	}
	if len(errs) > 0 {
		return fare.Observation{}, errors.Join(errs...)
	}
	obs := fare.NewObservation(key, at, price, 1)
	if err := obs.Validate(); err != nil {
		return fare.Observation{}, err
	}
	return obs, nil
}

// readFields are the fields of a key that observation reads and checks
// itself, as the key's Validate names them.
var readFields = []string{"departure_date", "return_date"}

// cabin normalises a cabin name: upper case, with spaces and hyphens as
// underscores ("premium economy" is PREMIUM_ECONOMY).
func cabin(s string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToUpper(s))
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "y", "t":
		return true, true
	case "false", "0", "no", "n", "f":
		return false, true
	}
	return false, false
}

// date reads a date field: with the mapping's layout for it, else as
// YYYY-MM-DD, also at the start of a local date-time
// (2027-01-05T11:35:00 or 2027-01-05 11:35). An empty return is a one-way
// trip; an empty departure is missing.
func (m *Mapping) date(field, v string) (string, error) {
	if v == "" && field == FieldDeparture {
		return "", &fare.FieldError{Field: field, Reason: "missing"}
	}
	if v == "" {
		return "", nil
	}
	if layout := m.Layouts[field]; layout != "" {
		t, err := time.Parse(layout, v)
		if err != nil {
			return "", &fare.FieldError{Field: field, Value: v, Reason: "not a date in the layout " + layout}
		}
		return t.Format(fare.DateLayout), nil
	}
	d := v
	if len(v) > 10 && (v[10] == 'T' || v[10] == ' ') {
		d = v[:10]
	}
	if _, err := time.Parse(fare.DateLayout, d); err != nil {
		return "", &fare.FieldError{Field: field, Value: v, Reason: "not an ISO date (YYYY-MM-DD)"}
	}
	return d, nil
}

// instant reads observed_at: with the mapping's layout (UTC when it has
// no zone), else RFC 3339 (a space for the T is accepted) or Unix
// seconds.
func (m *Mapping) instant(v string) (time.Time, error) {
	bad := &fare.FieldError{Field: FieldObservedAt, Value: v, Reason: "not an RFC 3339 instant or Unix seconds"}
	if layout := m.Layouts[FieldObservedAt]; layout != "" {
		t, err := time.Parse(layout, v)
		if err != nil {
			bad.Reason = "not an instant in the layout " + layout
			return time.Time{}, bad
		}
		return t.UTC(), nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && len(v) <= 11 {
		return time.Unix(n, 0).UTC(), nil
	}
	if len(v) > 10 && v[10] == ' ' {
		v = v[:10] + "T" + v[11:]
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, bad
	}
	return t.UTC(), nil
}

// Offset returns how many uncompressed bytes have been read.
func (r *RowReader) Offset() int64 {
	if r.lines != nil {
		return r.lines.Offset()
	}
	return r.csv.InputOffset()
}
