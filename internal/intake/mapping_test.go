package intake

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseMappingFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseMapping("m", body)
			if strings.HasSuffix(f, ".good.yaml") {
				if err != nil {
					t.Errorf("ParseMapping(%s) = %v, want nil", f, err)
				}
				return
			}
			want := wantLine(body)
			if want == "" {
				t.Fatalf("%s has no '# want: ' line", f)
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ParseMapping(%s) = %v, want an error containing %q", f, err, want)
			}
		})
	}
}

func wantLine(body []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if w, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
			return w
		}
	}
	return ""
}

func TestLoadMappingsDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"rows.good.yaml", "constants.good.yaml"} {
		body, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, strings.TrimSuffix(f, ".good.yaml")+".yaml"), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("not a mapping"), 0o644); err != nil {
		t.Fatal(err)
	}
	maps, err := LoadMappings(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range maps {
		names = append(names, m.Name)
	}
	if got := strings.Join(names, ","); got != "constants,rows" {
		t.Errorf("LoadMappings(dir) names = %s, want constants,rows", got)
	}

	empty := t.TempDir()
	if maps, err := LoadMappings(empty); err != nil || len(maps) != 0 {
		t.Errorf("LoadMappings(empty dir) = %d mappings, %v; want none and no error", len(maps), err)
	}
	if _, err := LoadMappings(filepath.Join(dir, "nope.yaml")); err == nil {
		t.Error("LoadMappings(missing file) = nil error")
	}
}

// TestLoadMappingsConfigMap reads a directory laid out as the kubelet
// mounts a ConfigMap: each file a link through ..data into a hidden
// directory of the current version.
func TestLoadMappingsConfigMap(t *testing.T) {
	dir := t.TempDir()
	version := filepath.Join(dir, "..2026_11_21_06_00_00.000000001")
	if err := os.Mkdir(version, 0o755); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "rows.good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(version, "faresnap.yaml"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Base(version), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..data", "faresnap.yaml"), filepath.Join(dir, "faresnap.yaml")); err != nil {
		t.Fatal(err)
	}
	maps, err := LoadMappings(dir)
	if err != nil || len(maps) != 1 || maps[0].Name != "faresnap" || maps[0].Source != "faresnap" {
		t.Fatalf("LoadMappings(ConfigMap dir) = %v, %v; want the one mapping faresnap", maps, err)
	}
}

func TestSelectMapping(t *testing.T) {
	rows := mustMapping(t, "rows")           // match incoming/faresnap/
	constants := mustMapping(t, "constants") // no match
	other := mustMapping(t, "constants")
	other.Name = "other"
	csvCols := []string{"from", "to", "depart", "back", "price", "ccy", "airline", "class", "stops", "pax", "seen"}
	botCols := []string{"orig", "dest", "date", "total", "cxr", "direct"}
	tests := []struct {
		name    string
		maps    []*Mapping
		key     string
		columns []string
		want    string // mapping name; empty: none, and why contains whyHas
		whyHas  string
	}{
		{"by columns", []*Mapping{rows, constants}, "incoming/faresnap/a.csv", csvCols, "rows", ""},
		{"by columns, other crawler", []*Mapping{rows, constants}, "incoming/faresnap/a.csv", botCols, "constants", ""},
		{"match refuses the key", []*Mapping{rows}, "incoming/other/a.csv", csvCols, "", "mapping rows is for keys under [incoming/faresnap/]"},
		{"match after a bucket prefix", []*Mapping{rows}, "prod/incoming/faresnap/a.csv", csvCols, "rows", ""},
		{"match only at a segment", []*Mapping{rows}, "xincoming/faresnap/a.csv", csvCols, "", "is for keys under"},
		{"missing columns named", []*Mapping{constants}, "x.csv", []string{"orig", "dest"}, "", "mapping constants needs columns [cxr, date, direct, total]"},
		{"no mapping", nil, "x.csv", csvCols, "", "no mapping given"},
		{"ambiguous", []*Mapping{constants, other}, "x.csv", botCols, "", "mappings constants and other all fit"},
		{"longest prefix wins", []*Mapping{constants, withMatch(other, "incoming/bot/")}, "incoming/bot/x.ndjson", botCols, "other", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, why := selectMapping(tt.maps, tt.key, tt.columns)
			switch {
			case tt.want != "" && (m == nil || m.Name != tt.want):
				t.Errorf("selectMapping = %v (%s), want %s", m, why, tt.want)
			case tt.want == "" && (m != nil || !strings.Contains(why, tt.whyHas)):
				t.Errorf("selectMapping = %v, %q; want none, why containing %q", m, why, tt.whyHas)
			}
		})
	}
}

func withMatch(m *Mapping, prefix string) *Mapping {
	c := *m
	c.Match = []string{prefix}
	return &c
}

func mustMapping(t testing.TB, name string) *Mapping {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name+".good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMapping(name, body)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
