package amadeus

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/raw"
)

// Record is one envelope as transform reads it: the envelope fields with the
// body decoded in the same pass into just the parts that become
// observations. Decoding once, into few fields, keeps transform fast.
type Record struct {
	Provider  string     `json:"provider"`
	Search    raw.Search `json:"request"`
	FetchedAt time.Time  `json:"fetched_at"`
	Status    int        `json:"status"`
	Body      Answer     `json:"body"`
}

// Answer is the body of a Flight Offers Search answer, reduced to what
// becomes observations.
type Answer struct {
	Data     []offer `json:"data"`
	Errors   []Issue `json:"errors"`
	Warnings []Issue `json:"warnings"`
}

type offer struct {
	ID                     string            `json:"id"`
	Itineraries            []itinerary       `json:"itineraries"`
	Price                  offerPrice        `json:"price"`
	ValidatingAirlineCodes []string          `json:"validatingAirlineCodes"`
	TravelerPricings       []travelerPricing `json:"travelerPricings"`

	// json is the offer as the answer gives it, for the quarantine.
	json []byte
}

// UnmarshalJSON decodes the offer and keeps a copy of its text, as the
// fast path of Decode keeps it.
func (o *offer) UnmarshalJSON(b []byte) error {
	type plain offer
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	o.json = append([]byte(nil), b...)
	return nil
}

type itinerary struct {
	Segments []segment `json:"segments"`
}

type segment struct {
	Departure     endPoint `json:"departure"`
	Arrival       endPoint `json:"arrival"`
	CarrierCode   string   `json:"carrierCode"`
	Number        string   `json:"number"`
	NumberOfStops int      `json:"numberOfStops"`
}

type endPoint struct {
	IATACode string    `json:"iataCode"`
	At       localTime `json:"at"`
}

// localTime is the local time of a departure or an arrival as a Record
// keeps it: its date (YYYY-MM-DD) when the text is a local time as the API
// gives it (YYYY-MM-DDThh:mm:ss), else the text itself, for readTrip to
// refuse. Only the date is read; keeping just it lets the decoder reuse
// the strings of dates, which repeat, rather than make one per time.
type localTime string

// UnmarshalJSON keeps the date of a local time, as the decoder does.
func (t *localTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if isLocalTime(s) {
		s = s[:len(fare.DateLayout)]
	}
	*t = localTime(s)
	return nil
}

// isLocalTime reports whether s is a local time, YYYY-MM-DDThh:mm:ss, of a
// real date. It does what time.Parse with that layout does, without
// allocating.
func isLocalTime[S string | []byte](s S) bool {
	if len(s) != len("2006-01-02T15:04:05") || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	num := func(i, n int) int {
		v := 0
		for j := i; j < i+n; j++ {
			if s[j] < '0' || s[j] > '9' {
				return -1
			}
			v = v*10 + int(s[j]-'0')
		}
		return v
	}
	y, m, d := num(0, 4), num(5, 2), num(8, 2)
	hh, mm, ss := num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || m < 1 || m > 12 || d < 1 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

type travelerPricing struct {
	TravelerType         string       `json:"travelerType"`
	FareDetailsBySegment []fareDetail `json:"fareDetailsBySegment"`
}

type fareDetail struct {
	Cabin string `json:"cabin"`
}

// OfferError is one offer of an answer that could not become an
// observation, with the offer's JSON so the quarantine holds what was
// refused.
type OfferError struct {
	Offer int    // index in data[]
	ID    string // the offer's id
	Err   error
	JSON  json.RawMessage // the offer as the answer gave it
}

func (e *OfferError) Error() string {
	return fmt.Sprintf("offer %d (id %q): %v", e.Offer, e.ID, e.Err)
}

func (e *OfferError) Unwrap() error { return e.Err }

// Convert turns a decoded envelope into observations (see Result). A
// problem with the envelope as a whole (a failed answer, an invalid
// search) is returned as err with no result.
func (r *Record) Convert() (*Result, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	return r.Body.convert(r.Provider, &r.Search, r.FetchedAt)
}

// check reports what makes the whole envelope unusable.
func (r *Record) check() error {
	if r.Status != 200 {
		return fmt.Errorf("provider answered HTTP %d%s", r.Status, issueText(r.Body.Errors))
	}
	return nil
}

// issueText is ": <code> <title> <detail>" of the first of a list of
// errors, redacted, or nothing when there is none.
func issueText(issues []Issue) string {
	if len(issues) == 0 {
		return ""
	}
	e := issues[0]
	// The answer carries no credentials of its own: redact removes what
	// looks like one.
	return strings.TrimRight(fmt.Sprintf(": %d %s %s", e.Code, redact(e.Title), redact(e.Detail)), " ")
}
