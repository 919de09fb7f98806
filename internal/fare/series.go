package fare

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Cabins lists the cabin names farepipe knows, cheapest first. They are the
// travel classes of the Amadeus Flight Offers Search API.
var Cabins = []string{"ECONOMY", "PREMIUM_ECONOMY", "BUSINESS", "FIRST"}

// DateLayout is the layout of departure and return dates (ISO 8601).
const DateLayout = "2006-01-02"

// SeriesKey names one fare series: the price of one kind of trip, as seen
// by one source, over observation time.
type SeriesKey struct {
	Source      string `json:"source"`
	Origin      string `json:"origin"`
	Destination string `json:"destination"`
	Departure   string `json:"departure_date"`
	Return      string `json:"return_date,omitempty"` // empty for one way
	Cabin       string `json:"cabin"`
	NonStop     bool   `json:"non_stop"`
	Carrier     string `json:"carrier"`
	Currency    string `json:"currency"`
}

// keyVersion prefixes the canonical form so that a future change of the key
// yields new identifiers instead of colliding with old ones.
const keyVersion = "fare.v1"

// Canonical returns the canonical text of the key that its identifier is the
// hash of: the fields in a fixed order, joined by "|", prefixed by the key
// version, with the non-stop flag as "1" or "0":
//
//	fare.v1|amadeus|ICN|NRT|2027-01-05||ECONOMY|1|KE|KRW
func (k SeriesKey) Canonical() string {
	var buf [128]byte
	return string(k.appendCanonical(buf[:0]))
}

func (k *SeriesKey) appendCanonical(b []byte) []byte {
	b = append(b, keyVersion...)
	for _, f := range [...]string{k.Source, k.Origin, k.Destination, k.Departure, k.Return, k.Cabin} {
		b = append(append(b, '|'), f...)
	}
	nonStop := byte('0')
	if k.NonStop {
		nonStop = '1'
	}
	b = append(b, '|', nonStop, '|')
	b = append(b, k.Carrier...)
	return append(append(b, '|'), k.Currency...)
}

// ID returns the series identifier: the first 16 bytes of the SHA-256 of
// Canonical, in lower-case hex (32 characters).
func (k SeriesKey) ID() string {
	h := k.id()
	return string(h[:])
}

// id computes ID without allocating.
func (k *SeriesKey) id() hexID {
	var buf [128]byte
	return sum16(k.appendCanonical(buf[:0]))
}

// OneWay reports whether the series is of one-way trips.
func (k SeriesKey) OneWay() bool { return k.Return == "" }

// ObservationID returns the identifier of the observation of a series at an
// instant: the first 16 bytes of the SHA-256 of "<series id>|<observed_at>"
// with observed_at in UTC RFC 3339 with milliseconds, in lower-case hex.
// The same series at the same instant always yields the same id.
func ObservationID(seriesID string, observedAt time.Time) string {
	h := observationID(seriesID, observedAt)
	return string(h[:])
}

// observationID computes ObservationID without allocating.
func observationID[S string | []byte](seriesID S, observedAt time.Time) hexID {
	var buf [96]byte
	b := append(buf[:0], seriesID...)
	b = AppendTime(append(b, '|'), observedAt)
	return sum16(b)
}

// hexID is an identifier: the first 16 bytes of a SHA-256 in lower-case
// hex.
type hexID [32]byte

func sum16(b []byte) hexID {
	sum := sha256.Sum256(b)
	var h hexID
	hex.Encode(h[:], sum[:16])
	return h
}

// FormatTime renders an instant as farepipe stores it: UTC, RFC 3339 with
// exactly three fractional digits.
func FormatTime(t time.Time) string {
	var buf [32]byte
	return string(AppendTime(buf[:0], t))
}
