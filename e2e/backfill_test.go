//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestBackfillIngestsTheObjectsOfItsRange: Given raw objects in three
// date partitions under a prefix that sends no events, When
// farepipe-backfill is submitted for two of the dates, Then it lists and
// ingests exactly those two objects and their fares are searchable, and
// the third is left alone.
func TestBackfillIngestsTheObjectsOfItsRange(t *testing.T) {
	s := newSuite(t)
	// Outside raw/, so MinIO announces none of these objects: only the
	// backfill can ingest them.
	prefix := fmt.Sprintf("backfill-%d/raw/source=e2e/", time.Now().UnixNano())
	objects := []struct {
		date, origin, destination string
		inRange                   bool
	}{
		{"2026-11-19", "PUS", "HKG", false},
		{"2026-11-20", "ICN", "SIN", true},
		{"2026-11-21", "GMP", "TPE", true},
	}
	var want []string
	for _, o := range objects {
		key := prefix + "date=" + o.date + "/" + o.origin + "-" + o.destination + ".ndjson.gz"
		s.upload(key, rawBatch(t, o.origin, o.destination, 2))
		if o.inRange {
			want = append(want, key)
		}
	}

	w := s.submit("farepipe-backfill", "bucket="+s.s3.Bucket, "prefix="+prefix, "from=2026-11-20", "to=2026-11-21")
	if w.Status.Phase != "Succeeded" {
		t.Fatalf("farepipe-backfill %s: %s %s", w.Metadata.Name, w.Status.Phase, w.Status.Message)
	}
	var listed []struct {
		Bucket string `json:"bucket"`
		Key    string `json:"key"`
	}
	if w.Status.Outputs == nil {
		t.Fatal("farepipe-backfill has no outputs, want the listed objects")
	}
	if err := json.Unmarshal([]byte(outputs(w.Status.Outputs.Parameters)["objects"]), &listed); err != nil {
		t.Fatalf("the objects output of the list step: %v", err)
	}
	var keys []string
	for _, o := range listed {
		if o.Bucket != s.s3.Bucket {
			t.Errorf("listed object %s in bucket %q, want %q", o.Key, o.Bucket, s.s3.Bucket)
		}
		keys = append(keys, o.Key)
	}
	if !slices.Equal(keys, want) {
		t.Errorf("the backfill listed %q, want %q", keys, want)
	}

	// Outcomes, not pods: an index pod that failed and was retried (say on
	// no_shard_available_action_exception from a node that just emptied an
	// index) is the WorkflowTemplate doing its job. What counts is one
	// successful index of each object.
	index := succeeded(w.pods("index"))
	if len(index) != len(want) {
		t.Errorf("the backfill indexed %d objects successfully, want %d", len(index), len(want))
	}
	for _, p := range index {
		if !indexedAll(p) {
			t.Errorf("index pod %s outputs %+v, want every observation indexed", p.DisplayName, p.Outputs)
		}
	}
	for _, o := range objects {
		n := len(s.latest(o.origin, o.destination))
		switch {
		case o.inRange && n == 0:
			t.Errorf("no %s-%s fare is searchable after the backfill of %s", o.origin, o.destination, o.date)
		case !o.inRange && n != 0:
			t.Errorf("%d %s-%s fares were indexed from %s, outside the backfill's dates", n, o.origin, o.destination, o.date)
		}
	}
}
