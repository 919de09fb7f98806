package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
)

// sample holds every kind of token, white space, escapes and UTF-8.
const sample = `{"a": [1, -0.5e+10, 2E-3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9y"],` +
	"\n\t" + `"b": {"c": {}, "d": [], "été": "ünï"}, "e": 12345678901234567890}`

// checkSkip checks that Skip followed by AtEnd takes exactly what
// json.Valid takes, for inputs nested at most 64 deep.
func checkSkip(t *testing.T, in string) bool {
	t.Helper()
	s := New([]byte(in))
	got := s.Skip() && s.AtEnd()
	if want := json.Valid([]byte(in)); got != want {
		t.Fatalf("Skip(%q) && AtEnd() = %v, json.Valid = %v", in, got, want)
	}
	return got
}

func TestSkipMatchesValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"sample", sample, true},
		{"number", " -12.5e3 ", true},
		{"string", `"\u0041"`, true},
		{"64 levels", strings.Repeat("[", 64) + "1" + strings.Repeat("]", 64), true},
		{"invalid UTF-8 in a string", "\"\xff\"", true},
		{"empty", "", false},
		{"leading zero", "01", false},
		{"bare minus", "-", false},
		{"fraction without digits", "1.", false},
		{"exponent without digits", "1e+", false},
		{"bad escape", `"\x"`, false},
		{"short unicode escape", `"\u12"`, false},
		{"control character", "\"a\tb\"", false},
		{"trailing comma", `[1,]`, false},
		{"mismatched close", `[1}`, false},
		{"missing colon", `{"a" 1}`, false},
		{"key not a string", `{1:2}`, false},
		{"two values", `1 2`, false},
		{"bad literal", `nul`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkSkip(t, tt.in); got != tt.want {
				t.Errorf("Skip(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	for i := range sample { // every byte deleted or replaced
		for _, c := range []string{"", `"`, `\`, "{", "}", "[", "]", ",", ":", "0", "-", ".", "e", " ", "\x01", "\xe9"} {
			checkSkip(t, sample[:i]+c+sample[i+1:])
		}
	}
}

func TestSkipRefusesDeeperThan64(t *testing.T) {
	in := "[" + strings.Repeat(`{"a":[`, 32) + "1" + strings.Repeat("]}", 32) + "]" // 65 levels
	if s := New([]byte(in)); s.Skip() {
		t.Errorf("Skip(65 levels) = true, want false")
	}
}

func TestStrMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		in     string
		wantOK bool
	}{
		{`"ICN"`, true},
		{`""`, true},
		{`"un–été"`, true},
		{"\"del\x7f\"", true},
		{`"a\"b"`, false},   // escape: left to encoding/json
		{`"\u0041"`, false}, // escape
		{"\"\xff\"", false}, // encoding/json turns it into U+FFFD
		{"\"a\x01\"", false},
		{`"open`, false},
		{`12`, false},
		{`null`, false},
	}
	for _, tt := range tests {
		s := New([]byte(tt.in))
		var got string
		ok := s.Str(&got) && s.AtEnd()
		if ok != tt.wantOK {
			t.Errorf("Str(%q) ok = %v, want %v", tt.in, ok, tt.wantOK)
			continue
		}
		var want string
		if ok && (json.Unmarshal([]byte(tt.in), &want) != nil || got != want) {
			t.Errorf("Str(%q) = %q, encoding/json gives %q", tt.in, got, want)
		}
	}
}

func TestRawString(t *testing.T) {
	tests := []struct {
		in        string
		want      string
		wantPlain bool
	}{
		{`"plain ASCII, longer than eight bytes"`, "plain ASCII, longer than eight bytes", true},
		{`"a\nb"`, `a\nb`, false},
		{`"é"`, "é", false},
		{`"0123456\"89"`, `0123456\"89`, false},
	}
	for _, tt := range tests {
		s := New([]byte(tt.in))
		got, plain, ok := s.RawString()
		if !ok || string(got) != tt.want || plain != tt.wantPlain || !s.AtEnd() {
			t.Errorf("RawString(%q) = %q, %v, %v; want %q, %v, true", tt.in, got, plain, ok, tt.want, tt.wantPlain)
		}
	}
}

func TestInt64MatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		in     string
		wantOK bool
	}{
		{"0", true},
		{"-0", true},
		{"201", true},
		{" -42", true},
		{"999999999999999999", true}, // 18 digits
		{"1000000000000000000", false},
		{"01", false},
		{"1.0", false},
		{"1e3", false},
		{"-", false},
		{`"1"`, false},
	}
	for _, tt := range tests {
		s := New([]byte(tt.in))
		var got int64
		ok := s.Int64(&got) && s.AtEnd()
		if ok != tt.wantOK {
			t.Errorf("Int64(%q) ok = %v, want %v", tt.in, ok, tt.wantOK)
			continue
		}
		var want int64
		if ok && (json.Unmarshal([]byte(tt.in), &want) != nil || got != want) {
			t.Errorf("Int64(%q) = %d, encoding/json gives %d", tt.in, got, want)
		}
	}
}

func TestBoolAndNull(t *testing.T) {
	for _, tt := range []struct {
		in       string
		want, ok bool
	}{{"true", true, true}, {"false", false, true}, {"tru", false, false}, {"null", false, false}} {
		s := New([]byte(tt.in))
		var got bool
		if ok := s.Bool(&got) && s.AtEnd(); ok != tt.ok || got != tt.want {
			t.Errorf("Bool(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if s := New([]byte(" null")); !s.Null() || !s.AtEnd() {
		t.Errorf("Null(%q) = false, want true", " null")
	}
	if s := New([]byte("nil")); s.Null() {
		t.Errorf("Null(%q) = true, want false", "nil")
	}
}

// object reads {"status":…,"type":…} with Object into a map of what it saw.
func object(in string) (map[string]any, bool) {
	s := New([]byte(in))
	got := map[string]any{}
	ok := s.Object([]string{"status", "type"}, func(f int) bool {
		if f == 0 {
			var n int
			got["status"] = &n
			return s.Int(&n)
		}
		var str string
		got["type"] = &str
		return s.Str(&str)
	}) && s.AtEnd()
	return got, ok
}

func TestObject(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantOK bool
		want   string // status/type read, when ok
	}{
		{"both", `{"status":409,"type":"conflict"}`, true, "409/conflict"},
		{"unknown keys skipped", `{"x":[1,{"y":null}],"status":201,"z":"w"}`, true, "201/"},
		{"empty", `{ }`, true, "0/"},
		{"key in another case", `{"Status":409}`, false, ""},
		{"key given twice", `{"status":409,"status":201}`, false, ""},
		{"escaped key", `{"st\u0061tus":409}`, false, ""},
		{"trailing comma", `{"status":409,}`, false, ""},
		{"not an object", `[409]`, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := object(tt.in)
			if ok != tt.wantOK {
				t.Fatalf("Object(%s) ok = %v, want %v", tt.in, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			var status int
			var typ string
			if p, _ := got["status"].(*int); p != nil {
				status = *p
			}
			if p, _ := got["type"].(*string); p != nil {
				typ = *p
			}
			if g := strings.Join([]string{itoa(status), typ}, "/"); g != tt.want {
				t.Errorf("Object(%s) read %s, want %s", tt.in, g, tt.want)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestAnyObjectAndArray(t *testing.T) {
	s := New([]byte(`[{"create":{"status":201}}, {"index":{}}]`))
	var ops []string
	ok := s.Array(func() bool {
		return s.AnyObject(func(key []byte) bool {
			ops = append(ops, string(key))
			return s.Skip()
		})
	}) && s.AtEnd()
	if !ok || strings.Join(ops, ",") != "create,index" {
		t.Errorf("read ops %v, ok %v; want create,index and true", ops, ok)
	}
	for _, in := range []string{`[1,]`, `[1 2]`, `{"a":1`, `{"a" 1}`} {
		s := New([]byte(in))
		if s.Array(s.Skip) || s.AnyObject(func([]byte) bool { return s.Skip() }) {
			t.Errorf("Array or AnyObject took %q", in)
		}
	}
}

func TestValue(t *testing.T) {
	s := New([]byte(`{"src": {"a":[1, 2]} , "n":1}`))
	var raw string
	ok := s.Object([]string{"src"}, func(int) bool {
		v, ok := s.Value()
		raw = string(v)
		return ok
	})
	if !ok || raw != `{"a":[1, 2]}` {
		t.Errorf("Value() = %q, %v; want %q, true", raw, ok, `{"a":[1, 2]}`)
	}
}
