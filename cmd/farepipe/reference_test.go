package main

import (
	"testing"

	"github.com/farepipe/farepipe/internal/step/steptest"
)

// TestConfigReference checks the flags of the farepipe commands README's
// configuration reference lists against it.
func TestConfigReference(t *testing.T) {
	a := testApp(nil)
	for _, name := range []string{"run", "ingest", "serve"} {
		t.Run(name, func(t *testing.T) {
			cmd := a.Command(name)
			if cmd == nil {
				t.Fatalf("farepipe has no command %s", name)
			}
			steptest.Reference(t, "farepipe "+name, cmd.Flags)
		})
	}
}
