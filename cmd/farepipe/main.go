// Command farepipe is the operator CLI: run the whole pipeline locally and
// ask the indexed fares questions.
package main

import (
	"os"

	"github.com/farepipe/farepipe/internal/step"
)

func main() { os.Exit(step.Main(app(), os.Args)) }
