package amadeus

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

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
	IATACode string `json:"iataCode"`
	At       string `json:"at"`
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
