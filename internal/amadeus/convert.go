package amadeus

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/raw"
)

// Result is what one answer became: one observation per series key,
// holding the cheapest valid offer of that key, sorted by series id; the
// offers refused, each with its reason and JSON; and the answer's
// warnings.
type Result struct {
	Observations []fare.Observation
	Rejected     []*OfferError
	// Offers counts the distinct offers of the answer: an offer given
	// again (the same flights, cabins, travellers and price under another
	// id) counts once, in Offers and in its observation, and is counted
	// in Repeated.
	Offers   int
	Repeated int
	// Warnings are the answer's warnings; an answer without offers
	// usually says why in one.
	Warnings []Issue
}

// Empty reports whether the answer held no offer at all.
func (r *Result) Empty() bool { return r.Offers == 0 && r.Repeated == 0 && len(r.Rejected) == 0 }

// WarningCodes returns the codes of the answer's warnings, as text: the
// numeric code, or the title when there is none.
func (r *Result) WarningCodes() []string {
	codes := make([]string, 0, len(r.Warnings))
	for _, w := range r.Warnings {
		if w.Code != 0 {
			codes = append(codes, strconv.Itoa(w.Code))
		} else {
			codes = append(codes, redact(w.Title))
		}
	}
	return codes
}

// Convert turns one Flight Offers Search answer (the JSON body of a
// successful search) into observations of source at fetchedAt. The
// search, when known, bounds the offers: one whose airports or dates
// contradict it is refused, never indexed. With no search (nil), every
// value of the series key comes from the offers alone.
//
// An answer that is not JSON of an answer, holds errors instead of data,
// or an invalid source, instant or search is an error with no result; a
// bad offer is refused on its own and the others still count.
func Convert(source string, search *raw.Search, answer []byte, fetchedAt time.Time) (*Result, error) {
	a, err := DecodeAnswer(answer)
	if err != nil {
		return nil, err
	}
	switch {
	case a.Data == nil && len(a.Errors) > 0:
		return nil, fmt.Errorf("provider answered errors%s", issueText(a.Errors))
	case a.Data == nil:
		return nil, &fare.FieldError{Field: "data", Reason: "missing: not a Flight Offers Search answer"}
	}
	return a.convert(source, search, fetchedAt)
}

// convert is Convert of a decoded answer.
func (a *Answer) convert(source string, search *raw.Search, fetchedAt time.Time) (*Result, error) {
	probe := fare.SeriesKey{Source: source, Origin: "AAA", Destination: "BBB", Departure: "2000-01-01",
		Cabin: fare.Cabins[0], Carrier: "XX", Currency: "USD"}
	if search != nil {
		probe.Origin, probe.Destination, probe.Departure, probe.Return = search.Origin, search.Destination, search.Departure, search.Return
	}
	if err := probe.Validate(); err != nil {
		if fe := fare.FieldErrors(err); len(fe) > 0 && fe[0].Field == "source" {
			return nil, fmt.Errorf("provider: %w", err)
		}
		return nil, fmt.Errorf("request: %w", err)
	}
	if fetchedAt.IsZero() {
		return nil, &fare.FieldError{Field: "fetched_at", Reason: "missing"}
	}
	type best struct {
		key    fare.SeriesKey
		offer  *offer
		price  fare.Money
		offers int
	}
	res := &Result{Warnings: a.Warnings}
	// An answer holds a few series: a linear search beats a map, and a
	// small slice of them stays on the stack.
	cheapest := make([]best, 0, 16)
	seen := fingerprints{buf: make([]byte, 0, 256*len(a.Data)), ends: make([]int, 0, len(a.Data)),
		hashes: make([]uint64, 0, len(a.Data))}
	for i := range a.Data {
		o := &a.Data[i]
		key, price, err := offerKey(source, search, o)
		if err != nil {
			res.Rejected = append(res.Rejected, &OfferError{Offer: i, ID: o.ID, Err: err, JSON: o.json})
			continue
		}
		if seen.add(o) {
			res.Repeated++
			continue
		}
		res.Offers++
		j := 0
		for j < len(cheapest) && cheapest[j].key != key {
			j++
		}
		if j == len(cheapest) {
			cheapest = append(cheapest, best{key: key, offer: o, price: price, offers: 1})
			continue
		}
		b := &cheapest[j]
		b.offers++
		if price.Minor < b.price.Minor {
			b.offer, b.price = o, price
		}
	}
	res.Observations = make([]fare.Observation, 0, len(cheapest))
	for i := range cheapest {
		b := &cheapest[i]
		ob := fare.NewObservation(b.key, fetchedAt, b.price, b.offers)
		// offerKey has checked the breakdown of every offer it took.
		ob.Breakdown, _ = fare.NewBreakdown(b.price, b.offer.Price.Base.text, b.offer.Price.GrandTotal.text)
		res.Observations = append(res.Observations, ob)
	}
	slices.SortFunc(res.Observations, func(a, b fare.Observation) int { return strings.Compare(a.SeriesID, b.SeriesID) })
	return res, nil
}

// fingerprints are those of the offers of one answer so far, one after
// the other in one buffer, each with its hash: an answer holds at most a
// few hundred offers, so a scan of the hashes beats a map of strings.
type fingerprints struct {
	buf    []byte
	ends   []int
	hashes []uint64
}

// add adds the fingerprint of o and reports whether it was there already.
func (f *fingerprints) add(o *offer) bool {
	start := len(f.buf)
	f.buf = o.fingerprint(f.buf)
	fp := f.buf[start:]
	sum := fnv1a(fp)
	for i, other := range f.hashes {
		prev := 0
		if i > 0 {
			prev = f.ends[i-1]
		}
		if other == sum && bytes.Equal(f.buf[prev:f.ends[i]], fp) {
			f.buf = f.buf[:start]
			return true
		}
	}
	f.ends = append(f.ends, len(f.buf))
	f.hashes = append(f.hashes, sum)
	return false
}

// fingerprint appends what makes an offer the offer it is, all but its id:
// its flights, cabins, travellers, carriers and price. Two offers of one
// answer with the same fingerprint are one offer given twice.
func (o *offer) fingerprint(b []byte) []byte {
	for _, it := range o.Itineraries {
		b = append(b, '>')
		for _, s := range it.Segments {
			b = append(b, s.CarrierCode...)
			b = append(b, s.Number...)
			b = append(append(b, ' '), s.Departure.IATACode...)
			b = append(b, s.Departure.At...) // the date: with the flight number, the flight
			b = append(append(b, ' '), s.Arrival.IATACode...)
			b = append(b, s.Arrival.At...)
			b = strconv.AppendInt(append(b, ' '), int64(s.NumberOfStops), 10)
			b = append(b, ';')
		}
	}
	for _, tp := range o.TravelerPricings {
		b = append(append(b, '/'), tp.TravelerType...)
		for _, d := range tp.FareDetailsBySegment {
			b = append(append(b, ' '), d.Cabin...)
		}
	}
	for _, c := range o.ValidatingAirlineCodes {
		b = append(append(b, '#'), c...)
	}
	p := &o.Price
	for _, s := range [...]string{p.Currency, p.Total.text, p.Base.text, p.GrandTotal.text} {
		b = append(append(b, '$'), s...)
	}
	return b
}

// offerKey reads the series key and price of an offer from what the offer
// itself prices, checked against the search when there is one.
func offerKey(source string, search *raw.Search, o *offer) (fare.SeriesKey, fare.Money, error) {
	t, err := readTrip(o)
	if err != nil {
		return fare.SeriesKey{}, fare.Money{}, err
	}
	if search != nil {
		if err := t.bound(search); err != nil {
			return fare.SeriesKey{}, fare.Money{}, err
		}
	}
	key := fare.SeriesKey{Source: source, Origin: t.origin, Destination: t.destination,
		Departure: t.departure, Return: t.ret, NonStop: t.nonStop, Currency: o.Price.Currency}
	switch {
	case len(o.ValidatingAirlineCodes) > 0:
		key.Carrier = o.ValidatingAirlineCodes[0]
	default:
		key.Carrier = o.Itineraries[0].Segments[0].CarrierCode
	}
	if key.Cabin, err = cabinOf(o); err != nil {
		return key, fare.Money{}, err
	}
	if key.Cabin == "" && search != nil {
		key.Cabin = search.Cabin
	}
	if key.Passengers, err = passengers(o); err != nil {
		return key, fare.Money{}, err
	}
	// A search names adults only (farepipe's searches ask for no
	// children or infants).
	if search != nil && search.Adults > 0 && key.Passengers != (fare.Passengers{Adults: search.Adults}) {
		return key, fare.Money{}, &fare.FieldError{Field: "passengers", Value: key.Passengers.String(),
			Reason: "the offer prices other travellers than the search's " + strconv.Itoa(search.Adults) + " adults"}
	}
	if err := key.Validate(); err != nil {
		return key, fare.Money{}, err
	}
	price, err := o.price()
	return key, price, err
}
