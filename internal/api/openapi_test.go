package api

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// spec is the part of an OpenAPI document the tests read.
type spec struct {
	OpenAPI    string                          `json:"openapi"`
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Parameters map[string]parameter `json:"parameters"`
		Schemas    map[string]any       `json:"schemas"`
		Responses  map[string]response  `json:"responses"`
	} `json:"components"`
	raw any
}

type operation struct {
	OperationID string              `json:"operationId"`
	Parameters  []parameter         `json:"parameters"`
	Responses   map[string]response `json:"responses"`
}

type parameter struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
	Example  any    `json:"example"`
}

type response struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema map[string]any `json:"schema"`
	} `json:"content"`
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	var s spec
	if err := json.Unmarshal(OpenAPI, &s); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := json.Unmarshal(OpenAPI, &s.raw); err != nil {
		t.Fatal(err)
	}
	return &s
}

// params returns the operation's parameters with references resolved.
func (s *spec) params(t *testing.T, op operation) []parameter {
	t.Helper()
	var out []parameter
	for _, p := range op.Parameters {
		if p.Ref != "" {
			name := strings.TrimPrefix(p.Ref, "#/components/parameters/")
			q, ok := s.Components.Parameters[name]
			if !ok {
				t.Fatalf("unresolved parameter %s", p.Ref)
			}
			p = q
		}
		out = append(out, p)
	}
	return out
}

// response returns the documented response of a status, references
// resolved, and whether there is one.
func (s *spec) response(op operation, status int) (response, bool) {
	r, ok := op.Responses[fmt.Sprint(status)]
	if ok && r.Ref != "" {
		r, ok = s.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	return r, ok
}

// TestOpenAPIDocumentsEveryRouteAndParameter checks the document against
// the routes the handler serves, both ways: every route served is
// documented with exactly the parameters it takes, and nothing else is.
func TestOpenAPIDocumentsEveryRouteAndParameter(t *testing.T) {
	s := loadSpec(t)
	if s.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", s.OpenAPI)
	}
	routes := (&server{}).routes()
	var served, documented []string
	for _, rt := range routes {
		served = append(served, rt.path)
	}
	for path := range s.Paths {
		documented = append(documented, path)
	}
	sort.Strings(served)
	sort.Strings(documented)
	if !slices.Equal(served, documented) {
		t.Fatalf("routes served %q, documented %q", served, documented)
	}
	wildcard := regexp.MustCompile(`\{([^}]+)\}`)
	for _, rt := range routes {
		ops := s.Paths[rt.path]
		if len(ops) != 1 || ops["get"].OperationID == "" {
			t.Errorf("%s: documented methods %v, want get only, with an operationId", rt.path, keys(ops))
			continue
		}
		op := ops["get"]
		var query, path []string
		for _, p := range s.params(t, op) {
			switch p.In {
			case "query":
				query = append(query, p.Name)
			case "path":
				path = append(path, p.Name)
				if !p.Required {
					t.Errorf("%s: path parameter %s not required", rt.path, p.Name)
				}
			default:
				t.Errorf("%s: parameter %s in %s", rt.path, p.Name, p.In)
			}
			if p.Example == nil {
				t.Errorf("%s: parameter %s has no example", rt.path, p.Name)
			}
		}
		var wantPath []string
		for _, m := range wildcard.FindAllStringSubmatch(rt.path, -1) {
			wantPath = append(wantPath, m[1])
		}
		if !sameSet(query, rt.params) || !sameSet(path, wantPath) {
			t.Errorf("%s: documents query %q and path %q parameters, serves %q and %q", rt.path, query, path, rt.params, wantPath)
		}
		for _, status := range []int{200, 405, 413, 500} {
			if _, ok := s.response(op, status); !ok {
				t.Errorf("%s: no %d response documented", rt.path, status)
			}
		}
	}
	walkRefs(t, s.raw, s.raw, "#")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// walkRefs checks that every $ref of the document resolves.
func walkRefs(t *testing.T, root, v any, at string) {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			if _, err := resolve(root, ref); err != nil {
				t.Errorf("%s: %v", at, err)
			}
		}
		for k, x := range v {
			walkRefs(t, root, x, at+"/"+k)
		}
	case []any:
		for i, x := range v {
			walkRefs(t, root, x, fmt.Sprintf("%s/%d", at, i))
		}
	}
}

func resolve(root any, ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("reference %q is not local", ref)
	}
	cur := root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok || m[part] == nil {
			return nil, fmt.Errorf("reference %q does not resolve", ref)
		}
		cur = m[part]
	}
	return cur, nil
}

// validate checks a decoded JSON value against a schema of the document:
// the subset of JSON Schema it uses ($ref, type, properties, required,
// additionalProperties, items, enum, pattern, minItems, maxItems).
func validate(root any, schema map[string]any, v any, at string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		target, err := resolve(root, ref)
		if err != nil {
			return []string{at + ": " + err.Error()}
		}
		return validate(root, target.(map[string]any), v, at)
	}
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, a...)) }
	if typ, ok := schema["type"].(string); ok && !hasType(v, typ) {
		bad("%v is not of type %s", v, typ)
		return errs
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		bad("%v is not one of %v", v, enum)
	}
	if pat, ok := schema["pattern"].(string); ok {
		if s, isString := v.(string); isString && !regexp.MustCompile(pat).MatchString(s) {
			bad("%q does not match %s", s, pat)
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := v[r]; !ok {
				bad("required property %s missing", r)
			}
		}
		for k, x := range v {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(root, ps, x, at+"."+k)...)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					bad("property %s is not documented", k)
				}
			case map[string]any:
				errs = append(errs, validate(root, ap, x, at+"."+k)...)
			}
		}
	case []any:
		if n, ok := schema["minItems"].(float64); ok && len(v) < int(n) {
			bad("%d items, at least %v", len(v), n)
		}
		if n, ok := schema["maxItems"].(float64); ok && len(v) > int(n) {
			bad("%d items, at most %v", len(v), n)
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range v {
				errs = append(errs, validate(root, items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func hasType(v any, typ string) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "number":
		_, ok := v.(float64)
		return ok
	}
	return false
}

func asStrings(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func TestValidateCatchesWhatItShould(t *testing.T) {
	root := loadSpec(t).raw
	schema := map[string]any{"$ref": "#/components/schemas/ErrorDocument"}
	tests := []struct {
		name string
		doc  string
		errs int
	}{
		{"valid", `{"errors":[{"status":400,"title":"INVALID FORMAT","parameter":"origin","source":{"parameter":"origin"}}]}`, 0},
		{"missing required", `{"errors":[{"status":400}]}`, 1},
		{"undocumented property", `{"errors":[{"status":400,"title":"x","extra":1}]}`, 1},
		{"wrong type", `{"errors":[{"status":"400","title":"x"}]}`, 1},
		{"too few items", `{"errors":[]}`, 1},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.doc), &v); err != nil {
			t.Fatal(err)
		}
		if got := validate(root, schema, v, "$"); len(got) != tt.errs {
			t.Errorf("%s: validate = %q, want %d errors", tt.name, got, tt.errs)
		}
	}
}
