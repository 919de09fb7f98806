// Command fetch runs a search plan against a fare provider and writes the
// answers as a raw batch of gzip NDJSON envelopes.
package main

import (
	"os"

	"github.com/farepipe/farepipe/internal/step"
)

func main() { os.Exit(step.Main(app(), os.Args)) }
