package intake

import (
	"testing"
	"time"
)

func TestKeyInstant(t *testing.T) {
	six := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		key  string
		want time.Time // zero: none
	}{
		{"incoming/acme/2026-11-21T06:00:00Z/fares.csv", six},
		{"incoming/acme/2026-11-21T15:00:00+09:00/answer.json", six},
		{"incoming/acme/observed_at=2026-11-21T06:00:00Z/part-1.ndjson.gz", six},
		{"incoming/acme/20261121T060000Z.json.gz", six},
		{"incoming/acme/2026-11-21T06:00:00.250Z.json", six.Add(250 * time.Millisecond)},
		{"incoming/2026-11-20T00:00:00Z/2026-11-21T06:00:00Z/x.csv", six}, // the deepest wins
		{"incoming/acme/2026-11-21/fares.csv", time.Time{}},               // a day is not an instant
		{"incoming/acme/2026-11-21T06:00:00/fares.csv", time.Time{}},      // no zone
		{"incoming/acme/fares.csv", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := KeyInstant(tt.key)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("KeyInstant(%q) = %v, %v; want %v", tt.key, got, ok, tt.want)
		}
	}
}

func TestObjectInstantPrecedence(t *testing.T) {
	flag := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	modified := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	keyed := "incoming/a/2026-11-21T06:00:00Z/x.json"
	tests := []struct {
		name     string
		flag     time.Time
		key      string
		modified time.Time
		want     Instant
		ok       bool
	}{
		{"flag over key and last-modified", flag, keyed, modified, Instant{flag, FromFlag}, true},
		{"key over last-modified", time.Time{}, keyed, modified, Instant{time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC), FromKey}, true},
		{"last-modified", time.Time{}, "incoming/a/x.json", modified, Instant{modified, FromLastModified}, true},
		{"none", time.Time{}, "incoming/a/x.json", time.Time{}, Instant{}, false},
	}
	for _, tt := range tests {
		got, ok := ObjectInstant(tt.flag, tt.key, tt.modified)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: ObjectInstant = %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
