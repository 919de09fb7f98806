package esindex

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

var testKey = fare.SeriesKey{Source: "synthetic", Origin: "ICN", Destination: "NRT",
	Departure: "2027-01-05", Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}

func obsAt(t testing.TB, minute int, won int64) fare.Observation {
	t.Helper()
	price, err := fare.MoneyFromMinor(won, "KRW")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 0, minute, 0, 0, time.UTC)
	return fare.NewObservation(testKey, at, price, 1)
}

// folded folds obs into a new series and returns its latest document.
func folded(t *testing.T, obs ...fare.Observation) *Latest {
	t.Helper()
	p, err := fold(nil, obs)
	if err != nil {
		t.Fatal(err)
	}
	return &p.latest
}

func TestFold(t *testing.T) {
	stored := func() *Latest { // minutes 0, 5 and 10 at 100 won, 20 at 120
		return folded(t, obsAt(t, 0, 100), obsAt(t, 5, 100), obsAt(t, 10, 100), obsAt(t, 20, 120))
	}
	tests := []struct {
		name        string
		cur         *Latest
		obs         []fare.Observation
		wantUpserts []int // minutes of change-log documents written
		wantDeletes []int // minutes of change-log documents deleted
		wantCreated int
		wantDup     int
		wantSame    int
		wantLatest  string // price, changed_at, first_seen, last_seen, observations, change_points
	}{
		{
			name:        "new series, polls of one price",
			obs:         []fare.Observation{obsAt(t, 1, 100), obsAt(t, 2, 100), obsAt(t, 3, 100)},
			wantUpserts: []int{1}, wantCreated: 1, wantSame: 2,
			wantLatest: "100 1 1 3 3 1",
		},
		{
			name:        "input order does not matter",
			obs:         []fare.Observation{obsAt(t, 3, 120), obsAt(t, 1, 100), obsAt(t, 2, 100)},
			wantUpserts: []int{1, 3}, wantCreated: 2, wantSame: 1,
			wantLatest: "120 3 1 3 3 2",
		},
		{
			name:    "the same observation twice in one input",
			obs:     []fare.Observation{obsAt(t, 1, 100), obsAt(t, 1, 100)},
			wantDup: 1, wantUpserts: []int{1}, wantCreated: 1,
			wantLatest: "100 1 1 1 1 1",
		},
		{
			name: "an instant already stored is a duplicate", cur: stored(),
			obs:     []fare.Observation{obsAt(t, 5, 100), obsAt(t, 20, 120)},
			wantDup: 2,
		},
		{
			name: "unchanged price after the last extends it", cur: stored(),
			obs:      []fare.Observation{obsAt(t, 30, 120)},
			wantSame: 1, wantLatest: "120 20 0 30 5 2",
		},
		{
			name: "changed price after the last is a change point", cur: stored(),
			obs:         []fare.Observation{obsAt(t, 30, 90)},
			wantUpserts: []int{30}, wantCreated: 1, wantLatest: "90 30 0 30 5 3",
		},
		{
			name: "late, same price as the one in force: counted, not stored", cur: stored(),
			obs:      []fare.Observation{obsAt(t, 7, 100)},
			wantSame: 1, wantLatest: "120 20 0 20 5 2",
		},
		{
			name: "late inside a run, other price: splits it", cur: stored(),
			obs:         []fare.Observation{obsAt(t, 7, 110)},
			wantUpserts: []int{7, 10}, wantCreated: 1, wantLatest: "120 20 0 20 5 4",
		},
		{
			name: "late just before a change, same price as it: moves the change earlier", cur: stored(),
			obs:         []fare.Observation{obsAt(t, 15, 120)},
			wantUpserts: []int{15}, wantDeletes: []int{20}, wantCreated: 1, wantLatest: "120 15 0 20 5 2",
		},
		{
			name: "before the first, same price: the series starts earlier", cur: stored(),
			obs:         []fare.Observation{obsAt(t, -5, 100)},
			wantUpserts: []int{-5}, wantDeletes: []int{0}, wantCreated: 1, wantLatest: "120 20 -5 20 5 2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before Latest
			if tt.cur != nil {
				before = *tt.cur
			}
			p, err := fold(tt.cur, tt.obs)
			if err != nil {
				t.Fatal(err)
			}
			var ups []int
			for _, e := range p.upserts {
				ups = append(ups, minuteOf(e.at))
			}
			var dels []int
			for _, at := range p.deletes {
				dels = append(dels, minuteOf(at))
			}
			if !slices.Equal(ups, tt.wantUpserts) || !slices.Equal(dels, tt.wantDeletes) {
				t.Errorf("change log writes at %v, deletes at %v; want %v and %v", ups, dels, tt.wantUpserts, tt.wantDeletes)
			}
			if p.settled[Created] != tt.wantCreated || p.settled[Duplicate] != tt.wantDup || p.settled[Unchanged] != tt.wantSame {
				t.Errorf("created=%d duplicate=%d unchanged=%d, want %d, %d and %d", p.settled[Created],
					p.settled[Duplicate], p.settled[Unchanged], tt.wantCreated, tt.wantDup, tt.wantSame)
			}
			if tt.cur != nil && fmt.Sprint(*tt.cur) != fmt.Sprint(before) {
				t.Errorf("fold modified the stored latest document")
			}
			if p.changed != (tt.wantLatest != "") {
				t.Fatalf("latest written = %v, want %v", p.changed, tt.wantLatest != "")
			}
			if !p.changed {
				return
			}
			l := &p.latest
			got := fmt.Sprintf("%d %d %d %d %d %d", l.Price.Minor, minuteOf(l.ChangedAt.UnixMilli()), minuteOf(l.FirstSeen.UnixMilli()),
				minuteOf(l.LastSeen.UnixMilli()), l.Observations, l.ChangePoints)
			if got != tt.wantLatest {
				t.Errorf("latest (price changed first last observations change_points) = %s, want %s", got, tt.wantLatest)
			}
			if want := fare.ObservationID(l.SeriesID, l.ChangedAt); l.ObservationID != want {
				t.Errorf("latest names change point %s, want the one at changed_at %s", l.ObservationID, want)
			}
		})
	}
}

func minuteOf(ms int64) int {
	return int(millis(ms).Sub(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) / time.Minute)
}

func TestFoldKeepsTheOffersOfTheNewestObservation(t *testing.T) {
	withOffers := func(minute int, won int64, offers int) fare.Observation {
		o := obsAt(t, minute, won)
		o.Offers = offers
		return o
	}
	cur := folded(t, withOffers(2, 100, 3), withOffers(1, 100, 7))
	if cur.Offers != 3 {
		t.Errorf("new series: latest offers %d, want 3 (the newest observation's)", cur.Offers)
	}
	p, _ := fold(cur, []fare.Observation{withOffers(4, 100, 5)})
	if p.latest.Offers != 5 || p.latest.Observations != 3 {
		t.Errorf("unchanged price: latest offers %d after %d observations, want 5 after 3", p.latest.Offers, p.latest.Observations)
	}
	cur = &p.latest
	p, _ = fold(cur, []fare.Observation{withOffers(6, 130, 2), withOffers(3, 100, 9)})
	if p.latest.Offers != 2 || p.latest.Observations != 5 {
		t.Errorf("price change with a late observation: latest offers %d, %d observations, want 2 and 5", p.latest.Offers, p.latest.Observations)
	}
}

func TestLatestRoundTrip(t *testing.T) {
	l := folded(t, obsAt(t, 1, 100), obsAt(t, 7, 123400), obsAt(t, 9, 123400))
	l.Pending = []int64{l.ChangedAt.UnixMilli()}
	got, err := ParseLatest(l.AppendJSON(nil))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*got) != fmt.Sprint(*l) {
		t.Errorf("ParseLatest(AppendJSON(l)) = %+v, want %+v", got, l)
	}
}

func TestHistoryRoundTrip(t *testing.T) {
	es := []entry{{at: 946684800000, minor: 100, offers: 3}, {at: 946684800001, minor: -5, offers: 0},
		{at: 1893456000000, minor: 1 << 40, offers: 1 << 20}}
	got, err := encodeHistory(nil, es).decode(nil)
	if err != nil || !slices.Equal(got, es) {
		t.Errorf("decode(encode(%v)) = %v, %v", es, got, err)
	}
	for _, bad := range []history{{0x80}, {2, 2}, encodeHistory(nil, []entry{es[1], es[0]})} {
		if _, err := bad.decode(nil); err == nil {
			t.Errorf("decode(%x) succeeded, want an error", bad)
		}
	}
}

// store is the change log and latest documents of one series as the
// indexer writes them, in memory: what TestFoldIsOneOrderedPass folds into.
type store struct {
	latest *Latest
	log    map[int64]entry // change-log documents by instant
}

// index folds obs into s as one run's round does. With crash, the run
// stops after replacing the latest document, before its change-log writes.
func (s *store) index(t *testing.T, obs []fare.Observation, crash bool) {
	t.Helper()
	if s.latest != nil {
		ups, dels, err := reassert(s.latest)
		if err != nil {
			t.Fatal(err)
		}
		s.write(ups, dels)
	}
	p, err := fold(s.latest, slices.Clone(obs))
	if err != nil {
		t.Fatal(err)
	}
	if !p.changed {
		return
	}
	s.latest = &p.latest
	if !crash {
		s.write(p.upserts, p.deletes)
	}
}

func (s *store) write(ups []entry, dels []int64) {
	for _, e := range ups {
		s.log[e.at] = e
	}
	for _, at := range dels {
		delete(s.log, at)
	}
}

// TestFoldIsOneOrderedPass checks the promise on random histories of one
// series: any split of a set of observations into inputs, indexed in any
// order, any number of times, with runs that stop half way and are run
// again, leaves the change log and latest document of one sequential pass.
func TestFoldIsOneOrderedPass(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 1))
	for trial := 0; trial < 500; trial++ {
		set := randomSet(t, rng, 1+rng.IntN(30))
		want := &store{log: map[int64]entry{}}
		want.index(t, set, false)

		got := &store{log: map[int64]entry{}}
		for _, in := range randomRuns(rng, set) {
			crash := rng.IntN(5) == 0
			got.index(t, in, crash)
			if crash {
				got.index(t, in, false) // the run again
			}
		}
		if len(got.latest.Pending) > 0 {
			// The last run wrote what it left pending: a reread shows it.
			got.index(t, set[:1], false)
		}
		if diff := compareStores(got, want); diff != "" {
			t.Fatalf("seed %d trial %d: %s", seed, trial, diff)
		}
	}
}

// randomSet returns n observations of one series at distinct minutes,
// with few prices so that runs of one price and returns to it are common.
func randomSet(t testing.TB, rng *rand.Rand, n int) []fare.Observation {
	minutes := rng.Perm(60)[:n]
	out := make([]fare.Observation, n)
	for i, m := range minutes {
		out[i] = obsAt(t, m, 100+10*int64(rng.IntN(3)))
		out[i].Offers = 1 + rng.IntN(4)
	}
	return out
}

// randomRuns splits set into inputs, some observations in several, in
// random order, some inputs repeated.
func randomRuns(rng *rand.Rand, set []fare.Observation) [][]fare.Observation {
	k := 1 + rng.IntN(5)
	runs := make([][]fare.Observation, k)
	for _, o := range set {
		for range 1 + rng.IntN(2) { // in one input, or in two
			i := rng.IntN(k)
			runs[i] = append(runs[i], o)
		}
	}
	for i := range runs {
		if rng.IntN(4) == 0 {
			runs = append(runs, runs[i])
		}
	}
	rng.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
	out := runs[:0]
	for _, r := range runs {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func compareStores(got, want *store) string {
	g, w := *got.latest, *want.latest
	g.Gen, g.Pending, w.Gen, w.Pending = 0, nil, 0, nil
	if fmt.Sprint(g) != fmt.Sprint(w) {
		return fmt.Sprintf("latest %+v, want %+v", g, w)
	}
	if fmt.Sprint(got.log) != fmt.Sprint(want.log) {
		return fmt.Sprintf("change log %v, want %v", got.log, want.log)
	}
	return ""
}

// TestFoldAfterMatchesFullFold checks that the shortcut for observations
// after the last one decides what the full merge decides.
func TestFoldAfterMatchesFullFold(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 2))
	for trial := 0; trial < 300; trial++ {
		set := randomSet(t, rng, 2+rng.IntN(30))
		sortObservations(set)
		cut := 1 + rng.IntN(len(set)-1)
		cur := folded(t, slices.Clone(set[:cut])...)
		later := slices.Clone(set[cut:])
		later = append(later, later[rng.IntN(len(later))]) // a repeat
		fast, err := fold(cur, slices.Clone(later))
		if err != nil {
			t.Fatal(err)
		}
		full := fullFold(t, cur, later)
		if fmt.Sprint(fast) != fmt.Sprint(full) {
			t.Fatalf("seed %d trial %d: shortcut %+v, full merge %+v", seed, trial, fast, full)
		}
	}
}

// fullFold is fold without its shortcut.
func fullFold(t *testing.T, cur *Latest, obs []fare.Observation) plan {
	t.Helper()
	// An observation at the last instant of the stored history takes fold
	// down the full merge, and is a duplicate there.
	last, err := changePoint(cur.Key, cur.SeriesID, entry{at: cur.LastSeen.UnixMilli(), minor: cur.Price.Minor, offers: cur.Offers})
	if err != nil {
		t.Fatal(err)
	}
	p, err := fold(cur, append(slices.Clone(obs), last))
	if err != nil {
		t.Fatal(err)
	}
	p.settled[Duplicate]--
	return p
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		status int
		err    error
		want   class
	}{
		{"created", 201, nil, classOK},
		{"indexed", 200, nil, classOK},
		{"already exists", 409, nil, classConflict},
		{"too many requests", 429, nil, classRetry},
		{"server error", 500, nil, classRetry},
		{"unavailable", 503, nil, classRetry},
		{"mapping error", 400, nil, classReject},
		{"forbidden", 403, nil, classReject},
		{"no answer", 0, errTest, classRetry},
	}
	for _, tt := range tests {
		if got := classify(tt.status, tt.err); got != tt.want {
			t.Errorf("%s: classify(%d, %v) = %d, want %d", tt.name, tt.status, tt.err, got, tt.want)
		}
	}
}

type testError string

func (e testError) Error() string { return string(e) }

var errTest = testError("connection refused")
