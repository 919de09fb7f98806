package plan

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/raw"
	"gopkg.in/yaml.v3"
)

// header reads the "# key: value" comment lines at the top of a fixture.
func header(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(line, "# ")
		if !ok {
			break
		}
		if k, v, ok := strings.Cut(rest, ": "); ok {
			h[k] = append(h[k], v)
		}
	}
	return h
}

func TestLoadGood(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.good.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no good fixtures: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			h := header(t, path)
			p, err := Load(path)
			if err != nil {
				t.Fatalf("Load(%q): %v", path, err)
			}
			if err := p.Validate(); err != nil {
				t.Errorf("Load(%q) gave a plan that does not validate: %v", path, err)
			}
			searches := p.Searches()
			want, err := strconv.Atoi(h["count"][0])
			if err != nil {
				t.Fatalf("fixture needs a # count: line: %v", err)
			}
			if p.Count() != want || len(searches) != want {
				t.Fatalf("Load(%q): Count() = %d, %d searches, want %d", path, p.Count(), len(searches), want)
			}
			if got := searches[0].Key(); got != h["first"][0] {
				t.Errorf("Load(%q): first search %q, want %q", path, got, h["first"][0])
			}
			if got := searches[len(searches)-1].Key(); got != h["last"][0] {
				t.Errorf("Load(%q): last search %q, want %q", path, got, h["last"][0])
			}
			seen := map[string]bool{}
			for _, s := range searches {
				if seen[s.Key()] {
					t.Errorf("Load(%q): search %q twice", path, s.Key())
				}
				seen[s.Key()] = true
			}
		})
	}
}

func TestLoadBad(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.bad.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no bad fixtures: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			wants := header(t, path)["want"]
			if len(wants) == 0 {
				t.Fatalf("fixture needs a # want: line")
			}
			_, err := Load(path)
			if err == nil {
				t.Fatalf("Load(%q) succeeded, want an error", path)
			}
			msg := err.Error()
			for _, want := range wants {
				if !strings.Contains(msg, want) {
					t.Errorf("Load(%q) error:\n%s\nwant it to contain %q", path, msg, want)
				}
			}
			lines := strings.Split(msg, "\n")
			if len(lines) != len(wants) {
				t.Errorf("Load(%q) reported %d problems, want %d:\n%s", path, len(lines), len(wants), msg)
			}
			for _, line := range lines {
				if !strings.HasPrefix(line, "plan "+path+": ") {
					t.Errorf("Load(%q) error line %q does not name the file", path, line)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join("testdata", "no-such-plan.yaml")
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(%q) = %v, want a not-exist error naming the file", path, err)
	}
}

func TestSearches(t *testing.T) {
	p := Plan{
		Routes:    []Route{{"ICN", "NRT"}, {"GMP", "KIX"}},
		Departure: Window{From: "2027-12-31", Days: 2},
		Stays:     []int{7, 0},
		Cabin:     "ECONOMY",
		Currency:  "JPY",
		Adults:    2,
		MaxOffers: 5,
	}
	var got []string
	for _, s := range p.Searches() {
		got = append(got, s.Key())
		if s.Adults != 2 || s.Max != 5 || s.NonStop {
			t.Errorf("search %q: adults %d max %d non-stop %v, want 2 5 false", s.Key(), s.Adults, s.Max, s.NonStop)
		}
	}
	want := []string{
		"ICN-NRT 2027-12-31/2028-01-07 ECONOMY JPY",
		"ICN-NRT 2027-12-31/2027-12-31 ECONOMY JPY",
		"ICN-NRT 2028-01-01/2028-01-08 ECONOMY JPY",
		"ICN-NRT 2028-01-01/2028-01-01 ECONOMY JPY",
		"GMP-KIX 2027-12-31/2028-01-07 ECONOMY JPY",
		"GMP-KIX 2027-12-31/2027-12-31 ECONOMY JPY",
		"GMP-KIX 2028-01-01/2028-01-08 ECONOMY JPY",
		"GMP-KIX 2028-01-01/2028-01-01 ECONOMY JPY",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Searches() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p.Count() != len(want) {
		t.Errorf("Count() = %d, want %d", p.Count(), len(want))
	}
	if again := p.Searches(); !slices.Equal(again, p.Searches()) {
		t.Errorf("Searches() differs between calls")
	}

	p.Stays = nil
	oneWay := p.Searches()
	if len(oneWay) != 4 || oneWay[1] != (raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2028-01-01",
		Adults: 2, Cabin: "ECONOMY", Currency: "JPY", Max: 5}) {
		t.Errorf("one-way Searches() = %+v", oneWay)
	}
}

func TestWindowDates(t *testing.T) {
	tests := []struct {
		name string
		w    Window
		want []string
	}{
		{"days", Window{From: "2027-01-30", Days: 3}, []string{"2027-01-30", "2027-01-31", "2027-02-01"}},
		{"to inclusive", Window{From: "2028-02-28", To: "2028-03-01"}, []string{"2028-02-28", "2028-02-29", "2028-03-01"}},
		{"to same day", Window{From: "2027-01-01", To: "2027-01-01"}, []string{"2027-01-01"}},
		{"both", Window{From: "2027-01-01", Days: 2, To: "2027-01-02"}, nil},
		{"neither", Window{From: "2027-01-01"}, nil},
		{"to before from", Window{From: "2027-01-02", To: "2027-01-01"}, nil},
		{"bad from", Window{From: "2027-1-1", Days: 2}, nil},
		{"too long", Window{From: "2027-01-01", Days: 367}, nil},
	}
	for _, tt := range tests {
		if got := tt.w.Dates(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %+v.Dates() = %v, want %v", tt.name, tt.w, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Plan{Routes: []Route{{"ICN", "NRT"}}, Departure: Window{From: "2027-01-01", Days: 1}, Adults: 1}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
	bad := Plan{
		Routes:    []Route{{"ICN", "N1T"}, {"ICN", "ICN"}},
		Departure: Window{From: "2027-01-10", To: "2027-01-01"},
		Stays:     []int{-3},
		Cabin:     "economy",
		Currency:  "WON",
		Adults:    0,
		MaxOffers: -1,
	}
	err := bad.Validate()
	wants := []string{
		`route "ICN-N1T": destination "N1T" is not an IATA location code`,
		`route "ICN-ICN": origin and destination are the same`,
		`departure.to "2027-01-01": before departure.from 2027-01-10`,
		`stay "-3": want 0 to 365 days`,
		`cabin "economy": unknown cabin`,
		`currency "WON": unknown currency`,
		`adults "0": want 1 to 9`,
		`max_offers "-1"`,
	}
	if err == nil {
		t.Fatalf("Validate() = nil, want %d problems", len(wants))
	}
	for _, want := range wants {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() =\n%v\nwant it to contain %q", err, want)
		}
	}
	if n := len(strings.Split(err.Error(), "\n")); n != len(wants) {
		t.Errorf("Validate() reported %d problems, want %d:\n%v", n, len(wants), err)
	}
	var fe *fare.FieldError
	if !errors.As(err, &fe) {
		t.Errorf("Validate() = %v, holds no *fare.FieldError", err)
	}
}

func TestParseRoutes(t *testing.T) {
	tests := []struct {
		in   string
		want []Route
		err  string
	}{
		{"ICN-NRT,ICN-KIX", []Route{{"ICN", "NRT"}, {"ICN", "KIX"}}, ""},
		{" icn-nrt , gmp-hnd ", []Route{{"ICN", "NRT"}, {"GMP", "HND"}}, ""},
		{"ICN-NRT", []Route{{"ICN", "NRT"}}, ""},
		{"ICN-N1T", nil, `route "ICN-N1T": destination "N1T" is not an IATA location code`},
		{"ICN-NRT,", nil, `route "": want ORIGIN-DESTINATION`},
		{"", nil, `route "": want ORIGIN-DESTINATION`},
		{"ICN", nil, `route "ICN": want ORIGIN-DESTINATION`},
		{"ICN-NRT-KIX", nil, `destination "NRT-KIX"`},
		{"NRT-NRT", nil, "origin and destination are the same"},
		{"ICN-NRT,ICN-NRT", nil, `route "ICN-NRT": listed twice`},
		{"I-NRT,ICN-X", nil, "origin \"I\" is not an IATA location code (three letters A-Z)\nroute \"ICN-X\""},
	}
	for _, tt := range tests {
		got, err := ParseRoutes(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseRoutes(%q) error %v, want %v", tt.in, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseRoutes(%q) = %v, %v, want error containing %q", tt.in, got, err, tt.err)
		case !slices.Equal(got, tt.want):
			t.Errorf("ParseRoutes(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestRouteYAML(t *testing.T) {
	p := Plan{Routes: []Route{{"ICN", "NRT"}}, Departure: Window{From: "2027-01-01", Days: 3}, Adults: 1}
	if got := p.Routes[0].String(); got != "ICN-NRT" {
		t.Errorf("Route.String() = %q, want %q", got, "ICN-NRT")
	}
	out, err := yaml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out, "round trip")
	if err != nil {
		t.Fatalf("Parse(marshalled plan): %v\n%s", err, out)
	}
	if !slices.Equal(back.Searches(), p.Searches()) {
		t.Errorf("plan changed through YAML:\n%s", out)
	}
}
