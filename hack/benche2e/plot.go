package main

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// plotPerObject draws seconds per object against N, one line per way, on
// a logarithmic N axis, and saves it as a PNG.
func plotPerObject(pairs [][2]result, path string) error {
	p := plot.New()
	p.Title.Text = "Raw objects uploaded → all searchable"
	p.X.Label.Text = "objects uploaded (N)"
	p.Y.Label.Text = "seconds per object"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	var lines []any
	for i, way := range ways {
		var pts plotter.XYs
		for _, p := range pairs {
			pts = append(pts, plotter.XY{X: float64(p[i].n), Y: p[i].perObject()})
		}
		lines = append(lines, label(way), pts)
	}
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return err
	}
	p.Y.Max *= 1.15 // room above the highest point; the legend sits at the bottom, under the lines
	p.Legend.YOffs = vg.Points(12)
	if err := p.Save(7*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("writing the plot: %w", err)
	}
	return nil
}

func label(way string) string {
	if way == "ingest" {
		return "farepipe ingest (transform and index in one process)"
	}
	return "transform, then index (two processes, as Argo runs them)"
}
