package lint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	aev1 "github.com/argoproj/argo-events/pkg/apis/events/v1alpha1"
	"sigs.k8s.io/yaml"

	"github.com/farepipe/farepipe/internal/s3event"
)

// renderParam renders a trigger parameter's data template against event
// data as Argo Events does: the data decoded from JSON as .Input, sprig's
// functions, an empty result an error.
func renderParam(t *testing.T, p aev1.TriggerParameter, data []byte) string {
	t.Helper()
	var input any
	if err := json.Unmarshal(data, &input); err != nil {
		t.Fatal(err)
	}
	tpl, err := template.New("param").Funcs(sprig.FuncMap()).Parse(p.Src.DataTemplate)
	if err != nil {
		t.Fatalf("parameter of %s: %v", p.Src.DependencyName, err)
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, map[string]any{"Input": input}); err != nil {
		t.Fatalf("parameter of %s: %v", p.Src.DependencyName, err)
	}
	if buf.Len() == 0 || buf.String() == "<no value>" {
		t.Fatalf("parameter of %s rendered to %q", p.Src.DependencyName, buf.String())
	}
	return buf.String()
}

func ingestSensor(t *testing.T) map[string]aev1.Trigger {
	t.Helper()
	b, err := os.ReadFile("../../events/farepipe-ingest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var s aev1.Sensor
	if err := yaml.UnmarshalStrict(b, &s); err != nil {
		t.Fatal(err)
	}
	triggers := map[string]aev1.Trigger{}
	for _, tr := range s.Spec.Triggers {
		triggers[tr.Template.Name] = tr
	}
	return triggers
}

// The nightly sweeps (of raw/, and of incoming/) ask farepipe-backfill for
// the day before the calendar event, from the eventTime the calendar
// EventSource sends (time.Time.String() in the schedule's time zone, UTC),
// into its parameters from and to.
func TestSweepBackfillsTheDayBefore(t *testing.T) {
	for _, name := range []string{"sweep", "sweep-incoming"} {
		sweep, ok := ingestSensor(t)[name]
		if !ok {
			t.Fatalf("the Sensor farepipe-ingest has no trigger %s", name)
		}
		var wf struct {
			Spec struct {
				Arguments struct {
					Parameters []struct{ Name, Value string }
				}
			}
		}
		if err := json.Unmarshal(sweep.Template.ArgoWorkflow.Source.Resource.Value, &wf); err != nil {
			t.Fatal(err)
		}
		args := wf.Spec.Arguments.Parameters
		params := sweep.Template.ArgoWorkflow.Parameters
		if len(params) != 2 {
			t.Fatalf("%s has %d parameters, want from and to", name, len(params))
		}
		for i, want := range []string{"from", "to"} {
			var n int
			if _, err := fmt.Sscanf(params[i].Dest, "spec.arguments.parameters.%d.value", &n); err != nil || n >= len(args) || args[n].Name != want {
				t.Errorf("%s: parameter %d goes to %s, want the argument %s", name, i, params[i].Dest, want)
			}
		}
		if name == "sweep-incoming" && (len(args) == 0 || args[0].Name != "prefix" || args[0].Value != "incoming/") {
			t.Errorf("sweep-incoming arguments %v, want prefix incoming/ first", args)
		}
		for _, tc := range []struct{ eventTime, want string }{
			{"2026-11-22 00:30:00 +0000 UTC", "2026-11-21"},
			{"2027-01-01 00:30:00 +0000 UTC", "2026-12-31"},
			{"2028-03-01 00:30:00 +0000 UTC", "2028-02-29"},
		} {
			data, _ := json.Marshal(map[string]string{"eventTime": tc.eventTime})
			for i, p := range params {
				if got := renderParam(t, p, data); got != tc.want {
					t.Errorf("%s, event at %s: parameter %d (%s) = %q, want %q", name, tc.eventTime, i, p.Dest, got, tc.want)
				}
			}
		}
	}
}

// The ingest trigger passes the minio EventSource's event data on as JSON
// that farepipe-ingest's decoder reads back to the object created.
func TestIngestPassesTheMinIOEventOn(t *testing.T) {
	ingest, ok := ingestSensor(t)["ingest"]
	if !ok {
		t.Fatal("the Sensor farepipe-ingest has no trigger ingest")
	}
	data, err := os.ReadFile("../s3event/testdata/argo_minio_source.json")
	if err != nil {
		t.Fatal(err)
	}
	var rendered string
	for _, p := range ingest.Template.ArgoWorkflow.Parameters {
		if p.Src.DataTemplate != "" {
			rendered = renderParam(t, p, data)
		}
	}
	objs, err := s3event.Parse([]byte(rendered))
	if err != nil {
		t.Fatalf("decoding what the trigger passes on: %v\n%s", err, rendered)
	}
	want, err := s3event.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 || len(objs) != len(want) || objs[0] != want[0] {
		t.Errorf("the trigger passes on %+v, want %+v", objs, want)
	}
}
