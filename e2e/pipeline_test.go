//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/raw"
	"github.com/farepipe/farepipe/internal/synthetic"
)

var observedAt = time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)

// rawBatch builds a raw batch of synthetic answers for one route, as fetch
// writes it.
func rawBatch(t *testing.T, origin, destination string, days int) []byte {
	t.Helper()
	return rawBatchAt(t, observedAt, origin, destination, days)
}

// rawBatchAt is rawBatch observed at another time: the synthetic prices
// move with it.
func rawBatchAt(t *testing.T, observedAt time.Time, origin, destination string, days int) []byte {
	t.Helper()
	p := synthetic.New(synthetic.Config{Seed: 3, ObservedAt: observedAt})
	var buf bytes.Buffer
	w := ndjson.NewWriter(&buf)
	for d := 0; d < days; d++ {
		s := raw.Search{Origin: origin, Destination: destination, Adults: 1,
			Departure: observedAt.AddDate(0, 2, d).Format("2006-01-02")}
		env, err := p.Search(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		line, _ := json.Marshal(env)
		if err := w.WriteLine(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (s *suite) upload(key string, body []byte) {
	s.t.Helper()
	if err := s.store.Put(context.Background(), key, bytes.NewReader(body), int64(len(body)), nil); err != nil {
		s.t.Fatalf("uploading %s: %v", key, err)
	}
}

// waitIngests waits until n event-driven ingest workflows of key ended.
func (s *suite) waitIngests(key string, n int) []workflow {
	s.t.Helper()
	var ws []workflow
	s.eventually("ingest workflows of "+key+" to finish", 4*time.Minute, func() bool {
		ws = s.ingestsOf(key)
		return len(ws) >= n && done(ws)
	})
	return ws
}

// TestCollectWorkflowFetchesLandsAndIndexes: Given the manifests applied,
// When farepipe-collect is submitted with the synthetic provider, Then it
// succeeds with its steps' output parameters, the landed object's event
// runs farepipe-ingest, and the observations are searchable.
func TestCollectWorkflowFetchesLandsAndIndexes(t *testing.T) {
	s := newSuite(t)
	// A new instant makes a new batch: land never uploads the same batch
	// twice, so a rerun with the same instant would send no event.
	at := time.Now().UTC().Truncate(time.Second)
	w := s.submit("farepipe-collect", "routes=GMP-CJU", "from="+at.AddDate(0, 2, 0).Format("2006-01-02"), "days=3",
		"observed-at="+at.Format(time.RFC3339))
	if w.Status.Phase != "Succeeded" {
		t.Fatalf("farepipe-collect %s: %s %s", w.Metadata.Name, w.Status.Phase, w.Status.Message)
	}
	fetch := w.pods("fetch-routes")
	land := w.pods("land")
	if len(fetch) != 1 || len(land) != 1 || fetch[0].Outputs == nil || land[0].Outputs == nil {
		t.Fatalf("collect ran %d fetch and %d land pods with outputs; want one each", len(fetch), len(land))
	}
	if got := outputs(fetch[0].Outputs.Parameters); got["planned"] != "3" || got["written"] != "3" {
		t.Errorf("fetch outputs %v, want 3 planned and written", got)
	}
	uri := outputs(land[0].Outputs.Parameters)["uris"]
	if !strings.HasPrefix(uri, "s3://"+s.s3.Bucket+"/raw/source=synthetic/date="+at.Format("2006-01-02")+"/") {
		t.Fatalf("land output uris = %q, want a raw/ key of the bucket", uri)
	}
	if w.Status.Outputs == nil || outputs(w.Status.Outputs.Parameters)["uris"] != uri {
		t.Errorf("the workflow's own outputs do not carry the landed URI")
	}

	key := strings.TrimPrefix(uri, "s3://"+s.s3.Bucket+"/")
	ingests := s.waitIngests(key, 1)
	for _, in := range ingests {
		if in.Status.Phase != "Succeeded" {
			t.Errorf("ingest %s of the landed object: %s %s", in.Metadata.Name, in.Status.Phase, in.Status.Message)
		}
		for _, tmpl := range []string{"transform", "index"} {
			pods := in.pods(tmpl)
			if len(pods) != 1 || pods[0].Outputs == nil || len(pods[0].Outputs.Parameters) == 0 {
				t.Errorf("ingest %s: %s has no output parameters", in.Metadata.Name, tmpl)
			}
		}
	}
	if n := len(s.latest("GMP", "CJU")); n == 0 {
		t.Error("no GMP-CJU document is searchable after the collect run")
	}
}

// TestUploadTriggersIngest: When a raw object is uploaded to MinIO, Then the
// webhook EventSource and the Sensor run farepipe-ingest and the documents
// are indexed.
func TestUploadTriggersIngest(t *testing.T) {
	s := newSuite(t)
	key := "raw/source=e2e/date=2026-11-21/upload-pus-nrt.ndjson.gz"
	s.upload(key, rawBatch(t, "PUS", "NRT", 4))
	ws := s.waitIngests(key, 1)
	s.indexedAll(ws[0])
	if n := len(s.latest("PUS", "NRT")); n == 0 {
		t.Error("no PUS-NRT document is searchable after the upload")
	}
}

// TestDuplicateUploadsAndReplayedEventsChangeNothing: Given an object
// ingested once, When it is uploaded twice more and its event is replayed,
// Then every run succeeds and the index is exactly as after the first.
func TestDuplicateUploadsAndReplayedEventsChangeNothing(t *testing.T) {
	s := newSuite(t)
	key := "raw/source=e2e/date=2026-11-21/dup-icn-hkg.ndjson.gz"
	body := rawBatch(t, "ICN", "HKG", 3)
	s.upload(key, body)
	first := s.waitIngests(key, 1)
	latest, obs := s.latest("ICN", "HKG"), s.observations("ICN", "HKG")
	if len(latest) == 0 {
		t.Fatal("nothing indexed after the first upload")
	}

	s.upload(key, body)
	s.upload(key, body)
	replay := first[0].param("event")
	s.run("curl", "-sf", "-m", "10", "-X", "POST", "-H", "Content-Type: application/json",
		"--data-binary", replay, mustEnv(t, "FAREPIPE_E2E_WEBHOOK"))

	ws := s.waitIngests(key, 4)
	if len(ws) > 4 {
		t.Errorf("%d ingest workflows ran for 3 uploads and 1 replay, want at most 4", len(ws))
	}
	for _, w := range ws {
		if w.Status.Phase != "Succeeded" {
			t.Errorf("ingest %s: %s %s", w.Metadata.Name, w.Status.Phase, w.Status.Message)
		}
	}
	if got := s.latest("ICN", "HKG"); !equalDocs(got, latest) {
		t.Errorf("latest documents changed after duplicates: %d now, %d before", len(got), len(latest))
	}
	if got := s.observations("ICN", "HKG"); !equalDocs(got, obs) {
		t.Errorf("observations changed after duplicates: %d now, %d before", len(got), len(obs))
	}
}

func equalDocs(a, b []map[string]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// TestPoisonObjectFailsOnceWithQuarantine: When an object with nothing
// usable is uploaded beside a good one, Then its ingest fails with exit code
// 3 after one attempt (no retry storm), its quarantine is written, and the
// good object is indexed.
func TestPoisonObjectFailsOnceWithQuarantine(t *testing.T) {
	s := newSuite(t)
	var buf bytes.Buffer
	w := ndjson.NewWriter(&buf)
	w.WriteLine([]byte("this is not an envelope"))
	w.WriteLine([]byte(`{"provider":"amadeus","request":{"origin":"IC1"}}`))
	w.Close()
	poison := "raw/source=e2e/date=2026-11-21/poison.ndjson.gz"
	good := "raw/source=e2e/date=2026-11-21/good-icn-bkk.ndjson.gz"
	s.upload(poison, buf.Bytes())
	s.upload(good, rawBatch(t, "ICN", "BKK", 2))

	bad := s.waitIngests(poison, 1)
	if bad[0].Status.Phase != "Failed" {
		t.Fatalf("ingest of the poison object: %s, want Failed", bad[0].Status.Phase)
	}
	tr := bad[0].pods("transform")
	if len(tr) != 1 {
		t.Errorf("transform ran %d times on a permanent error, want 1", len(tr))
	}
	if len(tr) > 0 && (tr[0].Outputs == nil || tr[0].Outputs.ExitCode == nil || *tr[0].Outputs.ExitCode != "3") {
		t.Errorf("transform of the poison object: %+v, want exit code 3", tr[0])
	}
	if _, err := s.store.Stat(context.Background(), strings.Replace(poison, "raw/", "quarantine/", 1)); err != nil {
		t.Errorf("no quarantine object for the poison object: %v", err)
	}
	ok := s.waitIngests(good, 1)
	if ok[0].Status.Phase != "Succeeded" || len(s.latest("ICN", "BKK")) == 0 {
		t.Errorf("the good object beside the poison one: %s, %d documents", ok[0].Status.Phase, len(s.latest("ICN", "BKK")))
	}
}

func mustEnv(t *testing.T, name string) string {
	t.Helper()
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		t.Fatalf("%s is not set; run make e2e", name)
	}
	return v
}
