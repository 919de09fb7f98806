package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
	"github.com/farepipe/farepipe/internal/testenv"
)

// errInjected is the failure a faulty store injects.
var errInjected = errors.New("injected store failure")

// faulty is a store whose Puts and Deletes fail once allowed of them
// succeeded (allowed < 0: never).
type faulty struct {
	objstore.Store
	mu      sync.Mutex
	allowed int
}

func (f *faulty) Put(ctx context.Context, key string, body io.Reader, size int64, meta map[string]string) error {
	if err := f.fail("putting", key); err != nil {
		return err
	}
	return f.Store.Put(ctx, key, body, size, meta)
}

func (f *faulty) Delete(ctx context.Context, key string) error {
	if err := f.fail("deleting", key); err != nil {
		return err
	}
	return f.Store.Delete(ctx, key)
}

// fail returns the injected failure once no write is allowed, else
// counts one.
func (f *faulty) fail(doing, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.allowed == 0 {
		return fmt.Errorf("%s %s: %w", doing, key, errInjected)
	}
	f.allowed--
	return nil
}

// asking answers every search 200 with a body naming the ask, so no two
// answers are the same bytes; it fails a search retryably with
// probability failRate and cancels the run (a killed pod) at the ask
// numbered killAt (0: never). It records the searches it was asked.
type asking struct {
	mu       sync.Mutex
	rng      *rand.Rand
	failRate float64
	killAt   int
	cancel   context.CancelFunc
	n        int
	asked    []string
}

func (p *asking) Name() string { return "asking" }

func (p *asking) Search(ctx context.Context, s raw.Search) (raw.Envelope, error) {
	p.mu.Lock()
	p.n++
	n, fail := p.n, p.rng.Float64() < p.failRate
	p.asked = append(p.asked, s.Key())
	if p.killAt > 0 && n >= p.killAt {
		p.cancel()
	}
	p.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return raw.Envelope{}, err
	}
	if fail {
		return raw.Envelope{}, provider.Retryable(fmt.Errorf("searching %s: HTTP 503", s.Key()))
	}
	return raw.Envelope{Provider: "asking", Search: s, Status: 200,
		FetchedAt: time.Date(2026, 11, 21, 6, 0, 0, n, time.UTC), Body: json.RawMessage(fmt.Sprintf(`{"ask":%d}`, n))}, nil
}

// TestResumeInvariant generates plans, part sizes, kills, store failures
// (at Put and at Delete) and batches land refuses planted among the
// parts, and checks, after every run of fetch and every drain of land,
// the invariant of a shard that resumes where it stopped:
//
//   - the checkpoint marks a search answered only when an object holding
//     its answer is stored (a staged part or a landed raw object);
//   - the next run asks only the searches not stored;
//   - every batch staged before a drain ends in exactly one of: landed in
//     raw/, set aside in quarantine with its reason, or still staged after
//     a retryable failure (drain);
//   - once every search is answered and the staging prefix drained,
//     nothing is left in staging, the raw objects hold one answer of every
//     search, exactly once, every refused batch is in quarantine, and a
//     drain more lands nothing and fails nothing.
func TestResumeInvariant(t *testing.T) {
	for seed := range uint64(100) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			testResume(t, objstore.NewDir(t.TempDir()), "", seed)
		})
	}
}

// TestResumeInvariantOnS3 checks the same invariant with the parts, the
// checkpoint and the raw objects in the real MinIO.
func TestResumeInvariantOnS3(t *testing.T) {
	env := testenv.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", env.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", env.SecretKey)
	st, err := objstore.NewS3(t.Context(), objstore.S3Config{Endpoint: env.Endpoint, Region: env.Region, PathStyle: true, Bucket: env.Bucket})
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(10) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { testResume(t, st, testenv.Unique(t, "resume")+"/", 1000+seed) })
	}
}

func testResume(t *testing.T, st objstore.Store, root string, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 12))
	plan := searches(1 + rng.IntN(31))
	staging, ckKey := root+"staging/shard-0-of-1/", root+"checkpoints/shard-0-of-1.json"
	now := time.Date(2026, 11, 21, 6, 30, 0, 0, time.UTC)
	prov := &asking{rng: rand.New(rand.NewPCG(seed, 34))}
	askedAgain := map[string]int{} // asks of runs without a TTL
	var bad []string               // staged batches land refuses
	for round := 0; ; round++ {
		if round > 30 {
			t.Fatalf("seed %d: not every search answered after %d rounds", seed, round)
		}
		calm := round >= 8 // then no kill, no failure: the runs end
		stored, waiting := storedAnswers(t, st, root, staging), storedIn(t, st, staging)
		before := settled(t, st, ckKey)
		ttl := time.Hour // else 0: only what waits in staging is skipped
		if !calm && rng.IntN(2) == 0 {
			ttl = 0
		}
		ctx, cancel := context.WithCancel(t.Context())
		prov.cancel, prov.killAt, prov.failRate, prov.asked = cancel, 0, 0, nil
		store := &faulty{Store: st, allowed: -1}
		if !calm {
			prov.failRate = rng.Float64() * 0.3
			switch rng.IntN(3) {
			case 1:
				prov.killAt = 1 + rng.IntN(len(plan))
			case 2:
				store.allowed = rng.IntN(4)
			}
		}
		cfg := Config{Provider: prov, Searches: plan, Concurrency: 1 + rng.IntN(3), TTL: ttl,
			Now: func() time.Time { return now }, Out: store, OutPrefix: staging, PartSearches: rng.IntN(6),
			CheckpointStore: store, CheckpointKey: ckKey}
		sum, err := Run(ctx, cfg)
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, errInjected) && fault.ClassOf(err) != fault.Retryable {
			t.Fatalf("seed %d round %d: Run = %v", seed, round, err)
		}
		// The run asked only searches whose answers were not stored
		// (within the TTL) or, at any TTL, wait in staging.
		for _, k := range prov.asked {
			if ttl == 0 {
				askedAgain[k]++ // may land a second answer, at its own instant
			}
			if _, ok := before["asking "+k]; ok && (ttl > 0 || waiting[k] > 0) {
				t.Errorf("seed %d round %d: asked %s (ttl %s), whose answer the checkpoint says is stored", seed, round, k, ttl)
			}
		}
		for k := range before {
			if _, ok := stored[strings.TrimPrefix(k, "asking ")]; !ok {
				t.Errorf("seed %d round %d: the checkpoint marks %s answered, no stored object holds its answer", seed, round, k)
			}
		}
		// Every marked search is stored after the run, too.
		after, answers := settled(t, st, ckKey), storedAnswers(t, st, root, staging)
		for k := range after {
			if _, ok := answers[strings.TrimPrefix(k, "asking ")]; !ok {
				t.Fatalf("seed %d round %d: after the run the checkpoint marks %s, no stored object holds its answer", seed, round, k)
			}
		}
		// Sometimes a drain, sometimes failing midway, sometimes with
		// batches land refuses among the parts.
		if calm || rng.IntN(2) == 0 {
			if !calm && rng.IntN(3) == 0 {
				bad = append(bad, plantBad(t, st, staging, rng, round))
			}
			src := &faulty{Store: st, allowed: -1}
			if !calm && rng.IntN(2) == 0 {
				src.allowed = rng.IntN(6)
			}
			drain(t, src, st, root, ckKey, staging, bad, fmt.Sprintf("seed %d round %d", seed, round))
		}
		if calm && err == nil && len(after) == len(plan) && sum.Fresh+sum.Fetched == len(plan) {
			break
		}
	}
	// Drained, nothing is left in staging, not even an empty object, and
	// the next drain lands nothing and sets nothing aside.
	for info, err := range st.List(t.Context(), staging) {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("seed %d: %s left in staging after the last drain", seed, info.Key)
	}
	l := &land.Lander{Prefix: strings.TrimSuffix(root, "/")}
	if res, err := l.Drain(t.Context(), st, st, staging, land.Meta{}); err != nil || len(res) != 0 {
		t.Errorf("seed %d: the drain after the last = %d landed, %v; want nothing, no error", seed, len(res), err)
	}
	for _, key := range bad {
		if info, err := st.Stat(t.Context(), land.QuarantineKey(l.Prefix, key)); err != nil || info.Metadata[land.MetaReason] == "" {
			t.Errorf("seed %d: refused batch %s: set aside %+v, %v; want it in quarantine with its reason", seed, key, info, err)
		}
	}
	got := storedIn(t, st, root+"raw/")
	for _, s := range plan {
		if n := got[s.Key()]; n < 1 || n > 1+askedAgain[s.Key()] {
			t.Errorf("seed %d: search %s is in the raw objects %d times, want once (and once more per ask of a run without TTL: %d)",
				seed, s.Key(), n, askedAgain[s.Key()])
		}
	}
	if len(got) != len(plan) {
		t.Errorf("seed %d: the raw objects hold %d searches, want the plan's %d", seed, len(got), len(plan))
	}
}

// settled returns the searches the checkpoint under key marks answered,
// its staged parts settled as the next run settles them.
func settled(t *testing.T, st objstore.Store, key string) map[string]time.Time {
	t.Helper()
	ck, err := loadCheckpoint(t.Context(), st, key)
	if err == nil {
		err = ck.settle(t.Context(), st)
	}
	if err != nil {
		t.Fatal(err)
	}
	return ck.Searches
}

// storedAnswers returns, by search, how many answers the staged parts
// and the raw objects hold.
func storedAnswers(t *testing.T, st objstore.Store, root, staging string) map[string]int {
	t.Helper()
	n := storedIn(t, st, staging)
	for k, c := range storedIn(t, st, root+"raw/") {
		n[k] += c
	}
	return n
}

// storedIn counts the answers by search of the objects under prefix.
func storedIn(t *testing.T, st objstore.Store, prefix string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for info, err := range st.List(t.Context(), prefix) {
		if err != nil {
			t.Fatal(err)
		}
		if info.Size == 0 || strings.HasPrefix(path.Base(info.Key), badPrefix) {
			continue
		}
		body, _, err := st.Get(t.Context(), info.Key)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ndjson.NewReader(body)
		if err != nil {
			t.Fatal(err)
		}
		for {
			line, _, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", info.Key, err)
			}
			var e raw.Envelope
			if err := json.Unmarshal(line, &e); err != nil {
				t.Fatal(err)
			}
			n[e.Search.Key()]++
		}
		body.Close()
	}
	return n
}
