package fare

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// The decoder of the flat form reads exactly the fields AppendJSON writes
// for an observation with every part: a passenger mix and a breakdown.
func TestWireObservationReadsTheWrittenFields(t *testing.T) {
	key := SeriesKey{Source: "amadeus", Origin: "ICN", Destination: "NRT", Departure: "2027-01-10", Return: "2027-01-15",
		Cabin: "ECONOMY", Carrier: "KE", Currency: "KRW", Passengers: Passengers{Adults: 2, Children: 1}}
	price, _ := ParseMoney("463200", "KRW")
	o := NewObservation(key, time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC), price, 3)
	var err error
	if o.Breakdown, err = NewBreakdown(price, "346000", "500000"); err != nil {
		t.Fatal(err)
	}
	var written map[string]any
	if err := json.Unmarshal(o.AppendJSON(nil), &written); err != nil {
		t.Fatal(err)
	}
	var read []string
	var all map[string]any
	if b, err := json.Marshal(wireObservation{}); err != nil || json.Unmarshal(b, &all) != nil {
		t.Fatal(err)
	}
	for name := range all {
		read = append(read, name)
		if _, ok := written[name]; !ok {
			t.Errorf("the decoder reads %q, which AppendJSON does not write", name)
		}
		if f, _, _ := new(wireObservation).field([]byte(name)); f < 0 {
			t.Errorf("the fast path of the decoder does not know %q", name)
		}
	}
	for name := range written {
		if !slices.Contains(read, name) {
			t.Errorf("AppendJSON writes %q, which the decoder does not read", name)
		}
	}
}
