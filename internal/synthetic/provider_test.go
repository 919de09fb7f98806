package synthetic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/amadeus"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// observed is the observation time of most tests.
var observed = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)

func search(t *testing.T, p *Provider, s raw.Search) raw.Envelope {
	t.Helper()
	env, err := p.Search(context.Background(), s)
	if err != nil {
		t.Fatalf("Search(%q): %v", s.Key(), err)
	}
	return env
}

func decode(t *testing.T, env raw.Envelope) amadeus.OffersResponse {
	t.Helper()
	var resp amadeus.OffersResponse
	dec := json.NewDecoder(bytes.NewReader(env.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&resp); err != nil {
		t.Fatalf("decoding body of %q: %v", env.Search.Key(), err)
	}
	return resp
}

func TestSearchGolden(t *testing.T) {
	tests := []struct {
		name string
		s    raw.Search
	}{
		{"icn-nrt-oneway-krw", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Adults: 1}},
		{"jfk-lax-return-usd", raw.Search{Origin: "JFK", Destination: "LAX", Departure: "2027-02-05", Return: "2027-02-12", Adults: 2}},
		{"kwi-lhr-business-kwd", raw.Search{Origin: "KWI", Destination: "LHR", Departure: "2027-03-10", Cabin: "BUSINESS", Adults: 1, Max: 6}},
	}
	p := New(Config{Seed: 7, ObservedAt: observed})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.MarshalIndent(search(t, p, tt.s), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("reading golden file (run go test -update to create it): %v", err)
			}
			if line, g, w := firstDiff(got, want); line > 0 {
				t.Errorf("Search(%q) differs from %s at line %d:\ngot:  %s\nwant: %s\n(run go test -update if the change is intended)",
					tt.s.Key(), path, line, g, w)
			}
		})
	}
}

// firstDiff returns the first line (from 1) where got and want differ and
// the two lines, or 0 if they are equal.
func firstDiff(got, want []byte) (int, string, string) {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return i + 1, a, b
		}
	}
	return 0, "", ""
}

func TestSearchDeterministic(t *testing.T) {
	s := raw.Search{Origin: "ICN", Destination: "KIX", Departure: "2027-02-01", Return: "2027-02-04", Adults: 2}
	a := search(t, New(Config{Seed: 3, ObservedAt: observed}), s)
	b := search(t, New(Config{Seed: 3, ObservedAt: observed}), s)
	if !bytes.Equal(a.Body, b.Body) {
		t.Errorf("Search(%q) twice gave different bodies:\n%s\n%s", s.Key(), a.Body, b.Body)
	}
	if !a.FetchedAt.Equal(observed) || a.FetchedAt.Location() != time.UTC {
		t.Errorf("FetchedAt = %v, want %v in UTC", a.FetchedAt, observed)
	}
	if a.Provider != "synthetic" || a.Status != 200 || a.Search != s {
		t.Errorf("envelope = %q %d %+v, want synthetic 200 %+v", a.Provider, a.Status, a.Search, s)
	}
	// Another poll the same day sees the same market.
	later := search(t, New(Config{Seed: 3, ObservedAt: observed.Add(9 * time.Hour)}), s)
	if !bytes.Equal(a.Body, later.Body) {
		t.Errorf("Search(%q) at %v and %v, the same day, gave different bodies", s.Key(), observed, later.FetchedAt)
	}
}

// prices returns the total of every offer, in minor units, by the offer's
// flights (carrier and departure times), which stay put from day to day.
func prices(t *testing.T, env raw.Envelope) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, o := range decode(t, env).Data {
		m, err := fare.ParseMoney(o.Price.Total, o.Price.Currency)
		if err != nil {
			t.Fatalf("offer %s: %v", o.ID, err)
		}
		var flights []string
		for _, it := range o.Itineraries {
			for _, s := range it.Segments {
				flights = append(flights, s.CarrierCode+s.Number+"@"+s.Departure.At)
			}
		}
		out[strings.Join(flights, ",")+" "+o.TravelerPricings[0].FareDetailsBySegment[0].Cabin] = m.Minor
	}
	return out
}

func TestSearchVaries(t *testing.T) {
	s := raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-09-20", Adults: 1}
	base := prices(t, search(t, New(Config{Seed: 1, ObservedAt: observed}), s))

	t.Run("seed", func(t *testing.T) {
		other := prices(t, search(t, New(Config{Seed: 2, ObservedAt: observed}), s))
		if equalPrices(base, other) {
			t.Errorf("seeds 1 and 2 gave the same offers: %v", base)
		}
	})
	t.Run("observation date", func(t *testing.T) {
		// Departure is more than 180 days ahead all week, so only drift
		// moves prices; the flights stay the same.
		changed, held := 0, 0
		prev := base
		for day := 1; day <= 7; day++ {
			cur := prices(t, search(t, New(Config{Seed: 1, ObservedAt: observed.AddDate(0, 0, day)}), s))
			if len(cur) != len(prev) {
				t.Fatalf("day %d: %d offers, day before %d", day, len(cur), len(prev))
			}
			for k, v := range cur {
				w, ok := prev[k]
				switch {
				case !ok:
					t.Fatalf("day %d: offer %s is new", day, k)
				case v != w:
					changed++
				default:
					held++
				}
			}
			prev = cur
		}
		if changed == 0 || held == 0 {
			t.Errorf("over a week of polls %d prices changed and %d held, want some of each", changed, held)
		}
	})
	t.Run("no drift", func(t *testing.T) {
		a := prices(t, search(t, New(Config{Seed: 1, ObservedAt: observed, Drift: -1}), s))
		for day := 1; day <= 7; day++ {
			b := prices(t, search(t, New(Config{Seed: 1, ObservedAt: observed.AddDate(0, 0, day), Drift: -1}), s))
			if !equalPrices(a, b) {
				t.Errorf("Drift -1: day %d prices %v, want %v", day, b, a)
			}
		}
	})
}

func equalPrices(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

func TestSearchInvalid(t *testing.T) {
	tests := []struct {
		name string
		s    raw.Search
		want string
	}{
		{"bad origin", raw.Search{Origin: "IC1", Destination: "NRT", Departure: "2027-01-15"}, `origin "IC1": not an IATA location code`},
		{"lower case destination", raw.Search{Origin: "ICN", Destination: "nrt", Departure: "2027-01-15"}, `destination "nrt"`},
		{"same airport", raw.Search{Origin: "ICN", Destination: "ICN", Departure: "2027-01-15"}, `destination "ICN": same as origin`},
		{"bad departure", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-02-30"}, `departure_date "2027-02-30"`},
		{"bad return", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Return: "15/01/2027"}, `return_date "15/01/2027"`},
		{"return before departure", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Return: "2027-01-14"}, `return_date "2027-01-14": before departure_date 2027-01-15`},
		{"cabin", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Cabin: "COACH"}, `cabin "COACH": unknown cabin`},
		{"currency", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Currency: "KRN"}, `currency "KRN": unknown currency`},
		{"currency without rate", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Currency: "XAF"}, `currency "XAF": not supported`},
		{"adults", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Adults: 10}, `adults "10": want 1 to 9`},
		{"max", raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Max: -1}, `max "-1"`},
	}
	p := New(Config{Seed: 1, ObservedAt: observed})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := p.Search(context.Background(), tt.s)
			if err == nil {
				t.Fatalf("Search(%q) = status %d, want an error", tt.s.Key(), env.Status)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Search(%q) error = %q, want it to contain %q", tt.s.Key(), err, tt.want)
			}
			if provider.IsRetryable(err) {
				t.Errorf("Search(%q) error %q is retryable, want permanent", tt.s.Key(), err)
			}
			var fe *fare.FieldError
			if !errors.As(err, &fe) {
				t.Errorf("Search(%q) error %q holds no *fare.FieldError", tt.s.Key(), err)
			}
		})
	}
	t.Run("every problem reported", func(t *testing.T) {
		_, err := p.Search(context.Background(), raw.Search{Origin: "I", Destination: "N", Departure: "x"})
		for _, want := range []string{`origin "I"`, `destination "N"`, `departure_date "x"`} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Search error = %v, want it to contain %q", err, want)
			}
		}
	})
}

func TestSearchDateOutOfRange(t *testing.T) {
	tests := []struct {
		name, departure, ret, detail string
	}{
		{"yesterday", "2026-11-21", "", "Date/Time is in the past"},
		{"beyond a year", "2027-11-23", "", "Date/Time is too far in the future"},
		{"return beyond a year", "2027-11-01", "2027-11-30", "Date/Time is too far in the future"},
	}
	p := New(Config{Seed: 1, ObservedAt: observed})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := raw.Search{Origin: "ICN", Destination: "NRT", Departure: tt.departure, Return: tt.ret}
			env := search(t, p, s)
			var resp amadeus.ErrorResponse
			if err := json.Unmarshal(env.Body, &resp); err != nil {
				t.Fatal(err)
			}
			if env.Status != 400 || len(resp.Errors) != 1 || resp.Errors[0].Code != 425 || resp.Errors[0].Detail != tt.detail {
				t.Errorf("Search(%q) = %d %s, want 400 with code 425 %q", s.Key(), env.Status, env.Body, tt.detail)
			}
		})
	}
	t.Run("today", func(t *testing.T) {
		s := raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2026-11-22"}
		if env := search(t, p, s); env.Status != 200 {
			t.Errorf("Search(%q) status = %d, want 200", s.Key(), env.Status)
		}
	})
}

func TestSearchObservationTime(t *testing.T) {
	s := raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15"}
	if _, err := New(Config{}).Search(context.Background(), s); err == nil {
		t.Errorf("Search without ObservedAt or Clock succeeded, want an error")
	}
	clock := time.Date(2026, 12, 1, 8, 0, 0, 123456789, time.FixedZone("KST", 9*3600))
	env := search(t, New(Config{Clock: func() time.Time { return clock }}), s)
	want := time.Date(2026, 11, 30, 23, 0, 0, 123000000, time.UTC)
	if !env.FetchedAt.Equal(want) || env.FetchedAt.Location() != time.UTC {
		t.Errorf("FetchedAt = %v, want %v (the clock in UTC, whole milliseconds)", env.FetchedAt, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(Config{ObservedAt: observed}).Search(ctx, s); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestName(t *testing.T) {
	if got := New(Config{}).Name(); got != "synthetic" {
		t.Errorf("Name() = %q, want %q", got, "synthetic")
	}
}

func TestSearchConcurrent(t *testing.T) {
	p := New(Config{Seed: 4, ObservedAt: observed})
	s := raw.Search{Origin: "HND", Destination: "GMP", Departure: "2027-04-01", Return: "2027-04-05"}
	want := search(t, p, s).Body
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			env, err := p.Search(context.Background(), s)
			if err == nil && !bytes.Equal(env.Body, want) {
				err = errors.New("body differs from a sequential search")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Search(%q): %v", s.Key(), err)
		}
	}
}
