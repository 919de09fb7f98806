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
	// Price is the fare: what the offer costs its travellers, taxes
	// included, paid additional services not.
	Price Money
	// Breakdown splits the price where the provider said how; zero parts
	// were not given.
	Breakdown
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

// Breakdown is how a price splits, each part in the price's currency and
// zero (an empty Amount) when the provider did not give it.
type Breakdown struct {
	// Base is the fare before taxes; Taxes is the price less Base. Both
	// are set or neither.
	Base, Taxes Money
	// GrandTotal is what the travellers pay with fees and the paid
	// additional services of the offer (checked bags), which are not fare.
	GrandTotal Money
}

// NewBreakdown splits price by a base amount and a grand total, decimal
// strings in the price's currency; an empty string leaves its part zero.
// The base must be 0 to price (taxes are never negative), the grand total
// at least the price.
func NewBreakdown(price Money, base, grandTotal string) (Breakdown, error) {
	var b Breakdown
	if base != "" {
		m, err := ParseMoney(base, price.Currency)
		if err != nil {
			return b, &FieldError{Field: FieldBase, Value: base, Reason: err.Error()}
		}
		if m.Minor < 0 || m.Minor > price.Minor {
			return b, &FieldError{Field: FieldBase, Value: base, Reason: "not between 0 and the total " + price.Amount}
		}
		b.Base = m
		b.Taxes, _ = MoneyFromMinor(price.Minor-m.Minor, price.Currency)
	}
	if grandTotal != "" {
		m, err := ParseMoney(grandTotal, price.Currency)
		if err != nil {
			return b, &FieldError{Field: FieldGrandTotal, Value: grandTotal, Reason: err.Error()}
		}
		if m.Minor < price.Minor {
			return b, &FieldError{Field: FieldGrandTotal, Value: grandTotal, Reason: "below the total " + price.Amount}
		}
		b.GrandTotal = m
	}
	return b, nil
}

// AppendJSON appends the observation as one flat JSON object, the form
// stored in curated objects and in Elasticsearch:
//
//	{"id":…,"series_id":…,"observed_at":…,"source":…,"origin":…,
//	 "destination":…,"departure_date":…,"return_date":…,"cabin":…,
//	 "non_stop":…,"carrier":…,"currency":…,"adults":…,"children":…,
//	 "infants":…,"amount":…,"amount_minor":…,"base":…,"base_minor":…,
//	 "taxes":…,"taxes_minor":…,"grand_total":…,"grand_total_minor":…,
//	 "offers":…}
//
// The passenger counts are left out for a version 1 key (the zero mix),
// and each part of the breakdown when it is zero.
//
// It writes the fields by hand: the encoder sits on the hot path of every
// step.
func (o *Observation) AppendJSON(b []byte) []byte {
	b = append(b, `{"`+FieldID+`":`...)
	b = appendQuoted(b, o.ID)
	b = append(b, `,"`+FieldSeriesID+`":`...)
	b = appendQuoted(b, o.SeriesID)
	b = append(b, `,"`+FieldObservedAt+`":"`...)
	b = AppendTime(b, o.ObservedAt)
	b = append(b, '"')
	b = o.Key.appendFields(b)
	b = append(b, `,"`+FieldAmount+`":`...)
	b = appendQuoted(b, o.Price.Amount)
	b = append(b, `,"`+FieldAmountMinor+`":`...)
	b = strconv.AppendInt(b, o.Price.Minor, 10)
	if o.Base.Amount != "" {
		b = appendMoney(b, `,"`+FieldBase+`":`, `,"`+FieldBaseMinor+`":`, o.Base)
		b = appendMoney(b, `,"`+FieldTaxes+`":`, `,"`+FieldTaxesMinor+`":`, o.Taxes)
	}
	if o.GrandTotal.Amount != "" {
		b = appendMoney(b, `,"`+FieldGrandTotal+`":`, `,"`+FieldGrandTotalMinor+`":`, o.GrandTotal)
	}
	b = append(b, `,"`+FieldOffers+`":`...)
	b = strconv.AppendInt(b, int64(o.Offers), 10)
	return append(b, '}')
}

// appendFields appends the key's fields as JSON members, each preceded by a
// comma.
func (k *SeriesKey) appendFields(b []byte) []byte {
	b = append(b, `,"`+FieldSource+`":`...)
	b = appendQuoted(b, k.Source)
	b = append(b, `,"`+FieldOrigin+`":`...)
	b = appendQuoted(b, k.Origin)
	b = append(b, `,"`+FieldDestination+`":`...)
	b = appendQuoted(b, k.Destination)
	b = append(b, `,"`+FieldDeparture+`":`...)
	b = appendQuoted(b, k.Departure)
	b = append(b, `,"`+FieldReturn+`":`...)
	b = appendQuoted(b, k.Return)
	b = append(b, `,"`+FieldCabin+`":`...)
	b = appendQuoted(b, k.Cabin)
	b = append(b, `,"`+FieldNonStop+`":`...)
	b = strconv.AppendBool(b, k.NonStop)
	b = append(b, `,"`+FieldCarrier+`":`...)
	b = appendQuoted(b, k.Carrier)
	b = append(b, `,"`+FieldCurrency+`":`...)
	b = appendQuoted(b, k.Currency)
	if k.Passengers.Legacy() {
		return b
	}
	b = strconv.AppendInt(append(b, `,"`+FieldAdults+`":`...), int64(k.Adults), 10)
	b = strconv.AppendInt(append(b, `,"`+FieldChildren+`":`...), int64(k.Children), 10)
	return strconv.AppendInt(append(b, `,"`+FieldInfants+`":`...), int64(k.Infants), 10)
}

// appendMoney appends m as two members: its decimal string and its minor
// units.
func appendMoney(b []byte, amount, minor string, m Money) []byte {
	b = appendQuoted(append(b, amount...), m.Amount)
	return strconv.AppendInt(append(b, minor...), m.Minor, 10)
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
