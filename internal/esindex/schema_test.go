package esindex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// RandomLatest returns a latest document of random key, price, breakdown,
// instants and counts, with or without a passenger mix, return date,
// breakdown and pending instants.
func randomLatest(t testing.TB, rng *rand.Rand) *Latest {
	t.Helper()
	currencies := []string{"KRW", "USD", "EUR", "JPY", "KWD"}
	codes := []string{"ICN", "NRT", "SEL", "LAX", "CDG"}
	key := fare.SeriesKey{Source: []string{"synthetic", "amadeus"}[rng.IntN(2)],
		Origin: codes[rng.IntN(len(codes))], Destination: codes[rng.IntN(len(codes))],
		Departure: time.Date(2027, 1, 1+rng.IntN(365), 0, 0, 0, 0, time.UTC).Format(fare.DateLayout),
		Cabin:     fare.Cabins[rng.IntN(len(fare.Cabins))], NonStop: rng.IntN(2) == 0,
		Carrier: []string{"KE", "OZ", "7C"}[rng.IntN(3)], Currency: currencies[rng.IntN(len(currencies))]}
	if rng.IntN(2) == 0 {
		key.Return = time.Date(2028, 1, 1+rng.IntN(30), 0, 0, 0, 0, time.UTC).Format(fare.DateLayout)
	}
	if rng.IntN(3) > 0 { // a version 1 key otherwise
		key.Passengers = fare.Passengers{Adults: 1 + rng.IntN(fare.MaxPassengers), Children: rng.IntN(3), Infants: rng.IntN(2)}
	}
	minor := 1 + rng.Int64N(math.MaxInt32)
	price, err := fare.MoneyFromMinor(minor, key.Currency)
	if err != nil {
		t.Fatal(err)
	}
	last := time.UnixMilli(1_790_000_000_000 + rng.Int64N(1e10)).UTC()
	o := fare.NewObservation(key, last, price, 1+rng.IntN(50))
	if rng.IntN(2) == 0 {
		base, _ := fare.MoneyFromMinor(rng.Int64N(minor+1), key.Currency)
		base.Amount = strings.Clone(base.Amount)
		total, _ := fare.MoneyFromMinor(minor+rng.Int64N(1000), key.Currency)
		grand := ""
		if rng.IntN(2) == 0 {
			grand = total.Amount
		}
		if o.Breakdown, err = fare.NewBreakdown(price, base.Amount, grand); err != nil {
			t.Fatal(err)
		}
	}
	first := o.ObservedAt.Add(-time.Duration(rng.Int64N(1e6)) * time.Millisecond)
	l := &Latest{Key: key, SeriesID: o.SeriesID, Price: price, ObservationID: o.ID, Breakdown: o.Breakdown,
		ChangedAt: first.Add(time.Duration(rng.Int64N(1+o.ObservedAt.Sub(first).Milliseconds())) * time.Millisecond),
		FirstSeen: first, LastSeen: o.ObservedAt, Observations: 1 + rng.Int64N(1000), ChangePoints: 1 + rng.Int64N(100),
		Offers: o.Offers, History: history(fmt.Appendf(nil, "h%d", rng.Int())), Gen: rng.Int64N(100)}
	for range rng.IntN(3) {
		l.Pending = append(l.Pending, first.UnixMilli()+rng.Int64N(1000))
	}
	return l
}

// members decodes a written document into its members.
func members(t testing.TB, doc []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("decoding %s: %v", doc, err)
	}
	return m
}

// fits reports why a JSON value does not fit the mapped field f, or "".
func fits(f field, v any) string {
	switch f.typ {
	case typeKeyword, typeBinary:
		if _, ok := v.(string); !ok {
			return "not a string"
		}
	case typeDate:
		s, ok := v.(string)
		layout := time.RFC3339Nano
		if f.format == "strict_date" {
			layout = fare.DateLayout
		}
		if _, err := time.Parse(layout, s); !ok || err != nil {
			return "not a date of format " + f.format
		}
	case typeBoolean:
		if _, ok := v.(bool); !ok {
			return "not a boolean"
		}
	case typeByte, typeInteger, typeLong:
		limit := map[string]int64{typeByte: math.MaxInt8, typeInteger: math.MaxInt32, typeLong: math.MaxInt64}[f.typ]
		values := []any{v}
		if a, ok := v.([]any); ok && f.name == fieldPending {
			values = a // an array of longs
		}
		for _, v := range values {
			n, ok := v.(json.Number)
			i, err := n.Int64()
			if !ok || err != nil || i < -limit-1 || i > limit {
				return fmt.Sprintf("not a %s", f.typ)
			}
		}
	default:
		return "a type the test does not know"
	}
	return ""
}

// checkMapped checks that every member of doc is a field of the strict
// mapping of fields with a value of its type, and records it in written.
func checkMapped(t *testing.T, kind string, fields []field, doc []byte, written map[string]bool) {
	t.Helper()
	for name, v := range members(t, doc) {
		i := slices.IndexFunc(fields, func(f field) bool { return f.name == name })
		if i < 0 {
			t.Errorf("%s document has %q, which its strict mapping lacks: %s", kind, name, doc)
			continue
		}
		if why := fits(fields[i], v); why != "" {
			t.Errorf("%s document: %q = %v: %s: %s", kind, name, v, why, doc)
		}
		written[name] = true
	}
}

// The writers write the fields of the mappings, each with a value of its
// mapped type, and every mapped field is written by some document: for
// random change-log and latest documents.
func TestWritersWriteTheMappedFields(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 2))
	t.Logf("seed %d", seed)
	obsWritten, latestWritten := map[string]bool{}, map[string]bool{}
	for range 300 {
		l := randomLatest(t, rng)
		// A change-log document as the indexer writes it (upsertOp).
		o, err := changePoint(l.Key, l.SeriesID, entry{at: l.LastSeen.UnixMilli(), minor: l.Price.Minor, offers: l.Offers})
		if err != nil {
			t.Fatal(err)
		}
		checkMapped(t, "change-log", observationFields, o.AppendJSON(nil), obsWritten)
		checkMapped(t, "latest", latestFields, l.AppendJSON(nil), latestWritten)
	}
	for kind, c := range map[string]struct {
		fields  []field
		written map[string]bool
	}{"change-log": {observationFields, obsWritten}, "latest": {latestFields, latestWritten}} {
		for _, f := range c.fields {
			if !c.written[f.name] {
				t.Errorf("the %s mapping has %q, which no document written has", kind, f.name)
			}
		}
	}
}

// ParseLatest reads every field of the latest mapping, and reads back
// what AppendJSON wrote: for random documents.
func TestParseLatestReadsWhatAppendJSONWrites(t *testing.T) {
	read := slices.Collect(maps.Keys(fieldsOf(t, latestSource{})))
	// Fields written for searches only: the same as another field read.
	derived := []string{fare.FieldObservedAt, fare.FieldBaseMinor, fare.FieldTaxesMinor, fare.FieldGrandTotalMinor}
	for _, f := range latestFields {
		if !slices.Contains(read, f.name) && !slices.Contains(derived, f.name) {
			t.Errorf("ParseLatest does not read %q of the latest mapping", f.name)
		}
	}
	for _, name := range read {
		if !slices.ContainsFunc(latestFields, func(f field) bool { return f.name == name }) {
			t.Errorf("ParseLatest reads %q, which the latest mapping lacks", name)
		}
	}
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 3))
	for range 300 {
		l := randomLatest(t, rng)
		got, err := ParseLatest(l.AppendJSON(nil))
		if err != nil {
			t.Fatalf("seed %d: ParseLatest(%s): %v", seed, l.AppendJSON(nil), err)
		}
		if fmt.Sprint(*got) != fmt.Sprint(*l) {
			t.Fatalf("seed %d: ParseLatest(AppendJSON(l)) = %+v, want %+v", seed, *got, *l)
		}
	}
}

// fieldsOf returns the JSON fields of v, a struct without omitempty
// fields, embedded structs' included.
func fieldsOf(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	return fields
}
