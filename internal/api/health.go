package api

import (
	"context"
	"net/http"
)

// Status is the answer of the probes when all is well.
type Status struct {
	Status string `json:"status"` // "ok"
}

// healthz answers while the process serves: liveness.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, Status{Status: "ok"})
}

// readyz answers 200 when Elasticsearch answers, 503 otherwise: readiness.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.ReadyTimeout)
	defer cancel()
	if err := s.Backend.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		w.Header().Set("Retry-After", "5")
		s.writeJSON(w, http.StatusServiceUnavailable, ErrorDocument{Errors: []Issue{{Status: http.StatusServiceUnavailable,
			Title: "SEARCH BACKEND UNAVAILABLE", Detail: "Elasticsearch does not answer"}}})
		return
	}
	s.writeJSON(w, http.StatusOK, Status{Status: "ok"})
}
