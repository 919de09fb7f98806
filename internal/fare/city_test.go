package fare

import (
	"strings"
	"testing"
)

func TestServes(t *testing.T) {
	tests := []struct {
		location, airport string
		want              bool
	}{
		{"SEL", "ICN", true},
		{"SEL", "GMP", true},
		{"TYO", "HND", true},
		{"NYC", "EWR", true},
		{"LON", "LHR", true},
		{"PAR", "CDG", true},
		{"ICN", "ICN", true},
		{"MAD", "MAD", true}, // not in the table: its own city
		{"ICN", "GMP", false},
		{"SEL", "NRT", false},
		{"TYO", "KIX", false},
		{"NYC", "BOS", false},
	}
	for _, tt := range tests {
		if got := Serves(tt.location, tt.airport); got != tt.want {
			t.Errorf("Serves(%q, %q) = %v, want %v", tt.location, tt.airport, got, tt.want)
		}
	}
}

// TestCitiesTable: every entry is a valid code pair, and no city code is
// itself listed as an airport of another city.
func TestCitiesTable(t *testing.T) {
	for a, c := range cities {
		if !ValidIATA(a) || !ValidIATA(c) {
			t.Errorf("entry %q → %q is not a pair of IATA codes", a, c)
		}
		if cc, ok := cities[c]; ok && cc != c {
			t.Errorf("city %q of %q is itself an airport of %q", c, a, cc)
		}
	}
}

func TestLocations(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"SEL", "SEL,GMP,ICN"},
		{"NYC", "NYC,EWR,JFK,LGA"},
		{"ICN", "ICN"},
		{"BKK", "BKK,DMK"},
	} {
		if got := strings.Join(Locations(tt.in), ","); got != tt.want {
			t.Errorf("Locations(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
