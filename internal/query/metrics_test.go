package query

import (
	"slices"
	"strings"
	"testing"
)

func TestQuartilesByNearestRank(t *testing.T) {
	tests := []struct {
		name string
		in   []int64
		want [5]int64
	}{
		{"one sample", []int64{7}, [5]int64{7, 7, 7, 7, 7}},
		{"two", []int64{20, 10}, [5]int64{10, 10, 10, 20, 20}},
		{"four", []int64{40, 10, 30, 20}, [5]int64{10, 10, 20, 30, 40}},
		{"five", []int64{5, 1, 4, 2, 3}, [5]int64{1, 2, 3, 4, 5}},
		{"eight", []int64{8, 7, 6, 5, 4, 3, 2, 1}, [5]int64{1, 2, 4, 6, 8}},
		{"ten", []int64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, [5]int64{10, 30, 50, 80, 100}},
		{"ties", []int64{5, 5, 5, 9}, [5]int64{5, 5, 5, 5, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			if got := Quartiles(in); got != tt.want {
				t.Errorf("Quartiles(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		price, q1, q3 int64
		want          string
	}{
		{99, 100, 200, RatingLow},
		{100, 100, 200, RatingTypical},
		{150, 100, 200, RatingTypical},
		{200, 100, 200, RatingTypical},
		{201, 100, 200, RatingHigh},
		{100, 100, 100, RatingTypical}, // a flat history: its price is typical
	}
	for _, tt := range tests {
		if got := Rate(tt.price, tt.q1, tt.q3); got != tt.want {
			t.Errorf("Rate(%d, %d, %d) = %s, want %s", tt.price, tt.q1, tt.q3, got, tt.want)
		}
	}
}

func TestMetricsRequestValidate(t *testing.T) {
	ok := MetricsRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01-05"}
	tests := []struct {
		name string
		edit func(*MetricsRequest)
		want []string
	}{
		{"valid date", func(*MetricsRequest) {}, nil},
		{"valid month", func(r *MetricsRequest) { r.Departure = "2027-01" }, nil},
		{"every option", func(r *MetricsRequest) {
			r.Duration, r.Cabin, r.NonStop, r.Currency, r.Price = "3,7", "BUSINESS", true, "USD", "199.99"
		}, nil},
		{"range is not a month", func(r *MetricsRequest) { r.Departure = "2027-01-01,2027-01-31" }, []string{"departureDate: not a date"}},
		{"bad route", func(r *MetricsRequest) { r.Origin = "" }, []string{"origin: not an IATA"}},
		{"bad price", func(r *MetricsRequest) { r.Price = "-3" }, []string{"price: not an amount"}},
		{"duration one way", func(r *MetricsRequest) { r.OneWay, r.Duration = true, "3" }, []string{"duration: only for round trips"}},
		{"bad currency", func(r *MetricsRequest) { r.Currency = "krw" }, []string{"currency: unknown currency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			got := fieldErrors(r.Validate())
			if len(got) != len(tt.want) {
				t.Fatalf("Validate(%+v) = %q, want %q", r, got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("Validate(%+v) error %d = %q, want %q", r, i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestValidSeriesID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0123456789abcdef0123456789abcdef", true},
		{"0123456789ABCDEF0123456789abcdef", false},
		{"0123456789abcdef0123456789abcde", false},
		{"0123456789abcdef0123456789abcdeg", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidSeriesID(tt.in); got != tt.want {
			t.Errorf("ValidSeriesID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
