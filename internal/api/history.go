package api

import (
	"net/http"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
)

// HistoryDocument is the answer of GET /v1/series/{id}/history.
type HistoryDocument struct {
	Meta HistoryMeta   `json:"meta"`
	Data SeriesHistory `json:"data"`
}

// HistoryMeta counts the change points: Count returned, Total stored (the
// newest query.MaxHistory are returned).
type HistoryMeta struct {
	Count int   `json:"count"`
	Total int64 `json:"total"`
	Links Links `json:"links"`
}

// SeriesHistory is one series: its key, its current state and its change
// points, oldest first.
type SeriesHistory struct {
	Type          string `json:"type"` // always "series-history"
	SeriesID      string `json:"seriesId"`
	Source        string `json:"source"`
	Origin        string `json:"origin"`
	Destination   string `json:"destination"`
	DepartureDate string `json:"departureDate"`
	ReturnDate    string `json:"returnDate,omitempty"`
	Cabin         string `json:"cabin"`
	NonStop       bool   `json:"nonStop"`
	Carrier       string `json:"carrier"`
	Currency      string `json:"currency"`
	// Current is the series' latest document; absent when only change
	// points were found.
	Current *SeriesState `json:"current,omitempty"`
	Changes []Change     `json:"changes"`
}

// SeriesState is the current price of a series and how it was seen.
type SeriesState struct {
	Price      Price  `json:"price"`
	PriceMinor int64  `json:"priceMinor"`
	ChangedAt  string `json:"changedAt"`
	FirstSeen  string `json:"firstSeen"`
	LastSeen   string `json:"lastSeen"`
	// Observations counts the observations folded in; ChangePoints the
	// change points stored while folding in order.
	Observations int64 `json:"observations"`
	ChangePoints int64 `json:"changePoints"`
}

// Change is one change point: the series took Price at ObservedAt.
type Change struct {
	ObservedAt    string `json:"observedAt"`
	Price         Price  `json:"price"`
	PriceMinor    int64  `json:"priceMinor"`
	ObservationID string `json:"observationId"`
}

func (s *server) history(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if issues := parseParams(r, nil).errs; len(issues) > 0 {
		s.writeJSON(w, http.StatusBadRequest, ErrorDocument{Errors: issues})
		return
	}
	h, err := s.Backend.History(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, NewHistoryDocument(h))
}

// NewHistoryDocument renders a series history as the API answers it.
func NewHistoryDocument(h query.History) HistoryDocument {
	k := h.Key
	doc := HistoryDocument{
		Meta: HistoryMeta{Count: len(h.Changes), Total: h.Total, Links: Links{Self: "/v1/series/" + h.SeriesID + "/history"}},
		Data: SeriesHistory{Type: "series-history", SeriesID: h.SeriesID, Source: k.Source, Origin: k.Origin,
			Destination: k.Destination, DepartureDate: k.Departure, ReturnDate: k.Return, Cabin: k.Cabin,
			NonStop: k.NonStop, Carrier: k.Carrier, Currency: k.Currency, Changes: make([]Change, 0, len(h.Changes))},
	}
	if l := h.Latest; l != nil {
		doc.Data.Current = &SeriesState{Price: Price{Total: l.Price.Amount, Currency: l.Price.Currency}, PriceMinor: l.Price.Minor,
			ChangedAt: fare.FormatTime(l.ChangedAt), FirstSeen: fare.FormatTime(l.FirstSeen), LastSeen: fare.FormatTime(l.LastSeen),
			Observations: l.Observations, ChangePoints: l.ChangePoints}
	}
	for _, c := range h.Changes {
		doc.Data.Changes = append(doc.Data.Changes, Change{ObservedAt: fare.FormatTime(c.ObservedAt),
			Price: Price{Total: c.Price.Amount, Currency: c.Price.Currency}, PriceMinor: c.Price.Minor, ObservationID: c.ObservationID})
	}
	return doc
}
