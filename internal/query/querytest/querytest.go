// Package querytest loads curated observations into a real Elasticsearch
// node for the tests of the query API and its commands: each test gets its
// own index prefix, indexed through esindex exactly as the pipeline
// indexes, and its indices and templates are deleted by exact name when
// the test ends.
package querytest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/testenv"
)

// Env is one test's indices on the test environment's Elasticsearch node.
type Env struct {
	URL    string                // the node's base URL
	ES     *elasticsearch.Client // a client of it
	Prefix string                // the test's index prefix
	t      testing.TB
	months map[string]bool // observation index months written
}

// New returns an Env with a unique prefix and registers the deletion of
// its indices and templates. It fails the test when the environment names
// no Elasticsearch node (see testenv.ES).
func New(t testing.TB) *Env {
	t.Helper()
	url := testenv.ES(t)
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		t.Fatalf("querytest: %v", err)
	}
	e := &Env{URL: url, ES: es, Prefix: testenv.Unique(t, "q"), t: t, months: map[string]bool{}}
	t.Cleanup(e.cleanup)
	return e
}

// Index indexes observations in the order given, as one curated object,
// and makes them searchable. Calling it again with later observations
// builds a history, as later pipeline runs do.
func (e *Env) Index(obs ...fare.Observation) esindex.Summary {
	e.t.Helper()
	var buf bytes.Buffer
	for i := range obs {
		buf.Write(obs[i].AppendJSON(nil))
		buf.WriteByte('\n')
		e.months[esindex.ObservationsIndex(e.Prefix, obs[i].ObservedAt)] = true
	}
	var dead []esindex.DeadLetter
	ix, err := esindex.New(e.ES, esindex.Config{Prefix: e.Prefix, Refresh: true,
		DeadLetter: func(d esindex.DeadLetter) error { dead = append(dead, d); return nil }})
	if err != nil {
		e.t.Fatalf("querytest: %v", err)
	}
	sum, err := ix.Index(context.Background(), &buf)
	if err != nil {
		e.t.Fatalf("querytest: indexing %d observations: %v", len(obs), err)
	}
	if len(dead) > 0 {
		e.t.Fatalf("querytest: %d observations dead-lettered, first: %+v", len(dead), dead[0])
	}
	return sum
}

// Obs builds an observation of key at instant at (RFC 3339) with a price
// in the key's currency (a decimal string). It fails the test on bad input.
func Obs(t testing.TB, key fare.SeriesKey, at, price string) fare.Observation {
	t.Helper()
	when, err := time.Parse(time.RFC3339, at)
	if err != nil {
		t.Fatalf("querytest: %v", err)
	}
	m, err := fare.ParseMoney(price, key.Currency)
	if err != nil {
		t.Fatalf("querytest: %v", err)
	}
	o := fare.NewObservation(key, when, m, 1)
	if err := o.Validate(); err != nil {
		t.Fatalf("querytest: observation %+v: %v", key, err)
	}
	return o
}

// cleanup deletes the test's indices and templates by exact name:
// Elasticsearch 8 refuses wildcard deletes.
func (e *Env) cleanup() {
	if err := esindex.DeletePrefix(context.Background(), e.ES, e.Prefix); err != nil {
		e.t.Errorf("querytest: %v", err)
	}
}
