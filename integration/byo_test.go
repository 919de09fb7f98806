package integration

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
)

// notification returns an S3 event notification, as AWS S3 and MinIO's
// webhook send it, of one object created under key in the test's bucket.
func (e *env) notification(key string) string {
	e.t.Helper()
	n := map[string]any{"Records": []any{map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
		"s3": map[string]any{"bucket": map[string]any{"name": e.s3.Bucket}, "object": map[string]any{"key": key, "size": 1}},
	}}}
	b, err := json.Marshal(n)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// ingestEvent runs transform on an event notification, then index on
// what it curated, as farepipe-ingest does for the Sensor.
func (e *env) ingestEvent(event string, transformArgs ...string) (transform, index result) {
	e.t.Helper()
	transform = e.must("transform", append([]string{"--event", event}, transformArgs...)...)
	index = e.must("index", "--in", strings.TrimSpace(transform.outputs["curated"]))
	return transform, index
}

// TestPlainAnswerUnderIncomingIsIndexedOnce uploads a plain Amadeus answer
// (pretty-printed JSON, as a crawler saves it) under incoming/, with the
// instant of its prices in its key, and ingests it from the notification
// of its upload: its offers become series of what each flies. The same
// event again, and the same upload again (a new Last-Modified, the same
// key), change nothing in Elasticsearch.
func TestPlainAnswerUnderIncomingIsIndexedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	answer, err := os.ReadFile("../examples/data/amadeus-answer.json")
	if err != nil {
		t.Fatal(err)
	}
	key := "incoming/acme/2026-11-21T06:00:00Z/answer.json"
	e.put(key, answer)
	event := e.notification(e.keys + "/" + key)

	tr, ix := e.ingestEvent(event)
	if tr.outputs["observations"] != "2" || tr.outputs["rejected"] != "0" || ix.outputs["created"] != "2" {
		t.Fatalf("first ingest: transform observations=%s rejected=%s, index created=%s; want 2, 0, 2\n%s",
			tr.outputs["observations"], tr.outputs["rejected"], ix.outputs["created"], tr.stderr)
	}
	if want := e.keys + "/curated/incoming/acme/2026-11-21T06:00:00Z/answer.json.ndjson.gz"; !strings.HasSuffix(strings.TrimSpace(tr.outputs["curated"]), want) {
		t.Errorf("curated %q, want under %s", tr.outputs["curated"], want)
	}
	obs, latest := e.observations(), e.latest()
	routes := map[string]bool{}
	for _, d := range latest {
		s := d.Source
		routes[s["origin"].(string)+"-"+s["destination"].(string)] = true
		if s["source"] != "amadeus" {
			t.Errorf("latest %s: source %v, want amadeus", d.ID, s["source"])
		}
	}
	if len(obs) != 2 || !routes["ICN-NRT"] || !routes["GMP-HND"] {
		t.Fatalf("%d change points, latest routes %v; want 2, ICN-NRT and GMP-HND", len(obs), routes)
	}
	for _, d := range obs {
		if d.Source["observed_at"] != "2026-11-21T06:00:00.000Z" {
			t.Errorf("observed_at %v, want the instant in the key", d.Source["observed_at"])
		}
	}

	// The same notification again (a replayed event), then the same bytes
	// uploaded again under the same key.
	for _, again := range []string{"event again", "upload again"} {
		if again == "upload again" {
			e.put(key, answer)
		}
		_, ix := e.ingestEvent(event)
		if ix.outputs["created"] != "0" || ix.outputs["duplicate"] != ix.outputs["read"] {
			t.Errorf("%s: created=%s duplicate=%s read=%s; want every record a duplicate", again, ix.outputs["created"], ix.outputs["duplicate"], ix.outputs["read"])
		}
		if got := e.observations(); !reflect.DeepEqual(got, obs) {
			t.Errorf("%s changed the change log", again)
		}
		if got := e.latest(); !reflect.DeepEqual(got, latest) {
			t.Errorf("%s changed the latest documents", again)
		}
	}
}

// TestAnswerWithoutInstantTakesLastModified uploads an answer whose key
// names no instant: its prices are observed at the object's Last-Modified.
func TestAnswerWithoutInstantTakesLastModified(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	answer, err := os.ReadFile("../examples/data/amadeus-answer.json")
	if err != nil {
		t.Fatal(err)
	}
	uri := e.put("incoming/acme/answer.json", answer)
	info, err := e.store.Stat(context.Background(), e.keys+"/incoming/acme/answer.json")
	if err != nil {
		t.Fatal(err)
	}
	tr := e.must("transform", "--in", uri)
	e.must("index", "--in", strings.TrimSpace(tr.outputs["curated"]))
	want := fare.FormatTime(info.LastModified)
	for _, d := range e.observations() {
		if d.Source["observed_at"] != want {
			t.Errorf("observed_at %v, want the Last-Modified %s", d.Source["observed_at"], want)
		}
	}
}

// TestFareRowsWithMappingAreIndexed ingests a crawler's CSV rows with the
// example mapping from the directory the ConfigMap farepipe-mappings
// mounts, and an object of no known format, which exits 3 with one
// quarantine entry.
func TestFareRowsWithMappingAreIndexed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rows, err := os.ReadFile("../examples/data/faresnap.csv")
	if err != nil {
		t.Fatal(err)
	}
	e.put("incoming/faresnap/fares.csv", rows)
	_, ix := e.ingestEvent(e.notification(e.keys+"/incoming/faresnap/fares.csv"), "--mapping", "../examples/mappings")
	if ix.outputs["created"] != "5" || len(e.latest()) != 5 {
		t.Errorf("index created=%s, %d latest documents; want 5, 5", ix.outputs["created"], len(e.latest()))
	}

	e.put("incoming/faresnap/notes.csv", []byte("just,some\nnotes,here\n"))
	r := e.run("transform", "--event", e.notification(e.keys+"/incoming/faresnap/notes.csv"), "--mapping", "../examples/mappings")
	if r.code != 3 || r.outputs["rejected"] != "1" {
		t.Errorf("transform of a file of no known format: exit %d, rejected %q; want 3, 1\n%s", r.code, r.outputs["rejected"], r.stderr)
	}
}
