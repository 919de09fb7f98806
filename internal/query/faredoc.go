package query

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/jsonscan"
)

// fareDoc holds the fields of a latest document a calendar entry needs,
// those fareDocFields names: of its series fields, all but the route and
// the passengers, which the query fixed.
type fareDoc struct {
	fare.SeriesFields
	Amount    string
	Minor     int64
	ChangedAt time.Time
	LastSeen  time.Time
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
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	var d fareDoc
	for f, name := range fareDocFields {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		var values []json.RawMessage
		if err := json.Unmarshal(raw, &values); err != nil {
			return fmt.Errorf("field %s: %w", name, err)
		}
		if len(values) > 0 {
			if err := json.Unmarshal(values[0], d.field(f)); err != nil {
				return fmt.Errorf("field %s: %w", name, err)
			}
		}
	}
	v.fareDoc = d
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
			return s.Str(d.field(f).(*string))
		}) && n == 1
	})
	if !ok || !s.AtEnd() {
		return false
	}
	v.fareDoc = d
	return true
}

// field returns a pointer to the field of d numbered as in fareDocFields.
func (d *fareDoc) field(f int) any {
	return [...]any{docSeriesID: &d.SeriesID, docSource: &d.Source, docDeparture: &d.Departure,
		docReturn: &d.Return, docCabin: &d.Cabin, docNonStop: &d.NonStop, docCarrier: &d.Carrier,
		docCurrency: &d.Currency, docAmount: &d.Amount, docMinor: &d.Minor,
		docChangedAt: &d.ChangedAt, docLastSeen: &d.LastSeen}[f]
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
