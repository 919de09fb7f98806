package fare

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestCanonicalVersions(t *testing.T) {
	if got, want := key.Canonical(), "fare.v1|amadeus|ICN|NRT|2027-01-05||ECONOMY|1|KE|KRW"; got != want {
		t.Errorf("Canonical() of the zero mix = %q, want the version 1 form %q", got, want)
	}
	k := key
	k.Passengers = Passengers{Adults: 2}
	if got, want := k.Canonical(), "fare.v2|amadeus|ICN|NRT|2027-01-05||ECONOMY|1|KE|KRW|adults=2,children=0,infants=0"; got != want {
		t.Errorf("Canonical() = %q, want %q", got, want)
	}
}

// TestPassengerMixNamesItsOwnSeries: every two different mixes, the zero
// mix of version 1 included, give different series ids.
func TestPassengerMixNamesItsOwnSeries(t *testing.T) {
	seen := map[string]Passengers{}
	for a := 0; a <= MaxPassengers; a++ {
		for c := 0; c <= 3; c++ {
			for i := 0; i <= 2; i++ {
				k := key
				k.Passengers = Passengers{Adults: a, Children: c, Infants: i}
				id := k.ID()
				if prev, ok := seen[id]; ok {
					t.Fatalf("mixes %+v and %+v share series id %s", prev, k.Passengers, id)
				}
				seen[id] = k.Passengers
			}
		}
	}
}

func TestPassengersValidate(t *testing.T) {
	tests := []struct {
		p    Passengers
		want string // empty: valid
	}{
		{Passengers{}, ""},
		{Passengers{Adults: 1}, ""},
		{Passengers{Adults: 2, Children: 1, Infants: 2}, ""},
		{Passengers{Children: 1}, "at least one adult"},
		{Passengers{Adults: 1, Infants: 2}, "more infants than adults"},
		{Passengers{Adults: 10}, "want 0 to 9"},
		{Passengers{Adults: 1, Children: -1}, `children "-1"`},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v.Validate() = %v, want nil", tt.p, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v.Validate() = %v, want an error mentioning %q", tt.p, err, tt.want)
		}
	}
}

func TestNewBreakdown(t *testing.T) {
	total, _ := ParseMoney("355.34", "EUR")
	b, err := NewBreakdown(total, "255.00", "400.34")
	if err != nil {
		t.Fatal(err)
	}
	if b.Base.Minor != 25500 || b.Taxes.Minor != 10034 || b.Taxes.Amount != "100.34" || b.GrandTotal.Minor != 40034 {
		t.Errorf("NewBreakdown = %+v, want base 25500, taxes 10034, grand total 40034", b)
	}
	if b, err := NewBreakdown(total, "", ""); err != nil || b != (Breakdown{}) {
		t.Errorf("NewBreakdown without parts = %+v, %v; want zero", b, err)
	}
	for _, bad := range [][2]string{{"355.35", ""}, {"-1.00", ""}, {"1.001", ""}, {"", "355.33"}, {"", "x"}} {
		if _, err := NewBreakdown(total, bad[0], bad[1]); err == nil {
			t.Errorf("NewBreakdown(base %q, grand total %q) = nil error, want one", bad[0], bad[1])
		}
	}
}

// TestObservationJSONRoundTripGenerated: any valid observation, with or
// without a passenger mix and breakdown parts, decodes to itself, through
// the fast path and through encoding/json alike.
func TestObservationJSONRoundTripGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	at := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	for n := 0; n < 500; n++ {
		k := key
		k.Cabin = append(Cabins[:len(Cabins):len(Cabins)], CabinMixed)[rng.IntN(len(Cabins)+1)]
		if rng.IntN(4) > 0 {
			k.Passengers = Passengers{Adults: 1 + rng.IntN(9), Children: rng.IntN(3)}
			k.Infants = rng.IntN(k.Adults + 1)
		}
		price, _ := MoneyFromMinor(1+rng.Int64N(1e9), k.Currency)
		o := NewObservation(k, at.Add(time.Duration(n)*time.Minute), price, 1+rng.IntN(20))
		var base, grand string
		if rng.IntN(2) == 0 {
			base = FormatMinor(rng.Int64N(price.Minor+1), 0)
		}
		if rng.IntN(2) == 0 {
			grand = FormatMinor(price.Minor+rng.Int64N(1000), 0)
		}
		var err error
		if o.Breakdown, err = NewBreakdown(price, base, grand); err != nil {
			t.Fatal(err)
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("generated observation invalid: %v", err)
		}
		data := o.AppendJSON(nil)
		back, err := ParseObservation(data)
		if err != nil || back != o {
			t.Fatalf("ParseObservation(%s) = %+v, %v; want %+v", data, back, err, o)
		}
		var slow wireObservation
		if err := json.Unmarshal(data, &slow); err != nil {
			t.Fatal(err)
		}
		var viaJSON Observation
		if err := viaJSON.fromWire(&slow); err != nil || viaJSON != o {
			t.Fatalf("encoding/json path of %s = %+v, %v; want %+v", data, viaJSON, err, o)
		}
		if k.Passengers.Legacy() == strings.Contains(string(data), `"adults"`) {
			t.Fatalf("%s: adults written %v for mix %+v", data, !k.Passengers.Legacy(), k.Passengers)
		}
	}
}

func TestValidateBreakdown(t *testing.T) {
	price, _ := ParseMoney("120000", "KRW")
	o := NewObservation(key, time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC), price, 1)
	o.Breakdown, _ = NewBreakdown(price, "100000", "130000")
	if err := o.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	bad := o
	bad.Taxes.Minor++
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "do not add up") {
		t.Errorf("taxes off by one: Validate() = %v, want an error", err)
	}
	bad = o
	bad.GrandTotal, _ = ParseMoney("119999", "KRW")
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "grand_total") {
		t.Errorf("grand total below the price: Validate() = %v, want an error", err)
	}
}
