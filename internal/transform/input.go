package transform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
)

// outputAreas are the areas farepipe writes, with what they hold.
var outputAreas = map[string]string{
	AreaCurated:    "the observations transform writes",
	AreaQuarantine: "the records transform rejected",
	AreaDeadLetter: "the documents index could not write",
}

// CheckInputKey returns a data error (fault.Data) when key names an output of farepipe
// rather than raw input: a key with a curated/, quarantine/ or dead-letter/
// directory after its last raw/ directory, or anywhere when it has none.
// Those are exactly the keys OutputKey derives, so an event for an object
// transform or index wrote never makes it transform its own output.
func CheckInputKey(key string) error {
	dirs := strings.Split(key, "/")
	dirs = dirs[:len(dirs)-1]
	for i := len(dirs) - 1; i >= 0 && dirs[i] != AreaRaw; i-- {
		if holds, ok := outputAreas[dirs[i]]; ok {
			return fault.Dataf("key %q lies under %s/, which holds %s, not raw input", key, dirs[i], holds)
		}
	}
	return nil
}

// CheckInput returns a data error (fault.Data) when the object or prefix
// u may not be read as raw input: it lies in an S3 bucket not among
// buckets (when any are given), or under an area farepipe writes its
// outputs to (CheckInputKey).
func CheckInput(u objstore.URI, buckets []string) error {
	if u.Scheme == "s3" && len(buckets) > 0 && !slices.Contains(buckets, u.Bucket) {
		return fault.Dataf("%s: bucket %q is not among the allowed buckets (%s)", u, u.Bucket, strings.Join(buckets, ","))
	}
	if err := CheckInputKey(u.Key); err != nil {
		return fmt.Errorf("%s: %w", u, err)
	}
	return nil
}
