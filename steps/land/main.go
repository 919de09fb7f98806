// Command land uploads raw batches to S3 (or a local directory) under
// partitioned, content-addressed keys, idempotently.
package main

import (
	"os"

	"github.com/farepipe/farepipe/internal/step"
)

func main() { os.Exit(step.Main(app(), os.Args)) }
