package amadeus

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// envelopeLine returns an envelope line around body, as fetch writes one.
func envelopeLine(t testing.TB, status int, body []byte) []byte {
	t.Helper()
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		t.Fatal(err)
	}
	return []byte(`{"provider":"amadeus","request":{"origin":"SYD","destination":"BKK","departure_date":"2027-01-05","adults":1},` +
		`"fetched_at":"2026-11-21T06:00:00.123Z","status":` + itoa(status) + `,"body":` + compact.String() + `}`)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func exampleLine(t testing.TB) []byte {
	t.Helper()
	body, err := os.ReadFile("testdata/offers_syd_bkk.json")
	if err != nil {
		t.Fatal(err)
	}
	return envelopeLine(t, 200, body)
}

// checkDecode checks the promise of the fast path: when it takes a line,
// it decodes it as encoding/json does; and Decode, fast or not, returns
// what json.Unmarshal returns.
func checkDecode(t testing.TB, line []byte) (fast bool) {
	t.Helper()
	var want Record
	wantErr := json.Unmarshal(line, &want)
	var got Record
	if fast = newDecoder(line).record(&got); fast {
		if wantErr != nil {
			t.Fatalf("fast path took %q, which encoding/json refuses: %v", line, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("fast path decoded %q as\n%+v\nencoding/json as\n%+v", line, got, want)
		}
	}
	rec, err := Decode(line)
	switch {
	case wantErr != nil && (err == nil || err.Error() != "decoding envelope: "+wantErr.Error()):
		t.Fatalf("Decode(%q) error = %v, want decoding envelope: %v", line, err, wantErr)
	case wantErr == nil && err != nil:
		t.Fatalf("Decode(%q) error = %v, want none", line, err)
	case wantErr == nil && !reflect.DeepEqual(*rec, want):
		t.Fatalf("Decode(%q) = %+v, want %+v", line, *rec, want)
	}
	return fast
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	example := string(exampleLine(t))
	errorBody, err := os.ReadFile("testdata/error_400_invalid_date.json")
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(example), " ", "\t"); err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) string {
		if !strings.Contains(example, old) {
			t.Fatalf("example has no %q", old)
		}
		return strings.Replace(example, old, new, 1)
	}
	deep := strings.Repeat(`{"a":[`, 30) + strings.Repeat(`]}`, 30) // 60 levels
	tests := []struct {
		name     string
		line     string
		wantFast bool
	}{
		{"example response", example, true},
		{"white space between tokens", pretty.String(), true},
		{"error response", string(envelopeLine(t, 400, errorBody)), true},
		{"empty data", `{"provider":"amadeus","status":200,"body":{"data":[]}}`, true},
		{"escape in a skipped string", replace(`"GDS"`, `"G\u0044S\n\"\\\/"`), true},
		{"number forms in skipped values", replace(`"count":3`, `"count": -0.5e+10, "x": [0, 1E2, true, false, null]`), true},
		{"valid UTF-8 in a kept string", replace(`"id":"1"`, `"id": "un–été"`), true},
		{"invalid UTF-8 in a skipped string", replace(`"GDS"`, "\"G\xffS\""), true},
		{"nesting in a skipped value", replace(`"meta":{`, `"deep": `+deep+`, "meta": {`), true},
		{"number as a price amount", replace(`"grandTotal":"355.34"`, `"grandTotal": -3.5534e+2`), true},
		{"key differing in case", replace(`"provider"`, `"Provider"`), false},
		{"escaped key", replace(`"provider"`, `"provid\u0065r"`), false},
		{"escape in a kept string", replace(`"carrierCode":"PR"`, `"carrierCode": "P\u0052"`), false},
		{"invalid UTF-8 in a kept string", replace(`"id":"1"`, "\"id\": \"\xff\""), false},
		{"null data", `{"provider":"amadeus","status":200,"body":{"data":null}}`, false},
		{"null kept string", replace(`"carrierCode":"PR"`, `"carrierCode": null`), false},
		{"null price amount", replace(`"grandTotal":"355.34"`, `"grandTotal": null`), false},
		{"boolean as a price amount", replace(`"grandTotal":"355.34"`, `"grandTotal": true`), false},
		{"object as a price amount", replace(`"grandTotal":"355.34"`, `"grandTotal": {"v": 1}`), false},
		{"escape in a price amount", replace(`"grandTotal":"355.34"`, `"grandTotal": "355.3\u0034"`), false},
		{"status as a string", replace(`"status":200`, `"status":"200"`), false},
		{"stops as a fraction", replace(`"numberOfStops":0`, `"numberOfStops": 0.0`), false},
		{"repeated key", replace(`"status":200`, `"status":200,"status":500`), false},
		{"trailing data", example + ` {}`, false},
		{"truncated", example[:len(example)/2], false},
		{"bad escape in a skipped string", replace(`"GDS"`, `"G\xS"`), false},
		{"control character in a string", replace(`"GDS"`, "\"G\tS\""), false},
		{"leading zero in a skipped number", replace(`"count":3`, `"count": 03`), false},
		{"nesting past the fast path", replace(`"meta":{`, `"deep": `+strings.Repeat("[", 80)+strings.Repeat("]", 80)+`, "meta": {`), false},
		{"fetched_at not RFC 3339", replace(`2026-11-21T06:00:00.123Z`, `21/11/2026`), false},
		{"top-level null", `null`, false},
		{"top-level array", `[]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fast := checkDecode(t, []byte(tt.line)); fast != tt.wantFast {
				t.Errorf("fast path took the line: %v, want %v", fast, tt.wantFast)
			}
		})
	}
}

// TestDecodeMutations bends the example line at every fifth byte, by
// deleting it or replacing it with a byte that matters to JSON, and checks
// each result against encoding/json.
func TestDecodeMutations(t *testing.T) {
	line := exampleLine(t)
	fast := 0
	for i := 0; i < len(line); i += 5 {
		mutants := [][]byte{append(append([]byte(nil), line[:i]...), line[i+1:]...)}
		for _, c := range []byte{'"', '\\', '}', '0', 0x01, 0xe9} {
			m := append([]byte(nil), line...)
			m[i] = c
			mutants = append(mutants, m)
		}
		for _, m := range mutants {
			if checkDecode(t, m) {
				fast++
			}
		}
	}
	if fast == 0 {
		t.Error("the fast path took none of the mutants")
	}
}

func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	f.Add(exampleLine(f))
	f.Add([]byte(`{"provider":"amadeus","status":200,"body":{"data":[{"id":"1","price":{"currency":"EUR","total":"1.00"}}]}}`))
	f.Fuzz(func(t *testing.T, line []byte) { checkDecode(t, line) })
}
