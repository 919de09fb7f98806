package amadeus

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
	Price                  Price             `json:"price"`
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

// Decode decodes one envelope line. It reads the fields of a Record
// straight from the line and falls back to encoding/json for anything its
// fast path does not take (see decoder), so the result and any error are
// those of json.Unmarshal.
func Decode(line []byte) (*Record, error) {
	var r Record
	if d := (decoder{b: line}); d.record(&r) {
		return &r, nil
	}
	r = Record{}
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("decoding envelope: %w", err)
	}
	return &r, nil
}

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
			detail = fmt.Sprintf(": %d %s %s", e.Code, e.Title, e.Detail)
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
	total := o.Price.GrandTotal
	if total == "" {
		total = o.Price.Total
	}
	price, err := fare.ParseMoney(total, o.Price.Currency)
	if err != nil {
		return key, price, err
	}
	if price.Minor <= 0 {
		return key, price, &fare.FieldError{Field: "price.total", Value: total, Reason: "not positive"}
	}
	return key, price, nil
}

func knownCurrency(c string) bool {
	_, ok := fare.MinorUnits(c)
	return ok
}

// decoder is the fast path of Decode: a single pass over the line that
// validates it as JSON, keeps the fields of a Record and skips the rest
// without building anything. It gives up (returns false) rather than guess
// wherever encoding/json has rules of its own: an escape in a kept string
// or key, invalid UTF-8 in a kept string, null or a type mismatch in a kept
// field, a key matching a field only case-insensitively, a field given
// twice, any syntax error. Decode then runs encoding/json on the line, so
// the fast path changes speed, never results or errors.
type decoder struct {
	b    []byte
	i    int
	seen [32]string // short strings already made, by a hash of their bytes

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

// The fields of each decoded object, in the order of the switches below.
var (
	recordFields    = []string{"provider", "request", "fetched_at", "status", "body"}
	searchFields    = []string{"origin", "destination", "departure_date", "return_date", "adults", "cabin", "non_stop", "currency", "max"}
	bodyFields      = []string{"data", "errors"}
	offerFields     = []string{"id", "itineraries", "price", "validatingAirlineCodes", "travelerPricings"}
	itineraryFields = []string{"segments"}
	segmentFields   = []string{"carrierCode", "numberOfStops"}
	priceFields     = []string{"currency", "total", "base", "grandTotal"}
	pricingFields   = []string{"fareDetailsBySegment"}
	detailFields    = []string{"cabin"}
	issueFields     = []string{"status", "code", "title", "detail"}
)

func (d *decoder) record(r *Record) bool {
	ok := d.object(recordFields, func(f int) bool {
		switch f {
		case 0:
			return d.str(&r.Provider)
		case 1:
			return d.search(&r.Search)
		case 2:
			return d.time(&r.FetchedAt)
		case 3:
			return d.int(&r.Status)
		default:
			return d.object(bodyFields, func(f int) bool {
				if f == 0 {
					return list(d, &d.offers, &r.Body.Data, d.offer)
				}
				return list(d, &d.issues, &r.Body.Errors, d.issue)
			})
		}
	})
	d.ws()
	return ok && d.i == len(d.b)
}

func (d *decoder) search(s *raw.Search) bool {
	return d.object(searchFields, func(f int) bool {
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
			return d.int(&s.Adults)
		case 5:
			return d.str(&s.Cabin)
		case 6:
			return d.bool(&s.NonStop)
		case 7:
			return d.str(&s.Currency)
		default:
			return d.int(&s.Max)
		}
	})
}

func (d *decoder) offer(o *offer) bool {
	return d.object(offerFields, func(f int) bool {
		switch f {
		case 0:
			return d.str(&o.ID)
		case 1:
			return list(d, &d.itins, &o.Itineraries, func(it *itinerary) bool {
				return d.object(itineraryFields, func(int) bool { return list(d, &d.segs, &it.Segments, d.segment) })
			})
		case 2:
			return d.price(&o.Price)
		case 3:
			return list(d, &d.codes, &o.ValidatingAirlineCodes, d.str)
		default:
			return list(d, &d.pricing, &o.TravelerPricings, func(tp *travelerPricing) bool {
				return d.object(pricingFields, func(int) bool {
					return list(d, &d.details, &tp.FareDetailsBySegment, func(fd *fareDetail) bool {
						return d.object(detailFields, func(int) bool { return d.str(&fd.Cabin) })
					})
				})
			})
		}
	})
}

func (d *decoder) segment(s *segment) bool {
	return d.object(segmentFields, func(f int) bool {
		if f == 0 {
			return d.str(&s.CarrierCode)
		}
		return d.int(&s.NumberOfStops)
	})
}

func (d *decoder) price(p *Price) bool {
	return d.object(priceFields, func(f int) bool {
		switch f {
		case 0:
			return d.str(&p.Currency)
		case 1:
			return d.str(&p.Total)
		case 2:
			return d.str(&p.Base)
		default:
			return d.str(&p.GrandTotal)
		}
	})
}

func (d *decoder) issue(is *Issue) bool {
	return d.object(issueFields, func(f int) bool {
		switch f {
		case 0:
			return d.int(&is.Status)
		case 1:
			return d.int(&is.Code)
		case 2:
			return d.str(&is.Title)
		default:
			return d.str(&is.Detail)
		}
	})
}

// object reads an object whose known keys are fields, calling field with
// the index of each known key once the value is next, and skipping the
// values of other keys.
func (d *decoder) object(fields []string, field func(int) bool) bool {
	if d.next() != '{' {
		return false
	}
	d.i++
	if d.next() == '}' {
		d.i++
		return true
	}
	var seen uint32
	for {
		if d.next() != '"' {
			return false
		}
		key, plain, ok := d.scanString()
		if !ok || !plain || d.next() != ':' {
			return false
		}
		d.i++
		f := -1
		for j, name := range fields {
			if len(name) != len(key) {
				continue
			}
			if string(key) == name {
				f = j
				break
			}
			if foldEqual(key, name) {
				return false // encoding/json would take it for the field
			}
		}
		if f < 0 {
			ok = d.skip()
		} else {
			ok = seen&(1<<f) == 0 && field(f)
			seen |= 1 << f
		}
		if !ok {
			return false
		}
		switch d.next() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// list reads an array into *p, decoding each element with elem at the end
// of arena. The elements of one array are consecutive there, and *p is
// capped at its last one, so appending to it never touches another's. An
// empty array gives an empty slice, not nil, as with encoding/json.
func list[T any](d *decoder, arena *[]T, p *[]T, elem func(*T) bool) bool {
	if d.next() != '[' {
		return false
	}
	d.i++
	if d.next() == ']' {
		d.i++
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
		switch d.next() {
		case ',':
			d.i++
		case ']':
			d.i++
			end := len(*arena)
			*p = (*arena)[start:end:end]
			return true
		default:
			return false
		}
	}
}

func (d *decoder) str(p *string) bool {
	if d.next() != '"' {
		return false
	}
	s, plain, ok := d.scanString()
	if !ok || !plain && (bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s)) {
		return false
	}
	*p = d.intern(s)
	return true
}

// intern returns s as a string, reusing one made before from the same line
// when s is short: codes (carriers, cabins, currencies) repeat in every
// offer.
func (d *decoder) intern(s []byte) string {
	if len(s) == 0 || len(s) > 16 {
		return string(s)
	}
	h := &d.seen[(len(s)*7+int(s[0])+int(s[len(s)-1])*3)%len(d.seen)]
	if *h != string(s) {
		*h = string(s)
	}
	return *h
}

func (d *decoder) time(p *time.Time) bool {
	if d.next() != '"' {
		return false
	}
	start := d.i
	if s, plain, ok := d.scanString(); !ok || !plain && bytes.IndexByte(s, '\\') >= 0 {
		return false
	}
	return p.UnmarshalJSON(d.b[start:d.i]) == nil
}

// int reads an integer of at most 9 digits, which fits an int everywhere;
// anything else (a fraction, an exponent, a longer number) is left to
// encoding/json.
func (d *decoder) int(p *int) bool {
	d.ws()
	i, neg := d.i, false
	if i < len(d.b) && d.b[i] == '-' {
		neg = true
		i++
	}
	start, v := i, 0
	for ; i < len(d.b) && d.b[i] >= '0' && d.b[i] <= '9'; i++ {
		v = v*10 + int(d.b[i]-'0')
	}
	n := i - start
	if n == 0 || n > 9 || n > 1 && d.b[start] == '0' {
		return false
	}
	if neg {
		v = -v
	}
	d.i, *p = i, v
	return true
}

func (d *decoder) bool(p *bool) bool {
	switch d.next() {
	case 't':
		*p = true
		return d.literal("true")
	case 'f':
		*p = false
		return d.literal("false")
	}
	return false
}

// skip reads and validates any value. It keeps its own stack of the open
// objects and arrays, a bit a level (set for an object), and leaves values
// nested deeper than 64 levels to encoding/json.
func (d *decoder) skip() bool {
	var stack uint64
	depth := 0
	for {
		// A value is next.
		switch d.next() {
		case '{':
			d.i++
			if d.next() == '}' {
				d.i++
				break
			}
			if depth == 64 {
				return false
			}
			stack |= 1 << depth
			depth++
			if !d.key() {
				return false
			}
			continue
		case '[':
			d.i++
			if d.next() == ']' {
				d.i++
				break
			}
			if depth == 64 {
				return false
			}
			stack &^= 1 << depth
			depth++
			continue
		case '"':
			if _, _, ok := d.scanString(); !ok {
				return false
			}
		case 't':
			if !d.literal("true") {
				return false
			}
		case 'f':
			if !d.literal("false") {
				return false
			}
		case 'n':
			if !d.literal("null") {
				return false
			}
		default:
			if !d.number() {
				return false
			}
		}
		// A value is complete: close the objects and arrays it ends.
		for {
			if depth == 0 {
				return true
			}
			inObject := stack&(1<<(depth-1)) != 0
			switch d.next() {
			case ',':
				d.i++
				if inObject && !d.key() {
					return false
				}
			case '}', ']':
				if (d.b[d.i] == '}') != inObject {
					return false
				}
				d.i++
				depth--
				continue
			default:
				return false
			}
			break
		}
	}
}

// key reads an object key and the colon after it.
func (d *decoder) key() bool {
	if d.next() != '"' {
		return false
	}
	if _, _, ok := d.scanString(); !ok || d.next() != ':' {
		return false
	}
	d.i++
	return true
}

// scanString reads the string whose opening quote is next and returns its
// raw contents, and plain when they hold neither an escape nor a byte of
// 0x80 or more. Escapes are checked, not decoded.
func (d *decoder) scanString() (s []byte, plain, ok bool) {
	b, start := d.b, d.i+1
	i := start
	for i+8 <= len(b) {
		m := special8(binary.LittleEndian.Uint64(b[i:]))
		if m == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(m) / 8
		if b[i] == '"' {
			d.i = i + 1
			return b[start:i], true, true
		}
		break
	}
	return d.scanSlow(start, i)
}

// scanSlow goes on with a string from i, byte by byte.
func (d *decoder) scanSlow(start, i int) (s []byte, plain, ok bool) {
	b := d.b
	plain = true
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case plainByte[c]:
		case c == '"':
			d.i = i + 1
			return b[start:i], plain, true
		case c == '\\':
			plain = false
			i++
			if i >= len(b) {
				return nil, false, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return nil, false, false
				}
				i += 4
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		default:
			plain = false
		}
	}
	return nil, false, false
}

// special8 returns the high bits of the bytes of w (little endian) that
// do not stand for themselves in a JSON string: a quote, a backslash, a
// control character or a byte of 0x80 or more. Subtracting n from a byte
// below n borrows and sets its high bit ("Bit Twiddling Hacks", hasless);
// a borrow only moves into later bytes, so the lowest bit set marks the
// first special byte exactly.
func special8(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := w ^ ('"' * ones)
	slash := w ^ ('\\' * ones)
	return (w | (w - 0x20*ones) | (quote - ones) | (slash - ones)) & highs
}

// plainByte marks the bytes that stand for themselves in a JSON string:
// printable ASCII but the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// number reads a number as the JSON grammar has it.
func (d *decoder) number() bool {
	b, i := d.b, d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return false
		}
		i = j
	}
	d.i = i
	return true
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func (d *decoder) literal(lit string) bool {
	if !bytes.HasPrefix(d.b[d.i:], []byte(lit)) {
		return false
	}
	d.i += len(lit)
	return true
}

// next skips white space and returns the next byte, 0 at the end.
func (d *decoder) next() byte {
	if d.i < len(d.b) && d.b[d.i] > ' ' {
		return d.b[d.i] // compact JSON: no white space between tokens
	}
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// foldEqual reports whether the ASCII key equals name ignoring case.
func foldEqual(key []byte, name string) bool {
	for i := range key {
		a, b := key[i], name[i]
		if a >= 'A' && a <= 'Z' {
			a += 'a' - 'A'
		}
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}
