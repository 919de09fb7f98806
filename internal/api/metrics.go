package api

import (
	"net/http"
	"net/url"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
)

// MetricsBasis names what the metrics are computed over (see
// query.Metrics): every price a series took, counted once each time it
// took it, however long it held.
const MetricsBasis = "CHANGE_POINTS"

// MetricsDocument is the answer of GET /v1/price-metrics: Amadeus'
// itinerary price metrics with farepipe's fields added. Data is empty when
// no history matches.
type MetricsDocument struct {
	Meta MetricsMeta            `json:"meta"`
	Data []ItineraryPriceMetric `json:"data"`
}

// MetricsMeta describes the answer and how it was computed.
type MetricsMeta struct {
	Count int   `json:"count"`
	Links Links `json:"links"`
	// Basis is what the quartiles are computed over: CHANGE_POINTS.
	Basis string `json:"basis"`
	// Quartiles names the quartile method: NEAREST_RANK.
	Quartiles string `json:"quartiles"`
	// RatingRule says how a price is rated.
	RatingRule string `json:"ratingRule"`
	// Hint says, when no history matched, which change of a trip option
	// (oneWay, cabin, nonStop, currency, adults) finds some.
	Hint string `json:"hint,omitempty"`
}

// ItineraryPriceMetric is the price metrics of one route and departure
// date (or month).
type ItineraryPriceMetric struct {
	Type          string      `json:"type"` // always "itinerary-price-metric"
	Origin        Location    `json:"origin"`
	Destination   Location    `json:"destination"`
	DepartureDate string      `json:"departureDate"` // as asked: a date or a month
	TransportType string      `json:"transportType"` // always "FLIGHT"
	CurrencyCode  string      `json:"currencyCode"`
	OneWay        bool        `json:"oneWay"`
	PriceMetrics  []PriceStat `json:"priceMetrics"`
	// Samples is the number of change points counted, Series the number
	// of series they belong to.
	Samples int `json:"samples"`
	Series  int `json:"series"`
	// FirstObservedAt and LastObservedAt bound the history read.
	FirstObservedAt string `json:"firstObservedAt"`
	LastObservedAt  string `json:"lastObservedAt"`
	// PriceRating rates the price asked about; absent without one.
	PriceRating *PriceRating `json:"priceRating,omitempty"`
}

// Location is an IATA location.
type Location struct {
	IataCode string `json:"iataCode"`
}

// PriceStat is one of the five metrics.
type PriceStat struct {
	Amount          string `json:"amount"`
	AmountMinor     int64  `json:"amountMinor"`
	QuartileRanking string `json:"quartileRanking"` // MINIMUM, FIRST, MEDIUM, THIRD, MAXIMUM
}

// PriceRating is how the price asked about compares.
type PriceRating struct {
	Amount      string `json:"amount"`
	AmountMinor int64  `json:"amountMinor"`
	Rating      string `json:"rating"` // LOW, TYPICAL or HIGH
}

func (s *server) priceMetrics(w http.ResponseWriter, r *http.Request) {
	p := parseParams(r, metricsParams)
	req := query.MetricsRequest{
		Origin: p.required("origin"), Destination: p.required("destination"),
		Departure: p.required("departureDate"), OneWay: p.bool("oneWay"), Duration: p.get("duration"),
		Cabin: p.get("cabin"), Adults: p.count("adults", fare.MaxPassengers), NonStop: p.bool("nonStop"), Currency: p.get("currency"), Price: p.get("price"),
	}
	if !p.malformed {
		p.errs = append(p.errs, withoutDuplicates(p, fieldIssues(req.Validate()))...)
	}
	if len(p.errs) > 0 {
		s.writeJSON(w, http.StatusBadRequest, ErrorDocument{Errors: p.errs})
		return
	}
	m, err := s.Backend.PriceMetrics(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, NewMetricsDocument(req, m))
}

// NewMetricsDocument renders price metrics as the API answers them.
func NewMetricsDocument(req query.MetricsRequest, m query.Metrics) MetricsDocument {
	doc := MetricsDocument{
		Meta: MetricsMeta{Links: Links{Self: "/v1/price-metrics?" + encodeQuery(metricsQuery(req))},
			Basis: MetricsBasis, Quartiles: "NEAREST_RANK", RatingRule: query.RatingRule},
		Data: []ItineraryPriceMetric{},
	}
	if m.Samples == 0 {
		doc.Meta.Hint = Hint(m.Alternatives, QueryOption)
		return doc
	}
	ipm := ItineraryPriceMetric{
		Type: "itinerary-price-metric", Origin: Location{req.Origin}, Destination: Location{req.Destination},
		DepartureDate: req.Departure, TransportType: "FLIGHT", CurrencyCode: m.Currency, OneWay: req.OneWay,
		Samples: m.Samples, Series: m.Series,
		FirstObservedAt: fare.FormatTime(m.FirstObserved), LastObservedAt: fare.FormatTime(m.LastObserved),
	}
	for _, st := range []struct {
		rank  string
		money fare.Money
	}{{query.RankMinimum, m.Minimum}, {query.RankFirst, m.First}, {query.RankMedium, m.Median},
		{query.RankThird, m.Third}, {query.RankMaximum, m.Maximum}} {
		ipm.PriceMetrics = append(ipm.PriceMetrics, PriceStat{Amount: st.money.Amount, AmountMinor: st.money.Minor, QuartileRanking: st.rank})
	}
	if m.Rating != nil {
		ipm.PriceRating = &PriceRating{Amount: m.Rating.Price.Amount, AmountMinor: m.Rating.Price.Minor, Rating: m.Rating.Level}
	}
	doc.Data = append(doc.Data, ipm)
	doc.Meta.Count = 1
	return doc
}

func metricsQuery(req query.MetricsRequest) url.Values {
	v := url.Values{"origin": {req.Origin}, "destination": {req.Destination}, "departureDate": {req.Departure}}
	return withOptions(v, req.OneWay, req.NonStop, "duration", req.Duration, "cabin", req.Cabin,
		"adults", countText(req.Adults), "currency", req.Currency, "price", req.Price)
}
