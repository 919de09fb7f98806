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

func TestParseKey(t *testing.T) {
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		key    string
		source string
		ok     bool
	}{
		{"raw/source=amadeus/date=2026-11-21/b93bc438feb68a0a.ndjson.gz", "amadeus", true},
		{"lake/v1/raw/source=amadeus/date=2026-11-21/b93bc438feb68a0a.ndjson.gz", "amadeus", true},
		{"raw/source=synthetic/date=2026-11-21/wf-abc-0.ndjson.gz", "synthetic", true},
		{"raw/source=amadeus/date=2026-11-21/x.ndjson", "", false},
		{"raw/source=amadeus/date=2026-11-21/.ndjson.gz", "", false},
		{"raw/source=Amadeus/date=2026-11-21/x.ndjson.gz", "", false},
		{"raw/source=/date=2026-11-21/x.ndjson.gz", "", false},
		{"raw/source=amadeus/date=2026-13-01/x.ndjson.gz", "", false},
		{"raw/source=amadeus/day=2026-11-21/x.ndjson.gz", "", false},
		{"raw/source=amadeus/date=2026-11-21/sub/x.ndjson.gz", "", false},
		{"curated/source=amadeus/date=2026-11-21/x.ndjson.gz", "", false},
		{"xraw/source=amadeus/date=2026-11-21/x.ndjson.gz", "", false},
	}
	for _, tc := range cases {
		source, date, ok := ParseKey(tc.key)
		if ok != tc.ok || source != tc.source || ok && !date.Equal(day) {
			t.Errorf("ParseKey(%q) = %q, %v, %v; want %q, %v, %v", tc.key, source, date, ok, tc.source, day, tc.ok)
		}
	}
}

func TestParseKeyReadsWhatKeyWrites(t *testing.T) {
	for _, source := range []string{"amadeus", "Tardis.dev", "my source!!", "x_y"} {
		date := time.Date(2027, 2, 28, 23, 0, 0, 0, time.UTC)
		key := Key(source, date, batchSHA)
		gotSource, gotDate, ok := ParseKey(key)
		if !ok || gotSource != SanitizeSource(source) || gotDate.Format(time.DateOnly) != "2027-02-28" {
			t.Errorf("ParseKey(Key(%q)) = %q, %v, %v; want %q, 2027-02-28, true", source, gotSource, gotDate, ok, SanitizeSource(source))
		}
	}
}
