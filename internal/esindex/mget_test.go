package esindex

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// mgetResponseBody is an _mget response: a document found, one missing
// and one in a missing index.
const mgetResponseBody = `{"docs":[` +
	`{"_index":"fp-latest","_id":"s1","_version":3,"_seq_no":7,"_primary_term":1,"found":true,"_source":{"id":"o1","series_id":"s1","amount_minor":1200}},` +
	`{"_index":"fp-latest","_id":"s2","found":false},` +
	`{"_index":"fp-latest","_id":"s3","error":{"root_cause":[],"type":"index_not_found_exception","reason":"no such index [fp-latest]","index":"fp-latest"}}]}`

func checkMget(t *testing.T, body string) (fast bool) {
	t.Helper()
	var want, got mgetResponse
	wantErr := json.NewDecoder(strings.NewReader(body)).Decode(&want)
	if fast = got.read([]byte(body)); fast && (wantErr != nil || !reflect.DeepEqual(got, want)) {
		t.Fatalf("fast path read %s as %+v, encoding/json as %+v (error %v)", body, got, want, wantErr)
	}
	var dec mgetResponse
	err := dec.decode([]byte(body))
	if (err != nil) != (wantErr != nil) || err == nil && !reflect.DeepEqual(dec, want) {
		t.Fatalf("decode(%s) = %+v, %v; want %+v, %v", body, dec, err, want, wantErr)
	}
	return fast
}

func TestMgetDecodeMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantFast bool
	}{
		{"found, missing and no index", mgetResponseBody, true},
		{"no docs", `{"docs":[]}`, true},
		{"source null", `{"docs":[{"_id":"x","found":true,"_source":null}]}`, true},
		{"id in another case", `{"docs":[{"_ID":"x","found":false}]}`, false},
		{"found as a string", `{"docs":[{"_id":"x","found":"true"}]}`, false},
		{"truncated", mgetResponseBody[:len(mgetResponseBody)/2], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fast := checkMget(t, tt.body); fast != tt.wantFast {
				t.Errorf("fast path took %s: %v, want %v", tt.body, fast, tt.wantFast)
			}
		})
	}
	for i := range mgetResponseBody {
		for _, c := range []string{"", `"`, `\`, "}", "]", ",", "0"} {
			checkMget(t, mgetResponseBody[:i]+c+mgetResponseBody[i+1:])
		}
	}
}
