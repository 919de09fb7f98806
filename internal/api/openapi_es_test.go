package api

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// invalid holds a wrong value for every documented parameter.
var invalid = map[string]string{
	"origin": "IC1", "destination": "nrt", "departureDate": "2027-13-45", "oneWay": "yes", "duration": "x",
	"nonStop": "1", "maxPrice": "-1", "viewBy": "MONTH", "cabin": "COACH", "currency": "EURO", "maxAge": "P1M",
	"price": "abc", "id": "xyz", "adults": "10",
}

// TestOpenAPIDocumentedParametersBehave asks every documented operation
// with its documented examples and checks the answers against the
// documented schemas; then gives each parameter a wrong value, and leaves
// each required one out, and checks the documented 400s.
func TestOpenAPIDocumentedParametersBehave(t *testing.T) {
	t.Parallel()
	srv, _, _ := fixtureServer(t)
	s := loadSpec(t)
	documented := map[string]bool{}
	for path, ops := range s.Paths {
		op := ops["get"]
		params := s.params(t, op)
		build := func(with map[string]string, without string) string {
			p, q := path, url.Values{}
			for _, prm := range params {
				v, ok := with[prm.Name]
				if !ok && prm.Required && prm.Name != without {
					v, ok = exampleOf(prm), true
				}
				if !ok {
					continue
				}
				if prm.In == "path" {
					p = strings.ReplaceAll(p, "{"+prm.Name+"}", url.PathEscape(v))
				} else {
					q.Set(prm.Name, v)
				}
			}
			if v, ok := with["undocumented"]; ok {
				q.Set("undocumented", v)
			}
			if len(q) > 0 {
				p += "?" + q.Encode()
			}
			return p
		}
		check := func(target string, want int) (bool, []Issue) {
			t.Helper()
			a := get(t, srv.URL+target)
			if a.status != want {
				t.Errorf("GET %s: %d, want %d: %s", target, a.status, want, a.body)
				return false, nil
			}
			r, ok := s.response(op, a.status)
			if !ok {
				t.Errorf("GET %s answered %d, not documented for %s", target, a.status, path)
				return false, nil
			}
			ct := strings.TrimSpace(strings.Split(a.header.Get("Content-Type"), ";")[0])
			media, ok := r.Content[ct]
			if !ok {
				t.Errorf("GET %s answered %s, documented %v", target, ct, keys(r.Content))
				return false, nil
			}
			if ct != "application/json" {
				return true, nil
			}
			var v any
			if err := json.Unmarshal(a.body, &v); err != nil {
				t.Errorf("GET %s: %v", target, err)
				return false, nil
			}
			for _, e := range validate(s.raw, media.Schema, v, "$") {
				t.Errorf("GET %s: %s", target, e)
			}
			if want >= 400 {
				var doc ErrorDocument
				json.Unmarshal(a.body, &doc)
				return true, doc.Errors
			}
			return true, nil
		}

		check(build(nil, ""), 200)
		for _, prm := range params {
			documented[prm.Name] = true
			if !prm.Required {
				check(build(map[string]string{prm.Name: exampleOf(prm)}, ""), 200)
			}
			bad, ok := invalid[prm.Name]
			if !ok {
				t.Errorf("%s: no invalid value to try for parameter %s", path, prm.Name)
				continue
			}
			if ok, issues := check(build(map[string]string{prm.Name: bad}, ""), 400); ok && (len(issues) != 1 || issues[0].Parameter != prm.Name) {
				t.Errorf("%s with %s=%q: issues %+v, want one naming %s", path, prm.Name, bad, issues, prm.Name)
			}
			if prm.Required && prm.In == "query" {
				if ok, issues := check(build(nil, prm.Name), 400); ok && (len(issues) != 1 || issues[0].Parameter != prm.Name) {
					t.Errorf("%s without %s: issues %+v, want one naming it", path, prm.Name, issues)
				}
			}
		}
		if !strings.HasPrefix(path, "/v1/") {
			continue // the probes, metrics and this document ignore query strings
		}
		if ok, issues := check(build(map[string]string{"undocumented": "1"}, ""), 400); ok && (len(issues) != 1 || issues[0].Parameter != "undocumented") {
			t.Errorf("%s with an undocumented parameter: %+v, want it refused", path, issues)
		}
	}
	for name := range invalid {
		if !documented[name] {
			t.Errorf("invalid value for %s, which no operation documents", name)
		}
	}
}

func exampleOf(p parameter) string {
	switch v := p.Example.(type) {
	case string:
		return v
	case bool:
		if v {
			return "true"
		}
		return "false"
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func TestOpenAPIIsServed(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none")})
	a := get(t, srv.URL+"/openapi.json")
	if a.status != 200 || string(a.body) != string(OpenAPI) || a.header.Get("Content-Type") != "application/json" {
		t.Errorf("/openapi.json: %d %q, want the embedded document as JSON", a.status, a.header.Get("Content-Type"))
	}
}
