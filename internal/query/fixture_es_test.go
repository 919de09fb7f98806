package query

import (
	"testing"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query/querytest"
)

// loadFixture indexes the querytest fixture (the late observations after
// the rest) under a new prefix and returns a client of it and every
// observation.
func loadFixture(t *testing.T) (*Client, []fare.Observation) {
	t.Helper()
	env := querytest.New(t)
	first, late := querytest.Fixture(t)
	env.Index(first...)
	if sum := env.Index(late...); sum.Count(esindex.Created) != len(late) {
		t.Fatalf("late observations: %+v, want all %d created as change points", sum, len(late))
	}
	return &Client{ES: env.ES, Prefix: env.Prefix}, append(first, late...)
}
