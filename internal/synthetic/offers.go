package synthetic

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/amadeus"
)

// planned is one offer before pricing: the way it flies, its cabin, its
// departure times and the stable parts of its price.
type planned struct {
	index      int
	opt        option
	cabin      string
	class      string
	out, back  leg
	noise      int // per mille, the offer's own fare level
	period     int // days a drifted price holds
	phase      int
	itins      []amadeus.Itinerary
	base, tax  int64 // per adult, minor units of the request currency
	totalMinor int64 // per adult
}

// leg is when one direction departs and how long it waits at the hub.
type leg struct {
	depart  int // minutes after local midnight, 06:00 to 22:55
	layover int // minutes
}

// departure is the leg's departure time in minutes after local midnight.
// Connections leave by mid-afternoon, not to wait at a hub at night.
func (l leg) departure(connecting bool) int {
	if connecting {
		return 6*60 + l.depart%(9*60)
	}
	return l.depart
}

var classes = map[string][]string{
	"ECONOMY":         {"Y", "B", "M", "H", "K", "L", "Q", "V"},
	"PREMIUM_ECONOMY": {"W", "E"},
	"BUSINESS":        {"J", "C", "D"},
	"FIRST":           {"F", "A"},
}

// generate answers a valid request. The offers (carriers, flights, cabins)
// depend on the seed and the search only; the prices also depend on the
// observation date.
func generate(cfg Config, req *request) amadeus.OffersResponse {
	s := req.search
	key := strings.Join([]string{strconv.FormatInt(cfg.Seed, 10), s.Origin, s.Destination,
		s.Departure, s.Return, s.Cabin, strconv.FormatBool(s.NonStop)}, "|")
	offers := plan(key, req)
	for i := range offers {
		p := &offers[i]
		p.itins = itineraries(p, req)
		base, tax := priceCents(p, req, cfg.Drift, key)
		p.base, p.tax = convert(base, req.currency), convert(tax, req.currency)
		p.totalMinor = p.base + p.tax
	}
	slices.SortFunc(offers, func(a, b planned) int {
		return cmp.Or(cmp.Compare(a.totalMinor, b.totalMinor), cmp.Compare(a.index, b.index))
	})
	if s.Max > 0 && len(offers) > s.Max {
		offers = offers[:s.Max]
	}
	return respond(offers, req, key)
}

// plan draws the offers of a search: 4 to 12, distinct ways to fly first,
// then more departures of the same ways.
func plan(key string, req *request) []planned {
	r := newPRNG("offers", key)
	opts := candidates(req)
	n := r.between(4, 12)
	order := r.perm(len(opts))
	offers := make([]planned, n)
	for i := range offers {
		o := pick(r, opts)
		if i < len(order) {
			o = opts[order[i]]
		}
		cabin := req.cabin
		roll := r.intn(100)
		if cabin == "" {
			switch {
			case o.carrier.lcc || roll < 74:
				cabin = "ECONOMY"
			case roll < 88:
				cabin = "PREMIUM_ECONOMY"
			default:
				cabin = "BUSINESS"
			}
		}
		p := planned{index: i, opt: o, cabin: cabin, class: pick(r, classes[cabin])}
		p.out = leg{depart: r.between(6*12, 23*12-1) * 5, layover: r.between(12, 40) * 5}
		p.back = leg{depart: r.between(6*12, 23*12-1) * 5, layover: r.between(12, 40) * 5}
		p.noise = r.between(900, 1100)
		p.period = r.between(2, 6)
		p.phase = r.intn(p.period)
		offers[i] = p
	}
	return offers
}

// candidates are the route's options that suit the search: non-stop only
// if asked, and no low-cost carrier for a premium cabin.
func candidates(req *request) []option {
	all := routeOptions(req.from, req.to)
	opts := slices.DeleteFunc(slices.Clone(all), func(o option) bool {
		return (req.search.NonStop && o.via != "") ||
			(req.cabin != "" && req.cabin != "ECONOMY" && o.carrier.lcc)
	})
	if len(opts) > 0 {
		return opts
	}
	// Nothing fits: let the route's carriers fly it non-stop.
	seen := map[string]bool{}
	for _, o := range all {
		if !seen[o.carrier.code] {
			seen[o.carrier.code] = true
			opts = append(opts, option{carrier: o.carrier})
		}
	}
	return opts
}

// priceCents prices an offer per adult in US cents: base fare and taxes.
func priceCents(p *planned, req *request, drift int, key string) (base, tax int64) {
	km := distanceKm(req.from, req.to)
	market := marketFare(km)
	stops := 1000
	if p.opt.via != "" {
		stops = connectionFactor
	}
	legFare := func(date time.Time, l leg) int64 {
		v := permille(market, p.opt.carrier.fare)
		v = permille(v, stops)
		v = permille(v, timeFactor(l.departure(p.opt.via != "")))
		return permille(v, weekdayFactor[date.Weekday()])
	}
	base = legFare(req.dep, p.out)
	if req.roundTrip() {
		base = permille(base+legFare(req.ret, p.back), roundTripFactor)
	}
	base = permille(base, leadFactor(req.leadDays()))
	base = permille(base, cabinFactor(p.cabin, km))
	base = permille(base, p.noise)
	base = permille(base, driftFactor(key, p.index, p.period, p.phase, drift, req.observed))
	segments := 0
	for _, it := range p.itins {
		segments += len(it.Segments)
	}
	return base, taxes(base, segments)
}
