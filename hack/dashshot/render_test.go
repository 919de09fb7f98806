package main

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"
	"time"
)

func TestLayoutFollowsGridPos(t *testing.T) {
	d, err := loadDashboard(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	rects, height := layout(d.Panels, 1200)
	// 50 pixels a column, 38 a unit of height, 4 pixels of margin.
	want := map[int]image.Rectangle{
		1:  image.Rect(4, 4, 1196, 34),      // row "Pipeline", full width
		2:  image.Rect(4, 42, 596, 338),     // left half
		3:  image.Rect(604, 42, 1196, 338),  // right half
		6:  image.Rect(4, 650, 1196, 946),   // full width
		11: image.Rect(4, 1334, 1196, 1668), // the fares, 9 units high
	}
	for i, p := range d.Panels {
		if w, ok := want[p.ID]; ok && rects[i] != w {
			t.Errorf("panel %d %q at %v, want %v", p.ID, p.Title, rects[i], w)
		}
	}
	if height != 44*unitHeight {
		t.Errorf("grid height %d, want %d (44 units)", height, 44*unitHeight)
	}
}

func TestRenderWritesAPNGOfTheGridsSize(t *testing.T) {
	from := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	line := func(name string, n int, f func(i int) float64) series {
		s := series{Name: name, Gap: 3 * time.Second}
		for i := range n {
			s.Points = append(s.Points, point{T: from.Add(time.Duration(2*i) * time.Second), V: f(i)})
		}
		return s
	}
	row := panel{ID: 1, Type: "row", GridPos: gridPos{X: 0, Y: 0, W: 24, H: 1}}
	rates := panel{ID: 2, Type: "timeseries", GridPos: gridPos{X: 0, Y: 1, W: 12, H: 8}}
	rates.FieldConfig.Defaults.Unit = "reqps"
	latency := panel{ID: 3, Type: "timeseries", GridPos: gridPos{X: 12, Y: 1, W: 12, H: 8}}
	latency.FieldConfig.Defaults.Unit = "s"
	fares := panel{ID: 4, Type: "timeseries", GridPos: gridPos{X: 0, Y: 9, W: 24, H: 9}}
	fares.FieldConfig.Defaults.Custom.LineInterpolation = "stepAfter"
	empty := panel{ID: 5, Type: "timeseries", GridPos: gridPos{X: 0, Y: 18, W: 24, H: 8}}
	drawings := []drawing{
		{Panel: row, Title: "Query API"},
		{Panel: rates, Title: "Requests per second", From: from, To: from.Add(5 * time.Minute), Series: []series{
			line("GET /readyz 200", 150, func(i int) float64 { return 0.4 }),
			line("GET /v1/calendar 200", 150, func(i int) float64 { return math.Max(0, math.Sin(float64(i)/10)) }),
		}},
		{Panel: latency, Title: "Latency", From: from, To: from.Add(5 * time.Minute), Series: []series{
			line("p99", 1, func(int) float64 { return 0.004 }),
		}},
		{Panel: fares, Title: "Cheapest change point of ICN → FUK", From: from.AddDate(0, 0, -14), To: from, Series: []series{
			{Name: "Min amount_minor", Points: []point{{from.AddDate(0, 0, -12), 231000}, {from.AddDate(0, 0, -11), 198500}}},
		}},
		{Panel: empty, Title: "Nothing"},
	}
	var buf bytes.Buffer
	if err := render(&buf, "farepipe · test", drawings, 1000); err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("render wrote no PNG: %v", err)
	}
	if want := 26*unitHeight + headerPx; cfg.Width != 1000 || cfg.Height != want {
		t.Errorf("PNG of %d×%d pixels, want 1000×%d", cfg.Width, cfg.Height, want)
	}
}

func TestSegmentsBreakAtGaps(t *testing.T) {
	at := func(sec int) point { return point{T: time.Unix(int64(sec), 0), V: 1} }
	s := series{Gap: 3 * time.Second, Points: []point{at(0), at(2), at(4), at(10), at(20), at(22)}}
	got := segments(s)
	if len(got) != 3 || len(got[0]) != 3 || len(got[1]) != 1 || len(got[2]) != 2 {
		t.Errorf("segments = %v, want runs of 3, 1 and 2 points", got)
	}
	s.Gap = 0
	if got := segments(s); len(got) != 1 {
		t.Errorf("segments without a gap = %d runs, want 1", len(got))
	}
}

func TestFormatValue(t *testing.T) {
	for _, tc := range []struct {
		unit string
		v    float64
		want string
	}{
		{"s", 0.0025, "2.5 ms"},
		{"s", 0.00004, "40 µs"},
		{"s", 1.5, "1.5 s"},
		{"s", 0, "0 s"},
		{"reqps", 0.4, "0.4 req/s"},
		{"short", 231000, "231 k"},
		{"short", 1500000, "1.5 M"},
		{"short", 3, "3"},
	} {
		if got := formatValue(tc.unit, tc.v); got != tc.want {
			t.Errorf("formatValue(%q, %v) = %q, want %q", tc.unit, tc.v, got, tc.want)
		}
	}
}
