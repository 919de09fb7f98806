package amadeus

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/raw"
)

// trip is what an offer's own itineraries say was priced.
type trip struct {
	origin, destination string    // first departure and last arrival airports of the outbound
	departure, ret      string    // local dates of the outbound's and the inbound's first departure
	nonStop             bool      // every itinerary is one segment without a stop
	back                [2]string // first departure and last arrival airports of the inbound
}

// readTrip reads the trip of an offer: one itinerary (one way) or two (the
// outbound and the inbound of a round trip), each a chain of segments.
func readTrip(o *offer) (trip, error) {
	var t trip
	switch n := len(o.Itineraries); n {
	case 1, 2:
	default:
		return t, &fare.FieldError{Field: "itineraries", Value: strconv.Itoa(n),
			Reason: "want one (one way) or two (round trip)"}
	}
	t.nonStop = true
	for i, it := range o.Itineraries {
		segs := it.Segments
		if len(segs) == 0 {
			return t, &fare.FieldError{Field: fmt.Sprintf("itineraries[%d].segments", i), Reason: "none"}
		}
		for j, s := range segs {
			for _, a := range [...]string{s.Departure.IATACode, s.Arrival.IATACode} {
				if !fare.ValidIATA(a) {
					return t, &fare.FieldError{Field: fmt.Sprintf("itineraries[%d].segments[%d] airport", i, j), Value: a,
						Reason: "not an IATA airport code (three letters A-Z)"}
				}
			}
		}
		if len(segs) != 1 || segs[0].NumberOfStops != 0 {
			t.nonStop = false
		}
		first, last := segs[0], segs[len(segs)-1]
		date, err := localDate(first.Departure.At)
		if err != nil {
			return t, &fare.FieldError{Field: fmt.Sprintf("itineraries[%d].segments[0].departure.at", i),
				Value: string(first.Departure.At), Reason: err.Error()}
		}
		if i == 0 {
			t.origin, t.destination, t.departure = first.Departure.IATACode, last.Arrival.IATACode, date
		} else {
			t.back, t.ret = [2]string{first.Departure.IATACode, last.Arrival.IATACode}, date
		}
	}
	if t.origin == t.destination {
		return t, &fare.FieldError{Field: "itineraries[0]", Value: t.origin, Reason: "ends where it starts"}
	}
	if t.ret != "" {
		if !fare.SameCity(t.back[0], t.destination) || !fare.SameCity(t.back[1], t.origin) {
			return t, &fare.FieldError{Field: "itineraries[1]", Value: t.back[0] + "-" + t.back[1],
				Reason: "not the way back of " + t.origin + "-" + t.destination + " (an open jaw is no series)"}
		}
		if t.ret < t.departure {
			return t, &fare.FieldError{Field: "itineraries[1]", Value: t.ret, Reason: "departs before the outbound " + t.departure}
		}
	}
	return t, nil
}

// localDate is the date of a local time as a Record keeps it (see
// localTime).
func localDate(at localTime) (string, error) {
	if _, err := time.Parse(fare.DateLayout, string(at)); err != nil {
		return "", errors.New("not a local time (YYYY-MM-DDThh:mm:ss)")
	}
	return string(at), nil
}

// bound checks a trip against the search that asked for it: the airports
// are the searched ones or airports of the searched city, the dates are
// the searched dates, a one-way search has one-way offers and a round trip
// search round trips, a non-stop search non-stop offers.
func (t *trip) bound(s *raw.Search) error {
	var errs []error
	bad := func(field, value, reason string) {
		errs = append(errs, &fare.FieldError{Field: field, Value: value, Reason: reason})
	}
	if !fare.Serves(s.Origin, t.origin) {
		bad("origin", t.origin, "the offer departs from "+t.origin+", the search asked for "+s.Origin)
	}
	if !fare.Serves(s.Destination, t.destination) {
		bad("destination", t.destination, "the offer arrives at "+t.destination+", the search asked for "+s.Destination)
	}
	if t.departure != s.Departure {
		bad("departure_date", t.departure, "the offer departs on "+t.departure+", the search asked for "+s.Departure)
	}
	switch {
	case s.Return == "" && t.ret != "":
		bad("return_date", t.ret, "a round trip offer for a one-way search")
	case s.Return != "" && t.ret == "":
		bad("return_date", "", "a one-way offer for a round trip search returning "+s.Return)
	case t.ret != s.Return:
		bad("return_date", t.ret, "the offer returns on "+t.ret+", the search asked for "+s.Return)
	}
	if s.NonStop && !t.nonStop {
		bad("non_stop", "false", "an offer with stops for a non-stop search")
	}
	return errors.Join(errs...)
}

// cabinOf is the cabin every segment of the offer is flown in, for every
// traveller, or fare.CabinMixed when they differ; empty when the offer
// gives no fare details.
func cabinOf(o *offer) (string, error) {
	cabin := ""
	for _, tp := range o.TravelerPricings {
		for _, d := range tp.FareDetailsBySegment {
			if !fare.ValidCabin(d.Cabin) || d.Cabin == fare.CabinMixed {
				return "", &fare.FieldError{Field: "cabin", Value: d.Cabin, Reason: "unknown cabin"}
			}
			switch cabin {
			case "":
				cabin = d.Cabin
			case d.Cabin:
			default:
				cabin = fare.CabinMixed
			}
		}
	}
	return cabin, nil
}

// passengers counts the travellers an offer prices by age group: ADULT,
// CHILD, and HELD_INFANT or SEATED_INFANT. SENIOR, YOUNG and STUDENT,
// which only a search of the POST form asks for, have no group of their
// own in the key and refuse the offer.
func passengers(o *offer) (fare.Passengers, error) {
	var p fare.Passengers
	for _, tp := range o.TravelerPricings {
		switch tp.TravelerType {
		case "ADULT":
			p.Adults++
		case "CHILD":
			p.Children++
		case "HELD_INFANT", "SEATED_INFANT":
			p.Infants++
		default:
			return p, &fare.FieldError{Field: "travelerType", Value: tp.TravelerType,
				Reason: "not ADULT, CHILD, HELD_INFANT or SEATED_INFANT"}
		}
	}
	if p.Legacy() {
		return p, &fare.FieldError{Field: "travelerPricings", Reason: "none: the offer prices nobody"}
	}
	return p, p.Validate()
}
