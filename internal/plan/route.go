package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/farepipe/farepipe/internal/fare"
	"gopkg.in/yaml.v3"
)

// Route is one origin-destination pair of IATA location codes, written
// "ICN-NRT".
type Route struct {
	Origin      string
	Destination string
}

// String returns the route as written: "ICN-NRT". A route without a
// destination is just its origin.
func (r Route) String() string {
	if r.Destination == "" {
		return r.Origin
	}
	return r.Origin + "-" + r.Destination
}

// splitRoute reads "ICN-NRT", upper-casing the codes; it never fails, so
// that validation can report what was written.
func splitRoute(s string) Route {
	origin, dest, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-")
	return Route{Origin: origin, Destination: dest}
}

// ParseRoutes parses the comma-separated flag form "ICN-NRT,ICN-KIX".
// Codes are upper-cased; every bad route is reported.
func ParseRoutes(s string) ([]Route, error) {
	var routes []Route
	var errs []error
	seen := map[Route]bool{}
	for _, part := range strings.Split(s, ",") {
		r := splitRoute(part)
		if err := r.check(); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[r] {
			errs = append(errs, &fare.FieldError{Field: "route", Value: r.String(), Reason: "listed twice"})
			continue
		}
		seen[r] = true
		routes = append(routes, r)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("parsing routes %q: %w", s, err)
	}
	return routes, nil
}

// check reports what is wrong with one route, as a *fare.FieldError.
func (r Route) check() *fare.FieldError {
	reason := ""
	switch {
	case r.Destination == "":
		reason = "want ORIGIN-DESTINATION, two IATA location codes joined by a dash (e.g. ICN-NRT)"
	case !fare.ValidIATA(r.Origin):
		reason = fmt.Sprintf("origin %q is not an IATA location code (three letters A-Z)", r.Origin)
	case !fare.ValidIATA(r.Destination):
		reason = fmt.Sprintf("destination %q is not an IATA location code (three letters A-Z)", r.Destination)
	case r.Origin == r.Destination:
		reason = "origin and destination are the same"
	default:
		return nil
	}
	return &fare.FieldError{Field: "route", Value: r.String(), Reason: reason}
}

// UnmarshalYAML reads a route from YAML. It never fails: what is written
// is kept (a mapping or list as its flow-style text) and Validate reports
// it, so that every problem of a plan is reported together and list
// positions stay true.
func (r *Route) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*r = splitRoute(n.Value)
		return nil
	}
	flow := *n
	flow.Style = yaml.FlowStyle
	text, err := yaml.Marshal(&flow)
	if err != nil {
		text = []byte("?")
	}
	*r = Route{Origin: strings.TrimSpace(string(text))}
	return nil
}

// MarshalYAML writes the route as "ICN-NRT".
func (r Route) MarshalYAML() (any, error) { return r.String(), nil }
