package raw

import (
	"encoding/json"
	"time"
)

// Search is one query to a fare provider: one route, one departure date and,
// for a round trip, one return date.
type Search struct {
	Origin      string `json:"origin"`
	Destination string `json:"destination"`
	Departure   string `json:"departure_date"`
	Return      string `json:"return_date,omitempty"`
	Adults      int    `json:"adults"`
	Cabin       string `json:"cabin,omitempty"`
	NonStop     bool   `json:"non_stop,omitempty"`
	Currency    string `json:"currency,omitempty"`
	Max         int    `json:"max,omitempty"`
}

// Key returns a stable text naming the search, for checkpoints and logs:
// "ICN-NRT 2027-01-05/2027-01-12 ECONOMY".
func (s Search) Key() string {
	k := s.Origin + "-" + s.Destination + " " + s.Departure
	if s.Return != "" {
		k += "/" + s.Return
	}
	if s.Cabin != "" {
		k += " " + s.Cabin
	}
	if s.NonStop {
		k += " nonstop"
	}
	if s.Currency != "" {
		k += " " + s.Currency
	}
	return k
}

// Envelope is one provider response as fetched: which provider, what was
// asked, when, the HTTP status and the response body untouched.
type Envelope struct {
	Provider  string          `json:"provider"`
	Search    Search          `json:"request"`
	FetchedAt time.Time       `json:"fetched_at"`
	Status    int             `json:"status"`
	Body      json.RawMessage `json:"body"`
}
