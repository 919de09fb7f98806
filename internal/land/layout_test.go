package land

import (
	"strings"
	"testing"
	"time"
)

const batchSHA = "b93bc438feb68a0a7a4e0ca054a82d8c532d839d48475c25dbc0856f07f30d40"

func TestKey(t *testing.T) {
	day := time.Date(2026, 11, 21, 23, 59, 58, 0, time.UTC)
	seoul := time.FixedZone("KST", 9*3600)
	cases := []struct {
		source string
		date   time.Time
		sum    string
		want   string
	}{
		{"amadeus", day, batchSHA, "raw/source=amadeus/date=2026-11-21/b93bc438feb68a0a.ndjson.gz"},
		{"Amadeus", day, batchSHA, "raw/source=amadeus/date=2026-11-21/b93bc438feb68a0a.ndjson.gz"},
		{"tardis.dev", day, batchSHA, "raw/source=tardis-dev/date=2026-11-21/b93bc438feb68a0a.ndjson.gz"},
		{"amadeus", day.In(seoul), batchSHA, "raw/source=amadeus/date=2026-11-21/b93bc438feb68a0a.ndjson.gz"},
		{"amadeus", time.Date(2026, 11, 22, 8, 0, 0, 0, seoul), "00ff", "raw/source=amadeus/date=2026-11-21/00ff.ndjson.gz"},
		{"../../etc", day, batchSHA, "raw/source=etc/date=2026-11-21/b93bc438feb68a0a.ndjson.gz"},
		{"!!!", day, batchSHA, "raw/source=unknown/date=2026-11-21/b93bc438feb68a0a.ndjson.gz"},
	}
	for _, tc := range cases {
		if got := Key(tc.source, tc.date, tc.sum); got != tc.want {
			t.Errorf("Key(%q, %v, %q) = %q, want %q", tc.source, tc.date, tc.sum, got, tc.want)
		}
	}
}

func TestSanitizeSource(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"amadeus", "amadeus"},
		{"Amadeus", "amadeus"},
		{"generic_http", "generic_http"},
		{"tardis-dev", "tardis-dev"},
		{"Tardis.dev", "tardis-dev"},
		{"my source!!", "my-source"},
		{"a  -  b", "a-b"},
		{"../../etc/passwd", "etc-passwd"},
		{"source=x/date=y", "source-x-date-y"},
		{"x\ny\tz", "x-y-z"},
		{"--a--", "a"},
		{"__a__", "__a__"},
		{"Zürich", "z-rich"},
		{"ÅÄÖ", ""},
		{"", ""},
		{strings.Repeat("ab", 40), strings.Repeat("ab", 32)},
		{strings.Repeat("a", 63) + ".b", strings.Repeat("a", 63)},
	}
	for _, tc := range cases {
		if got := SanitizeSource(tc.in); got != tc.want {
			t.Errorf("SanitizeSource(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
