package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// trip is the kind of fares a calendar request asks for.
type trip struct {
	Name    string
	OneWay  bool
	Entries int // entries of a full answer for 365 departure dates
}

var (
	oneWayTrip    = trip{Name: "one-way", OneWay: true, Entries: numDates}         // DATE view
	roundTripTrip = trip{Name: "round-trip", OneWay: false, Entries: 2 * numDates} // DURATION view: 2 stays
)

// calendarPath is the request of a route's calendar for the year of
// departures of the data set.
func calendarPath(r route, t trip) string {
	last := firstDeparture.AddDate(0, 0, numDates-1)
	q := url.Values{}
	q.Set("origin", r.Origin)
	q.Set("destination", r.Destination)
	q.Set("departureDate", firstDeparture.Format("2006-01-02")+","+last.Format("2006-01-02"))
	q.Set("oneWay", strconv.FormatBool(t.OneWay))
	return "/v1/calendar?" + q.Encode()
}

// runSpec is one measured run: n requests for random routes by clients
// concurrent clients, each sending its next request when the last is
// answered.
type runSpec struct {
	Trip    trip
	Clients int
	N       int
	Seed    uint64
}

// result is what a run measured.
type result struct {
	runSpec
	Latencies []time.Duration // sorted
	Wall      time.Duration
	Bytes     int64
	Errors    int
	FirstErr  error
	// SelfCPU is the CPU time this process used (the clients, and the
	// API when served in process); ESCPU the node's, 0 when unknown.
	SelfCPU, ESCPU time.Duration
}

// caller sends calendar requests to one API.
type caller struct {
	base   string
	routes []route
	client *http.Client
}

func newCaller(base string, routes []route, clients int) *caller {
	return &caller{base: strings.TrimSuffix(base, "/"), routes: routes, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true},
	}}
}

// get asks one calendar and checks the answer is complete: 200, a count of
// every entry, and that many entries.
func (c *caller) get(ctx context.Context, r route, t trip, buf *bytes.Buffer) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+calendarPath(r, t), nil)
	if err != nil {
		return 0, err
	}
	res, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(res.Body); err != nil {
		return buf.Len(), fmt.Errorf("reading %s-%s %s: %w", r.Origin, r.Destination, t.Name, err)
	}
	body := buf.Bytes()
	if res.StatusCode != http.StatusOK {
		return len(body), fmt.Errorf("%s-%s %s: HTTP %d: %.200s", r.Origin, r.Destination, t.Name, res.StatusCode, body)
	}
	head := `{"meta":{"count":` + strconv.Itoa(t.Entries) + `,`
	if !bytes.HasPrefix(body, []byte(head)) || bytes.Count(body, []byte(`"type":"flight-date"`)) != t.Entries {
		return len(body), fmt.Errorf("%s-%s %s: not %d entries: %.200s", r.Origin, r.Destination, t.Name, t.Entries, body)
	}
	return len(body), nil
}

// warm asks every route's calendar of each trip once.
func (c *caller) warm(ctx context.Context, trips []trip) error {
	var buf bytes.Buffer
	for _, t := range trips {
		for _, r := range c.routes {
			if _, err := c.get(ctx, r, t, &buf); err != nil {
				return fmt.Errorf("warming up: %w", err)
			}
		}
	}
	return nil
}

// run measures one runSpec.
func (c *caller) run(ctx context.Context, s runSpec) result {
	return runClients(ctx, s, len(c.routes), func(ctx context.Context, i int, t trip, buf *bytes.Buffer) (int, error) {
		return c.get(ctx, c.routes[i], t, buf)
	})
}

// getFunc asks once for the calendar of route i (an index into the data
// set's routes) and trip t, reads the whole answer into buf and checks it,
// returning the bytes read.
type getFunc func(ctx context.Context, i int, t trip, buf *bytes.Buffer) (int, error)

// runClients measures one runSpec with get: s.Clients closed-loop clients
// asking for random routes (of n) until s.N requests are sent. The same
// seed gives the same routes in the same order to every get.
func runClients(ctx context.Context, s runSpec, n int, get getFunc) result {
	res := result{runSpec: s}
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := range s.Clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(s.Seed, uint64(w)))
			var buf bytes.Buffer
			var lat []time.Duration
			var nbytes int64
			var errs int
			var first error
			for next.Add(1) <= int64(s.N) && ctx.Err() == nil {
				i := rng.IntN(n)
				t0 := time.Now()
				got, err := get(ctx, i, s.Trip, &buf)
				lat = append(lat, time.Since(t0))
				nbytes += int64(got)
				if err != nil {
					errs++
					first = cmpErr(first, err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.Latencies = append(res.Latencies, lat...)
			res.Bytes += nbytes
			res.Errors += errs
			res.FirstErr = cmpErr(res.FirstErr, first)
		})
	}
	wg.Wait()
	res.Wall = time.Since(start)
	sortDurations(res.Latencies)
	return res
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// loadAvg returns the 1-minute load average, or "?".
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// errIncomplete reports a run some of whose answers were wrong.
var errIncomplete = errors.New("some answers were errors or incomplete")

// report writes one line of a result, with the load averages before and
// after, and whether p99 met the goal.
func report(out io.Writer, cache string, r result, loadBefore, loadAfter string, goal time.Duration) error {
	if len(r.Latencies) == 0 {
		fmt.Fprintf(out, "%-10s cache=%-3s clients=%d: no requests\n", r.Trip.Name, cache, r.Clients)
		return errIncomplete
	}
	p99 := percentile(r.Latencies, 99)
	verdict := "met"
	if p99 >= goal {
		verdict = "MISSED"
	}
	n := time.Duration(len(r.Latencies))
	fmt.Fprintf(out, "%-10s entries=%-3d cache=%-3s clients=%d n=%-5d p50=%-7s p90=%-7s p99=%-7s max=%-8s %5.1f req/s  "+
		"cpu/req: benchapi %-6s es %-6s  %3.0f KiB/answer  load %s→%s  p99<%s %s\n",
		r.Trip.Name, r.Trip.Entries, cache, r.Clients, n,
		ms(percentile(r.Latencies, 50)), ms(percentile(r.Latencies, 90)), ms(p99), ms(r.Latencies[n-1]),
		float64(n)/r.Wall.Seconds(), ms(r.SelfCPU/n), ms(r.ESCPU/n), float64(r.Bytes)/float64(n)/1024,
		loadBefore, loadAfter, ms(goal), verdict)
	if r.Errors > 0 {
		fmt.Fprintf(out, "  %d errors; first: %v\n", r.Errors, r.FirstErr)
		return errIncomplete
	}
	return nil
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
}
