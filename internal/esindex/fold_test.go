package esindex

import (
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

var testKey = fare.SeriesKey{Source: "synthetic", Origin: "ICN", Destination: "NRT",
	Departure: "2027-01-05", Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}

func obsAt(t *testing.T, minute int, won int64) fare.Observation {
	t.Helper()
	price, err := fare.MoneyFromMinor(won, "KRW")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 0, minute, 0, 0, time.UTC)
	return fare.NewObservation(testKey, at, price, 1)
}

func TestFold(t *testing.T) {
	at := func(minute int) time.Time { return time.Date(2026, 11, 1, 0, minute, 0, 0, time.UTC) }
	existing := func(lastSeen int, won int64) *Latest {
		o := obsAt(t, 0, won)
		return &Latest{Key: testKey, SeriesID: o.SeriesID, Price: o.Price, ObservationID: o.ID,
			ChangedAt: at(0), FirstSeen: at(0), LastSeen: at(lastSeen), Observations: 3, ChangePoints: 1}
	}
	tests := []struct {
		name         string
		cur          *Latest
		obs          []fare.Observation
		wantCreate   []int // minutes of the change points
		wantLate     []int
		wantDup      int
		wantSame     int
		wantLatest   bool
		wantCount    int64
		wantChanges  int64
		wantLastSeen int
		wantChanged  int
	}{
		{
			name:       "new series, five polls of one price",
			obs:        []fare.Observation{obsAt(t, 1, 100), obsAt(t, 2, 100), obsAt(t, 3, 100), obsAt(t, 4, 100), obsAt(t, 5, 100)},
			wantCreate: []int{1}, wantSame: 4, wantLatest: true, wantCount: 5, wantChanges: 1,
			wantLastSeen: 5, wantChanged: 1,
		},
		{
			name:       "price change adds one change point",
			obs:        []fare.Observation{obsAt(t, 1, 100), obsAt(t, 2, 100), obsAt(t, 3, 120)},
			wantCreate: []int{1, 3}, wantSame: 1, wantLatest: true, wantCount: 3, wantChanges: 2,
			wantLastSeen: 3, wantChanged: 3,
		},
		{
			name:       "input order does not matter",
			obs:        []fare.Observation{obsAt(t, 3, 120), obsAt(t, 1, 100), obsAt(t, 2, 100)},
			wantCreate: []int{1, 3}, wantSame: 1, wantLatest: true, wantCount: 3, wantChanges: 2,
			wantLastSeen: 3, wantChanged: 3,
		},
		{
			name:    "same instant as latest is a duplicate",
			cur:     existing(10, 100),
			obs:     []fare.Observation{obsAt(t, 10, 100)},
			wantDup: 1,
		},
		{
			name:     "older than latest is late and leaves latest alone",
			cur:      existing(10, 100),
			obs:      []fare.Observation{obsAt(t, 5, 300)},
			wantLate: []int{5},
		},
		{
			name:     "unchanged price extends latest",
			cur:      existing(10, 100),
			obs:      []fare.Observation{obsAt(t, 11, 100)},
			wantSame: 1, wantLatest: true, wantCount: 4, wantChanges: 1, wantLastSeen: 11, wantChanged: 0,
		},
		{
			name:       "changed price after latest",
			cur:        existing(10, 100),
			obs:        []fare.Observation{obsAt(t, 11, 90)},
			wantCreate: []int{11}, wantLatest: true, wantCount: 4, wantChanges: 2, wantLastSeen: 11, wantChanged: 11,
		},
		{
			name:       "the same observation twice in one input",
			obs:        []fare.Observation{obsAt(t, 1, 100), obsAt(t, 1, 100)},
			wantCreate: []int{1}, wantDup: 1, wantLatest: true, wantCount: 1, wantChanges: 1,
			wantLastSeen: 1, wantChanged: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before Latest
			if tt.cur != nil {
				before = *tt.cur
			}
			p := fold(tt.cur, tt.obs)
			if got := minutes(p.create); !equalInts(got, tt.wantCreate) {
				t.Errorf("change points at %v, want %v", got, tt.wantCreate)
			}
			if got := minutes(p.late); !equalInts(got, tt.wantLate) {
				t.Errorf("late at %v, want %v", got, tt.wantLate)
			}
			if p.settled[Duplicate] != tt.wantDup || p.settled[Unchanged] != tt.wantSame {
				t.Errorf("duplicate=%d unchanged=%d, want %d and %d", p.settled[Duplicate], p.settled[Unchanged], tt.wantDup, tt.wantSame)
			}
			if tt.cur != nil && *tt.cur != before {
				t.Errorf("fold modified the current latest document")
			}
			if p.changed != tt.wantLatest {
				t.Fatalf("latest written = %v, want %v", p.changed, tt.wantLatest)
			}
			if !p.changed {
				return
			}
			l := &p.latest
			if l.Observations != tt.wantCount || l.ChangePoints != tt.wantChanges {
				t.Errorf("observations=%d change_points=%d, want %d and %d", l.Observations, l.ChangePoints, tt.wantCount, tt.wantChanges)
			}
			if !l.LastSeen.Equal(at(tt.wantLastSeen)) || !l.ChangedAt.Equal(at(tt.wantChanged)) {
				t.Errorf("last_seen=%v changed_at=%v, want minute %d and %d", l.LastSeen, l.ChangedAt, tt.wantLastSeen, tt.wantChanged)
			}
			if !l.FirstSeen.Equal(at(0)) && tt.cur != nil {
				t.Errorf("first_seen moved to %v", l.FirstSeen)
			}
		})
	}
}

func minutes(obs []fare.Observation) []int {
	var m []int
	for _, o := range obs {
		m = append(m, o.ObservedAt.Minute())
	}
	return m
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
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

// The latest document carries the offers of the newest observation folded
// in, whether it changed the price or not; an older one leaves them.
func TestFoldKeepsTheOffersOfTheNewestObservation(t *testing.T) {
	withOffers := func(minute int, won int64, offers int) fare.Observation {
		o := obsAt(t, minute, won)
		o.Offers = offers
		return o
	}
	p := fold(nil, []fare.Observation{withOffers(2, 100, 3), withOffers(1, 100, 7)})
	if p.latest.Offers != 3 {
		t.Errorf("new series: latest offers %d, want 3 (the newest observation's)", p.latest.Offers)
	}
	cur := p.latest
	p = fold(&cur, []fare.Observation{withOffers(4, 100, 5)})
	if p.latest.Offers != 5 || p.latest.Observations != 3 {
		t.Errorf("unchanged price: latest offers %d after %d observations, want 5 after 3", p.latest.Offers, p.latest.Observations)
	}
	cur = p.latest
	p = fold(&cur, []fare.Observation{withOffers(6, 130, 2), withOffers(3, 100, 9)})
	if p.latest.Offers != 2 || len(p.late) != 1 {
		t.Errorf("price change with a late observation: latest offers %d, %d late, want 2 and 1", p.latest.Offers, len(p.late))
	}
}

func TestLatestRoundTrip(t *testing.T) {
	o := obsAt(t, 7, 123400)
	l := &Latest{Key: testKey, SeriesID: o.SeriesID, Price: o.Price, ObservationID: o.ID,
		ChangedAt: o.ObservedAt, FirstSeen: o.ObservedAt.Add(-time.Hour), LastSeen: o.ObservedAt.Add(time.Minute),
		Observations: 9, ChangePoints: 2, Offers: 4}
	got, err := ParseLatest(l.AppendJSON(nil))
	if err != nil {
		t.Fatal(err)
	}
	if *got != *l {
		t.Errorf("ParseLatest(AppendJSON(l)) = %+v, want %+v", got, l)
	}
	if l.Version() != l.LastSeen.UnixMilli() {
		t.Errorf("Version() = %d, want last_seen in ms", l.Version())
	}
}
