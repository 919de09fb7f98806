package fare

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestIdentifiersAreStable pins the identifiers to the documented formulas,
// computed outside Go: sha256 of the canonical key, and of
// "<series id>|<observed_at>", first 16 bytes in hex.
func TestIdentifiersAreStable(t *testing.T) {
	const wantSeries = "815a792b80630ec8b998989f708befd1"
	const wantObservation = "5152306b51c2291c2a717474364e013b"
	if got := key.ID(); got != wantSeries {
		t.Errorf("ID() = %s, want %s", got, wantSeries)
	}
	at := time.Date(2026, 11, 21, 6, 0, 0, 123456789, time.UTC)
	if got := ObservationID(wantSeries, at); got != wantObservation {
		t.Errorf("ObservationID(%s, %v) = %s, want %s", wantSeries, at, got, wantObservation)
	}
	price, _ := ParseMoney("120000", "KRW")
	if o := NewObservation(key, at, price, 1); o.SeriesID != wantSeries || o.ID != wantObservation {
		t.Errorf("NewObservation ids = %s/%s, want %s/%s", o.SeriesID, o.ID, wantSeries, wantObservation)
	}
}

// TestParseObservationMatchesUnmarshalAndValidate checks that
// ParseObservation returns what UnmarshalJSON followed by Validate return.
func TestParseObservationMatchesUnmarshalAndValidate(t *testing.T) {
	o := testObservation(t)
	line := string(o.AppendJSON(nil))
	replace := func(old, new string) string {
		if !strings.Contains(line, old) {
			t.Fatalf("%s has no %q", line, old)
		}
		return strings.Replace(line, old, new, 1)
	}
	// A line whose identifiers match a key that does not validate.
	bad := o
	bad.Key.Cabin = "COACH"
	bad = NewObservation(bad.Key, bad.ObservedAt, bad.Price, bad.Offers)
	tests := []struct {
		name    string
		line    string
		wantErr string
	}{
		{"as written", line, ""},
		{"escaped, through encoding/json", replace(`"ECONOMY"`, `"ECON\u004fMY"`), ""},
		{"other time zone", replace(`"observed_at":"2026-11-21T06:00:00.123Z"`, `"observed_at":"2026-11-21T15:00:00.123456+09:00"`), ""},
		{"edited key", replace(`"origin":"SYD"`, `"origin":"ICN"`), "do not match"},
		{"edited id", replace(o.ID, strings.Repeat("0", 32)), "do not match"},
		{"invalid key with matching ids", string(bad.AppendJSON(nil)), `cabin "COACH"`},
		{"not a time", replace(`2026-11-21T06:00:00.123Z`, `yesterday`), "not an RFC 3339 time"},
		{"non-canonical amount", replace(`"amount":"355.34"`, `"amount":"355.340"`), ""},
		{"amounts disagree", replace(`"amount_minor":35534`, `"amount_minor":35535`), "disagree"},
		{"not JSON", `{"id":`, "unexpected end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseObservation([]byte(tt.line))
			var want Observation
			wantErr := want.UnmarshalJSON([]byte(tt.line))
			if wantErr == nil {
				wantErr = want.Validate()
			}
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("ParseObservation(%s) error = %v, UnmarshalJSON and Validate give %v", tt.line, err, wantErr)
			}
			if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseObservation(%s) error = %v, want one containing %q", tt.line, err, tt.wantErr)
			}
			if err == nil && got != want {
				t.Errorf("ParseObservation(%s) = %+v, want %+v", tt.line, got, want)
			}
		})
	}
}

func BenchmarkParseObservation(b *testing.B) {
	price, _ := ParseMoney("355.34", "EUR")
	k := SeriesKey{Source: "synthetic", Origin: "SYD", Destination: "BKK", Departure: "2027-01-05",
		Return: "2027-01-12", Cabin: "ECONOMY", Carrier: "PR", Currency: "EUR"}
	o := NewObservation(k, time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC), price, 2)
	line := o.AppendJSON(nil)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseObservation(line); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPlainString checks the 8-bytes-at-a-time scan of plainString against
// the plain rule, byte by byte: every byte value at every place of a
// string longer than 8 bytes.
func TestPlainString(t *testing.T) {
	const contents = "0123456789abcdefghij"
	for at := range len(contents) {
		for c := range 256 {
			s := []byte(`"` + contents + `"`)
			s[1+at] = byte(c)
			start, end, ok := plainString(s, 0)
			wantOK, wantEnd := true, len(s)-1
			switch {
			case c == '"':
				wantEnd = 1 + at
			case c < 0x20 || c > 0x7e || c == '\\':
				wantOK = false
			}
			if ok != wantOK || ok && (start != 1 || end != wantEnd) {
				t.Errorf("plainString(%q) = %d, %d, %v; want 1, %d, %v", s, start, end, ok, wantEnd, wantOK)
			}
		}
	}
}
