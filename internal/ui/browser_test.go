package ui

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/api"
	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/plan"
	"github.com/farepipe/farepipe/internal/query/querytest"
)

// cell is what the page shows for one day of the month.
type cell struct {
	Date     string `json:"date"`
	Button   bool   `json:"button"`   // a date with a fare is a button
	Price    string `json:"price"`    // data-price: the exact amount
	Text     string `json:"text"`     // the price as written in the cell
	Cheapest bool   `json:"cheapest"` // marked as the month's cheapest
	Badge    string `json:"badge"`
	Label    string `json:"label"`   // aria-label
	Colour   string `json:"colour"`  // computed background colour
	Content  string `json:"content"` // all the cell's text
	Fits     bool   `json:"fits"`    // the price stays inside the button
}

const readCells = `return [...document.querySelectorAll('#days li.day')].map(li => {
  const b = li.querySelector('button.fare');
  return {date: li.dataset.date, button: !!b, price: b?.dataset.price ?? '',
    text: b?.querySelector('.price')?.textContent ?? '', cheapest: li.classList.contains('cheapest'),
    badge: b?.querySelector('.badge')?.textContent ?? '', label: b?.getAttribute('aria-label') ?? '',
    colour: b ? getComputedStyle(b).backgroundColor : '', content: li.textContent, fits: !b || fits(b)};
  function fits(b) {
    const r = b.getBoundingClientRect(), p = b.querySelector('.price').getBoundingClientRect();
    return p.left >= r.left && p.right <= r.right - 1;
  }
});`

// TestCalendarPageInChromium loads two days of synthetic fares of one
// route through the pipeline, serves the API with the page, and uses the
// page in a real headless Chromium as a person would: fill the form, read
// the month, open a date's history, move with the keyboard, make a
// mistake, and do it all again on a phone-sized screen. What the page
// shows is checked against the API's own answers.
func TestCalendarPageInChromium(t *testing.T) {
	env := querytest.New(t)
	// Departures 3 to 28 January, so the month starts and ends with dates
	// without fares; 3-day round trips, seen on two days.
	p := plan.Plan{Routes: []plan.Route{{Origin: "ICN", Destination: "NRT"}}, Stays: []int{3}, Adults: 1,
		Departure: plan.Window{From: "2027-01-03", To: "2027-01-28"}}
	for i, at := range []string{"2026-11-21T06:00:00Z", "2026-11-22T06:00:00Z"} {
		sum := env.Index(collect(t, p, at)...)
		if i == 1 && sum.Count(esindex.Created) == 0 {
			t.Fatalf("no price changed on the second day (%s): histories would have one point each", sum)
		}
	}
	srv := serveUI(t, env)
	shots := artifacts(t)

	var cal api.CalendarDocument
	calPath := "/v1/calendar?origin=ICN&destination=NRT&departureDate=2027-01-01,2027-01-31&viewBy=DATE&duration=3"
	if code := getJSON(t, srv.URL+calPath, &cal); code != 200 || len(cal.Data) == 0 {
		t.Fatalf("GET %s: %d, %d dates", calPath, code, len(cal.Data))
	}
	byDate := map[string]api.FlightDate{}
	low := cal.Data[0].PriceMinor
	high := low
	for _, e := range cal.Data {
		byDate[e.DepartureDate] = e
		low, high = min(low, e.PriceMinor), max(high, e.PriceMinor)
	}
	if low == high {
		t.Fatal("every date has the same price: the colour scale proves nothing")
	}

	b := newSession(t, startChromedriver(t))
	b.navigate(srv.URL + "/")
	b.waitFor("the page's script to start", `return document.getElementById('month').value !== ''`, 10*time.Second)

	// Given the form filled in as a person types (in lower case).
	b.find("#origin").sendKeys("icn")
	b.find("#destination").sendKeys("nrt")
	b.exec(`arguments[0].value = '2027-01'`, nil, b.find("#month").ref())
	b.find("#stay").sendKeys("3")
	b.find("#submit").click()
	b.waitFor("the month to show", `return document.getElementById('result').dataset.state === 'done'`, 15*time.Second)

	t.Run("the URL keeps the search", func(t *testing.T) {
		var search string
		b.exec(`return location.search`, &search)
		q, _ := url.ParseQuery(strings.TrimPrefix(search, "?"))
		want := url.Values{"origin": {"ICN"}, "destination": {"NRT"}, "month": {"2027-01"}, "stay": {"3"}}
		if q.Encode() != want.Encode() {
			t.Errorf("location.search = %q, want %q", search, "?"+want.Encode())
		}
	})

	t.Run("every cell matches the API", func(t *testing.T) {
		var cells []cell
		b.exec(readCells, &cells)
		if len(cells) != 31 {
			t.Fatalf("%d day cells, want 31", len(cells))
		}
		for i, c := range cells {
			date := fmt.Sprintf("2027-01-%02d", i+1)
			e, has := byDate[date]
			if c.Date != date {
				t.Errorf("cell %d is %s, want %s", i, c.Date, date)
				continue
			}
			if !has {
				if c.Button || c.Text != "" || !strings.HasSuffix(c.Content, ": no fare") {
					t.Errorf("%s has no fare but the cell shows %+v", date, c)
				}
				continue
			}
			cheapest := e.PriceMinor == low
			if !c.Button || c.Price != e.Price.Total || c.Text != grouped(e.Price.Total) {
				t.Errorf("%s: cell price %q written %q (button %v), want %q written %q", date, c.Price, c.Text, c.Button,
					e.Price.Total, grouped(e.Price.Total))
			}
			if c.Cheapest != cheapest || (c.Badge == "cheapest") != cheapest || strings.Contains(c.Label, "cheapest") != cheapest {
				t.Errorf("%s (%s): marked cheapest %v, badge %q, label %q; want cheapest %v (month low %d)",
					date, e.Price.Total, c.Cheapest, c.Badge, c.Label, cheapest, low)
			}
			if !c.Fits {
				t.Errorf("%s: the price %s overflows its cell", date, c.Text)
			}
			if !strings.Contains(c.Label, grouped(e.Price.Total)+" "+e.Price.Currency) {
				t.Errorf("%s: aria-label %q does not say the price %s %s", date, c.Label, e.Price.Total, e.Price.Currency)
			}
			r, g, _ := rgb(t, c.Colour)
			switch e.PriceMinor {
			case low:
				if g <= r {
					t.Errorf("%s, the cheapest, is coloured %s, want green", date, c.Colour)
				}
			case high:
				if r <= g {
					t.Errorf("%s, the dearest, is coloured %s, want red", date, c.Colour)
				}
			}
		}
	})

	// A date whose fare changed price between the two days.
	var picked api.FlightDate
	var hist api.HistoryDocument
	for _, e := range cal.Data {
		var h api.HistoryDocument
		if code := getJSON(t, srv.URL+e.Links.History, &h); code != 200 {
			t.Fatalf("GET %s: %d", e.Links.History, code)
		}
		if len(h.Data.Changes) >= 2 {
			picked, hist = e, h
			break
		}
	}
	if picked.SeriesID == "" {
		t.Fatal("no date's fare changed price: the chart would have one point")
	}

	t.Run("clicking a date draws its history", func(t *testing.T) {
		b.find(`button.fare[data-date="` + picked.DepartureDate + `"]`).click()
		b.waitFor("the history of "+picked.DepartureDate, `const d = document.getElementById('detail');
			return d.dataset.state === 'done' && d.dataset.date === '`+picked.DepartureDate+`'`, 15*time.Second)
		var points []string
		b.exec(`return [...document.querySelectorAll('#chart svg circle.point')].map(c => c.dataset.price)`, &points)
		var want []string
		for _, c := range hist.Data.Changes {
			want = append(want, c.Price.Total)
		}
		if fmt.Sprint(points) != fmt.Sprint(want) {
			t.Errorf("chart points %v, want the change points %v", points, want)
		}
		if n := len(b.findAll("#changes tbody tr")); n != len(want) {
			t.Errorf("%d rows in the table of changes, want %d", n, len(want))
		}
		if got := b.find(`button.fare[data-date="` + picked.DepartureDate + `"]`).attr("aria-pressed"); got != "true" {
			t.Errorf("the clicked date has aria-pressed %q, want true", got)
		}
		var metrics struct {
			Data []struct {
				PriceRating struct {
					Rating string `json:"rating"`
				} `json:"priceRating"`
			} `json:"data"`
		}
		if code := getJSON(t, srv.URL+picked.Links.PriceMetrics, &metrics); code != 200 || len(metrics.Data) != 1 {
			t.Fatalf("GET %s: %d %+v", picked.Links.PriceMetrics, code, metrics)
		}
		want1 := metrics.Data[0].PriceRating.Rating
		if got := b.find("#rating").attr("data-rating"); got != want1 || !strings.Contains(b.find("#rating").text(), want1) {
			t.Errorf("rating shown %q (%q), want %q", got, b.find("#rating").text(), want1)
		}
		t.Logf("saved %s", b.screenshot(shots, "desktop-history.png"))
	})

	t.Run("arrow keys move between dates and Enter opens one", func(t *testing.T) {
		active := func() string {
			var d string
			b.exec(`return document.activeElement?.dataset?.date ?? ''`, &d)
			return d
		}
		b.find(`button.fare[data-date="2027-01-03"]`).sendKeys(keyArrowRight)
		if got := active(); got != "2027-01-04" {
			t.Fatalf("after ArrowRight on 2027-01-03 the focus is on %q, want 2027-01-04", got)
		}
		b.find(`button.fare[data-date="2027-01-04"]`).sendKeys(keyArrowDown)
		if got := active(); got != "2027-01-11" {
			t.Fatalf("after ArrowDown on 2027-01-04 the focus is on %q, want 2027-01-11", got)
		}
		b.find(`button.fare[data-date="2027-01-11"]`).sendKeys(keyEnter)
		b.waitFor("the history of 2027-01-11", `const d = document.getElementById('detail');
			return d.dataset.state === 'done' && d.dataset.date === '2027-01-11'`, 15*time.Second)
	})

	t.Run("a wrong field shows the API's message next to it", func(t *testing.T) {
		var bad api.ErrorDocument
		if code := getJSON(t, srv.URL+strings.Replace(calPath, "NRT", "NR1", 1), &bad); code != 400 || len(bad.Errors) != 1 {
			t.Fatalf("GET with destination NR1: %d %+v", code, bad)
		}
		dest := b.find("#destination")
		dest.clear()
		dest.sendKeys("NR1" + keyEnter)
		b.waitFor("the error", `return document.getElementById('result').dataset.state === 'error'`, 15*time.Second)
		msg := b.find("#destination-error").text()
		if !strings.Contains(msg, bad.Errors[0].Detail) || !strings.Contains(msg, "NR1") {
			t.Errorf("destination error %q, want the API's %q and the value", msg, bad.Errors[0].Detail)
		}
		if got := dest.attr("aria-invalid"); got != "true" {
			t.Errorf("destination aria-invalid %q, want true", got)
		}
		t.Logf("saved %s", b.screenshot(shots, "desktop-error.png"))
		dest.clear()
		dest.sendKeys("NRT")
		b.find("#submit").click()
		b.waitFor("the month again", `return document.getElementById('result').dataset.state === 'done'`, 15*time.Second)
		if got := dest.attr("aria-invalid"); got != "" {
			t.Errorf("destination aria-invalid %q after a good search, want none", got)
		}
	})

	t.Run("adults are asked for and an empty month says which count has fares", func(t *testing.T) {
		b.exec(`const a = document.getElementById('adults'); a.value = '2'; a.dispatchEvent(new Event('change', {bubbles: true})); return null`, nil)
		b.find("#submit").click()
		b.waitFor("the month for 2 adults", `return document.getElementById('result').dataset.state === 'done' &&
			document.getElementById('summary').textContent.startsWith('No fares')`, 15*time.Second)
		var search string
		b.exec(`return location.search`, &search)
		if !strings.Contains(search, "adults=2") {
			t.Errorf("location.search = %q, want adults=2 in it", search)
		}
		if got := b.find("#summary").text(); !strings.Contains(got, "there are fares for 1 adult") {
			t.Errorf("summary %q does not say that fares exist for 1 adult", got)
		}
		if got := b.find("#result-title").text(); !strings.HasSuffix(got, ", 2 adults") {
			t.Errorf("title %q does not name 2 adults", got)
		}
		b.exec(`const a = document.getElementById('adults'); a.value = '1'; return null`, nil)
		b.find("#submit").click()
		b.waitFor("the month again", `return document.getElementById('result').dataset.state === 'done' &&
			!document.getElementById('summary').textContent.startsWith('No fares')`, 15*time.Second)
	})

	t.Run("an empty month says which option has fares", func(t *testing.T) {
		oneWay := strings.Replace(calPath, "&duration=3", "&oneWay=true", 1)
		var empty api.CalendarDocument
		if code := getJSON(t, srv.URL+oneWay, &empty); code != 200 || len(empty.Data) != 0 || empty.Meta.Hint == "" {
			t.Fatalf("GET %s: %d, %d dates, hint %q; want none and a hint", oneWay, code, len(empty.Data), empty.Meta.Hint)
		}
		b.find(`input[name="trip"][value="oneway"]`).click()
		b.find("#submit").click()
		b.waitFor("the empty month", `return document.getElementById('result').dataset.state === 'done' &&
			document.getElementById('summary').textContent.startsWith('No fares')`, 15*time.Second)
		if len(empty.Meta.Alternatives) != 1 || empty.Meta.Alternatives[0].Option != "oneWay" ||
			!slices.Equal(empty.Meta.Alternatives[0].Values, []string{"false"}) {
			t.Fatalf("GET %s: alternatives %+v, want round trips only", oneWay, empty.Meta.Alternatives)
		}
		if got := b.find("#summary").text(); !strings.Contains(got, "there are fares for round trips") || strings.Contains(got, "=") {
			t.Errorf("summary %q does not say in words that round trips have fares", got)
		}
		b.find(`input[name="trip"][value="round"]`).click()
		b.find("#submit").click()
		b.waitFor("the month again", `return document.getElementById('result').dataset.state === 'done' &&
			!document.getElementById('summary').textContent.startsWith('No fares')`, 15*time.Second)
	})

	t.Run("a phone-sized screen", func(t *testing.T) {
		b.setWindowSize(390, 844)
		b.waitFor("the window to be 390 px wide", `return window.innerWidth === 390`, 5*time.Second)
		var layout struct {
			ScrollWidth, InnerWidth, Right, Columns int
		}
		const measure = `const days = [...document.querySelectorAll('#days li.day')];
			return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
			  right: Math.ceil(Math.max(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right))),
			  columns: new Set(days.map(d => Math.round(d.getBoundingClientRect().left))).size};`
		b.exec(measure, &layout)
		b.exec(`document.getElementById('result').scrollIntoView()`, nil)
		t.Logf("saved %s", b.screenshot(shots, "phone-month.png"))
		if layout.ScrollWidth > layout.InnerWidth || layout.Right > layout.InnerWidth {
			t.Errorf("at 390 px the page is %d px wide (rightmost element at %d), want no horizontal overflow",
				layout.ScrollWidth, layout.Right)
		}
		if layout.Columns != 7 {
			t.Errorf("the month has %d columns at 390 px, want 7", layout.Columns)
		}
		var cells []cell
		b.exec(readCells, &cells)
		for _, c := range cells {
			if !c.Fits {
				t.Errorf("at 390 px the price %s of %s overflows its cell", c.Text, c.Date)
			}
		}
		b.find(`button.fare[data-date="` + picked.DepartureDate + `"]`).click()
		b.waitFor("the history", `const d = document.getElementById('detail');
			return d.dataset.state === 'done' && d.dataset.date === '`+picked.DepartureDate+`'`, 15*time.Second)
		b.exec(`document.getElementById('detail').scrollIntoView()`, nil)
		b.exec(measure, &layout)
		if layout.ScrollWidth > layout.InnerWidth || layout.Right > layout.InnerWidth {
			t.Errorf("at 390 px with the history the page is %d px wide (rightmost element at %d), want no horizontal overflow",
				layout.ScrollWidth, layout.Right)
		}
		t.Logf("saved %s", b.screenshot(shots, "phone-history.png"))
	})

	t.Run("the route list leads to a route's month", func(t *testing.T) {
		var routes api.RoutesDocument
		if code := getJSON(t, srv.URL+"/v1/routes", &routes); code != 200 || len(routes.Data) == 0 {
			t.Fatalf("GET /v1/routes: %d, %d routes", code, len(routes.Data))
		}
		b.navigate(srv.URL + "/")
		b.waitFor("the route list", `return document.querySelectorAll('#route-list button.route').length > 0`, 10*time.Second)
		var shown []struct{ Origin, Destination, Text string }
		b.exec(`return [...document.querySelectorAll('#route-list button.route')].map(b =>
			({origin: b.dataset.origin, destination: b.dataset.destination, text: b.textContent}))`, &shown)
		if len(shown) != len(routes.Data) {
			t.Fatalf("the page lists %d routes, the API %d", len(shown), len(routes.Data))
		}
		for i, r := range routes.Data {
			want := fmt.Sprintf("%s → %s %d fares", r.Origin, r.Destination, r.Series)
			if shown[i].Origin != r.Origin || shown[i].Destination != r.Destination || !strings.HasPrefix(shown[i].Text, want) {
				t.Errorf("route %d shows %+v, want %q", i, shown[i], want)
			}
		}
		b.find(`#route-list button.route[data-origin="ICN"][data-destination="NRT"]`).click()
		b.waitFor("the route's month", `return document.getElementById('result').dataset.state === 'done'`, 15*time.Second)
		var search string
		b.exec(`return location.search`, &search)
		if !strings.Contains(search, "origin=ICN") || !strings.Contains(search, "destination=NRT") {
			t.Errorf("after choosing ICN → NRT the URL is %q", search)
		}
	})

	// The console would show script errors and content security policy
	// violations; the one failed request is the deliberate 400.
	t.Run("nothing went wrong in the browser", func(t *testing.T) {
		for _, e := range b.browserLog() {
			expected := e.Source == "network" && strings.Contains(e.Message, "destination=NR1") &&
				strings.Contains(e.Message, "status of 400")
			if !expected && (e.Level == "SEVERE" || e.Level == "WARNING") {
				t.Errorf("console: %s %s %s", e.Level, e.Source, e.Message)
			}
		}
	})
}

// rgb parses a computed CSS colour "rgb(r, g, b)".
func rgb(t *testing.T, css string) (r, g, b int) {
	t.Helper()
	if _, err := fmt.Sscanf(css, "rgb(%d, %d, %d)", &r, &g, &b); err != nil {
		t.Errorf("colour %q: %v", css, err)
	}
	return r, g, b
}
