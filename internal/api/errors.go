package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
)

// Error codes, from the Amadeus canned messages where one fits.
const (
	codeInvalidFormat = 477   // INVALID FORMAT: a parameter's value is wrong
	codeInvalidOption = 572   // INVALID OPTION: an unknown parameter
	codeMissing       = 32171 // MANDATORY DATA MISSING
	codeNotFound      = 1797  // NOT FOUND
	codeSystem        = 141   // SYSTEM ERROR HAS OCCURRED
)

// ErrorDocument is the body of every error answer.
type ErrorDocument struct {
	Errors []Issue `json:"errors"`
}

// Issue is one problem, Amadeus-style, with the parameter and value that
// caused it at the top level as well.
type Issue struct {
	Status    int          `json:"status"`
	Code      int          `json:"code,omitempty"`
	Title     string       `json:"title"`
	Detail    string       `json:"detail,omitempty"`
	Parameter string       `json:"parameter,omitempty"`
	Value     *string      `json:"value,omitempty"`
	Source    *IssueSource `json:"source,omitempty"`
}

// IssueSource names the parameter an issue is about, as Amadeus does.
type IssueSource struct {
	Parameter string `json:"parameter"`
}

func badRequest(param string, value *string, detail string) Issue {
	is := Issue{Status: http.StatusBadRequest, Code: codeInvalidFormat, Title: "INVALID FORMAT", Detail: detail,
		Parameter: param, Value: value}
	if param != "" {
		is.Source = &IssueSource{Parameter: param}
	}
	return is
}

// fieldIssues returns a 400 issue for every *fare.FieldError in err (a
// tree of joined and wrapped errors); none when it holds none.
func fieldIssues(err error) []Issue {
	var out []Issue
	for _, fe := range fare.FieldErrors(err) {
		v := fe.Value
		out = append(out, badRequest(fe.Field, &v, fe.Reason))
	}
	return out
}

// fail answers with the error of a query: 400 for what the request got
// wrong, 404 for an unknown series, 502, 503 or 504 when Elasticsearch
// failed, 500 otherwise. Only the 4xx answers describe the error; the
// rest is logged, never sent.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if issues := fieldIssues(err); len(issues) > 0 {
		s.writeJSON(w, http.StatusBadRequest, ErrorDocument{Errors: issues})
		return
	}
	var be *query.BackendError
	status, title, code := http.StatusInternalServerError, "SYSTEM ERROR HAS OCCURRED", codeSystem
	switch {
	case errors.Is(err, query.ErrCurrencies):
		s.writeJSON(w, http.StatusBadRequest, ErrorDocument{Errors: []Issue{badRequest("currency", nil, err.Error())}})
		return
	case errors.Is(err, query.ErrNotFound):
		s.writeJSON(w, http.StatusNotFound, ErrorDocument{Errors: []Issue{{Status: http.StatusNotFound, Code: codeNotFound,
			Title: "NOT FOUND", Detail: "no series with this id"}}})
		return
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		s.log.Debug("request cancelled by the client", "path", r.URL.Path)
		return
	case errors.Is(err, context.DeadlineExceeded):
		status, title, code = http.StatusGatewayTimeout, "SEARCH TIMED OUT", 0
	case errors.As(err, &be) && be.Unavailable():
		status, title, code = http.StatusServiceUnavailable, "SEARCH BACKEND UNAVAILABLE", 0
		w.Header().Set("Retry-After", "5")
	case errors.As(err, &be):
		status, title, code = http.StatusBadGateway, "SEARCH BACKEND ERROR", 0
	}
	s.log.Log(r.Context(), slog.LevelWarn, "query failed", "path", r.URL.Path, "status", status, "err", err)
	s.writeJSON(w, status, ErrorDocument{Errors: []Issue{{Status: status, Code: code, Title: title}}})
}
