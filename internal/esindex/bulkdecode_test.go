package esindex

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/farepipe/farepipe/internal/jsonscan"
)

// bulkResponse is a _bulk response as Elasticsearch 8 writes it: a created
// item, a version conflict and a mapping error.
const bulkResponse = `{"errors":true,"took":12,"items":[` +
	`{"create":{"_index":"fp-observations-2026.11","_id":"a1","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},` +
	`{"index":{"_index":"fp-latest","_id":"b2","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[b2]: version conflict, current version [5] is higher or equal to the one provided [3]","index_uuid":"Zq1","shard":"0","index":"fp-latest"}}},` +
	`{"create":{"_index":"fp-observations-2026.11","_id":"c3","status":400,"error":{"type":"document_parsing_exception","reason":"[1:2] failed to parse","caused_by":{"type":"illegal_argument_exception","reason":"bad date"}}}}]}`

// sentBulk is what the sender reads of a bulk response.
type sentBulk struct {
	Took      int
	HasErrors bool
	Items     []sentItem
}

type sentItem struct {
	Op, Type, Reason string
	Status           int
}

func readBulk(blk *esutil.BulkIndexerResponse) sentBulk {
	s := sentBulk{Took: blk.Took, HasErrors: blk.HasErrors}
	for _, m := range blk.Items {
		for _, op := range slices.Sorted(maps.Keys(m)) {
			it := m[op]
			s.Items = append(s.Items, sentItem{Op: op, Type: it.Error.Type, Reason: it.Error.Reason, Status: it.Status})
		}
	}
	return s
}

// checkBulk checks the promise of the fast path of bulkDecoder: when it
// takes a response, the sender reads from it what it would read from
// encoding/json's decoding.
func checkBulk(t *testing.T, body string) (fast bool) {
	t.Helper()
	var want, got esutil.BulkIndexerResponse
	wantErr := json.NewDecoder(strings.NewReader(body)).Decode(&want)
	d := bulkScanner{Scanner: jsonscan.New([]byte(body))}
	if fast = d.bulkResponse(&got); fast {
		if wantErr != nil {
			t.Fatalf("fast path took %s, which encoding/json refuses: %v", body, wantErr)
		}
		if g, w := readBulk(&got), readBulk(&want); !reflect.DeepEqual(g, w) {
			t.Fatalf("fast path read %s as\n%+v\nencoding/json as\n%+v", body, g, w)
		}
	}
	var dec esutil.BulkIndexerResponse
	err := (&bulkDecoder{}).UnmarshalFromReader(strings.NewReader(body), &dec)
	if (err != nil) != (wantErr != nil) || err == nil && !reflect.DeepEqual(readBulk(&dec), readBulk(&want)) {
		t.Fatalf("bulkDecoder on %s: %+v, %v; want %+v, %v", body, readBulk(&dec), err, readBulk(&want), wantErr)
	}
	return fast
}

func TestBulkDecoderMatchesEncodingJSON(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(bulkResponse, old) {
			t.Fatalf("response has no %q", old)
		}
		return strings.Replace(bulkResponse, old, new, 1)
	}
	tests := []struct {
		name     string
		body     string
		wantFast bool
	}{
		{"created, conflict and rejected items", bulkResponse, true},
		{"no items", `{"errors":false,"took":0,"items":[]}`, true},
		{"white space and unknown fields", ` { "ingest_took" : 3 , ` + bulkResponse[1:] + "\n", true},
		{"escape in a field not read", replace(`"Zq1"`, `"Z\"q\u0031"`), true},
		{"null error", replace(`"status":201}`, `"status":201,"error":null}`), true},
		{"escape in a reason", replace(`failed to parse`, `failed \"to\" parse`), false},
		{"status in another case", replace(`"status":409`, `"Status":409`), false},
		{"status as a string", replace(`"status":409`, `"status":"409"`), false},
		{"version as a string", replace(`"_version":1`, `"_version":"1"`), false},
		{"item of two operations", replace(`{"index":{`, `{"delete":{},"index":{`), false},
		{"empty item", replace(`{"index":{`, `{},{"index":{`), false},
		{"items null", `{"took":1,"items":null}`, true},
		{"truncated", bulkResponse[:len(bulkResponse)-10], false},
		{"not JSON", `<html>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fast := checkBulk(t, tt.body); fast != tt.wantFast {
				t.Errorf("fast path took %s: %v, want %v", tt.body, fast, tt.wantFast)
			}
		})
	}
	for i := range bulkResponse { // every byte deleted or replaced
		for _, c := range []string{"", `"`, `\`, "}", "]", ",", "0", "x"} {
			checkBulk(t, bulkResponse[:i]+c+bulkResponse[i+1:])
		}
	}
}

// TestBulkDecoderReusesItems decodes responses whose items reuse the maps
// of earlier ones, and checks each against encoding/json's decoding.
func TestBulkDecoderReusesItems(t *testing.T) {
	response := func(statuses ...int) string {
		var items []string
		for i, s := range statuses {
			op := "create"
			if s == 200 {
				op = "index"
			}
			items = append(items, fmt.Sprintf(`{%q:{"_id":"d%d","status":%d}}`, op, i, s))
		}
		return `{"took":1,"errors":false,"items":[` + strings.Join(items, ",") + `]}`
	}
	dec := &bulkDecoder{}
	var first esutil.BulkIndexerResponse
	tests := []struct {
		name      string
		body      string
		wantReuse bool // the first item's map is one of the first response's
	}{
		{"first", response(201, 409, 201), false},
		{"another operation second", response(201, 200, 201), true},
		{"same operations, other statuses", response(409, 201, 429, 201), true},
		{"another operation first", response(200, 201), false},
		{"shorter", response(201), true},
	}
	for _, tt := range tests {
		dec.recycle()
		var got, want esutil.BulkIndexerResponse
		if err := dec.UnmarshalFromReader(strings.NewReader(tt.body), &got); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if err := json.Unmarshal([]byte(tt.body), &want); err != nil {
			t.Fatal(err)
		}
		if g, w := readBulk(&got), readBulk(&want); !reflect.DeepEqual(g, w) {
			t.Errorf("%s: decoded %+v, want %+v", tt.name, g, w)
		}
		if first.Items == nil {
			first = got
			continue
		}
		reused := slices.ContainsFunc(first.Items, func(m map[string]esutil.BulkIndexerResponseItem) bool {
			return reflect.ValueOf(m).UnsafePointer() == reflect.ValueOf(got.Items[0]).UnsafePointer()
		})
		if reused != tt.wantReuse {
			t.Errorf("%s: first item reuses a map: %v, want %v", tt.name, reused, tt.wantReuse)
		}
	}
}
