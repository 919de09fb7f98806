package query

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
)

// randomLatest returns a latest document of a random trip and price, with
// or without a return date and passenger mix.
func randomLatest(t *testing.T, rng *rand.Rand) *esindex.Latest {
	t.Helper()
	key := fare.SeriesKey{Source: "synthetic", Origin: "ICN", Destination: "NRT",
		Departure: time.Date(2027, 1, 1+rng.IntN(365), 0, 0, 0, 0, time.UTC).Format(fare.DateLayout),
		Cabin:     fare.Cabins[rng.IntN(len(fare.Cabins))], NonStop: rng.IntN(2) == 0, Carrier: "KE",
		Currency: []string{"KRW", "USD", "KWD"}[rng.IntN(3)]}
	if rng.IntN(2) == 0 {
		key.Return = time.Date(2028, 1, 1+rng.IntN(30), 0, 0, 0, 0, time.UTC).Format(fare.DateLayout)
	}
	if rng.IntN(2) == 0 {
		key.Passengers = fare.Passengers{Adults: 1 + rng.IntN(fare.MaxPassengers)}
	}
	price, err := fare.MoneyFromMinor(1+rng.Int64N(1e9), key.Currency)
	if err != nil {
		t.Fatal(err)
	}
	last := time.UnixMilli(1_790_000_000_000 + rng.Int64N(1e10)).UTC()
	o := fare.NewObservation(key, last, price, 1+rng.IntN(9))
	return &esindex.Latest{Key: key, SeriesID: o.SeriesID, ObservationID: o.ID, Price: price, Offers: o.Offers,
		ChangedAt: last.Add(-time.Duration(rng.Int64N(1e9)) * time.Millisecond), FirstSeen: last.Add(-time.Hour),
		LastSeen: last, Observations: 3, ChangePoints: 2}
}

// docValues is a written latest document as the calendar lookup reads it
// (docvalue_fields): each field of fareDocFields an array of its value,
// the instants in the strict_date_time form Elasticsearch gives.
func docValues(t *testing.T, doc []byte) []byte {
	t.Helper()
	var src map[string]any
	d := json.NewDecoder(strings.NewReader(string(doc)))
	d.UseNumber()
	if err := d.Decode(&src); err != nil {
		t.Fatal(err)
	}
	hit := map[string][]any{}
	for i, name := range fareDocFields {
		v, ok := src[name]
		if !ok {
			t.Fatalf("the calendar reads %q, which the latest document lacks: %s", name, doc)
		}
		if i == docChangedAt || i == docLastSeen {
			at, err := time.Parse(time.RFC3339Nano, v.(string))
			if err != nil {
				t.Fatal(err)
			}
			v = at.UTC().Format("2006-01-02T15:04:05.000Z07:00")
		}
		hit[name] = []any{v}
	}
	b, err := json.Marshal(hit)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// What the writer writes to a latest document the calendar's decoder reads
// back: for random documents, on its fast path.
func TestCalendarReadsWhatTheIndexerWrites(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 4))
	for range 300 {
		l := randomLatest(t, rng)
		hit := docValues(t, l.AppendJSON(nil))
		var v fareDocValues
		if !v.decode(hit) {
			t.Fatalf("seed %d: the fast path refused %s", seed, hit)
		}
		want := fareDoc{SeriesFields: fare.SeriesFields{SeriesID: l.SeriesID, Source: l.Key.Source,
			Departure: l.Key.Departure, Return: l.Key.Return, Cabin: l.Key.Cabin, NonStop: l.Key.NonStop,
			Carrier: l.Key.Carrier, Currency: l.Price.Currency}, Amount: l.Price.Amount, Minor: l.Price.Minor, ChangedAt: l.ChangedAt, LastSeen: l.LastSeen}
		if !equalDoc(v.fareDoc, want) {
			t.Fatalf("seed %d: decoded %+v from %s, want %+v", seed, v.fareDoc, hit, want)
		}
	}
}

// filterFields collects the fields a query body names.
func filterFields(v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch k {
			case "term", "terms", "range":
				for name := range x.(map[string]any) {
					into[name] = true
				}
			case "exists":
				into[x.(map[string]any)["field"].(string)] = true
			}
			filterFields(x, into)
		}
	case []any:
		for _, x := range v {
			filterFields(x, into)
		}
	}
}

// Every field the searches filter on or read is one the indexer writes:
// to latest documents for the calendar, to change-log documents for the
// metrics.
func TestSearchesReadWrittenFields(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	latest, changeLog := map[string]bool{}, map[string]bool{}
	for range 50 {
		l := randomLatest(t, rng)
		var m map[string]any
		if err := json.Unmarshal(l.AppendJSON(nil), &m); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			latest[k] = true
		}
		o := fare.NewObservation(l.Key, l.LastSeen, l.Price, l.Offers)
		if err := json.Unmarshal(o.AppendJSON(nil), &m); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			changeLog[k] = true
		}
	}
	filtered := map[string]bool{}
	dates := DateRange{From: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)}
	for _, oneWay := range []bool{true, false} {
		plan := calendarPlan{dates: dates, seenSince: dates.From}
		plan.Origin, plan.Destination, plan.OneWay, plan.Cabin, plan.NonStop, plan.Currency = "SEL", "NRT", oneWay, "ECONOMY", true, "KRW"
		filterFields(plan.filters(), filtered)
	}
	for name := range filtered {
		if !latest[name] {
			t.Errorf("the calendar filters on %q, which no latest document has", name)
		}
		if !changeLog[name] && name != esindex.FieldLastSeen {
			t.Errorf("the metrics filter on %q, which no change-log document has", name)
		}
	}
	for _, name := range fareDocFields {
		if !latest[name] {
			t.Errorf("the calendar reads %q, which no latest document has", name)
		}
	}
	for f := range reflect.TypeFor[changePoint]().Fields() {
		name := f.Tag.Get("json")
		if !changeLog[name] {
			t.Errorf("the metrics read %q, which no change-log document has", name)
		}
	}
	if len(filtered) < 10 || !slices.Contains(fareDocFields[:], fare.FieldAmountMinor) {
		t.Errorf("the test found only the fields %v", filtered)
	}
}
