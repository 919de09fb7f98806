package transform

import (
	"strings"

	"github.com/farepipe/farepipe/internal/fault"
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
