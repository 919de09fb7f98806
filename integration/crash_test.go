package integration

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// TestIndexKilledMidRunEndsAsOneOrderedPass kills index runs with SIGKILL
// at random moments (two runs of overlapping objects at once), then runs
// them again to completion, as Argo does after a node dies: every document
// of the change log and of latest must equal what one sequential run wrote.
func TestIndexKilledMidRunEndsAsOneOrderedPass(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 13))
	midRun := 0
	for trial := range 3 {
		ref, got := newEnv(t), newEnv(t)
		set := randomObservations(t, rng, 1500+rng.IntN(1500), 4)
		objects := splitObjects(rng, set, 2)
		sorted := slices.Clone(set)
		slices.SortStableFunc(sorted, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
		if sum, err := indexObservations(t, ref.es, ref.prefix, 1000, sorted); err != nil || !sum.Complete() {
			t.Fatalf("reference run: %s, %v", sum, err)
		}

		var uris []string
		for i, obj := range objects {
			var lines [][]byte
			for _, o := range obj {
				lines = append(lines, o.AppendJSON(nil))
			}
			uris = append(uris, got.put(filepath.Join("curated", "kill", string(rune('a'+i))+".ndjson.gz"), gzipped(t, lines...)))
		}
		// Both objects at once, each killed after a random time within
		// what a whole run takes here.
		var runs []*exec.Cmd
		for _, uri := range uris {
			runs = append(runs, got.start("index", "--in", uri, "--chunk-size", "200"))
		}
		kills := 0
		for _, cmd := range runs {
			time.Sleep(time.Duration(50+rng.IntN(1500)) * time.Millisecond)
			_ = cmd.Process.Signal(os.Kill)
		}
		for _, cmd := range runs {
			if err := cmd.Wait(); err != nil {
				kills++ // killed before it finished
			}
		}
		got.refresh()
		partial, want := len(got.latest()), len(ref.latest())
		if kills > 0 && partial > 0 && partial < want {
			midRun++
		}
		for _, uri := range uris {
			got.must("index", "--in", uri)
		}
		if diff := diffIndices(ref, got); diff != "" {
			t.Fatalf("seed %d trial %d (%d observations, %d runs killed): %s", seed, trial, len(set), kills, diff)
		}
		t.Logf("trial %d: %d observations, %d of 2 runs killed with %d of %d series written; the reruns end as one ordered pass",
			trial, len(set), kills, partial, want)
	}
	if midRun == 0 {
		t.Errorf("seed %d: no run was killed half way through its writes; the test proves nothing", seed)
	}
}

// start starts one of the built binaries as run does, without waiting.
func (e *env) start(name string, args ...string) *exec.Cmd {
	e.t.Helper()
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Env = append(os.Environ(), "FAREPIPE_INDEX_PREFIX="+e.prefix, "FAREPIPE_OUTPUT_DIR="+e.t.TempDir())
	cmd.Env = append(cmd.Env, e.extraEnv...)
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("starting %s: %v", name, err)
	}
	return cmd
}
