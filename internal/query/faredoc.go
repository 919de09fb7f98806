package query

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/jsonscan"
)

// fareDoc holds the fields of a latest document a calendar entry needs.
type fareDoc struct {
	SeriesID  string    `json:"series_id"`
	Source    string    `json:"source"`
	Departure string    `json:"departure_date"`
	Return    string    `json:"return_date"`
	Cabin     string    `json:"cabin"`
	NonStop   bool      `json:"non_stop"`
	Carrier   string    `json:"carrier"`
	Currency  string    `json:"currency"`
	Amount    string    `json:"amount"`
	Minor     int64     `json:"amount_minor"`
	ChangedAt time.Time `json:"changed_at"`
	LastSeen  time.Time `json:"last_seen"`
}

// The fields of fareDoc as numbered in fareDocFields.
const (
	docSeriesID = iota
	docSource
	docDeparture
	docReturn
	docCabin
	docNonStop
	docCarrier
	docCurrency
	docAmount
	docMinor
	docChangedAt
	docLastSeen
	docFields // how many
)

// fareDocFields names the fields of fareDoc in the documents.
var fareDocFields = [docFields]string{
	docSeriesID:  fare.FieldSeriesID,
	docSource:    fare.FieldSource,
	docDeparture: fare.FieldDeparture,
	docReturn:    fare.FieldReturn,
	docCabin:     fare.FieldCabin,
	docNonStop:   fare.FieldNonStop,
	docCarrier:   fare.FieldCarrier,
	docCurrency:  fare.FieldCurrency,
	docAmount:    fare.FieldAmount,
	docMinor:     fare.FieldAmountMinor,
	docChangedAt: esindex.FieldChangedAt,
	docLastSeen:  esindex.FieldLastSeen,
}

// fareDocValueFields asks for the fields of fareDoc from doc values, dates
// in the forms the documents hold them.
var fareDocValueFields = func() []any {
	var f []any
	for i, name := range fareDocFields {
		switch i {
		case docDeparture:
			f = append(f, map[string]any{"field": name, "format": "strict_date"})
		case docChangedAt, docLastSeen:
			f = append(f, map[string]any{"field": name, "format": "strict_date_time"})
		default:
			f = append(f, name)
		}
	}
	return f
}()

// fareDocValues is a fareDoc read from the fields of a hit, as
// docvalue_fields gives them: each field an array of its values.
type fareDocValues struct{ fareDoc }

// UnmarshalJSON reads the fields of a hit. Its fast path reads each field's
// single value in one pass; anything else goes through encoding/json, which
// takes the first value of each field.
func (v *fareDocValues) UnmarshalJSON(data []byte) error {
	if v.decode(data) {
		return nil
	}
	return v.decodeJSON(data)
}

// decodeJSON is the slow path of UnmarshalJSON, with encoding/json.
func (v *fareDocValues) decodeJSON(data []byte) error {
	var w struct {
		SeriesID  []string    `json:"series_id"`
		Source    []string    `json:"source"`
		Departure []string    `json:"departure_date"`
		Return    []string    `json:"return_date"`
		Cabin     []string    `json:"cabin"`
		NonStop   []bool      `json:"non_stop"`
		Carrier   []string    `json:"carrier"`
		Currency  []string    `json:"currency"`
		Amount    []string    `json:"amount"`
		Minor     []int64     `json:"amount_minor"`
		ChangedAt []time.Time `json:"changed_at"`
		LastSeen  []time.Time `json:"last_seen"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	v.fareDoc = fareDoc{SeriesID: first(w.SeriesID), Source: first(w.Source), Departure: first(w.Departure),
		Return: first(w.Return), Cabin: first(w.Cabin), NonStop: first(w.NonStop), Carrier: first(w.Carrier),
		Currency: first(w.Currency), Amount: first(w.Amount), Minor: first(w.Minor),
		ChangedAt: first(w.ChangedAt), LastSeen: first(w.LastSeen)}
	return nil
}

// decode is the fast path of UnmarshalJSON: every field at most once, each
// an array of one plain value.
func (v *fareDocValues) decode(data []byte) bool {
	s := jsonscan.New(data)
	var d fareDoc
	ok := s.Object(fareDocFields[:], func(f int) bool {
		n := 0
		return s.Array(func() bool {
			if n++; n > 1 {
				return false
			}
			switch f {
			case docNonStop:
				return s.Bool(&d.NonStop)
			case docMinor:
				return s.Int64(&d.Minor)
			case docChangedAt, docLastSeen:
				t, ok := s.Text()
				if !ok {
					return false
				}
				at, err := time.Parse(time.RFC3339Nano, string(t))
				if f == docChangedAt {
					d.ChangedAt = at
				} else {
					d.LastSeen = at
				}
				return err == nil
			}
			return s.Str(d.str(f))
		}) && n == 1
	})
	if !ok || !s.AtEnd() {
		return false
	}
	v.fareDoc = d
	return true
}

// str returns the string field of d numbered as in fareDocFields.
func (d *fareDoc) str(f int) *string {
	return [...]*string{docSeriesID: &d.SeriesID, docSource: &d.Source, docDeparture: &d.Departure,
		docReturn: &d.Return, docCabin: &d.Cabin, docCarrier: &d.Carrier, docCurrency: &d.Currency,
		docAmount: &d.Amount}[f]
}

// first returns the first of values, or the zero value.
func first[T any](values []T) T {
	var zero T
	if len(values) == 0 {
		return zero
	}
	return values[0]
}

func (d *fareDoc) entry(view string) (*CalendarEntry, error) {
	price, err := fare.ParseMoney(d.Amount, d.Currency)
	if err != nil || price.Minor != d.Minor {
		return nil, fmt.Errorf("latest document %s: amount %q %s and amount_minor %d disagree", d.SeriesID, d.Amount, d.Currency, d.Minor)
	}
	e := &CalendarEntry{
		Departure: d.Departure, Return: d.Return, Price: price, Source: d.Source, Carrier: d.Carrier,
		Cabin: d.Cabin, NonStop: d.NonStop, ObservedAt: d.LastSeen.UTC(), ChangedAt: d.ChangedAt.UTC(), SeriesID: d.SeriesID,
	}
	if view == ViewWeek {
		e.Week = isoWeek(d.Departure)
	}
	return e, nil
}
