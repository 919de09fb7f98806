package fare

import (
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
	b = AppendTime(b, o.ObservedAt)
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
