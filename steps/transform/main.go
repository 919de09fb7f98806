// Command transform turns one raw object of provider responses into
// canonical fare observations and a quarantine of what it rejected.
package main

import (
	"os"

	"github.com/farepipe/farepipe/internal/step"
)

func main() { os.Exit(step.Main(app(), os.Args)) }
