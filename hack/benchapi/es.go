package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// newES returns a client of the node at url, configured as `farepipe
// serve` configures its own, without a response header timeout (a force
// merge answers when it is done).
func newES(url string) (*elasticsearch.Client, error) {
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses:     []string{url},
		RetryOnStatus: []int{502, 503, 504, 429},
		MaxRetries:    3,
		RetryBackoff:  func(n int) time.Duration { return time.Duration(n) * 250 * time.Millisecond },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true},
	})
	if err != nil {
		return nil, fmt.Errorf("configuring Elasticsearch client: %w", err)
	}
	return es, nil
}

// do runs req and decodes a successful answer into out (nil: discarded).
func do(ctx context.Context, es esapi.Transport, what string, req esapi.Request, out any) error {
	res, err := req.Do(ctx, es)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
		return fmt.Errorf("%s: %s: %s", what, res.Status(), strings.TrimSpace(string(msg)))
	}
	if out == nil {
		_, err = io.Copy(io.Discard, res.Body)
	} else {
		err = json.NewDecoder(res.Body).Decode(out)
	}
	if err != nil {
		return fmt.Errorf("%s: reading answer: %w", what, err)
	}
	return nil
}

// count returns how many documents the indices matching pattern hold; 0
// when there are none.
func count(ctx context.Context, es esapi.Transport, pattern string) (int, error) {
	yes := true
	var out struct {
		Count int `json:"count"`
	}
	err := do(ctx, es, "counting "+pattern, esapi.CountRequest{Index: []string{pattern},
		IgnoreUnavailable: &yes, AllowNoIndices: &yes}, &out)
	return out.Count, err
}

// indices lists the indices whose names match pattern.
func indices(ctx context.Context, es esapi.Transport, pattern string) ([]string, error) {
	var out []struct {
		Index string `json:"index"`
	}
	if err := do(ctx, es, "listing "+pattern, esapi.CatIndicesRequest{Index: []string{pattern},
		Format: "json", H: []string{"index"}}, &out); err != nil {
		return nil, err
	}
	var names []string
	for _, i := range out {
		names = append(names, i.Index)
	}
	return names, nil
}

// deletePrefix deletes every index of the prefix, one by name (the node
// refuses wildcard deletes).
func deletePrefix(ctx context.Context, es esapi.Transport, prefix string) error {
	names, err := indices(ctx, es, prefix+"-*")
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := do(ctx, es, "deleting "+n, esapi.IndicesDeleteRequest{Index: []string{n}}, nil); err != nil {
			return err
		}
	}
	return nil
}

// settle refreshes the prefix's indices and force-merges each to one
// segment, as a quiet index looks after its merges.
func settle(ctx context.Context, es esapi.Transport, prefix string) error {
	pattern := []string{prefix + "-*"}
	if err := do(ctx, es, "refreshing "+prefix+"-*", esapi.IndicesRefreshRequest{Index: pattern}, nil); err != nil {
		return err
	}
	one := 1
	if err := do(ctx, es, "force-merging "+prefix+"-*", esapi.IndicesForcemergeRequest{Index: pattern, MaxNumSegments: &one}, nil); err != nil {
		return err
	}
	return do(ctx, es, "refreshing "+prefix+"-*", esapi.IndicesRefreshRequest{Index: pattern}, nil)
}

// setRequestCache turns the shard request cache of index on or off, and
// empties it.
func setRequestCache(ctx context.Context, es esapi.Transport, index string, on bool) error {
	body := fmt.Sprintf(`{"index.requests.cache.enable": %t}`, on)
	if err := do(ctx, es, "setting the request cache of "+index, esapi.IndicesPutSettingsRequest{Index: []string{index},
		Body: strings.NewReader(body)}, nil); err != nil {
		return err
	}
	yes := true
	return do(ctx, es, "clearing the request cache of "+index, esapi.IndicesClearCacheRequest{Index: []string{index}, Request: &yes}, nil)
}

// jvm is the heap and garbage collection state of the node.
type jvm struct {
	HeapUsedPercent int
	HeapMaxBytes    int64
	OldGCs          int64
	OldGCTime       time.Duration
	YoungGCs        int64
	YoungGCTime     time.Duration
}

// nodeJVM reads the JVM statistics of the node answering.
func nodeJVM(ctx context.Context, es esapi.Transport) (jvm, error) {
	type collector struct {
		Count  int64 `json:"collection_count"`
		TimeMs int64 `json:"collection_time_in_millis"`
	}
	var out struct {
		Nodes map[string]struct {
			JVM struct {
				Mem struct {
					HeapUsedPercent int   `json:"heap_used_percent"`
					HeapMaxBytes    int64 `json:"heap_max_in_bytes"`
				} `json:"mem"`
				GC struct {
					Collectors struct {
						Young collector `json:"young"`
						Old   collector `json:"old"`
					} `json:"collectors"`
				} `json:"gc"`
			} `json:"jvm"`
		} `json:"nodes"`
	}
	if err := do(ctx, es, "reading node statistics", esapi.NodesStatsRequest{NodeID: []string{"_local"}, Metric: []string{"jvm"}}, &out); err != nil {
		return jvm{}, err
	}
	for _, n := range out.Nodes {
		c := n.JVM.GC.Collectors
		return jvm{HeapUsedPercent: n.JVM.Mem.HeapUsedPercent, HeapMaxBytes: n.JVM.Mem.HeapMaxBytes,
			OldGCs: c.Old.Count, OldGCTime: time.Duration(c.Old.TimeMs) * time.Millisecond,
			YoungGCs: c.Young.Count, YoungGCTime: time.Duration(c.Young.TimeMs) * time.Millisecond}, nil
	}
	return jvm{}, errors.New("reading node statistics: no node in the answer")
}

// nodeCPU returns the CPU time the node's process has used.
func nodeCPU(ctx context.Context, es esapi.Transport) (time.Duration, error) {
	var out struct {
		Nodes map[string]struct {
			Process struct {
				CPU struct {
					TotalMs int64 `json:"total_in_millis"`
				} `json:"cpu"`
			} `json:"process"`
		} `json:"nodes"`
	}
	if err := do(ctx, es, "reading node statistics", esapi.NodesStatsRequest{NodeID: []string{"_local"}, Metric: []string{"process"}}, &out); err != nil {
		return 0, err
	}
	for _, n := range out.Nodes {
		return time.Duration(n.Process.CPU.TotalMs) * time.Millisecond, nil
	}
	return 0, errors.New("reading node statistics: no node in the answer")
}

// heapWatch samples the node's heap every interval until stopped and keeps
// the highest use seen.
type heapWatch struct {
	start   jvm
	peak    int
	samples int
	stop    chan struct{}
	done    chan struct{}
}

// watchHeap starts sampling. Sampling errors are not fatal: the peak is
// of the samples taken.
func watchHeap(ctx context.Context, es esapi.Transport, interval time.Duration) *heapWatch {
	w := &heapWatch{stop: make(chan struct{}), done: make(chan struct{})}
	w.start, _ = nodeJVM(ctx, es)
	w.peak = w.start.HeapUsedPercent
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if j, err := nodeJVM(ctx, es); err == nil {
				w.samples++
				w.peak = max(w.peak, j.HeapUsedPercent)
			}
		}
	}()
	return w
}

// finish stops sampling and describes the heap and collections since the
// start.
func (w *heapWatch) finish(ctx context.Context, es esapi.Transport) string {
	close(w.stop)
	<-w.done
	end, err := nodeJVM(ctx, es)
	if err != nil {
		return "node heap: " + err.Error()
	}
	return fmt.Sprintf("node heap %d MiB: peak %d%% used (%d samples), now %d%%; young GCs %d (%s), old GCs %d (%s)",
		end.HeapMaxBytes>>20, max(w.peak, end.HeapUsedPercent), w.samples, end.HeapUsedPercent,
		end.YoungGCs-w.start.YoungGCs, (end.YoungGCTime - w.start.YoungGCTime).Round(time.Millisecond),
		end.OldGCs-w.start.OldGCs, (end.OldGCTime - w.start.OldGCTime).Round(time.Millisecond))
}
