//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fetch"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/raw"
	"github.com/farepipe/farepipe/internal/testenv"
)

// shardRoutes and shardDays make the plan of the sharded collect: 2
// routes × 8 departure dates, one way, 16 searches.
const (
	shardRoutes   = "PUS-CJU,GMP-PUS"
	shardDays     = 8
	shardSearches = 2 * shardDays
	shardCount    = 3
)

// TestShardedCollectFetchesEachSearchOnce: Given the manifests applied,
// When farepipe-collect runs with shards=3, Then three fetch pods split
// the plan, each shard lands a batch of its own, every search of the plan
// is in exactly one landed batch, and the workflow's outputs are the sums
// of the shards'. When the same collect is submitted again within its
// ttl, Then every shard's checkpoint answers for its searches: nothing is
// fetched again and nothing is landed.
func TestShardedCollectFetchesEachSearchOnce(t *testing.T) {
	s := newSuite(t)
	at := time.Now().UTC().Truncate(time.Second)
	params := []string{"routes=" + shardRoutes, "days=" + strconv.Itoa(shardDays),
		"from=" + at.AddDate(0, 3, 0).Format("2006-01-02"), "observed-at=" + at.Format(time.RFC3339),
		"shards=" + strconv.Itoa(shardCount), "ttl=1h"}
	w := s.submit("farepipe-collect", params...)
	if w.Status.Phase != "Succeeded" {
		t.Fatalf("farepipe-collect %s: %s %s", w.Metadata.Name, w.Status.Phase, w.Status.Message)
	}
	fetch, land := succeeded(w.pods("fetch-routes")), succeeded(w.pods("land"))
	if len(fetch) != shardCount {
		t.Fatalf("collect ran %d successful fetch pods, want %d", len(fetch), shardCount)
	}
	planned, written := sumOutputs(t, fetch, "planned"), sumOutputs(t, fetch, "written")
	if planned != shardSearches || written != shardSearches {
		t.Errorf("shards planned %d and wrote %d searches, want %d each", planned, written, shardSearches)
	}
	for _, p := range fetch {
		if n, _ := strconv.Atoi(outputs(p.Outputs.Parameters)["planned"]); n == shardSearches {
			t.Errorf("fetch %s planned the whole plan (%d searches), want a slice of it", p.DisplayName, n)
		}
	}

	// Every search of the plan is in exactly one landed batch.
	var uris []string
	for _, p := range land {
		uris = append(uris, strings.Fields(outputs(p.Outputs.Parameters)["uris"])...)
	}
	seen := s.searchesLandedBy(w)
	if len(seen) != shardSearches {
		t.Errorf("the %d landed batches hold %d distinct searches, want %d", len(uris), len(seen), shardSearches)
	}
	for key, n := range seen {
		if n != 1 {
			t.Errorf("search %s is in %d landed batches, want 1", key, n)
		}
	}

	// The workflow's outputs are the shards' summed; uris names each batch.
	got := map[string]string{}
	if w.Status.Outputs != nil {
		got = outputs(w.Status.Outputs.Parameters)
	}
	want := map[string]string{"planned": strconv.Itoa(shardSearches), "written": strconv.Itoa(shardSearches),
		"failed": "0", "fresh": "0", "count": strconv.Itoa(len(land))}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("workflow output %s = %q, want %q (outputs %v)", name, got[name], v, got)
		}
	}
	sort.Strings(uris)
	wfURIs := strings.Fields(got["uris"])
	sort.Strings(wfURIs)
	if strings.Join(wfURIs, " ") != strings.Join(uris, " ") {
		t.Errorf("workflow output uris = %q, want the land pods' %q", wfURIs, uris)
	}

	// Each shard checkpointed its own searches.
	for i := 0; i < shardCount; i++ {
		key := fmt.Sprintf("checkpoints/farepipe-collect/shard-%d-of-%d.json", i, shardCount)
		if _, err := s.store.Stat(context.Background(), key); err != nil {
			t.Errorf("checkpoint of shard %d: %v", i, err)
		}
	}

	// Submitted again within the ttl, every shard skips what it answered.
	again := s.submit("farepipe-collect", params...)
	if again.Status.Phase != "Succeeded" {
		t.Fatalf("second farepipe-collect %s: %s %s", again.Metadata.Name, again.Status.Phase, again.Status.Message)
	}
	fetch = succeeded(again.pods("fetch-routes"))
	if fresh, written := sumOutputs(t, fetch, "fresh"), sumOutputs(t, fetch, "written"); fresh != shardSearches || written != 0 {
		t.Errorf("second run: shards found %d searches fresh and wrote %d, want %d and 0", fresh, written, shardSearches)
	}
	if n := len(again.pods("land")); n != 0 {
		t.Errorf("second run ran %d land pods, want none (nothing new to land)", n)
	}
	if again.Status.Outputs == nil || outputs(again.Status.Outputs.Parameters)["count"] != "0" {
		t.Errorf("second run: workflow outputs %+v, want count 0", again.Status.Outputs)
	}
}

// TestFailedShardResubmitFetchesOnlyItsSearches: Given a shard whose
// checkpoint object is unreadable (fetch exits 3 on it, as on any
// permanent error), When a 4-shard collect runs, Then that shard fails,
// the other shards still land their batches and the workflow fails. When
// the checkpoint is repaired and the workflow resubmitted within its ttl,
// Then the other shards skip what they answered and only the failed
// shard's searches are fetched: across both runs every search of the
// plan is landed exactly once.
func TestFailedShardResubmitFetchesOnlyItsSearches(t *testing.T) {
	s := newSuite(t)
	const shards, days = 4, 6
	const searches = 2 * days
	broken := fmt.Sprintf("checkpoints/farepipe-collect/shard-1-of-%d.json", shards)
	s.upload(broken, []byte("not a checkpoint"))
	at := time.Now().UTC().Truncate(time.Second)
	first := s.submitMayFail(true, "farepipe-collect", "routes=TAE-CJU,CJU-TAE", "days="+strconv.Itoa(days),
		"from="+at.AddDate(0, 3, 0).Format("2006-01-02"), "observed-at="+at.Format(time.RFC3339),
		"shards="+strconv.Itoa(shards), "ttl=1h")
	if first.Status.Phase != "Failed" {
		t.Fatalf("farepipe-collect %s with a broken checkpoint: %s, want Failed", first.Metadata.Name, first.Status.Phase)
	}
	fetched := succeeded(first.pods("fetch-routes"))
	if len(fetched) != shards-1 {
		t.Fatalf("first run: %d fetch pods succeeded, want %d (all but the broken shard)", len(fetched), shards-1)
	}
	written := sumOutputs(t, fetched, "written")
	landed := s.searchesLandedBy(first)
	if len(landed) != written {
		t.Errorf("first run: the other shards wrote %d searches and landed %d, want all landed", written, len(landed))
	}

	var ck bytes.Buffer
	if err := fetch.NewCheckpoint().Write(&ck); err != nil {
		t.Fatal(err)
	}
	s.upload(broken, ck.Bytes())
	name := strings.TrimSpace(s.run(s.argo, "-n", namespace, "resubmit", first.Metadata.Name, "--wait", "-o", "name"))
	again := s.get(name[strings.LastIndex(name, "\n")+1:])
	if again.Status.Phase != "Succeeded" {
		t.Fatalf("resubmitted %s: %s %s", again.Metadata.Name, again.Status.Phase, again.Status.Message)
	}
	fetched = succeeded(again.pods("fetch-routes"))
	if fresh := sumOutputs(t, fetched, "fresh"); fresh != written {
		t.Errorf("resubmitted: %d searches fresh, want the %d the other shards answered before", fresh, written)
	}
	if w := sumOutputs(t, fetched, "written"); written+w != searches {
		t.Errorf("resubmitted: wrote %d searches after %d, want %d in all", w, written, searches)
	}
	for key, n := range s.searchesLandedBy(again) {
		landed[key] += n
	}
	if len(landed) != searches {
		t.Errorf("both runs landed %d distinct searches, want %d", len(landed), searches)
	}
	for key, n := range landed {
		if n != 1 {
			t.Errorf("search %s landed %d times over both runs, want 1", key, n)
		}
	}
}

// searchesLandedBy counts the searches in the batches w's land pods landed.
func (s *suite) searchesLandedBy(w *workflow) map[string]int {
	s.t.Helper()
	seen := map[string]int{}
	for _, p := range succeeded(w.pods("land")) {
		for _, uri := range strings.Fields(outputs(p.Outputs.Parameters)["uris"]) {
			for _, key := range s.searchesIn(uri) {
				seen[key]++
			}
		}
	}
	return seen
}

// sumOutputs adds up an integer output parameter of pods.
func sumOutputs(t *testing.T, pods []node, name string) int {
	t.Helper()
	total := 0
	for _, p := range pods {
		if p.Outputs == nil {
			t.Fatalf("pod %s has no outputs", p.DisplayName)
		}
		n, err := strconv.Atoi(outputs(p.Outputs.Parameters)[name])
		if err != nil {
			t.Fatalf("pod %s output %s: %v", p.DisplayName, name, err)
		}
		total += n
	}
	return total
}

// searchesIn returns the search key of every envelope of a landed batch.
func (s *suite) searchesIn(uri string) []string {
	s.t.Helper()
	key := strings.TrimPrefix(uri, "s3://"+s.s3.Bucket+"/")
	body, _, err := s.store.Get(context.Background(), key)
	if err != nil {
		s.t.Fatalf("reading %s: %v", uri, err)
	}
	defer body.Close()
	r, err := ndjson.NewReader(body)
	if err != nil {
		s.t.Fatalf("reading %s: %v", uri, err)
	}
	var keys []string
	for {
		line, _, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.t.Fatalf("reading %s: %v", uri, err)
		}
		var env raw.Envelope
		if err := json.Unmarshal(line, &env); err != nil {
			s.t.Fatalf("%s: %v", uri, err)
		}
		keys = append(keys, env.Search.Key())
	}
	return keys
}

// slowAmadeus is an Amadeus API on the node's address that answers every
// search after delay with a recorded answer. Each token request gets a
// token of its own, numbered, so the searches of a pod are told from
// those of a pod started after it: it counts the searches asked, by
// origin, destination and departure date, under each token.
type slowAmadeus struct {
	url    string
	mu     sync.Mutex
	tokens int
	asked  map[int]map[string]int // by token number
}

func startSlowAmadeus(t *testing.T, delay time.Duration) *slowAmadeus {
	t.Helper()
	body, err := os.ReadFile("../internal/amadeus/testdata/answers/icn-nrt-adults-1.json")
	if err != nil {
		t.Fatal(err)
	}
	a := &slowAmadeus{asked: map[int]map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/security/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.tokens++
		n := a.tokens
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"token_type":"Bearer","access_token":"e2e-token-%d","expires_in":1799}`, n)
	})
	mux.HandleFunc("GET /v2/shopping/flight-offers", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		n, _ := strconv.Atoi(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer e2e-token-"))
		a.mu.Lock()
		if a.asked[n] == nil {
			a.asked[n] = map[string]int{}
		}
		a.asked[n][q.Get("originLocationCode")+"-"+q.Get("destinationLocationCode")+" "+q.Get("departureDate")]++
		a.mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/vnd.amadeus+json")
		w.Write(body)
	})
	ln, err := net.Listen("tcp", nodeIP+":0")
	if err != nil {
		t.Fatalf("listening on the node's address %s: %v", nodeIP, err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	a.url = "http://" + ln.Addr().String()
	return a
}

// issued returns how many tokens were handed out so far.
func (a *slowAmadeus) issued() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tokens
}

// askedSince returns the searches asked under the tokens handed out
// after the first n: the searches of the pods started since.
func (a *slowAmadeus) askedSince(n int) map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	asked := map[string]int{}
	for token, searches := range a.asked {
		if token > n {
			for k, c := range searches {
				asked[k] += c
			}
		}
	}
	return asked
}

// nodeIP is the address pods reach the host on (hack/cluster.sh NODE_IP).
const nodeIP = "10.99.0.1"

// useSlowAmadeus points the fetch pods at a: the Amadeus URL in
// farepipe-config and client credentials in the Secret farepipe-amadeus,
// both put back when the test ends.
func (s *suite) useSlowAmadeus(a *slowAmadeus) {
	s.t.Helper()
	s.run("kubectl", "-n", namespace, "patch", "configmap", "farepipe-config", "--type", "merge",
		"-p", `{"data":{"FAREPIPE_AMADEUS_URL":"`+a.url+`"}}`)
	s.t.Cleanup(func() {
		exec.Command("kubectl", "-n", namespace, "patch", "configmap", "farepipe-config", "--type", "json",
			"-p", `[{"op":"remove","path":"/data/FAREPIPE_AMADEUS_URL"}]`).Run()
	})
	if exec.Command("kubectl", "-n", namespace, "get", "secret", "farepipe-amadeus").Run() == nil {
		s.t.Fatal("a Secret farepipe-amadeus exists already: the test would replace real credentials")
	}
	s.run("kubectl", "-n", namespace, "create", "secret", "generic", "farepipe-amadeus",
		"--from-literal=client-id=e2e-client", "--from-literal=client-secret=e2e-secret")
	s.t.Cleanup(func() {
		exec.Command("kubectl", "-n", namespace, "delete", "secret", "farepipe-amadeus").Run()
	})
}

// searchesUnder counts the answers, by origin, destination and departure
// date, of the objects with at least one byte under prefix.
func (s *suite) searchesUnder(prefix string) map[string]int {
	s.t.Helper()
	n := map[string]int{}
	for info, err := range s.store.List(context.Background(), prefix) {
		if err != nil {
			s.t.Fatal(err)
		}
		if info.Size == 0 {
			continue
		}
		for _, key := range s.searchesIn("s3://" + s.s3.Bucket + "/" + info.Key) {
			n[key]++
		}
	}
	return n
}

// TestKilledShardResumesWhereItStopped: Given a provider that answers a
// search a second, When a 2-shard collect stores its answers every 2
// searches and shard 0's fetch pod is deleted once it stored a part, Then
// the parts it stored stay in its staging prefix. When the shard runs
// again within its ttl (Argo recreates the deleted pod; were the workflow
// to fail, it is resubmitted), Then it asks only the searches whose
// answers were not stored, each once, the parts are drained, and every
// search of the plan is landed exactly once.
func TestKilledShardResumesWhereItStopped(t *testing.T) {
	s := newSuite(t)
	amadeus := startSlowAmadeus(t, time.Second)
	s.useSlowAmadeus(amadeus)
	const days = 30 // about 30 searches a shard, 15 s at 2 a second
	at := time.Now().UTC().Truncate(time.Second)
	// A departure window of this run's own, so no checkpoint of an
	// earlier run holds its searches.
	from := at.AddDate(0, 2, int(at.Unix()%200))
	prefix := testenv.Unique(t, "resume")
	params := []string{"provider=amadeus", "routes=ICN-NRT,ICN-KIX", "days=" + strconv.Itoa(days),
		"from=" + from.Format("2006-01-02"), "shards=2", "ttl=2h", "part-searches=2", "prefix=" + prefix}
	plan := map[string]bool{}
	for _, route := range []string{"ICN-NRT", "ICN-KIX"} {
		for d := range days {
			plan[route+" "+from.AddDate(0, 0, d).Format("2006-01-02")] = true
		}
	}
	staging := "staging/farepipe-collect/shard-0-of-2/"
	before := len(s.searchesUnder(staging)) // what earlier runs left there

	args := []string{"-n", namespace, "submit", "--from", "workflowtemplate/farepipe-collect", "-o", "name"}
	for _, p := range params {
		args = append(args, "-p", p)
	}
	name := strings.TrimSpace(s.run(s.argo, args...))
	s.eventually("shard 0 stores a part", 3*time.Minute, func() bool { return len(s.searchesUnder(staging)) > before })
	pod := s.fetchPodOf(name, 0)
	s.run("kubectl", "-n", namespace, "delete", "pod", pod, "--grace-period=0", "--force")
	// What was stored when the pod died: the store only grows from here,
	// and none of it may be asked again, whether Argo recreates the pod,
	// retries the step or the workflow is resubmitted.
	stored := s.searchesUnder(staging)
	for k, n := range s.searchesUnder(prefix + "/raw/") {
		stored[k] += n
	}
	tokens := amadeus.issued()
	t.Logf("pod %s deleted: %d searches stored", pod, len(stored))
	if len(stored) >= len(plan) {
		t.Fatalf("the killed run stored all %d searches: the pod was deleted too late to prove a resume", len(stored))
	}
	exec.Command(s.argo, "-n", namespace, "wait", name).Run()
	if first := s.get(name); first.Status.Phase != "Succeeded" {
		out := strings.TrimSpace(s.run(s.argo, "-n", namespace, "resubmit", name, "--wait", "-o", "name"))
		again := s.get(out[strings.LastIndex(out, "\n")+1:])
		if again.Status.Phase != "Succeeded" {
			t.Fatalf("resubmitted %s: %s %s", again.Metadata.Name, again.Status.Phase, again.Status.Message)
		}
	}
	resumed := amadeus.askedSince(tokens)
	t.Logf("pods started after the kill asked %d searches", len(resumed))
	if len(resumed) == 0 {
		t.Errorf("the rerun asked nothing; want the searches the killed pod had not stored")
	}
	for k, n := range resumed {
		switch {
		case stored[k] > 0:
			t.Errorf("the rerun asked %s again, whose answer the killed run had stored", k)
		case n != 1:
			t.Errorf("the pods started after the kill asked %s %d times, want once", k, n)
		}
	}
	landed := s.searchesUnder(prefix + "/raw/")
	for k := range plan {
		if landed[k] != 1 {
			t.Errorf("search %s landed %d times, want once", k, landed[k])
		}
	}
	if left := s.searchesUnder(staging); len(left) != 0 {
		t.Errorf("%d answers still wait under %s after the rerun drained it", len(left), staging)
	}
}

// fetchPodOf returns the pod of workflow name fetching shard i.
func (s *suite) fetchPodOf(name string, i int) string {
	s.t.Helper()
	var pods struct {
		Items []struct {
			Metadata struct {
				Name        string            `json:"name"`
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
		} `json:"items"`
	}
	out := s.run("kubectl", "-n", namespace, "get", "pods", "-l", "workflows.argoproj.io/workflow="+name, "-o", "json")
	if err := json.Unmarshal([]byte(out), &pods); err != nil {
		s.t.Fatal(err)
	}
	for _, p := range pods.Items {
		node := p.Metadata.Annotations["workflows.argoproj.io/node-name"]
		// name.shards.shard(i:i).fetch-routes(attempt)
		if strings.Contains(node, fmt.Sprintf(".shard(%d:%d).fetch-routes(", i, i)) {
			return p.Metadata.Name
		}
	}
	s.t.Fatalf("workflow %s has no fetch pod of shard %d", name, i)
	return ""
}
