package plan

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/raw"
)

// Limits of a plan.
const (
	MaxDays   = 366 // departure dates in a window
	MaxStay   = 365 // days between departure and return
	MaxAdults = 9
	MaxOffers = 250 // as the Amadeus API allows
)

// Plan is a search plan: routes × departure dates × stay lengths, with the
// options every search shares.
type Plan struct {
	Routes    []Route `yaml:"routes"`
	Departure Window  `yaml:"departure"`
	// Stays are round-trip lengths in days; empty means one-way searches.
	Stays    []int  `yaml:"stays,omitempty"`
	Cabin    string `yaml:"cabin,omitempty"` // empty: the provider's default
	NonStop  bool   `yaml:"non_stop,omitempty"`
	Currency string `yaml:"currency,omitempty"` // empty: the provider's default
	// Adults is the number of adult travellers, 1 to 9. Parse sets 1 when
	// the file names none.
	Adults int `yaml:"adults"`
	// MaxOffers caps the offers of each answer; 0 is the provider's default.
	MaxOffers int `yaml:"max_offers,omitempty"`
}

// Window is a range of departure dates: From and either Days dates from
// it, or up to To inclusive.
type Window struct {
	From string `yaml:"from"` // YYYY-MM-DD
	Days int    `yaml:"days,omitempty"`
	To   string `yaml:"to,omitempty"` // YYYY-MM-DD, inclusive
}

// Dates returns the window's departure dates in order, or nil if the
// window is invalid.
func (w Window) Dates() []string {
	from, err := time.Parse(fare.DateLayout, w.From)
	if err != nil {
		return nil
	}
	n := w.Days
	if w.To != "" {
		to, err := time.Parse(fare.DateLayout, w.To)
		if err != nil || w.Days != 0 {
			return nil
		}
		n = int(to.Sub(from).Hours()/24) + 1
	}
	if n < 1 || n > MaxDays {
		return nil
	}
	dates := make([]string, n)
	for i := range dates {
		dates[i] = from.AddDate(0, 0, i).Format(fare.DateLayout)
	}
	return dates
}

// Count returns the number of searches of the plan, as Searches would
// return them.
func (p Plan) Count() int {
	return len(p.Routes) * len(p.Departure.Dates()) * max(len(p.Stays), 1)
}

// Searches expands the plan into its searches, ordered by route (as
// listed), departure date, then stay (as listed). An invalid window gives
// none; call Validate first.
func (p Plan) Searches() []raw.Search {
	dates := p.Departure.Dates()
	out := make([]raw.Search, 0, p.Count())
	for _, r := range p.Routes {
		for _, d := range dates {
			s := raw.Search{Origin: r.Origin, Destination: r.Destination, Departure: d,
				Adults: p.Adults, Cabin: p.Cabin, NonStop: p.NonStop, Currency: p.Currency, Max: p.MaxOffers}
			if len(p.Stays) == 0 {
				out = append(out, s)
				continue
			}
			dep, _ := time.Parse(fare.DateLayout, d)
			for _, stay := range p.Stays {
				s.Return = dep.AddDate(0, 0, stay).Format(fare.DateLayout)
				out = append(out, s)
			}
		}
	}
	return out
}

// Validate checks the plan and returns every problem found, joined, each
// a *fare.FieldError naming the field and its value.
func (p Plan) Validate() error {
	var errs []error
	for _, pr := range p.problems() {
		errs = append(errs, pr.err)
	}
	return errors.Join(errs...)
}

// problem is one validation problem and the YAML path of the value it is
// about ("routes[1]", "departure.days"), for finding its line.
type problem struct {
	path string
	err  *fare.FieldError
}

func (p Plan) problems() []problem {
	var out []problem
	bad := func(path, field, value, reason string) {
		out = append(out, problem{path, &fare.FieldError{Field: field, Value: value, Reason: reason}})
	}
	if len(p.Routes) == 0 {
		bad("routes", "routes", "", "none given (want at least one, e.g. [ICN-NRT])")
	}
	seen := map[Route]bool{}
	for i, r := range p.Routes {
		path := "routes[" + strconv.Itoa(i) + "]"
		if err := r.check(); err != nil {
			out = append(out, problem{path, err})
		} else if seen[r] {
			bad(path, "route", r.String(), "listed twice")
		}
		seen[r] = true
	}
	out = append(out, p.Departure.problems()...)
	for i, stay := range p.Stays {
		path := "stays[" + strconv.Itoa(i) + "]"
		switch {
		case stay < 0 || stay > MaxStay:
			bad(path, "stay", strconv.Itoa(stay), "want 0 to 365 days")
		case slices.Index(p.Stays, stay) < i:
			bad(path, "stay", strconv.Itoa(stay), "listed twice")
		}
	}
	if p.Cabin != "" && !slices.Contains(fare.Cabins, p.Cabin) {
		bad("cabin", "cabin", p.Cabin, "unknown cabin (want one of "+strings.Join(fare.Cabins, ", ")+")")
	}
	if _, ok := fare.MinorUnits(p.Currency); p.Currency != "" && !ok {
		bad("currency", "currency", p.Currency, "unknown currency (want an ISO 4217 code, e.g. KRW)")
	}
	if p.Adults < 1 || p.Adults > MaxAdults {
		bad("adults", "adults", strconv.Itoa(p.Adults), "want 1 to 9")
	}
	if p.MaxOffers < 0 || p.MaxOffers > MaxOffers {
		bad("max_offers", "max_offers", strconv.Itoa(p.MaxOffers), "want 0 (provider default) to 250")
	}
	return out
}

func (w Window) problems() []problem {
	var out []problem
	bad := func(field, value, reason string) {
		out = append(out, problem{field, &fare.FieldError{Field: field, Value: value, Reason: reason}})
	}
	const notDate = "not an ISO date (YYYY-MM-DD)"
	from, fromErr := time.Parse(fare.DateLayout, w.From)
	switch {
	case w.From == "":
		bad("departure.from", w.From, "missing")
	case fromErr != nil:
		bad("departure.from", w.From, notDate)
	}
	switch {
	case w.To != "" && w.Days != 0:
		bad("departure.to", w.To, "set days or to, not both")
	case w.To != "":
		to, err := time.Parse(fare.DateLayout, w.To)
		switch {
		case err != nil:
			bad("departure.to", w.To, notDate)
		case fromErr != nil:
		case to.Before(from):
			bad("departure.to", w.To, "before departure.from "+w.From)
		case to.Sub(from).Hours()/24 >= MaxDays:
			bad("departure.to", w.To, "more than 366 days after departure.from "+w.From)
		}
	case w.Days < 1 || w.Days > MaxDays:
		bad("departure.days", strconv.Itoa(w.Days), "want 1 to 366 (or set to)")
	}
	return out
}
