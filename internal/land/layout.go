package land

import (
	"strings"
	"time"
)

// Suffix ends the name of every landed object.
const Suffix = ".ndjson.gz"

// nameDigits is how many hex digits of the SHA-256 name a landed object.
const nameDigits = 16

// maxSource caps the length of a sanitized source name.
const maxSource = 64

// SanitizeSource returns source as it appears in a partition: lower case,
// each run of characters outside [a-z0-9_] (hyphens included) replaced by one
// hyphen, no hyphen at either end, at most 64 characters. It returns "" if nothing
// usable is left.
func SanitizeSource(source string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(source) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
			hyphen = false
			continue
		}
		if !hyphen {
			b.WriteByte('-')
			hyphen = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > maxSource {
		s = strings.TrimRight(s[:maxSource], "-")
	}
	return s
}

// Key returns the key of a batch from its source, its fetched date (taken in
// UTC) and the hex SHA-256 of its bytes. A source that sanitizes to nothing
// becomes "unknown"; Land refuses such a source before it gets here.
func Key(source string, date time.Time, sha256hex string) string {
	s := SanitizeSource(source)
	if s == "" {
		s = "unknown"
	}
	name := sha256hex
	if len(name) > nameDigits {
		name = name[:nameDigits]
	}
	return "raw/source=" + s + "/date=" + date.UTC().Format(time.DateOnly) + "/" + name + Suffix
}
