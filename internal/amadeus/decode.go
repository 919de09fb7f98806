package amadeus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/jsonscan"
	"github.com/farepipe/farepipe/internal/raw"
)

// Decode decodes one envelope line. It reads the fields of a Record
// straight from the line and falls back to encoding/json for anything its
// fast path does not take (see decoder), so the result and any error are
// those of json.Unmarshal.
func Decode(line []byte) (*Record, error) {
	var r Record
	if d := newDecoder(line); d.record(&r) {
		return &r, nil
	}
	r = Record{}
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("decoding envelope: %w", err)
	}
	return &r, nil
}

// DecodeAnswer decodes the body of a Flight Offers Search answer, as
// Decode decodes an envelope: on the fast path when it can, else with
// encoding/json, with the same results and errors.
func DecodeAnswer(body []byte) (*Answer, error) {
	var a Answer
	if d := newDecoder(body); d.answer(&a) && d.AtEnd() {
		return &a, nil
	}
	a = Answer{}
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("decoding answer: %w", err)
	}
	return &a, nil
}

// decoder is the fast path of Decode: a single pass over the line that
// validates it as JSON, keeps the fields of a Record and skips the rest
// without building anything. It gives up (returns false) rather than guess
// wherever encoding/json has rules of its own (see package jsonscan): an
// escape or invalid UTF-8 in a kept string or key, null or a type mismatch
// in a kept field, a key matching a field only case-insensitively, a field
// given twice, any syntax error. Decode then runs encoding/json on the
// line, so the fast path changes speed, never results or errors.
type decoder struct {
	jsonscan.Scanner
	line []byte     // what the scanner reads
	seen [64]string // short strings already made, by a hash of their bytes

	// Arenas: the elements of every array of one type in the line, so
	// that a line costs a few allocations rather than one per array.
	offers  []offer
	itins   []itinerary
	segs    []segment
	pricing []travelerPricing
	details []fareDetail
	codes   []string
	issues  []Issue
}

func newDecoder(line []byte) *decoder {
	return &decoder{Scanner: jsonscan.New(line), line: line}
}

// The fields of each decoded object, in the order of the switches below.
var (
	recordFields    = []string{"provider", "request", "fetched_at", "status", "body"}
	searchFields    = []string{"origin", "destination", "departure_date", "return_date", "adults", "cabin", "non_stop", "currency", "max"}
	bodyFields      = []string{"data", "errors", "warnings"}
	offerFields     = []string{"id", "itineraries", "price", "validatingAirlineCodes", "travelerPricings"}
	itineraryFields = []string{"segments"}
	segmentFields   = []string{"carrierCode", "numberOfStops", "departure", "arrival", "number"}
	endPointFields  = []string{"iataCode", "at"}
	priceFields     = []string{"currency", "total", "base", "grandTotal"}
	pricingFields   = []string{"fareDetailsBySegment", "travelerType"}
	detailFields    = []string{"cabin"}
	issueFields     = []string{"status", "code", "title", "detail"}
)

func (d *decoder) record(r *Record) bool {
	ok := d.Object(recordFields, func(f int) bool {
		switch f {
		case 0:
			return d.str(&r.Provider)
		case 1:
			return d.search(&r.Search)
		case 2:
			return d.time(&r.FetchedAt)
		case 3:
			return d.Int(&r.Status)
		default:
			return d.answer(&r.Body)
		}
	})
	return ok && d.AtEnd()
}

func (d *decoder) answer(a *Answer) bool {
	return d.Object(bodyFields, func(f int) bool {
		switch f {
		case 0:
			return list(d, &d.offers, &a.Data, d.offer)
		case 1:
			return list(d, &d.issues, &a.Errors, d.issue)
		default:
			return list(d, &d.issues, &a.Warnings, d.issue)
		}
	})
}

func (d *decoder) search(s *raw.Search) bool {
	return d.Object(searchFields, func(f int) bool {
		switch f {
		case 0:
			return d.str(&s.Origin)
		case 1:
			return d.str(&s.Destination)
		case 2:
			return d.str(&s.Departure)
		case 3:
			return d.str(&s.Return)
		case 4:
			return d.Int(&s.Adults)
		case 5:
			return d.str(&s.Cabin)
		case 6:
			return d.Bool(&s.NonStop)
		case 7:
			return d.str(&s.Currency)
		default:
			return d.Int(&s.Max)
		}
	})
}

func (d *decoder) offer(o *offer) bool {
	d.Next()
	start := d.Pos()
	ok := d.Object(offerFields, func(f int) bool {
		switch f {
		case 0:
			return d.str(&o.ID)
		case 1:
			return list(d, &d.itins, &o.Itineraries, func(it *itinerary) bool {
				return d.Object(itineraryFields, func(int) bool { return list(d, &d.segs, &it.Segments, d.segment) })
			})
		case 2:
			return d.price(&o.Price)
		case 3:
			return list(d, &d.codes, &o.ValidatingAirlineCodes, d.str)
		default:
			return list(d, &d.pricing, &o.TravelerPricings, func(tp *travelerPricing) bool {
				return d.Object(pricingFields, func(f int) bool {
					if f == 1 {
						return d.str(&tp.TravelerType)
					}
					return list(d, &d.details, &tp.FareDetailsBySegment, func(fd *fareDetail) bool {
						return d.Object(detailFields, func(int) bool { return d.str(&fd.Cabin) })
					})
				})
			})
		}
	})
	if ok {
		o.json = d.line[start:d.Pos():d.Pos()]
	}
	return ok
}

func (d *decoder) segment(s *segment) bool {
	return d.Object(segmentFields, func(f int) bool {
		switch f {
		case 0:
			return d.str(&s.CarrierCode)
		case 1:
			return d.Int(&s.NumberOfStops)
		case 2:
			return d.endPoint(&s.Departure)
		case 3:
			return d.endPoint(&s.Arrival)
		default:
			return d.str(&s.Number)
		}
	})
}

func (d *decoder) endPoint(e *endPoint) bool {
	return d.Object(endPointFields, func(f int) bool {
		if f == 0 {
			return d.str(&e.IATACode)
		}
		return d.localTime(&e.At)
	})
}

// localTime reads a local time as localTime.UnmarshalJSON does.
func (d *decoder) localTime(t *localTime) bool {
	s, plain, ok := d.RawString()
	if !ok || !plain && (bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s)) {
		return false
	}
	if isLocalTime(s) {
		s = s[:len(fare.DateLayout)]
	}
	*t = localTime(d.intern(s))
	return true
}

func (d *decoder) price(p *offerPrice) bool {
	return d.Object(priceFields, func(f int) bool {
		switch f {
		case 0:
			return d.str(&p.Currency)
		case 1:
			return d.amount(&p.Total)
		case 2:
			return d.amount(&p.Base)
		default:
			return d.amount(&p.GrandTotal)
		}
	})
}

func (d *decoder) issue(is *Issue) bool {
	return d.Object(issueFields, func(f int) bool {
		switch f {
		case 0:
			return d.Int(&is.Status)
		case 1:
			return d.Int(&is.Code)
		case 2:
			return d.str(&is.Title)
		default:
			return d.str(&is.Detail)
		}
	})
}

// list reads an array into *p, decoding each element with elem at the end
// of arena. The elements of one array are consecutive there, and *p is
// capped at its last one, so appending to it never touches another's. An
// empty array gives an empty slice, not nil, as with encoding/json.
func list[T any](d *decoder, arena *[]T, p *[]T, elem func(*T) bool) bool {
	if !d.Consume('[') {
		return false
	}
	if d.Consume(']') {
		*p = []T{}
		return true
	}
	if *arena == nil {
		*arena = make([]T, 0, 16)
	}
	start := len(*arena)
	for {
		var zero T
		*arena = append(*arena, zero)
		if !elem(&(*arena)[len(*arena)-1]) {
			return false
		}
		if d.Consume(',') {
			continue
		}
		if !d.Consume(']') {
			return false
		}
		end := len(*arena)
		*p = (*arena)[start:end:end]
		return true
	}
}

// str reads a string that needs no decoding, as jsonscan.Scanner.Text
// does, one call shorter: strings are most of an envelope.
func (d *decoder) str(p *string) bool {
	s, plain, ok := d.RawString()
	if !ok || !plain && (bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s)) {
		return false
	}
	*p = d.intern(s)
	return true
}

// intern returns s as a string, reusing one made before from the same line
// when s is short: codes (carriers, cabins, currencies) repeat in every
// offer, and so do the local times of flights that several offers share.
func (d *decoder) intern(s []byte) string {
	if len(s) == 0 || len(s) > 19 {
		return string(s)
	}
	h := &d.seen[fnv1a(s)%uint64(len(d.seen))]
	if *h != string(s) {
		*h = string(s)
	}
	return *h
}

// fnv1a is the 64-bit FNV-1a hash of b.
func fnv1a(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// time reads an RFC 3339 time as time.Time.UnmarshalJSON does, from a
// string without escapes.
func (d *decoder) time(p *time.Time) bool {
	s, plain, ok := d.RawString()
	if !ok || !plain && bytes.IndexByte(s, '\\') >= 0 {
		return false
	}
	return p.UnmarshalText(s) == nil
}
