package api

import (
	"net/http"
	"time"

	"github.com/farepipe/farepipe/internal/query"
)

// RoutesDocument is the answer of GET /v1/routes: the routes that have
// fares, the most series first.
type RoutesDocument struct {
	Meta RoutesMeta     `json:"meta"`
	Data []RouteSummary `json:"data"`
}

// RoutesMeta counts the routes returned.
type RoutesMeta struct {
	Count int   `json:"count"`
	Links Links `json:"links"`
}

// RouteSummary is one route with fares.
type RouteSummary struct {
	Type        string `json:"type"` // always "route"
	Origin      string `json:"origin"`
	Destination string `json:"destination"`
	// Series counts the fare series of the route: one per departure
	// date, return date and trip option seen.
	Series int `json:"series"`
	// LastSeen is when the newest of them was last observed.
	LastSeen string `json:"lastSeen"`
}

// maxRoutesListed bounds the routes GET /v1/routes lists.
const maxRoutesListed = 100

func (s *server) routeList(w http.ResponseWriter, r *http.Request) {
	if issues := parseParams(r, nil).errs; len(issues) > 0 {
		s.writeJSON(w, http.StatusBadRequest, ErrorDocument{Errors: issues})
		return
	}
	routes, err := s.Backend.Routes(r.Context(), maxRoutesListed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, NewRoutesDocument(routes))
}

// NewRoutesDocument renders routes as the API answers them.
func NewRoutesDocument(routes []query.RouteSummary) RoutesDocument {
	doc := RoutesDocument{Meta: RoutesMeta{Count: len(routes), Links: Links{Self: "/v1/routes"}},
		Data: make([]RouteSummary, 0, len(routes))}
	for _, r := range routes {
		doc.Data = append(doc.Data, RouteSummary{Type: "route", Origin: r.Origin, Destination: r.Destination,
			Series: r.Series, LastSeen: r.LastSeen.UTC().Format(time.RFC3339)})
	}
	return doc
}
