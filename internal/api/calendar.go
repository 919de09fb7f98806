package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
)

// CalendarDocument is the answer of GET /v1/calendar: Amadeus' FlightDates
// with farepipe's fields added.
type CalendarDocument struct {
	Meta CalendarMeta `json:"meta"`
	Data []FlightDate `json:"data"`
}

// CalendarMeta describes the answer.
type CalendarMeta struct {
	Count int `json:"count"`
	// Currency of every price; absent when there are none.
	Currency string `json:"currency,omitempty"`
	// ViewBy is the view used: DATE, DURATION or WEEK.
	ViewBy string `json:"viewBy"`
	// DepartureDate is the range of departure dates searched, "from,to".
	DepartureDate string `json:"departureDate"`
	Links         Links  `json:"links"`
	// Defaults holds the parameters left out and the values used for
	// them, as Amadeus reports them.
	Defaults map[string]string `json:"defaults,omitempty"`
	// Hint says, when nothing matched, which change of a trip option
	// (oneWay, cabin, nonStop, currency, adults) finds fares.
	Hint string `json:"hint,omitempty"`
	// Alternatives are the same changes as Hint, as data: for a client
	// that words them its own way.
	Alternatives []Alternative `json:"alternatives,omitempty"`
}

// Alternative is one trip option of the request (oneWay, cabin, nonStop,
// currency or adults) and its values, as the parameter takes them, that
// have fares when the request's value has none.
type Alternative struct {
	Option string   `json:"option"`
	Values []string `json:"values"`
}

// Links holds the link to the resource itself.
type Links struct {
	Self string `json:"self"`
}

// FlightDate is the cheapest current fare of one group of the view.
type FlightDate struct {
	Type          string `json:"type"` // always "flight-date"
	Origin        string `json:"origin"`
	Destination   string `json:"destination"`
	DepartureDate string `json:"departureDate"`
	ReturnDate    string `json:"returnDate,omitempty"`
	// Duration is the stay in days of a round trip.
	Duration *int `json:"duration,omitempty"`
	// Week is the ISO week of the departure, "2027-W01", in the WEEK view.
	Week  string `json:"week,omitempty"`
	Price Price  `json:"price"`
	// PriceMinor is the price in minor units of its currency (cents for
	// USD, won for KRW): an integer for sorting and colouring.
	PriceMinor int64  `json:"priceMinor"`
	Carrier    string `json:"carrier"`
	Cabin      string `json:"cabin"`
	NonStop    bool   `json:"nonStop"`
	Source     string `json:"source"`
	// ObservedAt is when the fare was last seen at this price; ChangedAt
	// when it took this price.
	ObservedAt string          `json:"observedAt"`
	ChangedAt  string          `json:"changedAt"`
	SeriesID   string          `json:"seriesId"`
	Links      FlightDateLinks `json:"links"`
}

// Price is an amount, exact, in its currency.
type Price struct {
	Total    string `json:"total"`
	Currency string `json:"currency"`
}

// FlightDateLinks lead from a fare to its history and to how its price
// compares with the history of its departure date.
type FlightDateLinks struct {
	History      string `json:"history"`
	PriceMetrics string `json:"priceMetrics"`
}

func (s *server) calendar(w http.ResponseWriter, r *http.Request) {
	p := parseParams(r, calendarParams)
	req := query.CalendarRequest{
		Origin: p.required("origin"), Destination: p.required("destination"),
		Departure: p.get("departureDate"), OneWay: p.bool("oneWay"), Duration: p.get("duration"),
		NonStop: p.bool("nonStop"), MaxPrice: p.get("maxPrice"), ViewBy: p.get("viewBy"),
		Cabin: p.get("cabin"), Adults: p.count("adults", fare.MaxPassengers), Currency: p.get("currency"), MaxAge: p.get("maxAge"), Now: s.Now(),
	}
	defaults := map[string]string{}
	if req.Departure == "" && !p.failed("departureDate") {
		today := s.Now().UTC()
		req.Departure = today.Format(fare.DateLayout) + "," + today.AddDate(0, 0, 29).Format(fare.DateLayout)
		defaults["departureDate"] = req.Departure
	}
	if !p.malformed {
		p.errs = append(p.errs, withoutDuplicates(p, fieldIssues(req.Validate()))...)
	}
	if len(p.errs) > 0 {
		s.writeJSON(w, http.StatusBadRequest, ErrorDocument{Errors: p.errs})
		return
	}
	cal, err := s.Backend.Calendar(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.ViewBy == "" {
		defaults["viewBy"] = cal.View
	}
	s.writeJSON(w, http.StatusOK, NewCalendarDocument(req, cal, defaults))
}

// withoutDuplicates drops the issues of parameters p already found wrong
// (a missing origin is not also an invalid one).
func withoutDuplicates(p *params, issues []Issue) []Issue {
	var out []Issue
	for _, is := range issues {
		if !p.failed(is.Parameter) {
			out = append(out, is)
		}
	}
	return out
}

// NewCalendarDocument renders a calendar as the API answers it; defaults
// names the parameters left out and the values used for them.
func NewCalendarDocument(req query.CalendarRequest, cal query.Calendar, defaults map[string]string) CalendarDocument {
	doc := CalendarDocument{
		Meta: CalendarMeta{Count: len(cal.Entries), Currency: cal.Currency, ViewBy: cal.View,
			DepartureDate: cal.Dates.From.Format(fare.DateLayout) + "," + cal.Dates.To.Format(fare.DateLayout),
			Links:         Links{Self: "/v1/calendar?" + encodeQuery(calendarQuery(req, cal))}},
		Data: make([]FlightDate, 0, len(cal.Entries)),
	}
	var link queryBuilder
	if len(defaults) > 0 {
		doc.Meta.Defaults = defaults
	}
	doc.Meta.Hint = Hint(cal.Alternatives, QueryOption)
	for _, a := range cal.Alternatives {
		doc.Meta.Alternatives = append(doc.Meta.Alternatives, Alternative{Option: a.Option, Values: a.Values})
	}
	for _, e := range cal.Entries {
		fd := FlightDate{
			Type: "flight-date", Origin: req.Origin, Destination: req.Destination,
			DepartureDate: e.Departure, ReturnDate: e.Return, Week: e.Week,
			Price: Price{Total: e.Price.Amount, Currency: e.Price.Currency}, PriceMinor: e.Price.Minor,
			Carrier: e.Carrier, Cabin: e.Cabin, NonStop: e.NonStop, Source: e.Source,
			ObservedAt: fare.FormatTime(e.ObservedAt), ChangedAt: fare.FormatTime(e.ChangedAt), SeriesID: e.SeriesID,
			Links: FlightDateLinks{History: "/v1/series/" + e.SeriesID + "/history"},
		}
		days, roundTrip := e.Duration()
		if roundTrip {
			fd.Duration = &days
		}
		fd.Links.PriceMetrics = priceMetricsLink(&link, req, e, days, roundTrip)
		doc.Data = append(doc.Data, fd)
	}
	return doc
}

// priceMetricsLink returns the link from entry e of a calendar for req
// to how its price compares with the history of its departure date. q is
// reused from entry to entry.
func priceMetricsLink(q *queryBuilder, req query.CalendarRequest, e query.CalendarEntry, days int, roundTrip bool) string {
	q.reset("/v1/price-metrics?")
	// In the order of the names, as url.Values.Encode writes them.
	if req.Adults != 0 {
		q.add("adults", countText(req.Adults))
	}
	if req.Cabin != "" {
		q.add("cabin", req.Cabin)
	}
	q.add("currency", e.Price.Currency)
	q.add("departureDate", e.Departure)
	q.add("destination", req.Destination)
	if roundTrip {
		q.add("duration", strconv.Itoa(days))
	}
	if req.NonStop {
		q.add("nonStop", "true")
	}
	if !roundTrip {
		q.add("oneWay", "true")
	}
	q.add("origin", req.Origin)
	q.add("price", e.Price.Amount)
	return q.String()
}

// calendarQuery is the query string that asks for the same calendar again.
func calendarQuery(req query.CalendarRequest, cal query.Calendar) url.Values {
	v := url.Values{"origin": {req.Origin}, "destination": {req.Destination},
		"departureDate": {cal.Dates.From.Format(fare.DateLayout) + "," + cal.Dates.To.Format(fare.DateLayout)},
		"viewBy":        {cal.View}}
	return withOptions(v, req.OneWay, req.NonStop, "duration", req.Duration, "maxPrice", req.MaxPrice,
		"cabin", req.Cabin, "adults", countText(req.Adults), "currency", req.Currency, "maxAge", req.MaxAge)
}

// withOptions adds to v the boolean parameters that are true and the
// name, value pairs whose value is set, so a link asks for exactly what
// its request asked.
func withOptions(v url.Values, oneWay, nonStop bool, pairs ...string) url.Values {
	if oneWay {
		v.Set("oneWay", "true")
	}
	if nonStop {
		v.Set("nonStop", "true")
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	return v
}
