package amadeus

import (
	"fmt"
	"slices"
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
	Body      struct {
		Data   []offer `json:"data"`
		Errors []Issue `json:"errors"`
	} `json:"body"`
}

type offer struct {
	ID                     string            `json:"id"`
	Itineraries            []itinerary       `json:"itineraries"`
	Price                  offerPrice        `json:"price"`
	ValidatingAirlineCodes []string          `json:"validatingAirlineCodes"`
	TravelerPricings       []travelerPricing `json:"travelerPricings"`
}

type itinerary struct {
	Segments []segment `json:"segments"`
}

type segment struct {
	CarrierCode   string `json:"carrierCode"`
	NumberOfStops int    `json:"numberOfStops"`
}

type travelerPricing struct {
	FareDetailsBySegment []fareDetail `json:"fareDetailsBySegment"`
}

type fareDetail struct {
	Cabin string `json:"cabin"`
}

// OfferError is one offer of a response that could not become an
// observation.
type OfferError struct {
	Offer int    // index in data[]
	ID    string // the offer's id
	Err   error
}

func (e *OfferError) Error() string {
	return fmt.Sprintf("offer %d (id %q): %v", e.Offer, e.ID, e.Err)
}

func (e *OfferError) Unwrap() error { return e.Err }

// Observations turns a decoded envelope into observations: one per series
// key, holding the cheapest valid offer of that key, sorted by series id.
// A problem with the envelope as a whole (a failed response, an invalid
// search) is returned as err with no observations; a problem with single
// offers is returned per offer, and the other offers still count.
func (r *Record) Observations() (obs []fare.Observation, bad []*OfferError, err error) {
	if err := r.check(); err != nil {
		return nil, nil, err
	}
	type best struct {
		key    fare.SeriesKey
		price  fare.Money
		offers int
	}
	// A response holds a few series: a linear search beats a map, and a
	// small slice of them stays on the stack.
	cheapest := make([]best, 0, 16)
	for i := range r.Body.Data {
		o := &r.Body.Data[i]
		key, price, err := r.offerKey(o)
		if err != nil {
			bad = append(bad, &OfferError{Offer: i, ID: o.ID, Err: err})
			continue
		}
		j := 0
		for j < len(cheapest) && cheapest[j].key != key {
			j++
		}
		if j == len(cheapest) {
			cheapest = append(cheapest, best{key: key, price: price, offers: 1})
			continue
		}
		b := &cheapest[j]
		b.offers++
		if price.Minor < b.price.Minor {
			b.price = price
		}
	}
	obs = make([]fare.Observation, 0, len(cheapest))
	for i := range cheapest {
		b := &cheapest[i]
		obs = append(obs, fare.NewObservation(b.key, r.FetchedAt, b.price, b.offers))
	}
	slices.SortFunc(obs, func(a, b fare.Observation) int { return strings.Compare(a.SeriesID, b.SeriesID) })
	return obs, bad, nil
}

// check reports what makes the whole envelope unusable.
func (r *Record) check() error {
	if r.Status != 200 {
		detail := ""
		if len(r.Body.Errors) > 0 {
			e := r.Body.Errors[0]
			// The record carries no credentials of its own: redact
			// removes what looks like one.
			detail = fmt.Sprintf(": %d %s %s", e.Code, redact(e.Title), redact(e.Detail))
		}
		return fmt.Errorf("provider answered HTTP %d%s", r.Status, strings.TrimRight(detail, " "))
	}
	if r.Provider == "" {
		return &fare.FieldError{Field: "provider", Reason: "missing"}
	}
	if r.FetchedAt.IsZero() {
		return &fare.FieldError{Field: "fetched_at", Reason: "missing"}
	}
	s := r.Search
	probe := fare.SeriesKey{Source: r.Provider, Origin: s.Origin, Destination: s.Destination,
		Departure: s.Departure, Return: s.Return, Cabin: fare.Cabins[0], Carrier: "XX", Currency: "USD"}
	if err := probe.Validate(); err != nil {
		return fmt.Errorf("request: %w", err)
	}
	return nil
}

func (r *Record) offerKey(o *offer) (fare.SeriesKey, fare.Money, error) {
	key := fare.SeriesKey{
		Source:      r.Provider,
		Origin:      r.Search.Origin,
		Destination: r.Search.Destination,
		Departure:   r.Search.Departure,
		Return:      r.Search.Return,
		Currency:    o.Price.Currency,
		NonStop:     len(o.Itineraries) > 0,
	}
	for _, it := range o.Itineraries {
		if len(it.Segments) != 1 || it.Segments[0].NumberOfStops != 0 {
			key.NonStop = false
		}
	}
	switch {
	case len(o.ValidatingAirlineCodes) > 0:
		key.Carrier = o.ValidatingAirlineCodes[0]
	case len(o.Itineraries) > 0 && len(o.Itineraries[0].Segments) > 0:
		key.Carrier = o.Itineraries[0].Segments[0].CarrierCode
	}
	if len(o.TravelerPricings) > 0 && len(o.TravelerPricings[0].FareDetailsBySegment) > 0 {
		key.Cabin = o.TravelerPricings[0].FareDetailsBySegment[0].Cabin
	}
	if key.Cabin == "" {
		key.Cabin = r.Search.Cabin
	}
	// check has validated the fields that come from the request, so only
	// the offer's own can be wrong; Validate says how.
	if !slices.Contains(fare.Cabins, key.Cabin) || !fare.ValidCarrier(key.Carrier) || !knownCurrency(key.Currency) {
		if err := key.Validate(); err != nil {
			return key, fare.Money{}, err
		}
	}
	price, err := o.price()
	return key, price, err
}

func knownCurrency(c string) bool {
	_, ok := fare.MinorUnits(c)
	return ok
}
