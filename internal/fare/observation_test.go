package fare

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

func testObservation(t *testing.T) Observation {
	t.Helper()
	price, err := ParseMoney("355.34", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	key := SeriesKey{Source: "amadeus", Origin: "SYD", Destination: "BKK", Departure: "2027-01-05",
		Cabin: "ECONOMY", Carrier: "PR", Currency: "EUR"}
	return NewObservation(key, time.Date(2026, 11, 21, 6, 0, 0, 123456789, time.UTC), price, 2)
}

func TestAppendJSONTakesTheFastPathBack(t *testing.T) {
	o := testObservation(t)
	line := o.AppendJSON(nil)
	var got Observation
	if err := got.UnmarshalJSON(line); err != nil {
		t.Fatalf("UnmarshalJSON(%s): %v", line, err)
	}
	if got != o {
		t.Errorf("UnmarshalJSON(AppendJSON(o)) = %+v, want %+v", got, o)
	}
	var w wireObservation
	if !w.decode(line) {
		t.Errorf("the fast path refused %s, the form AppendJSON writes", line)
	}
}

// checkWire checks the promise of the fast path of UnmarshalJSON: when it
// takes a line, it decodes it as encoding/json does.
func checkWire(t *testing.T, line string) (fast bool) {
	t.Helper()
	var want, got wireObservation
	wantErr := json.Unmarshal([]byte(line), &want)
	if fast = got.decode([]byte(line)); fast && (wantErr != nil || got != want) {
		t.Fatalf("fast path decoded %s as %+v, encoding/json as %+v (error %v)", line, got, want, wantErr)
	}
	return fast
}

func TestUnmarshalJSONFastPathMatchesEncodingJSON(t *testing.T) {
	o := testObservation(t)
	line := string(o.AppendJSON(nil))
	replace := func(old, new string) string {
		if !strings.Contains(line, old) {
			t.Fatalf("%s has no %q", line, old)
		}
		return strings.Replace(line, old, new, 1)
	}
	tests := []struct {
		name     string
		line     string
		wantFast bool
	}{
		{"as written", line, true},
		{"white space", " {\n\"id\" : " + strings.TrimPrefix(replace(`,"offers":2}`, ` , "offers" :	2 } `), `{"id":`), true},
		{"keys in another order", `{"offers":2,"id":"x","non_stop":true,"amount_minor":-5}`, true},
		{"empty object", `{}`, true},
		{"key in another case", replace(`"offers"`, `"Offers"`), false},
		{"unknown key", replace(`"offers"`, `"offer_count"`), false},
		{"repeated key", replace(`"offers":2`, `"offers":2,"offers":3`), false},
		{"escape", replace(`"ECONOMY"`, `"ECON\u004fMY"`), false},
		{"null", replace(`"return_date":""`, `"return_date":null`), false},
		{"fraction", replace(`"offers":2`, `"offers":2.0`), false},
		{"exponent", replace(`"offers":2`, `"offers":2e0`), false},
		{"leading zero", replace(`"offers":2`, `"offers":02`), false},
		{"string for a number", replace(`"offers":2`, `"offers":"2"`), false},
		{"trailing data", line + "x", false},
		{"truncated", line[:len(line)-3], false},
		{"non-ASCII", replace(`"amadeus"`, `"amadéus"`), false},
		{"not an object", `[]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fast := checkWire(t, tt.line); fast != tt.wantFast {
				t.Errorf("fast path took %s: %v, want %v", tt.line, fast, tt.wantFast)
			}
		})
	}
	for i := range line { // every byte deleted or replaced
		for _, c := range []string{"", `"`, `\`, "}", ",", "0", "-", " ", "\x01", "\x7f", "\xe9"} {
			checkWire(t, line[:i]+c+line[i+1:])
		}
	}
}

func TestAppendTime(t *testing.T) {
	kst := time.FixedZone("KST", 9*3600)
	tests := []time.Time{
		time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 21, 6, 0, 0, 999999999, time.UTC),
		time.Date(2027, 1, 1, 8, 59, 59, 1000000, kst),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999000000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		{},
	}
	for _, at := range tests {
		want := at.UTC().Format("2006-01-02T15:04:05.000Z")
		if got := string(AppendTime([]byte("x"), at)); got != "x"+want {
			t.Errorf("AppendTime(%v) = %q, want %q", at, got, "x"+want)
		}
	}
}

func TestAppendQuoted(t *testing.T) {
	for _, s := range []string{"", "ICN", "2027-01-05", `a"b`, `a\b`, "tab\there", "\x00", "del\x7f", "é", "\xff", "~ !"} {
		want := strconv.AppendQuote([]byte("x"), s)
		if got := appendQuoted([]byte("x"), s); string(got) != string(want) {
			t.Errorf("appendQuoted(%q) = %s, want %s", s, got, want)
		}
	}
}
