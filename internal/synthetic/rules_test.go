package synthetic

import (
	"slices"
	"testing"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		cents    int64
		currency string
		want     int64
	}{
		{12345, "USD", 12345},
		{10000, "EUR", 9200},
		{10000, "KWD", 30700},         // 100 USD = 30.700 KWD
		{10000, "KRW", 138000},        // 100 USD = 138,000 won
		{12345, "KRW", 170400},        // 170,361 won, quoted in hundreds
		{12345, "JPY", 18520},         // 18,517.5 yen, quoted in tens
		{1, "KRW", 100},               // never below one step
		{2000000, "IDR", 31600000000}, // 20,000 USD = 316,000,000.00 rupiah
	}
	for _, tt := range tests {
		if got := convert(tt.cents, tt.currency); got != tt.want {
			t.Errorf("convert(%d, %q) = %d, want %d", tt.cents, tt.currency, got, tt.want)
		}
	}
}

func TestPermille(t *testing.T) {
	tests := []struct {
		v    int64
		m    int
		want int64
	}{
		{1000, 900, 900}, {1001, 500, 501}, {1, 1500, 2}, {12345, 1000, 12345},
	}
	for _, tt := range tests {
		if got := permille(tt.v, tt.m); got != tt.want {
			t.Errorf("permille(%d, %d) = %d, want %d", tt.v, tt.m, got, tt.want)
		}
	}
}

func TestISODuration(t *testing.T) {
	tests := []struct {
		minutes int
		want    string
	}{
		{145, "PT2H25M"}, {660, "PT11H"}, {45, "PT45M"}, {0, "PT0M"},
	}
	for _, tt := range tests {
		if got := isoDuration(tt.minutes); got != tt.want {
			t.Errorf("isoDuration(%d) = %q, want %q", tt.minutes, got, tt.want)
		}
	}
}

func TestRouteOptions(t *testing.T) {
	tests := []struct {
		from, to string
		want     []string // carrier or carrier/hub
		not      []string
	}{
		{"ICN", "NRT", []string{"KE", "OZ", "7C", "JL", "NH", "MM"}, []string{"UA", "SQ", "KE/GMP"}},
		{"JFK", "LAX", []string{"UA", "DL", "AA", "B6", "DL/ATL", "AA/DFW", "UA/ORD"}, []string{"AC", "AC/YVR", "BA", "UA/EWR"}},
		{"KWI", "LHR", []string{"KU", "BA", "QR/DOH", "EK/DXB", "TK/IST", "LH/FRA"}, []string{"QR", "KE", "7C"}},
		{"ICN", "LHR", []string{"KE", "OZ", "BA"}, []string{"7C", "LJ"}},
		{"AAA", "ZZZ", []string{"UA", "LH", "EK", "SQ", "TK"}, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, o := range routeOptions(lookupAirport(tt.from), lookupAirport(tt.to)) {
			name := o.carrier.code
			if o.via != "" {
				name += "/" + o.via
			}
			got = append(got, name)
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("routeOptions(%s, %s) = %v, want it to contain %s", tt.from, tt.to, got, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(got, n) {
				t.Errorf("routeOptions(%s, %s) = %v, want no %s", tt.from, tt.to, got, n)
			}
		}
	}
}

func TestPRNGStable(t *testing.T) {
	// The sequence must never change: golden files and every stored
	// synthetic series depend on it.
	r := newPRNG("farepipe")
	if got, want := r.next(), uint64(16013895406245342541); got != want {
		t.Errorf("newPRNG(%q).next() = %d, want %d", "farepipe", got, want)
	}
	if got, want := r.intn(1000), 796; got != want {
		t.Errorf("intn(1000) = %d, want %d", got, want)
	}
	if got, want := r.between(4, 12), 7; got != want {
		t.Errorf("between(4, 12) = %d, want %d", got, want)
	}
	if got, want := r.perm(5), []int{0, 2, 1, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("perm(5) = %v, want %v", got, want)
	}
	if newPRNG("farepipE").next() == newPRNG("farepipe").next() {
		t.Errorf("different seeds gave the same first number")
	}
}
