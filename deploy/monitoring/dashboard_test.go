package monitoring

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
)

// dashboard is the part of a Grafana dashboard model the test reads.
type dashboard struct {
	Title      string `json:"title"`
	UID        string `json:"uid"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query string `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		ID         int    `json:"id"`
		Type       string `json:"type"`
		Title      string `json:"title"`
		Datasource struct {
			Type string `json:"type"`
			UID  string `json:"uid"`
		} `json:"datasource"`
		GridPos struct{ X, Y, W, H int } `json:"gridPos"`
		Targets []struct {
			RefID     string `json:"refId"`
			Expr      string `json:"expr"`
			Query     string `json:"query"`
			TimeField string `json:"timeField"`
			Metrics   []struct {
				Type, Field string
			} `json:"metrics"`
			BucketAggs []struct {
				Type, Field string
			} `json:"bucketAggs"`
		} `json:"targets"`
	} `json:"panels"`
}

// TestDashboardReadsWhatFarepipeWrites checks dashboard.json: a valid
// dashboard model with unique panel ids inside the 24-column grid, its
// data sources chosen by variables, every Prometheus query reading metrics
// farepipe emits, and the Elasticsearch panel reading fields of the change
// log.
func TestDashboardReadsWhatFarepipeWrites(t *testing.T) {
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(read(t, "dashboard.json")))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("dashboard.json: %v", err)
	}
	if d.Title == "" || d.UID == "" {
		t.Errorf("dashboard title %q, uid %q: want both", d.Title, d.UID)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type + ":" + v.Query
	}
	if vars["prometheus"] != "datasource:prometheus" || vars["elasticsearch"] != "datasource:elasticsearch" {
		t.Errorf("data source variables %v: want prometheus and elasticsearch", vars)
	}
	ids := map[int]bool{}
	var exprs strings.Builder
	elastic := 0
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d used twice", p.ID)
		}
		ids[p.ID] = true
		if g := p.GridPos; g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
			t.Errorf("panel %q: gridPos %+v outside the 24 columns", p.Title, g)
		}
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		switch p.Datasource.Type {
		case "prometheus":
			if p.Datasource.UID != "${prometheus}" {
				t.Errorf("panel %q: data source %q, want ${prometheus}", p.Title, p.Datasource.UID)
			}
			for _, tg := range p.Targets {
				if tg.Expr == "" {
					t.Errorf("panel %q: target %s has no expr", p.Title, tg.RefID)
				}
				exprs.WriteString(tg.Expr + "\n")
			}
		case "elasticsearch":
			elastic++
			for _, tg := range p.Targets {
				fields := []string{tg.TimeField}
				for _, m := range tg.Metrics {
					fields = append(fields, m.Field)
				}
				for _, b := range tg.BucketAggs {
					fields = append(fields, b.Field)
				}
				for _, f := range fields {
					if f != fare.FieldObservedAt && f != fare.FieldAmountMinor {
						t.Errorf("panel %q reads field %q, not one of the change log's", p.Title, f)
					}
				}
				for _, f := range []string{fare.FieldOrigin + ":", fare.FieldDestination + ":"} {
					if !strings.Contains(tg.Query, f) {
						t.Errorf("panel %q: query %q does not filter %s", p.Title, tg.Query, f)
					}
				}
			}
		default:
			t.Errorf("panel %q: data source type %q", p.Title, p.Datasource.Type)
		}
	}
	if elastic == 0 {
		t.Error("no fare-trend panel on the Elasticsearch data source")
	}
	checkEmitted(t, "dashboard.json", exprs.String())
}
