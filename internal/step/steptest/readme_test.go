package steptest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseRows(t *testing.T) {
	got, err := parseRows("testdata/README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{"land", "done", 0}, {"land", "S3 down", 1},
		{"farepipe run", "every record invalid", 3}, {"index", "after a blank line, still the table", 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseRows(testdata/README.md) = %v, want %v", got, want)
	}
}

func TestParseRowsRefusesBadRows(t *testing.T) {
	for _, row := range []string{
		"| `lander` | done | `0` |",
		"| `land` | done | `4` |",
		"| `land` | done | zero |",
		"| `land` | | `0` |",
		"| `land` | done |",
	} {
		path := filepath.Join(t.TempDir(), "README.md")
		if err := os.WriteFile(path, []byte("## Exit codes\n\n"+row+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if rows, err := parseRows(path); err == nil || !strings.Contains(err.Error(), ":3:") {
			t.Errorf("parseRows(%q) = %v, %v; want an error naming line 3", row, rows, err)
		}
	}
}

func TestMismatches(t *testing.T) {
	rows := []Row{{"land", "done", 0}, {"land", "S3 down", 1}, {"land", "bad batch", 3}, {"index", "done", 0}}
	cases := []Case{
		{Name: "landed", Want: 0, Row: "done"},
		{Name: "landed again", Want: 0, Row: "done"},
		{Name: "s3 down", Want: 2, Row: "S3 down"},
		{Name: "frozen", Want: 1, Row: "S3 frozen"},
		{Name: "unknown flag", Want: 2},
	}
	got := mismatches("land", rows, cases)
	want := []string{
		`README's exit-code row | land | bad batch | 3 | has no case in the table of land`,
		`case "frozen" shows the row "S3 frozen" of land, which README's exit-code table lacks`,
		`case "s3 down" wants exit 2; README's row "S3 down" of land says 1`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mismatches = %q\nwant %q", got, want)
	}
}
