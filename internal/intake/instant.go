package intake

import (
	"strings"
	"time"
)

// Where the instant of an object's prices came from, in the order of
// precedence ObjectInstant applies.
const (
	FromFlag         = "observed-at"   // --observed-at
	FromKey          = "key"           // an instant in the object's key
	FromLastModified = "last-modified" // the object's Last-Modified
)

// Instant is the instant an object observed its prices at, and where it
// came from.
type Instant struct {
	At   time.Time
	From string
}

// ObjectInstant returns the instant of the prices of an object whose
// records do not carry their own: flag when it is set, else the instant
// the object's key names (see KeyInstant), else the object's
// Last-Modified. It reports false when none is known.
func ObjectInstant(flag time.Time, key string, lastModified time.Time) (Instant, bool) {
	if !flag.IsZero() {
		return Instant{At: flag.UTC(), From: FromFlag}, true
	}
	if t, ok := KeyInstant(key); ok {
		return Instant{At: t, From: FromKey}, true
	}
	if !lastModified.IsZero() {
		return Instant{At: lastModified.UTC(), From: FromLastModified}, true
	}
	return Instant{}, false
}

// keySuffixes are stripped from a key's last segment before it is read as
// an instant.
var keySuffixes = []string{".gz", ".json", ".ndjson", ".csv"}

// instantLayouts are the ways a key may write an instant: RFC 3339, or its
// basic form without separators (colons are awkward in keys). Both need
// a zone.
var instantLayouts = []string{time.RFC3339Nano, "20060102T150405Z0700", "20060102T150405Z"}

// KeyInstant returns the instant a key names: its deepest path segment
// that is one, optionally as name=value ("observed_at=…"), the last
// segment without its suffixes .json, .ndjson, .csv and .gz. For example
// incoming/acme/2026-11-21T06:00:00Z/fares.csv and
// incoming/acme/20261121T060000Z.json.gz both name 06:00 UTC on
// 2026-11-21.
func KeyInstant(key string) (time.Time, bool) {
	segs := strings.Split(key, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		seg := segs[i]
		if i == len(segs)-1 {
			for trimmed := true; trimmed; {
				trimmed = false
				for _, s := range keySuffixes {
					if t, ok := strings.CutSuffix(seg, s); ok {
						seg, trimmed = t, true
					}
				}
			}
		}
		if _, v, ok := strings.Cut(seg, "="); ok {
			seg = v
		}
		for _, layout := range instantLayouts {
			if t, err := time.Parse(layout, seg); err == nil {
				return t.UTC(), true
			}
		}
	}
	return time.Time{}, false
}
