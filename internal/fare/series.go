package fare

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"time"
)

// Cabins lists the cabin names farepipe knows, cheapest first. They are the
// travel classes of the Amadeus Flight Offers Search API.
var Cabins = []string{"ECONOMY", "PREMIUM_ECONOMY", "BUSINESS", "FIRST"}

// CabinMixed is the cabin of a fare whose segments are not all flown in one
// cabin (ECONOMY out, BUSINESS back): such a fare is its own series, so a
// calendar of one cabin never shows a fare with a leg in another.
const CabinMixed = "MIXED"

// ValidCabin reports whether c is one of Cabins or CabinMixed.
func ValidCabin(c string) bool { return c == CabinMixed || slices.Contains(Cabins, c) }

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
	// Passengers is the mix the price is for: the price of an offer is
	// the total of all its travellers. The zero mix is a version 1 key,
	// made before the mix was part of the key.
	Passengers
}

// Passengers counts the travellers a fare prices, by the age groups of
// Amadeus searches.
type Passengers struct {
	Adults   int `json:"adults"`
	Children int `json:"children"`
	Infants  int `json:"infants"`
}

// MaxPassengers is the most travellers of one age group a key may count,
// as many as one Amadeus search may ask for.
const MaxPassengers = 9

// Legacy reports whether p is the zero mix of a version 1 key.
func (p Passengers) Legacy() bool { return p == Passengers{} }

// String renders the mix as it stands in the canonical key:
// "adults=2,children=0,infants=0".
func (p Passengers) String() string { return string(p.append(nil)) }

func (p *Passengers) append(b []byte) []byte {
	b = strconv.AppendInt(append(b, "adults="...), int64(p.Adults), 10)
	b = strconv.AppendInt(append(b, ",children="...), int64(p.Children), 10)
	return strconv.AppendInt(append(b, ",infants="...), int64(p.Infants), 10)
}

// Key versions prefix the canonical form so that a change of the key
// yields new identifiers instead of colliding with old ones. Version 2
// added the passenger mix; a key with the zero mix keeps its version 1
// form and identifier, so series indexed before stay as they were.
const (
	keyVersion1 = "fare.v1"
	keyVersion  = "fare.v2"
)

// Canonical returns the canonical text of the key that its identifier is the
// hash of: the fields in a fixed order, joined by "|", prefixed by the key
// version, with the non-stop flag as "1" or "0" and the passenger mix last:
//
//	fare.v2|amadeus|ICN|NRT|2027-01-05||ECONOMY|1|KE|KRW|adults=1,children=0,infants=0
//
// A key with the zero mix (version 1) has no mix and the prefix fare.v1.
func (k SeriesKey) Canonical() string {
	var buf [160]byte
	return string(k.appendCanonical(buf[:0]))
}

func (k *SeriesKey) appendCanonical(b []byte) []byte {
	legacy := k.Passengers.Legacy()
	if legacy {
		b = append(b, keyVersion1...)
	} else {
		b = append(b, keyVersion...)
	}
	for _, f := range [...]string{k.Source, k.Origin, k.Destination, k.Departure, k.Return, k.Cabin} {
		b = append(append(b, '|'), f...)
	}
	nonStop := byte('0')
	if k.NonStop {
		nonStop = '1'
	}
	b = append(b, '|', nonStop, '|')
	b = append(b, k.Carrier...)
	b = append(append(b, '|'), k.Currency...)
	if legacy {
		return b
	}
	return k.Passengers.append(append(b, '|'))
}

// ID returns the series identifier: the first 16 bytes of the SHA-256 of
// Canonical, in lower-case hex (32 characters).
func (k SeriesKey) ID() string {
	h := k.id()
	return string(h[:])
}

// id computes ID without allocating.
func (k *SeriesKey) id() hexID {
	var buf [160]byte
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
