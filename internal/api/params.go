package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Query parameters of each endpoint. A request with any other parameter is
// refused, so a misspelt option never goes unnoticed.
var (
	calendarParams = []string{"origin", "destination", "departureDate", "oneWay", "duration", "nonStop",
		"maxPrice", "viewBy", "cabin", "adults", "currency", "maxAge"}
	metricsParams = []string{"origin", "destination", "departureDate", "oneWay", "duration", "cabin",
		"adults", "nonStop", "currency", "price"}
)

// params is the query string of one request, checked against the
// parameters an endpoint takes. Problems found are collected in errs.
type params struct {
	values    url.Values
	errs      []Issue
	malformed bool // the query string could not be parsed: nothing else is said
}

// parseParams parses the raw query of r. An empty value counts as absent,
// so that a form's empty fields mean "any".
func parseParams(r *http.Request, allowed []string) *params {
	p := &params{}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		p.errs = append(p.errs, badRequest("", nil, "the query string is malformed: "+
			"use name=value pairs separated by & with URL-encoded values"))
		p.malformed = true
		return p
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		vs := values[name]
		switch {
		case !slices.Contains(allowed, name):
			p.errs = append(p.errs, Issue{Status: http.StatusBadRequest, Code: codeInvalidOption, Title: "INVALID OPTION",
				Detail: "unknown parameter (this endpoint takes " + strings.Join(allowed, ", ") + ")", Parameter: name,
				Source: &IssueSource{Parameter: name}})
			delete(values, name)
		case len(vs) > 1:
			p.errs = append(p.errs, badRequest(name, &vs[1], "given more than once"))
			delete(values, name)
		case vs[0] == "":
			delete(values, name)
		}
	}
	p.values = values
	return p
}

// get returns a parameter's value, "" when absent.
func (p *params) get(name string) string { return p.values.Get(name) }

// required returns a parameter's value and notes its absence.
func (p *params) required(name string) string {
	v := p.values.Get(name)
	if v == "" && !p.failed(name) && !p.malformed {
		p.errs = append(p.errs, Issue{Status: http.StatusBadRequest, Code: codeMissing, Title: "MANDATORY DATA MISSING",
			Detail: "missing mandatory parameter", Parameter: name, Source: &IssueSource{Parameter: name}})
	}
	return v
}

// bool returns a boolean parameter: true or false, false when absent.
func (p *params) bool(name string) bool {
	switch v := p.values.Get(name); v {
	case "", "false":
		return false
	case "true":
		return true
	default:
		p.errs = append(p.errs, badRequest(name, &v, "not a boolean (want true or false)"))
		return false
	}
}

// count returns a parameter that counts something, 1 to most, 0 when
// absent.
func (p *params) count(name string, most int) int {
	v := p.values.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil || len(v) > 3 || strings.HasPrefix(v, "+") || strings.HasPrefix(v, "-"):
		p.errs = append(p.errs, badRequest(name, &v, "not a whole number"))
		return 0
	case n < 1 || n > most:
		p.errs = append(p.errs, badRequest(name, &v, "want 1 to "+strconv.Itoa(most)))
		return 0
	}
	return n
}

// countText renders a count parameter for a link: empty for 0 (absent).
func countText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// failed reports whether a problem with the parameter was noted already.
func (p *params) failed(name string) bool {
	for _, e := range p.errs {
		if e.Parameter == name {
			return true
		}
	}
	return false
}

// encodeQuery encodes a query string in name order, leaving the commas of
// ranges ("2027-01-01,2027-01-31") readable: a comma needs no escaping in
// a query.
func encodeQuery(v url.Values) string { return keepCommas(v.Encode()) }

// keepCommas turns the escaped commas of an escaped query string back
// into commas (see encodeQuery).
func keepCommas(escaped string) string { return strings.ReplaceAll(escaped, "%2C", ",") }
