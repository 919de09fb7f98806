package main

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"time"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// series is one line of a panel.
type series struct {
	Name   string
	Points []point
	// Gap is the distance between two points beyond which the line is
	// broken (a missing scrape); zero joins every point.
	Gap time.Duration
}

type point struct {
	T time.Time
	V float64
}

// drawing is a panel with what its queries answered.
type drawing struct {
	Panel    panel
	Title    string // the panel's title, variables expanded
	From, To time.Time
	Series   []series
}

// Grafana's grid: 24 columns; a unit of height is a 30-pixel cell and
// its 8-pixel margin.
const (
	gridColumns = 24
	unitHeight  = 38
	headerPx    = 44 // the band above the grid naming the dashboard and the time range
	dpi         = 96
)

// px converts pixels to the canvas' unit, points.
func px(n float64) vg.Length { return vg.Length(n * 72 / dpi) }

// layout places panels on a canvas width pixels wide as Grafana's grid
// does, a rectangle per panel (pixels, top left origin, margins taken
// off), and returns the height the grid needs.
func layout(panels []panel, width int) (rects []image.Rectangle, height int) {
	col := float64(width) / gridColumns
	for _, p := range panels {
		g := p.GridPos
		r := image.Rect(int(float64(g.X)*col)+4, g.Y*unitHeight+4, int(float64(g.X+g.W)*col)-4, (g.Y+g.H)*unitHeight-4)
		rects = append(rects, r)
		height = max(height, (g.Y+g.H)*unitHeight)
	}
	return rects, height
}

// palette are the colors of a panel's series, in order.
var palette = []color.Color{
	rgb(0x1f77b4), rgb(0xff7f0e), rgb(0x2ca02c), rgb(0xd62728), rgb(0x9467bd),
	rgb(0x8c564b), rgb(0xe377c2), rgb(0x7f7f7f), rgb(0xbcbd22), rgb(0x17becf),
}

func rgb(c uint32) color.Color { return color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xff} }

var (
	background = rgb(0xf4f5f5)
	border     = rgb(0xd8d9da)
	muted      = rgb(0x6e6e6e)
)

// style is a text style of Liberation Sans at size pixels.
func style(size float64, bold bool, c color.Color) text.Style {
	f := font.Font{Typeface: "Liberation", Variant: "Sans"}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return text.Style{Color: c, Font: font.From(f, px(size)), Handler: plot.DefaultTextHandler}
}

// render draws the panels in the dashboard's grid on a canvas width
// pixels wide, under a header line, and writes it as a PNG.
func render(w io.Writer, header string, drawings []drawing, width int) error {
	panels := make([]panel, len(drawings))
	for i, d := range drawings {
		panels[i] = d.Panel
	}
	rects, height := layout(panels, width)
	height += headerPx
	c := vgimg.NewWith(vgimg.UseWH(px(float64(width)), px(float64(height))), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(background))
	dc := draw.New(c)
	// box is a rectangle of pixels (top left origin) as a canvas.
	box := func(r image.Rectangle) draw.Canvas {
		return draw.Canvas{Canvas: c, Rectangle: vg.Rectangle{
			Min: vg.Point{X: px(float64(r.Min.X)), Y: px(float64(height - r.Max.Y))},
			Max: vg.Point{X: px(float64(r.Max.X)), Y: px(float64(height - r.Min.Y))},
		}}
	}
	h := style(15, true, color.Black)
	h.YAlign = draw.YCenter
	dc.FillText(h, vg.Point{X: px(12), Y: px(float64(height) - headerPx/2)}, header)
	for i, d := range drawings {
		pc := box(rects[i].Add(image.Pt(0, headerPx)))
		if d.Panel.Type == "row" {
			s := style(16, true, color.Black)
			s.YAlign = draw.YCenter
			dc.FillText(s, vg.Point{X: pc.Min.X + px(4), Y: pc.Center().Y}, d.Title)
			continue
		}
		if err := drawPanel(pc, d); err != nil {
			return fmt.Errorf("drawing panel %d %q: %w", d.Panel.ID, d.Title, err)
		}
	}
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
		return fmt.Errorf("writing the PNG: %w", err)
	}
	return nil
}

// drawPanel draws one time series panel: its frame, its title, a plot of
// its series with time and value axes (a dot on every point of a series
// of a few, and on a point alone between gaps), and a legend under it;
// "no data" when no series has a point.
func drawPanel(pc draw.Canvas, d drawing) error {
	pc.SetColor(color.White)
	pc.Fill(pc.Rectangle.Path())
	pc.StrokeLines(draw.LineStyle{Color: border, Width: px(1)}, []vg.Point{pc.Min, {X: pc.Max.X, Y: pc.Min.Y}, pc.Max, {X: pc.Min.X, Y: pc.Max.Y}, pc.Min})
	title := style(14, true, color.Black)
	title.YAlign = draw.YTop
	pc.FillText(title, vg.Point{X: pc.Min.X + px(8), Y: pc.Max.Y - px(6)}, d.Title)
	pc = draw.Crop(pc, px(4), -px(10), px(6), -px(28))
	if points(d.Series) == 0 {
		s := style(16, false, muted)
		s.XAlign, s.YAlign = draw.XCenter, draw.YCenter
		pc.FillText(s, pc.Center(), "no data")
		return nil
	}
	legendHeight := drawLegend(pc, d.Series)
	pc = draw.Crop(pc, 0, 0, legendHeight+px(4), 0)

	p := plot.New()
	p.BackgroundColor = nil
	tick := style(11, false, muted)
	for _, l := range []*text.Style{&p.X.Tick.Label, &p.Y.Tick.Label} {
		l.Font, l.Color = tick.Font, tick.Color
	}
	p.X.Tick.Marker = timeTicks{n: int(float64(pc.Size().X) / float64(px(140)))}
	p.Y.Tick.Marker = unitTicks{unit: d.Panel.FieldConfig.Defaults.Unit}
	p.X.Color, p.Y.Color = border, border
	p.X.Tick.Color, p.Y.Tick.Color = border, border
	p.X.Padding, p.Y.Padding = 0, 0
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = rgb(0xeeeeee), rgb(0xeeeeee)
	p.Add(grid)
	step := d.Panel.FieldConfig.Defaults.Custom.LineInterpolation == "stepAfter"
	for i, s := range d.Series {
		clr := palette[i%len(palette)]
		for _, seg := range segments(s) {
			xys := make(plotter.XYs, len(seg))
			for j, pt := range seg {
				xys[j] = plotter.XY{X: float64(pt.T.UnixMilli()) / 1000, Y: pt.V}
			}
			if len(seg) > 1 {
				l, err := plotter.NewLine(xys)
				if err != nil {
					return err
				}
				l.LineStyle = draw.LineStyle{Color: clr, Width: px(2)}
				if step {
					l.StepStyle = plotter.PostStep
				}
				p.Add(l)
			}
			if len(s.Points) <= 12 || len(seg) == 1 {
				sc, err := plotter.NewScatter(xys)
				if err != nil {
					return err
				}
				sc.GlyphStyle = draw.GlyphStyle{Color: clr, Radius: px(3), Shape: draw.CircleGlyph{}}
				p.Add(sc)
			}
		}
	}
	p.X.Min, p.X.Max = float64(d.From.Unix()), float64(d.To.Unix())
	// Room above and below the lines; a value axis of data near zero
	// starts at zero.
	pad := (p.Y.Max - p.Y.Min) * 0.08
	if p.Y.Min >= 0 && p.Y.Min < p.Y.Max/2 || p.Y.Max == 0 {
		p.Y.Min = 0
	} else {
		p.Y.Min -= pad
	}
	p.Y.Max += pad
	if p.Y.Max <= p.Y.Min {
		p.Y.Max = p.Y.Min + 1
	}
	p.Draw(pc)
	return nil
}

// drawLegend writes the names of the series at the bottom of pc, each
// after a short line of its color, flowing left to right as Grafana's
// list legend does, and returns the height it took.
func drawLegend(pc draw.Canvas, ss []series) vg.Length {
	s := style(12, false, color.Black)
	s.YAlign = draw.YCenter
	lineHeight := px(18)
	var rows [][]int
	var x vg.Length
	for i, se := range ss {
		wd := px(22) + s.Width(se.Name) + px(16)
		if len(rows) == 0 || x+wd > pc.Size().X {
			rows = append(rows, nil)
			x = 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
		x += wd
	}
	for r, row := range rows {
		y := pc.Min.Y + lineHeight*vg.Length(len(rows)-r) - lineHeight/2
		x := pc.Min.X + px(8)
		for _, i := range row {
			pc.StrokeLine2(draw.LineStyle{Color: palette[i%len(palette)], Width: px(3)}, x, y, x+px(16), y)
			pc.FillText(s, vg.Point{X: x + px(22), Y: y}, ss[i].Name)
			x += px(22) + s.Width(ss[i].Name) + px(16)
		}
	}
	return lineHeight * vg.Length(len(rows))
}

// segments splits a series where two points are further apart than its
// gap.
func segments(s series) [][]point {
	var out [][]point
	start := 0
	for i := 1; i <= len(s.Points); i++ {
		if i == len(s.Points) || s.Gap > 0 && s.Points[i].T.Sub(s.Points[i-1].T) > s.Gap {
			out = append(out, s.Points[start:i])
			start = i
		}
	}
	return out
}

// points counts the points of ss.
func points(ss []series) int {
	n := 0
	for _, s := range ss {
		n += len(s.Points)
	}
	return n
}
