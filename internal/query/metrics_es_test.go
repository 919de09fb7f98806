package query

import (
	"context"
	"errors"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query/querytest"
)

// TestPriceMetricsAgainstTheFixture checks the metrics of several requests
// against quartiles computed by the textbook nearest-rank formula from the
// prices each series took, as the observations themselves tell.
func TestPriceMetricsAgainstTheFixture(t *testing.T) {
	t.Parallel()
	c, all := loadFixture(t)
	nrt := func(k fare.SeriesKey) bool { return k.Destination == "NRT" }
	tests := []struct {
		name string
		req  MetricsRequest
		keep func(fare.SeriesKey) bool
	}{
		{"round trips of one date", MetricsRequest{Departure: "2027-01-06"},
			func(k fare.SeriesKey) bool { return nrt(k) && k.Departure == "2027-01-06" && k.Return != "" }},
		{"one way of one date", MetricsRequest{Departure: "2027-01-10", OneWay: true},
			func(k fare.SeriesKey) bool { return nrt(k) && k.Departure == "2027-01-10" && k.Return == "" }},
		{"round trips of a month", MetricsRequest{Departure: "2027-01"},
			func(k fare.SeriesKey) bool { return nrt(k) && k.Return != "" }},
		{"a month of 7-day stays", MetricsRequest{Departure: "2027-01", Duration: "5,7"},
			func(k fare.SeriesKey) bool { return nrt(k) && querytest.StayOf(k) == 7 }},
		{"non-stop economy of a month", MetricsRequest{Departure: "2027-01", NonStop: true, Cabin: "ECONOMY"},
			func(k fare.SeriesKey) bool { return nrt(k) && k.Return != "" && k.NonStop && k.Cabin == "ECONOMY" }},
		{"USD of a route in two currencies", MetricsRequest{Departure: "2027-01", Destination: "KIX", Currency: "USD"},
			func(k fare.SeriesKey) bool { return k.Destination == "KIX" && k.Return != "" && k.Currency == "USD" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.Origin = "ICN"
			if req.Destination == "" {
				req.Destination = "NRT"
			}
			prices, series := querytest.ChangePrices(all, tt.keep)
			if len(prices) < 4 {
				t.Fatalf("the case has %d prices: too few to prove anything", len(prices))
			}
			m, err := c.PriceMetrics(context.Background(), req)
			if err != nil {
				t.Fatalf("PriceMetrics(%+v): %v", req, err)
			}
			want := [5]int64{NearestRank(prices, 0), querytest.NearestRank(prices, 25), querytest.NearestRank(prices, 50),
				querytest.NearestRank(prices, 75), querytest.NearestRank(prices, 100)}
			got := [5]int64{m.Minimum.Minor, m.First.Minor, m.Median.Minor, m.Third.Minor, m.Maximum.Minor}
			if got != want {
				t.Errorf("PriceMetrics(%+v) = %v, want %v (from %d prices)", req, got, want, len(prices))
			}
			if m.Samples != len(prices) || m.Series != series {
				t.Errorf("PriceMetrics(%+v): %d samples of %d series, want %d of %d", req, m.Samples, m.Series, len(prices), series)
			}
			if m.Currency == "" || m.Minimum.Currency != m.Currency {
				t.Errorf("PriceMetrics(%+v): currency %q, minimum in %q", req, m.Currency, m.Minimum.Currency)
			}
		})
	}
}

// NearestRank is querytest.NearestRank with p = 0 meaning the minimum.
func NearestRank(values []int64, p float64) int64 {
	if p == 0 {
		return querytest.NearestRank(values, 100.0/float64(len(values)))
	}
	return querytest.NearestRank(values, p)
}

// TestPriceMetricsOfASeriesGivenALateObservation checks the series given a
// late observation at B between A and B: its change log holds A, B (the
// change to B moved earlier), and its metrics count two samples.
func TestPriceMetricsOfASeriesGivenALateObservation(t *testing.T) {
	t.Parallel()
	c, _ := loadFixture(t)
	key := fare.SeriesKey{Source: "fixture", Origin: "ICN", Destination: "NRT", Departure: "2027-01-06",
		Return: "2027-01-09", Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}
	h, err := c.History(context.Background(), key.ID())
	if err != nil {
		t.Fatal(err)
	}
	if h.Total != 2 {
		t.Fatalf("the series has %d change points stored, want 2 (A, B)", h.Total)
	}
	m, err := c.PriceMetrics(context.Background(), MetricsRequest{Origin: "ICN", Destination: "NRT",
		Departure: "2027-01-06", Duration: "3", NonStop: true, Cabin: "ECONOMY"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Samples != 2 || m.Series != 1 || m.Minimum.Minor != 171000 || m.Maximum.Minor != 180000 {
		t.Errorf("metrics of A=180000, B=171000, B: %d samples of %d series, %s to %s; want 2 of 1, 171000 to 180000",
			m.Samples, m.Series, m.Minimum.Amount, m.Maximum.Amount)
	}
	if got, want := fare.FormatTime(m.FirstObserved), "2026-11-19T06:00:00.000Z"; got != want {
		t.Errorf("first observed %s, want %s", got, want)
	}
	if got, want := fare.FormatTime(m.LastObserved), "2026-11-20T06:00:00.000Z"; got != want {
		t.Errorf("last observed %s, want %s (the last change point read)", got, want)
	}
}

func TestPriceMetricsRatePrices(t *testing.T) {
	t.Parallel()
	c, all := loadFixture(t)
	prices, _ := querytest.ChangePrices(all, func(k fare.SeriesKey) bool {
		return k.Destination == "NRT" && k.Return != "" && k.Departure >= "2027-01-01" && k.Departure <= "2027-01-31"
	})
	q1, q3 := querytest.NearestRank(prices, 25), querytest.NearestRank(prices, 75)
	if q1 >= q3 {
		t.Fatalf("first quartile %d, third %d: the fixture cannot tell the ratings apart", q1, q3)
	}
	tests := []struct {
		price int64
		want  string
	}{
		{q1 - 1, RatingLow}, {q1, RatingTypical}, {q3, RatingTypical}, {q3 + 1, RatingHigh}, {1, RatingLow},
	}
	for _, tt := range tests {
		m, err := c.PriceMetrics(context.Background(), MetricsRequest{Origin: "ICN", Destination: "NRT",
			Departure: "2027-01", Price: fare.FormatMinor(tt.price, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if m.Rating == nil || m.Rating.Level != tt.want || m.Rating.Price.Minor != tt.price {
			t.Errorf("rating of %d (quartiles %d, %d) = %+v, want %s", tt.price, q1, q3, m.Rating, tt.want)
		}
	}
}

func TestPriceMetricsWithoutHistoryOrWithAProblem(t *testing.T) {
	t.Parallel()
	c, _ := loadFixture(t)
	m, err := c.PriceMetrics(context.Background(), MetricsRequest{Origin: "ICN", Destination: "CDG", Departure: "2027-01", Price: "1"})
	if err != nil || m.Samples != 0 || m.Rating != nil {
		t.Errorf("metrics of a route without history = %+v, %v; want no samples, no rating, no error", m, err)
	}
	_, err = c.PriceMetrics(context.Background(), MetricsRequest{Origin: "ICN", Destination: "KIX", Departure: "2027-01"})
	if !errors.Is(err, ErrCurrencies) {
		t.Errorf("metrics of fares in KRW and USD: %v, want ErrCurrencies", err)
	}
	_, err = c.PriceMetrics(context.Background(), MetricsRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01", Price: "150000.5"})
	var fe *fare.FieldError
	if !errors.As(err, &fe) || fe.Field != "price" {
		t.Errorf("a price finer than KRW: %v, want a field error of price", err)
	}
}
