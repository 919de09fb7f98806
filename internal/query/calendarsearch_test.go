package query

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// lookupHitFields is the fields of a latest document as Elasticsearch answers
// the calendar lookup (docvalue_fields).
const lookupHitFields = `{"series_id":["4f0c2b9e1d7a3c5e8b6a0f1e2d3c4b5a"],"source":["synthetic"],` +
	`"departure_date":["2027-01-05"],"return_date":[""],"cabin":["ECONOMY"],"non_stop":[true],` +
	`"carrier":["KE"],"currency":["KRW"],"amount":["250000"],"amount_minor":[250000],` +
	`"changed_at":["2026-11-20T06:00:00.000Z"],"last_seen":["2026-11-21T06:00:00.000Z"]}`

func TestFareDocValuesDecode(t *testing.T) {
	var v fareDocValues
	if err := json.Unmarshal([]byte(lookupHitFields), &v); err != nil {
		t.Fatal(err)
	}
	want := fareDoc{SeriesFields: fare.SeriesFields{SeriesID: "4f0c2b9e1d7a3c5e8b6a0f1e2d3c4b5a", Source: "synthetic",
		Departure: "2027-01-05", Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}, Amount: "250000", Minor: 250000,
		ChangedAt: time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)}
	if !equalDoc(v.fareDoc, want) {
		t.Errorf("decoded %+v, want %+v", v.fareDoc, want)
	}
	if !new(fareDocValues).decode([]byte(lookupHitFields)) {
		t.Error("the fast path refused the answer Elasticsearch gives")
	}
}

// The fast path of fareDocValues gives what encoding/json gives, or leaves
// the input to it: on cases it refuses and on every one-byte change of a
// real answer.
func TestFareDocValuesFastPathMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		lookupHitFields,
		`{}`,
		`{"series_id":["a","b"]}`,                // two values: encoding/json keeps the first
		`{"amount_minor":[1.5]}`,                 // not an integer
		`{"series_id":["\u0041"]}`,               // an escape
		`{"Series_ID":["x"]}`,                    // another case
		`{"series_id":["x"],"series_id":["y"]}`,  // twice
		`{"changed_at":["yesterday"]}`,           // not a time
		`{"non_stop":[null]}`,                    // null
		` { "cabin" : [ "ECONOMY" ] , "x": 1 } `, // white space and an unknown field
	}
	for i := range len(lookupHitFields) {
		for _, c := range []byte{'"', ',', '[', ']', '1', 'x', ' ', '\\'} {
			b := []byte(lookupHitFields)
			b[i] = c
			inputs = append(inputs, string(b))
		}
	}
	for _, in := range inputs {
		var fast fareDocValues
		fastOK := fast.decode([]byte(in))
		var slow fareDocValues
		slowErr := slow.decodeJSON([]byte(in))
		if fastOK && (slowErr != nil || !equalDoc(fast.fareDoc, slow.fareDoc)) {
			t.Errorf("%s: fast path took it as %+v; encoding/json gives %+v, %v", in, fast.fareDoc, slow.fareDoc, slowErr)
		}
	}
}

func equalDoc(a, b fareDoc) bool {
	ta, tb := a.ChangedAt, b.ChangedAt
	la, lb := a.LastSeen, b.LastSeen
	a.ChangedAt, b.ChangedAt, a.LastSeen, b.LastSeen = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return a == b && ta.Equal(tb) && la.Equal(lb)
}

// The fast path of a page of hits gives what encoding/json gives, or
// leaves the page to it.
func TestHitsFastPathMatchesEncodingJSON(t *testing.T) {
	page := `{"hits":{"hits":[{"fields":` + lookupHitFields + `,"sort":[1798761600000,250000,"4f0c"]},` +
		`{"fields":` + lookupHitFields + `,"sort":[1798761600000,250000,"4f0d"]}]}}`
	inputs := []string{page, `{}`, `{"hits":null}`, `{"hits":{"total":{"value":3},"hits":[]}}`,
		`{"hits":{"hits":[{"_source":{"a":1},"sort":[1]}]}}`, `{"hits":{"hits":[{"fields":{"series_id":[1]}}]}}`}
	for i := range len(page) {
		for _, c := range []byte{'"', ',', '[', ']', '{', '}', '1', ' '} {
			b := []byte(page)
			b[i] = c
			inputs = append(inputs, string(b))
		}
	}
	fastPaths := 0
	for _, in := range inputs {
		var fast hits[fareDocValues]
		if !fast.read([]byte(in)) {
			continue
		}
		fastPaths++
		var slow hits[fareDocValues]
		if err := json.Unmarshal([]byte(in), &slow); err != nil {
			t.Errorf("%s: fast path took what encoding/json refuses: %v", in, err)
			continue
		}
		if len(fast.Hits.Hits) != len(slow.Hits.Hits) {
			t.Errorf("%s: fast path read %d hits, encoding/json %d", in, len(fast.Hits.Hits), len(slow.Hits.Hits))
			continue
		}
		for j := range fast.Hits.Hits {
			f, s := fast.Hits.Hits[j], slow.Hits.Hits[j]
			if !equalDoc(f.Fields.fareDoc, s.Fields.fareDoc) || string(f.Sort) != string(s.Sort) {
				t.Errorf("%s: hit %d read as %+v %s, encoding/json gives %+v %s", in, j, f.Fields, f.Sort, s.Fields, s.Sort)
			}
		}
	}
	if fastPaths == 0 {
		t.Fatal("the fast path took none of the inputs")
	}
}
