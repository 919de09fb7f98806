// Command index loads curated fare observations into Elasticsearch with
// deduplication: a change log of price changes and one latest document per
// series.
package main

import (
	"os"

	"github.com/farepipe/farepipe/internal/step"
)

func main() { os.Exit(step.Main(app(), os.Args)) }
