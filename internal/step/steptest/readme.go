package steptest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Steps are the programs README's exit-code table speaks of.
var Steps = []string{"fetch", "land", "transform", "index", "farepipe run"}

// Row is one row of README's exit-code table: what a step exits with in a
// situation.
type Row struct {
	Step      string
	Situation string
	Code      int
}

// exitSection is the heading of README's exit-code section.
const exitSection = "## Exit codes"

// ReadRows returns the rows of the table in README's exit-code section,
// found by walking up from the working directory to the module root. A
// row must name one of Steps and an exit code 0 to 3.
func ReadRows(t testing.TB) []Row {
	t.Helper()
	path, err := readme()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parseRows(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no exit-code table under %q", path, exitSection)
	}
	return rows
}

// readme returns the path of README.md at the module root.
func readme() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "README.md"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// parseRows reads the table rows of the exit-code section of the README at
// path: `| step | situation | exit |`, the step and the code in backquotes.
func parseRows(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []Row
	in := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == exitSection
			continue
		case !in || !strings.HasPrefix(line, "| `"):
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if len(cells) != 3 {
			return nil, fmt.Errorf("%s:%d: want | step | situation | exit |, got %q", path, n, line)
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		step := strings.Trim(cells[0], "`")
		code, err := strconv.Atoi(strings.Trim(cells[2], "`"))
		if !slices.Contains(Steps, step) || err != nil || code < 0 || code > 3 || cells[1] == "" {
			return nil, fmt.Errorf("%s:%d: want one of %q, a situation and an exit code 0 to 3, got %q", path, n, Steps, line)
		}
		rows = append(rows, Row{Step: step, Situation: cells[1], Code: code})
	}
	return rows, sc.Err()
}

// mismatches compares the cases of step with rows: every row of step must
// be shown by at least one case whose Row is its situation, each such case
// must want the row's code, and every case's Row must be a row of step. It
// returns one sentence a disagreement, sorted.
func mismatches(step string, rows []Row, cases []Case) []string {
	want := map[string]int{}
	for _, r := range rows {
		if r.Step == step {
			want[r.Situation] = r.Code
		}
	}
	var bad []string
	shown := map[string]bool{}
	for _, tc := range cases {
		if tc.Row == "" {
			continue
		}
		code, ok := want[tc.Row]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("case %q shows the row %q of %s, which README's exit-code table lacks", tc.Name, tc.Row, step))
		case code != tc.Want:
			bad = append(bad, fmt.Sprintf("case %q wants exit %d; README's row %q of %s says %d", tc.Name, tc.Want, tc.Row, step, code))
		}
		shown[tc.Row] = true
	}
	for situation, code := range want {
		if !shown[situation] {
			bad = append(bad, fmt.Sprintf("README's exit-code row | %s | %s | %d | has no case in the table of %s", step, situation, code, step))
		}
	}
	slices.Sort(bad)
	return bad
}
