package amadeus

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
)

// generatedAnswer bends the offers of a real answer at random: airports
// (some not of the searched cities, some not codes at all), dates, cabins
// per segment, travellers, prices, and offers given twice.
func generatedAnswer(t *testing.T, rng *rand.Rand, base []byte) []byte {
	t.Helper()
	var a map[string]any
	if err := json.Unmarshal(base, &a); err != nil {
		t.Fatal(err)
	}
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	offers := a["data"].([]any)
	var out []any
	for i := 0; i < 1+rng.IntN(12); i++ {
		if len(out) > 0 && rng.IntN(5) == 0 { // the same offer again, under another id
			again := clone(t, out[rng.IntN(len(out))]).(map[string]any)
			again["id"] = strconv.Itoa(i + 1)
			out = append(out, again)
			continue
		}
		o := clone(t, offers[rng.IntN(len(offers))]).(map[string]any)
		o["id"] = strconv.Itoa(i + 1)
		seg := o["itineraries"].([]any)[0].(map[string]any)["segments"].([]any)[0].(map[string]any)
		seg["departure"].(map[string]any)["iataCode"] = pick("ICN", "GMP", "PUS", "I1N", "")
		seg["arrival"].(map[string]any)["iataCode"] = pick("NRT", "HND", "KIX", "ICN")
		seg["departure"].(map[string]any)["at"] = pick("2027-01-10T08:30:00", "2027-01-10T23:55:00", "2027-01-11T00:05:00", "10/01/2027")
		tp := o["travelerPricings"].([]any)[0].(map[string]any)
		tp["fareDetailsBySegment"].([]any)[0].(map[string]any)["cabin"] = pick("ECONOMY", "BUSINESS", "COACH")
		for n := rng.IntN(3); n > 0; n-- {
			extra := clone(t, tp).(map[string]any)
			extra["travelerType"] = pick("ADULT", "CHILD", "HELD_INFANT", "SENIOR")
			o["travelerPricings"] = append(o["travelerPricings"].([]any), extra)
		}
		p := o["price"].(map[string]any)
		total := 1000 + rng.IntN(300000)
		p["total"], p["base"] = strconv.Itoa(total), strconv.Itoa(rng.IntN(total+total/10))
		p["grandTotal"] = strconv.Itoa(total + rng.IntN(100) - 10)
		out = append(out, o)
	}
	a["data"] = out
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func clone(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var c any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestConvertAccountsForEveryOffer: whatever the answer, every offer ends
// as exactly one of: counted once in an observation, a repeat, or refused
// with a reason and its own JSON; and every observation lies within the
// search (airports of the searched cities, the searched date and mix).
func TestConvertAccountsForEveryOffer(t *testing.T) {
	base := readAnswer(t, "sel-tyo-city-codes.json")
	s := search("SEL", "TYO", "2027-01-10", "", 1)
	rng := rand.New(rand.NewPCG(8, 1))
	for n := 0; n < 300; n++ {
		answer := generatedAnswer(t, rng, base)
		res, err := Convert("amadeus", s, answer, fetchedAt)
		if err != nil {
			t.Fatalf("Convert: %v", err)
		}
		var a struct{ Data []map[string]any }
		if err := json.Unmarshal(answer, &a); err != nil {
			t.Fatal(err)
		}
		if got := res.Offers + res.Repeated + len(res.Rejected); got != len(a.Data) {
			t.Fatalf("%d offers + %d repeated + %d rejected = %d, want all %d offers of %s",
				res.Offers, res.Repeated, len(res.Rejected), got, len(a.Data), answer)
		}
		counted := 0
		for _, o := range res.Observations {
			counted += o.Offers
			if err := o.Validate(); err != nil {
				t.Fatalf("observation %+v invalid: %v", o, err)
			}
			if !fare.Serves("SEL", o.Key.Origin) || !fare.Serves("TYO", o.Key.Destination) ||
				o.Key.Departure != "2027-01-10" || o.Key.Passengers != (fare.Passengers{Adults: 1}) {
				t.Fatalf("observation %+v lies outside the search %+v", o.Key, *s)
			}
		}
		if counted != res.Offers {
			t.Fatalf("observations count %d offers, the result %d", counted, res.Offers)
		}
		for _, r := range res.Rejected {
			var back struct{ ID string }
			if r.Err == nil || json.Unmarshal(r.JSON, &back) != nil || back.ID != r.ID {
				t.Fatalf("rejection %v of offer %q without its reason or JSON (%.40s)", r.Err, r.ID, r.JSON)
			}
		}
		checkDecodeAnswer(t, answer)
	}
}

// checkDecodeAnswer checks that DecodeAnswer, fast path or not, decodes an
// answer as encoding/json does.
func checkDecodeAnswer(t *testing.T, answer []byte) {
	t.Helper()
	var want Answer
	if err := json.Unmarshal(answer, &want); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeAnswer(answer)
	if err != nil || !reflect.DeepEqual(*got, want) {
		t.Fatalf("DecodeAnswer = %+v, %v; encoding/json decodes %+v", got, err, want)
	}
}
