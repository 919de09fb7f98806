package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
	"github.com/farepipe/farepipe/internal/synthetic"
)

// scripted answers each search by its departure date: "fail" is a
// retryable failure, "bad" a permanent one, "400" a refused search, and
// anything else a 200. It answers out of order to test the ordering.
type scripted struct {
	script map[string]string
	budget int64
	calls  atomic.Int64
}

func (p *scripted) Name() string { return "scripted" }

func (p *scripted) Search(ctx context.Context, s raw.Search) (raw.Envelope, error) {
	n := p.calls.Add(1)
	if p.budget > 0 && n > p.budget {
		return raw.Envelope{}, fmt.Errorf("searching %s: %w", s.Key(), provider.ErrBudget)
	}
	time.Sleep(time.Duration(len(s.Departure)%3) * time.Millisecond)
	env := raw.Envelope{Provider: "scripted", Search: s, FetchedAt: time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC),
		Status: 200, Body: json.RawMessage(`{"data":[]}`)}
	switch p.script[s.Departure] {
	case "fail":
		return raw.Envelope{}, provider.Retryable(errors.New("HTTP 503"))
	case "bad":
		return raw.Envelope{}, errors.New("invalid search")
	case "400":
		env.Status = 400
	}
	return env, nil
}

func searches(n int) []raw.Search {
	var s []raw.Search
	for i := 1; i <= n; i++ {
		s = append(s, raw.Search{Origin: "ICN", Destination: "NRT", Departure: fmt.Sprintf("2027-01-%02d", i), Adults: 1})
	}
	return s
}

func run(t *testing.T, cfg Config) (Summary, []raw.Envelope) {
	t.Helper()
	var buf bytes.Buffer
	cfg.Writer = &buf
	sum, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Bytes == 0 != (sum.Written() == 0) {
		t.Errorf("%d bytes written for %d envelopes", sum.Bytes, sum.Written())
	}
	sum.Bytes = 0
	r, _ := ndjson.NewReader(&buf)
	var envs []raw.Envelope
	for {
		line, _, err := r.Next()
		if err == io.EOF {
			break
		}
		var e raw.Envelope
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatal(err)
		}
		envs = append(envs, e)
	}
	return sum, envs
}

func TestRunWritesInPlanOrderAndAccountsForEverySearch(t *testing.T) {
	p := &scripted{script: map[string]string{"2027-01-03": "fail", "2027-01-05": "bad", "2027-01-07": "400"}}
	sum, envs := run(t, Config{Provider: p, Searches: searches(10), Concurrency: 4})
	want := Summary{Planned: 10, Fetched: 7, Refused: 1, Failed: 1, Invalid: 1}
	if sum != want {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	var got []string
	for _, e := range envs {
		got = append(got, e.Search.Departure[8:])
	}
	if fmt.Sprint(got) != "[01 02 04 06 07 08 09 10]" {
		t.Errorf("envelopes for days %v, want plan order without the failed and invalid searches", got)
	}
}

func TestRunSkipsFreshSearches(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	ck := NewCheckpoint()
	p := &scripted{}
	all := searches(4)
	ck.Mark("scripted "+all[0].Key(), now.Add(-1*time.Hour)) // fresh
	ck.Mark("scripted "+all[1].Key(), now.Add(-7*time.Hour)) // stale
	dir := objstore.NewDir(t.TempDir())
	if err := saveCheckpoint(t.Context(), dir, "ck.json", ck); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Provider: p, Searches: all, TTL: 6*time.Hour + 30*time.Minute, Now: func() time.Time { return now },
		CheckpointStore: dir, CheckpointKey: "ck.json"}
	sum, envs := run(t, cfg)
	if sum.Fresh != 1 || sum.Fetched != 3 || len(envs) != 3 || p.calls.Load() != 3 {
		t.Errorf("summary %+v with %d calls, want 1 fresh and 3 fetched", sum, p.calls.Load())
	}
	back, err := loadCheckpoint(t.Context(), dir, "ck.json")
	if err != nil || len(back.Searches) != 4 {
		t.Fatalf("checkpoint after the run: %v, %d searches, want 4", err, len(back.Searches))
	}
	if got := back.Searches["scripted "+all[1].Key()]; !got.Equal(envs[0].FetchedAt) {
		t.Errorf("checkpoint of a fetched search = %v, want its fetched_at %v", got, envs[0].FetchedAt)
	}
	// A rerun within the TTL asks nothing.
	if sum, _ := run(t, cfg); sum.Fresh != 4 || p.calls.Load() != 3 {
		t.Errorf("rerun: summary %+v with %d calls, want 4 fresh and no new call", sum, p.calls.Load())
	}
}

// TestRunStoresTheBatchBeforeTheCheckpoint checks that a batch that cannot
// be stored leaves the checkpoint as it was: no search is marked answered
// whose answer was not kept.
func TestRunStoresTheBatchBeforeTheCheckpoint(t *testing.T) {
	dir := objstore.NewDir(t.TempDir())
	cfg := Config{Provider: &scripted{}, Searches: searches(3), TTL: time.Hour,
		Out: dir, OutKey: "raw/../../escape.ndjson.gz", CheckpointStore: dir, CheckpointKey: "ck.json"}
	if _, err := Run(t.Context(), cfg); err == nil {
		t.Fatal("Run stored a batch under a key outside its store")
	}
	if _, _, err := dir.Get(t.Context(), "ck.json"); !errors.Is(err, objstore.ErrNotExist) {
		t.Errorf("checkpoint after a batch that was not stored: %v, want none", err)
	}
	cfg.OutKey = "raw/batch.ndjson.gz"
	sum, err := Run(t.Context(), cfg)
	if err != nil || sum.Batch != dir.URI(cfg.OutKey) || sum.Fetched != 3 {
		t.Fatalf("Run = %+v, %v; want 3 fetched into %s", sum, err, dir.URI(cfg.OutKey))
	}
	_, info, err := dir.Get(t.Context(), cfg.OutKey)
	if err != nil || info.Metadata["records"] != "3" || info.Metadata["source"] != "scripted" {
		t.Errorf("stored batch: %v, meta %v; want records 3, source scripted", err, info.Metadata)
	}
}

func TestRunStopsAtTheBudget(t *testing.T) {
	p := &scripted{budget: 3}
	sum, envs := run(t, Config{Provider: p, Searches: searches(10), Concurrency: 1})
	if sum.Fetched != 3 || sum.OverBudget != 7 || len(envs) != 3 {
		t.Errorf("summary %+v, want 3 fetched and 7 over budget", sum)
	}
	if calls := p.calls.Load(); calls > 4 {
		t.Errorf("%d searches sent after the budget ran out, want at most one probe", calls-3)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	_, err := Run(ctx, Config{Provider: &scripted{}, Searches: searches(50), Writer: &buf})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context = %v, want context.Canceled", err)
	}
}

// TestClasses checks the fault class of each way a fetch run's
// configuration, checkpoint or outcome is refused.
func TestClasses(t *testing.T) {
	prov := WatchAccess(synthetic.New(synthetic.Config{Seed: 1}))
	_, badCheckpoint := ReadCheckpoint(strings.NewReader(`{"searches": [`))
	tests := []struct {
		name string
		err  error
		want fault.Class
	}{
		{"no provider", Config{}.Validate(), fault.Config},
		{"no output", Config{Provider: prov}.Validate(), fault.Config},
		{"no checkpoint key", Config{Provider: prov, Writer: io.Discard, CheckpointStore: objstore.NewDir(".")}.Validate(), fault.Config},
		{"negative concurrency", Config{Provider: prov, Concurrency: -1}.Validate(), fault.Config},
		{"negative ttl", Config{Provider: prov, TTL: -time.Second}.Validate(), fault.Config},
		{"checkpoint not json", badCheckpoint, fault.Data},
		{"all failed", prov.Outcome(Summary{Planned: 2, Failed: 2}), fault.Retryable},
		{"all invalid", prov.Outcome(Summary{Planned: 2, Invalid: 2}), fault.Data},
		{"all over budget", prov.Outcome(Summary{Planned: 2, OverBudget: 2}), fault.Retryable},
	}
	for _, tc := range tests {
		if got := fault.ClassOf(tc.err); got != tc.want {
			t.Errorf("%s: %v, class %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
	if err := (Config{Provider: prov, Writer: io.Discard}).Validate(); err != nil {
		t.Errorf("Validate(provider only) = %v, want nil", err)
	}
}
