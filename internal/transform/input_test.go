package transform

import (
	"strings"
	"testing"
)

func TestCheckInputKey(t *testing.T) {
	tests := []struct {
		key  string
		want string // part of the error; empty: accepted
	}{
		{"raw/source=amadeus/date=2026-11-21/ab12.ndjson.gz", ""},
		{"prod/raw/source=x/date=d/f.ndjson.gz", ""},
		{"uploads/f.ndjson.gz", ""},
		{"f.ndjson.gz", ""},
		{"curated.ndjson.gz", ""},
		{"raw/quarantine.ndjson.gz", ""},
		{"home/quarantine/raw/f.ndjson.gz", ""}, // an area before the raw directory is not an output's
		{"curated/source=amadeus/date=2026-11-21/ab12.ndjson.gz", "lies under curated/, which holds the observations"},
		{"quarantine/source=amadeus/date=2026-11-21/ab12.ndjson.gz", "lies under quarantine/, which holds the records transform rejected"},
		{"dead-letter/source=amadeus/date=2026-11-21/ab12.ndjson.gz", "lies under dead-letter/"},
		{"prod/curated/source=x/date=d/f.ndjson.gz", "lies under curated/"},
		{"uploads/curated/f.ndjson.gz", "lies under curated/"},
		{"raw/curated/f.ndjson.gz", "lies under curated/"},
	}
	for _, tt := range tests {
		err := CheckInputKey(tt.key)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckInputKey(%q) = %v, want nil", tt.key, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.key)):
			t.Errorf("CheckInputKey(%q) = %v, want an error naming the key and %q", tt.key, err, tt.want)
		}
	}
}

// TestCheckInputKeyRefusesEveryOutputKey checks CheckInputKey against
// OutputKey: whatever raw key transform reads, the keys it and index
// write are refused as input.
func TestCheckInputKeyRefusesEveryOutputKey(t *testing.T) {
	for _, in := range []string{
		"raw/source=amadeus/date=2026-11-21/ab12.ndjson.gz",
		"prod/raw/source=x/date=d/f.ndjson.gz",
		"raw/raw/f.ndjson.gz",
		"uploads/f.ndjson.gz",
		"f.ndjson.gz",
		"incoming/acme/fares.csv",
		"incoming/acme/2026-11-21T06:00:00Z/answer.json.gz",
		"prod/incoming/x.ndjson",
	} {
		if err := CheckInputKey(in); err != nil {
			t.Errorf("CheckInputKey(%q) = %v, want nil", in, err)
		}
		cur := OutputKey(in, AreaRaw, AreaCurated)
		for _, out := range []string{cur, OutputKey(in, AreaRaw, AreaQuarantine), OutputKey(cur, AreaCurated, AreaDeadLetter)} {
			if err := CheckInputKey(out); err == nil {
				t.Errorf("CheckInputKey(%q), an output of %q, = nil, want an error", out, in)
			}
		}
	}
}
