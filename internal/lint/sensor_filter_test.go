package lint

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	aev1 "github.com/argoproj/argo-events/pkg/apis/events/v1alpha1"
	"sigs.k8s.io/yaml"
)

// filterPath evaluates a data filter path on JSON data as gjson, which
// Argo Events uses, does for the forms farepipe's Sensors use: dotted
// keys, "#" for every element of an array, and "|@fromstr|" to read a
// string as JSON. It returns the value as Argo compares it: a string as
// is, anything else as JSON.
func filterPath(t *testing.T, data []byte, path string) (string, bool) {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(path, "|") {
		if part == "@fromstr" {
			s, ok := v.(string)
			if !ok || json.Unmarshal([]byte(s), &v) != nil {
				return "", false
			}
			continue
		}
		var ok bool
		if v, ok = walk(v, strings.Split(part, ".")); !ok {
			return "", false
		}
	}
	if s, ok := v.(string); ok {
		return s, true
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), true
}

func walk(v any, segs []string) (any, bool) {
	if len(segs) == 0 {
		return v, true
	}
	if segs[0] == "#" {
		arr, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := []any{}
		for _, e := range arr {
			if x, ok := walk(e, segs[1:]); ok {
				out = append(out, x)
			}
		}
		return out, true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	next, ok := m[segs[0]]
	if !ok {
		return nil, false
	}
	return walk(next, segs[1:])
}

// passes reports whether event data passes a dependency's data filters,
// string filters only, as Argo Events decides it: a filter passes when
// its path exists and one of its values matches anywhere in the value;
// the filters are and-ed unless dataLogicalOperator is or.
func passes(t *testing.T, f *aev1.EventDependencyFilter, data []byte) bool {
	t.Helper()
	if f == nil || len(f.Data) == 0 {
		return true
	}
	or := f.DataLogicalOperator == aev1.OrLogicalOperator
	for _, df := range f.Data {
		if df.Type != aev1.JSONTypeString {
			t.Fatalf("data filter on %s has type %s; this test evaluates strings only", df.Path, df.Type)
		}
		got, ok := filterPath(t, data, df.Path)
		match := false
		for _, v := range df.Value {
			match = match || ok && regexp.MustCompile(v).MatchString(got)
		}
		if match && or {
			return true
		}
		if !match && !or {
			return false
		}
	}
	return !or
}

// sensorFile decodes the Sensor of a manifest file.
func sensorFile(t *testing.T, path string) *aev1.Sensor {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s aev1.Sensor
	if err := yaml.UnmarshalStrict(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// TestIngestFiltersBuckets runs the ingest Sensor's dependency filters
// over real notifications of every source: a notification whose records
// all name the bucket farepipe passes, one naming another bucket in any
// record does not.
func TestIngestFiltersBuckets(t *testing.T) {
	deps := map[string]*aev1.EventDependencyFilter{}
	for _, d := range sensorFile(t, "../../events/farepipe-ingest.yaml").Spec.Dependencies {
		deps[d.Name] = d.Filters
	}
	read := func(name string) string {
		b, err := os.ReadFile("../s3event/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	// bucket renames the bucket of every record of a notification.
	bucket := func(notification, from, to string) string {
		return strings.ReplaceAll(notification, `"name":"`+from+`"`, `"name":"`+to+`"`)
	}
	minio := read("argo_minio_source.json")
	direct := `{"body":` + bucket(read("aws_sqs_body.json"), "my-fares", "farepipe") + `}`
	// In SNS's envelope the notification is a string: its quotes escaped.
	sns := `{"body":` + strings.ReplaceAll(read("aws_sqs_sns.json"), `\"name\":\"my-fares\"`, `\"name\":\"farepipe\"`) + `}`
	multi := `{"body":` + read("multi_record.json") + `}`
	cases := []struct {
		name, dep, data string
		want            bool
	}{
		{"minio", "raw-created", minio, true},
		{"minio, other bucket", "raw-created", bucket(minio, "farepipe", "farepipe-old"), false},
		{"sqs", "raw-created-sqs", direct, true},
		{"sqs, other bucket", "raw-created-sqs", bucket(direct, "farepipe", "my-fares"), false},
		{"sqs through sns", "raw-created-sqs", sns, true},
		{"sqs through sns, other bucket", "raw-created-sqs", strings.ReplaceAll(sns, `\"name\":\"farepipe\"`, `\"name\":\"my-fares\"`), false},
		{"sqs, every record farepipe", "raw-created-sqs", bucket(bucket(multi, "my-fares", "farepipe"), "other-fares", "farepipe"), true},
		{"sqs, one record of another bucket", "raw-created-sqs", bucket(multi, "my-fares", "farepipe"), false},
		{"sqs test event", "raw-created-sqs", read("argo_sqs_test_event.json"), false},
	}
	// An outside producer's object under incoming/: a plain answer or fare
	// rows, compressed or not, passes; any other name does not.
	incoming := func(keys ...string) string {
		var n struct {
			Notification []json.RawMessage `json:"notification"`
		}
		if err := json.Unmarshal([]byte(minio), &n); err != nil || len(n.Notification) == 0 {
			t.Fatalf("decoding the minio notification: %v", err)
		}
		var records []map[string]any
		for _, k := range keys {
			var rec map[string]any
			if err := json.Unmarshal(n.Notification[0], &rec); err != nil {
				t.Fatal(err)
			}
			rec["s3"].(map[string]any)["object"].(map[string]any)["key"] = k
			records = append(records, rec)
		}
		b, err := json.Marshal(map[string]any{"notification": records})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, k := range []string{"incoming/acme/a.json", "incoming/acme/a.json.gz", "incoming/acme/2026-11-21T06:00:00Z/a.ndjson",
		"incoming/a.ndjson.gz", "incoming/faresnap/rows.csv", "incoming/faresnap/rows.csv.gz"} {
		cases = append(cases, struct {
			name, dep, data string
			want            bool
		}{"minio incoming " + k, "incoming-created", incoming(k), true})
	}
	for _, data := range []string{incoming("incoming/acme/a.txt"), incoming("incoming/acme/a.json.zip"), incoming("incoming/acme/a.json", "incoming/acme/notes.md"),
		bucket(incoming("incoming/acme/a.json"), "farepipe", "farepipe-old")} {
		cases = append(cases, struct {
			name, dep, data string
			want            bool
		}{"minio incoming refused " + data[len(data)-60:], "incoming-created", data, false})
	}
	cases = append(cases, struct {
		name, dep, data string
		want            bool
	}{"minio incoming, two records", "incoming-created", incoming("incoming/a/x.json", "incoming/b/y.csv.gz"), true})
	for _, tc := range cases {
		if got := passes(t, deps[tc.dep], []byte(tc.data)); got != tc.want {
			t.Errorf("%s: dependency %s passes = %v, want %v", tc.name, tc.dep, got, tc.want)
		}
	}
}
