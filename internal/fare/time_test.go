package fare

import (
	"strings"
	"testing"
	"time"
)

// checkStored checks parseStored against time.Parse: when it takes s, it
// returns what time.Parse returns.
func checkStored(t *testing.T, s string) bool {
	t.Helper()
	want, err := time.Parse(time.RFC3339Nano, s)
	got, ok := parseStored(s)
	if ok && (err != nil || got != want) {
		t.Fatalf("parseStored(%q) = %v, time.Parse gives %v, %v", s, got, want, err)
	}
	return ok
}

func TestParseStoredMatchesTimeParse(t *testing.T) {
	tests := []struct {
		in     string
		wantOK bool
	}{
		{"2026-11-21T06:00:00.123Z", true},
		{"0000-01-01T00:00:00.000Z", true},
		{"9999-12-31T23:59:59.999Z", true},
		{"2024-02-29T12:00:00.000Z", true},
		{"2000-02-29T12:00:00.000Z", true},
		{"1900-02-29T12:00:00.000Z", false}, // not a leap year
		{"2026-02-29T12:00:00.000Z", false},
		{"2026-04-31T12:00:00.000Z", false},
		{"2026-13-01T12:00:00.000Z", false},
		{"2026-00-01T12:00:00.000Z", false},
		{"2026-11-00T12:00:00.000Z", false},
		{"2026-11-21T24:00:00.000Z", false},
		{"2026-11-21T06:60:00.000Z", false},
		{"2026-11-21T06:00:60.000Z", false},
		{"2026-11-21T06:00:00Z", false},        // other forms go to time.Parse
		{"2026-11-21T06:00:00.123456Z", false}, // idem
		{"2026-11-21T06:00:00.123+09:00", false},
		{"2026-11-21t06:00:00.123Z", false},
		{"2026-11-21T06:00:00.12aZ", false},
		{"+026-11-21T06:00:00.123Z", false},
	}
	for _, tt := range tests {
		if ok := checkStored(t, tt.in); ok != tt.wantOK {
			t.Errorf("parseStored(%q) ok = %v, want %v", tt.in, ok, tt.wantOK)
		}
	}
	base := "2026-11-21T06:07:08.123Z"
	for i := range base { // every byte replaced
		for _, c := range "09-:.TZ x" {
			checkStored(t, base[:i]+string(c)+base[i+1:])
		}
	}
	for at := time.Date(2023, 12, 25, 0, 0, 0, 0, time.UTC); at.Year() < 2025; at = at.Add(7*time.Hour + 13*time.Minute + 17*time.Second + 1001*time.Millisecond) {
		if s := FormatTime(at); !checkStored(t, s) {
			t.Fatalf("parseStored(FormatTime(%v)) refused %q", at, s)
		}
	}
}

func TestValidDateMatchesTimeParse(t *testing.T) {
	var inputs []string
	for _, y := range []string{"0000", "1900", "2000", "2024", "2026", "9999"} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				inputs = append(inputs, y+"-"+twoDigits(m)+"-"+twoDigits(d))
			}
		}
	}
	inputs = append(inputs, "", "2027-1-05", "2027-01-5", "2027/01/05", "2027-01-05T", "+027-01-05", " 2027-01-05", "2027-0a-05")
	for i := range "2027-01-05" {
		for _, c := range "0-x" {
			inputs = append(inputs, "2027-01-05"[:i]+string(c)+"2027-01-05"[i+1:])
		}
	}
	valid := 0
	for _, s := range inputs {
		_, err := time.Parse(DateLayout, s)
		if got := validDate(s); got != (err == nil) {
			t.Errorf("validDate(%q) = %v, time.Parse error %v", s, got, err)
		}
		if err == nil {
			valid++
		}
	}
	if valid < 6*365 {
		t.Errorf("only %d valid dates among the inputs", valid)
	}
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func TestFormatTimeMatchesTimeFormat(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 11, 21, 6, 0, 0, 999999999, time.UTC),
		time.Date(2027, 1, 1, 8, 59, 59, 1000000, time.FixedZone("KST", 9*3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		{},
	} {
		want := at.UTC().Format("2006-01-02T15:04:05.000Z")
		if got := FormatTime(at); got != want || !strings.HasSuffix(got, "Z") {
			t.Errorf("FormatTime(%v) = %q, want %q", at, got, want)
		}
	}
}
