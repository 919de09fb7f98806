package esindex

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// instantES is for benchmarks only: an Elasticsearch look-alike on
// 127.0.0.1 that speaks just enough of the API for Indexer.Index and
// answers at once, so that a benchmark measures the client's side alone.
// It knows no index template (GET 404, PUT acknowledged), no document
// (every _mget id and the retention floor are not found), and creates
// every bulk item (201). It is
// no substitute for the real node in tests of behaviour.
//
// It runs in a process of its own (this test binary again, see TestMain),
// so that neither its CPU time nor its garbage is counted as the client's.
type instantES struct {
	URL        string
	mu         sync.Mutex
	items      int      // bulk items answered
	unexpected []string // requests it does not speak
}

// instantESEnv, set in the environment of this test binary, makes it
// serve an instantES instead of running tests.
const instantESEnv = "ESINDEX_INSTANT_ES"

func TestMain(m *testing.M) {
	if os.Getenv(instantESEnv) != "" {
		os.Exit(serveInstantES())
	}
	os.Exit(m.Run())
}

// serveInstantES serves an instantES on a free loopback port, prints its
// URL on stdout and serves until stdin is closed: the server goes with the
// benchmark that started it, however that ends.
func serveInstantES() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	es := &instantES{}
	go http.Serve(ln, http.HandlerFunc(es.serve))
	fmt.Printf("http://%s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// startInstantES starts an instantES process, stopped when b ends, and
// returns its URL.
func startInstantES(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), instantESEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Errorf("instantES (pid %d): %v", cmd.Process.Pid, err)
		}
	})
	url, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("instantES (pid %d) printed no URL: %v", cmd.Process.Pid, err)
	}
	return strings.TrimSpace(url)
}

// instantESStats is what an instantES has seen: GET /_instant/stats.
type instantESStats struct {
	Items      int      `json:"items"`
	Unexpected []string `json:"unexpected"`
}

// instantStats returns the stats of the instantES at url, and fails b if
// it got a request it does not speak.
func instantStats(b *testing.B, url string) instantESStats {
	b.Helper()
	res, err := http.Get(url + "/_instant/stats")
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var st instantESStats
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		b.Fatalf("reading instantES stats: %v", err)
	}
	if len(st.Unexpected) > 0 {
		b.Fatalf("instantES got requests it does not speak: %v", st.Unexpected)
	}
	return st
}

func (es *instantES) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	path := r.URL.Path
	switch {
	case r.Method == http.MethodGet && path == "/_instant/stats":
		es.mu.Lock()
		json.NewEncoder(w).Encode(instantESStats{Items: es.items, Unexpected: es.unexpected})
		es.mu.Unlock()
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/_index_template/"):
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"type":"resource_not_found_exception","reason":"index template matching [x] not found"},"status":404}`)
	case r.Method == http.MethodPut && strings.HasPrefix(path, "/_index_template/"):
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"acknowledged":true}`)
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/_mget"):
		es.mget(w, r, strings.TrimPrefix(strings.TrimSuffix(path, "/_mget"), "/"))
	case (r.Method == http.MethodPost || r.Method == http.MethodPut) && strings.HasSuffix(path, "/_bulk"):
		es.bulk(w, r)
	case r.Method == http.MethodGet && strings.Contains(path, "-meta/_doc/"): // no retention floor
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"found":false}`)
	case strings.HasSuffix(path, "/_refresh"):
		io.WriteString(w, `{"_shards":{"total":1,"successful":1,"failed":0}}`)
	default:
		es.mu.Lock()
		es.unexpected = append(es.unexpected, r.Method+" "+r.URL.String())
		es.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"type":"illegal_argument_exception","reason":"not spoken by instantES"},"status":400}`)
	}
}

// mget answers that none of the requested documents exists. It reads the
// ids of {"ids":[...]} by hand, as they come from Index: hex, nothing to
// unescape.
func (es *instantES) mget(w http.ResponseWriter, r *http.Request, index string) {
	body, err := io.ReadAll(r.Body)
	start := bytes.Index(body, []byte(`"ids":[`))
	if err != nil || start < 0 || bytes.IndexByte(body, '\\') >= 0 {
		http.Error(w, "want {\"ids\":[...]} of plain ids", http.StatusBadRequest)
		return
	}
	ids := body[start+len(`"ids":[`):]
	if end := bytes.IndexByte(ids, ']'); end >= 0 {
		ids = ids[:end]
	}
	out := make([]byte, 0, 16<<10)
	out = append(out, `{"docs":[`...)
	for n := 0; ; n++ {
		open := bytes.IndexByte(ids, '"')
		if open < 0 {
			break
		}
		ids = ids[open+1:]
		shut := bytes.IndexByte(ids, '"')
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"_index":"`...)
		out = append(out, index...)
		out = append(out, `","_id":"`...)
		out = append(out, ids[:shut]...)
		out = append(out, `","found":false}`...)
		ids = ids[shut+1:]
	}
	out = append(out, "]}"...)
	w.Write(out)
}

// bulk answers every item created: it reads the action lines and skips the
// document line after each create, index or update. It answers as
// Elasticsearch 8 does, and keeps only the fields of an item that a
// filter_path of items.*.<field> names.
func (es *instantES) bulk(w http.ResponseWriter, r *http.Request) {
	filter := r.URL.Query().Get("filter_path")
	keep, err := itemFilter(filter)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out := make([]byte, 0, 64<<10)
	out = append(out, '{')
	if filter == "" || slices.Contains(strings.Split(filter, ","), "took") {
		out = append(out, `"took":0,`...)
	}
	out = append(out, `"errors":false,"items":[`...)
	sc := bufio.NewScanner(r.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		action := sc.Bytes()
		if len(bytes.TrimSpace(action)) == 0 {
			continue
		}
		op, index, id, ok := parseAction(action)
		if !ok {
			http.Error(w, "bad action line: "+string(action), http.StatusBadRequest)
			return
		}
		if n > 0 {
			out = append(out, ',')
		}
		n++
		// op, index and id point into the scanner's buffer: use them
		// before the next Scan.
		out = append(out, '{')
		out = appendString(out, op)
		out = append(out, ":{"...)
		fields := [...][2][]byte{
			{[]byte("_index"), appendString(nil, index)},
			{[]byte("_id"), appendString(nil, id)},
			{[]byte("_version"), []byte("1")},
			{[]byte("result"), []byte(`"created"`)},
			{[]byte("_shards"), []byte(`{"total":1,"successful":1,"failed":0}`)},
			{[]byte("_seq_no"), []byte("0")},
			{[]byte("_primary_term"), []byte("1")},
			{[]byte("status"), []byte("201")},
		}
		first := true
		for _, f := range fields {
			if keep != nil && !keep[string(f[0])] {
				continue
			}
			if !first {
				out = append(out, ',')
			}
			first = false
			out = appendString(out, f[0])
			out = append(out, ':')
			out = append(out, f[1]...)
		}
		out = append(out, "}}"...)
		if string(op) != "delete" && !sc.Scan() {
			http.Error(w, "action without a document", http.StatusBadRequest)
			return
		}
	}
	if err := sc.Err(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out = append(out, "]}"...)
	es.mu.Lock()
	es.items += n
	es.mu.Unlock()
	w.Write(out)
}

// itemFilter returns the item fields a bulk filter_path keeps, or nil for
// all. It knows the filters "took", "errors" and "items.*.<field>".
func itemFilter(filterPath string) (map[string]bool, error) {
	if filterPath == "" {
		return nil, nil
	}
	keep := map[string]bool{}
	for _, f := range strings.Split(filterPath, ",") {
		switch field, ok := strings.CutPrefix(f, "items.*."); {
		case ok && field != "":
			keep[field] = true
		case f == "took" || f == "errors":
		default:
			return nil, fmt.Errorf("instantES does not know filter_path %q", f)
		}
	}
	return keep, nil
}

// parseAction reads an action line such as
// {"create":{"_id":"x","_index":"i"}}: its one key, the operation, and the
// _index and _id of the object under it. Lines as esutil writes them, with
// nothing to unescape, are read by hand so that the fake costs the
// benchmark little; anything else goes through encoding/json.
func parseAction(line []byte) (op, index, id []byte, ok bool) {
	if bytes.HasPrefix(line, []byte(`{"`)) && bytes.IndexByte(line, '\\') < 0 {
		if end := bytes.IndexByte(line[2:], '"'); end > 0 {
			op = line[2 : 2+end]
			return op, member(line, `"_index":"`), member(line, `"_id":"`), validOp(op)
		}
	}
	var a map[string]struct {
		Index string `json:"_index"`
		ID    string `json:"_id"`
	}
	if json.Unmarshal(line, &a) != nil || len(a) != 1 {
		return nil, nil, nil, false
	}
	for k, v := range a {
		op, index, id = []byte(k), []byte(v.Index), []byte(v.ID)
	}
	return op, index, id, validOp(op)
}

// member returns the string after key in line, up to the next quote.
func member(line []byte, key string) []byte {
	i := bytes.Index(line, []byte(key))
	if i < 0 {
		return nil
	}
	v := line[i+len(key):]
	if end := bytes.IndexByte(v, '"'); end >= 0 {
		return v[:end]
	}
	return nil
}

func validOp(op []byte) bool {
	switch string(op) {
	case "create", "index", "update", "delete":
		return true
	}
	return false
}

// appendString appends s as a JSON string.
func appendString(b, s []byte) []byte {
	for _, c := range s {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, string(s))
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
