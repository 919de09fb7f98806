package fare

import (
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
	b = o.ObservedAt.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
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

// MarshalJSON encodes the observation in its flat form (see AppendJSON).
func (o Observation) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// UnmarshalJSON decodes the flat form and checks that the identifiers match
// the key and instant, so a record whose fields were edited after the fact
// is caught.
func (o *Observation) UnmarshalJSON(data []byte) error {
	var w wireObservation
	if err := json.Unmarshal(data, &w); err != nil {
		return err
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
