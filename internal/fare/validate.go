package fare

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FieldError says which field of a record is wrong and why.
type FieldError struct {
	Field  string
	Value  string
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Reason)
}

// FieldErrors returns every *FieldError in err, a tree of joined and
// wrapped errors, in order; none when it holds none.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// ValidIATA reports whether s is a three-letter IATA location code in upper
// case (airport or city).
func ValidIATA(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// ValidCarrier reports whether s is a two-character IATA airline designator
// (upper-case letters and digits, at least one letter).
func ValidCarrier(s string) bool {
	if len(s) != 2 {
		return false
	}
	letter := false
	for i := 0; i < 2; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return letter
}

// Validate checks the key and returns every problem found, joined, each a
// *FieldError.
func (k SeriesKey) Validate() error {
	var errs []error
	bad := func(field, value, reason string) {
		errs = append(errs, &FieldError{Field: field, Value: value, Reason: reason})
	}
	if !validSource(k.Source) {
		bad("source", k.Source, "not a source name (1 to 64 of a-z, 0-9, - and _)")
	}
	if !ValidIATA(k.Origin) {
		bad("origin", k.Origin, "not an IATA location code (three letters A-Z)")
	}
	if !ValidIATA(k.Destination) {
		bad("destination", k.Destination, "not an IATA location code (three letters A-Z)")
	}
	if k.Origin == k.Destination && ValidIATA(k.Origin) {
		bad("destination", k.Destination, "same as origin")
	}
	// Dates as DateLayout has them compare as their strings do.
	depOK := validDate(k.Departure)
	if !depOK {
		bad("departure_date", k.Departure, "not an ISO date (YYYY-MM-DD)")
	}
	if k.Return != "" {
		switch {
		case !validDate(k.Return):
			bad("return_date", k.Return, "not an ISO date (YYYY-MM-DD)")
		case depOK && k.Return < k.Departure:
			bad("return_date", k.Return, "before departure_date "+k.Departure)
		}
	}
	if !ValidCabin(k.Cabin) {
		bad("cabin", k.Cabin, "unknown cabin (want one of "+strings.Join(Cabins, ", ")+" or "+CabinMixed+")")
	}
	if !ValidCarrier(k.Carrier) {
		bad("carrier", k.Carrier, "not an IATA airline code (two letters or digits)")
	}
	if _, ok := MinorUnits(k.Currency); !ok {
		bad("currency", k.Currency, "unknown currency (want an ISO 4217 code)")
	}
	if err := k.Passengers.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Validate checks a passenger mix: each count 0 to MaxPassengers, at least
// one adult unless the mix is the zero mix of a version 1 key, and no more
// infants than adults (each sits on an adult's lap or beside one).
func (p Passengers) Validate() error {
	if p.Legacy() {
		return nil
	}
	var errs []error
	for _, c := range []struct {
		field string
		n     int
	}{{"adults", p.Adults}, {"children", p.Children}, {"infants", p.Infants}} {
		if c.n < 0 || c.n > MaxPassengers {
			errs = append(errs, &FieldError{Field: c.field, Value: strconv.Itoa(c.n),
				Reason: "want 0 to " + strconv.Itoa(MaxPassengers)})
		}
	}
	if p.Adults < 1 {
		errs = append(errs, &FieldError{Field: "adults", Value: strconv.Itoa(p.Adults), Reason: "at least one adult travels"})
	} else if p.Infants > p.Adults {
		errs = append(errs, &FieldError{Field: "infants", Value: strconv.Itoa(p.Infants),
			Reason: "more infants than adults (" + strconv.Itoa(p.Adults) + ")"})
	}
	return errors.Join(errs...)
}

// Validate checks the observation: its key, a present observed_at, a
// positive price in the key's currency and identifiers that match.
func (o *Observation) Validate() error { return o.validate(true) }

// validate is Validate, checking the identifiers only when ids is set.
func (o *Observation) validate(ids bool) error {
	errs := []error{o.Key.Validate()}
	bad := func(field, value, reason string) {
		errs = append(errs, &FieldError{Field: field, Value: value, Reason: reason})
	}
	if o.ObservedAt.IsZero() {
		bad("observed_at", "", "missing")
	}
	if o.Price.Minor <= 0 {
		bad("amount", o.Price.Amount, "not positive")
	}
	if o.Price.Currency != o.Key.Currency {
		bad("currency", o.Price.Currency, "price currency differs from series currency "+o.Key.Currency)
	}
	if b := &o.Breakdown; b.Base.Amount != "" || b.Taxes.Amount != "" {
		switch {
		case b.Base.Currency != o.Price.Currency || b.Taxes.Currency != o.Price.Currency:
			bad("base", b.Base.Amount, "base or taxes not in the price currency "+o.Price.Currency)
		case b.Base.Minor < 0 || b.Taxes.Minor < 0 || b.Base.Minor+b.Taxes.Minor != o.Price.Minor:
			bad("taxes", b.Taxes.Amount, "base "+b.Base.Amount+" and taxes do not add up to the price "+o.Price.Amount)
		}
	}
	if g := o.GrandTotal; g.Amount != "" && (g.Currency != o.Price.Currency || g.Minor < o.Price.Minor) {
		bad("grand_total", g.Amount, "below the price "+o.Price.String()+" or in another currency")
	}
	if !ids {
		return errors.Join(errs...)
	}
	if sid := o.Key.id(); o.SeriesID != string(sid[:]) {
		bad("series_id", o.SeriesID, "does not match the series key")
	}
	if oid := observationID(o.SeriesID, o.ObservedAt); o.ID != string(oid[:]) {
		bad("id", o.ID, "does not match series_id and observed_at")
	}
	return errors.Join(errs...)
}

// validSource reports whether s can name a source: it becomes part of
// object keys and index documents, so it is kept to plain characters.
func validSource(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
