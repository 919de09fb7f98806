package integration

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
)

// TestPruneDeletesOnlyExpiredMonths: es apply provisions the templates
// before any data; es prune deletes the change log's monthly indices whose
// month ended more than the retention ago, and nothing else: the latest
// index, which holds every series' history, stays as it was, and indexing
// goes on as before without bringing a pruned month back (its change
// points left pending by the last run are not written again).
func TestPruneDeletesOnlyExpiredMonths(t *testing.T) {
	e := newEnv(t)
	applied := e.must("farepipe", "es", "apply")
	for _, want := range []string{"template " + e.prefix + "-observations: version", "no indices under " + e.prefix} {
		if !strings.Contains(applied.stdout, want) {
			t.Errorf("es apply on a new prefix does not say %q:\n%s", want, applied.stdout)
		}
	}

	now := time.Now().UTC()
	old, older, recent := now.AddDate(0, -15, 0), now.AddDate(-2, 0, 0), now.AddDate(0, 0, -3)
	e.must("index", "--in", e.curated("months", point{older, 200_000}, point{old, 210_000}, point{recent, 220_000}))
	e.refresh()
	latestBefore := e.latestOf()
	month := func(t time.Time) string { return esindex.ObservationsIndex(e.prefix, t) }

	dry := e.must("farepipe", "es", "prune", "--retention", "400d", "--dry-run")
	for _, want := range []string{"would delete " + month(older), "would delete " + month(old), "would delete 2 change-log indices"} {
		if !strings.Contains(dry.stdout, want) {
			t.Errorf("prune --dry-run does not say %q:\n%s", want, dry.stdout)
		}
	}
	if strings.Contains(dry.stdout, month(recent)) {
		t.Errorf("prune --dry-run names this month's index:\n%s", dry.stdout)
	}
	if n := len(indexNames(t, e)); n != 4 {
		t.Fatalf("%d indices after a dry run, want the 3 months and latest", n)
	}

	e.must("farepipe", "es", "prune", "--retention", "400d")
	names := indexNames(t, e)
	if len(names) != 3 || !names[month(recent)] || !names[esindex.LatestIndex(e.prefix)] || !names[esindex.MetaIndex(e.prefix)] {
		t.Errorf("indices after prune: %v; want only %s, the latest index and the meta index", names, month(recent))
	}
	e.refresh()
	if after := e.latestOf(); after["history"] != latestBefore["history"] || after["observations"] != 3.0 {
		t.Errorf("the latest document changed with the prune: %v, was %v", after, latestBefore)
	}

	e.must("index", "--in", e.curated("later", point{now.Add(-time.Hour), 230_000}))
	if names := indexNames(t, e); names[month(old)] || names[month(older)] {
		t.Errorf("indexing after the prune brought back a pruned month: %v", names)
	}
	if r := e.run("farepipe", "es", "prune", "--retention", "10m"); r.code != 2 {
		t.Errorf("es prune --retention 10m: exit %d, want 2 (under an hour)\n%s", r.code, r.stderr)
	}
}

// indexNames returns the indices of the test's prefix, as es status
// --json lists them.
func indexNames(t *testing.T, e *env) map[string]bool {
	t.Helper()
	var st esindex.Status
	if err := json.Unmarshal([]byte(e.must("farepipe", "es", "status", "--json").stdout), &st); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, ix := range st.Indices {
		names[ix.Name] = true
	}
	return names
}
