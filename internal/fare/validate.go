package fare

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
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
	if k.Source == "" {
		bad("source", k.Source, "missing")
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
	dep, depErr := time.Parse(DateLayout, k.Departure)
	if depErr != nil {
		bad("departure_date", k.Departure, "not an ISO date (YYYY-MM-DD)")
	}
	if k.Return != "" {
		ret, err := time.Parse(DateLayout, k.Return)
		switch {
		case err != nil:
			bad("return_date", k.Return, "not an ISO date (YYYY-MM-DD)")
		case depErr == nil && ret.Before(dep):
			bad("return_date", k.Return, "before departure_date "+k.Departure)
		}
	}
	if !slices.Contains(Cabins, k.Cabin) {
		bad("cabin", k.Cabin, "unknown cabin (want one of "+strings.Join(Cabins, ", ")+")")
	}
	if !ValidCarrier(k.Carrier) {
		bad("carrier", k.Carrier, "not an IATA airline code (two letters or digits)")
	}
	if _, ok := MinorUnits(k.Currency); !ok {
		bad("currency", k.Currency, "unknown currency (want an ISO 4217 code)")
	}
	return errors.Join(errs...)
}

// Validate checks the observation: its key, a present observed_at, a
// positive price in the key's currency and identifiers that match.
func (o *Observation) Validate() error {
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
	if o.SeriesID != o.Key.ID() {
		bad("series_id", o.SeriesID, "does not match the series key")
	}
	if o.ID != ObservationID(o.SeriesID, o.ObservedAt) {
		bad("id", o.ID, "does not match series_id and observed_at")
	}
	return errors.Join(errs...)
}
