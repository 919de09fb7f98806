package integration

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// modulePath is the import path of the module.
const modulePath = "github.com/farepipe/farepipe/"

// layoutName is how README's layout table names an importer: the package
// below internal/, or the layer of a binary or script.
func layoutName(pkg string) string {
	rel := strings.TrimPrefix(pkg, modulePath)
	for _, layer := range []string{"steps", "cmd", "hack"} {
		if strings.HasPrefix(rel, layer+"/") {
			return layer
		}
	}
	return strings.TrimPrefix(rel, "internal/")
}

// TestReadmeLayoutMatchesImports checks README's layout table against
// the packages of the module (go list): a row for every package of
// steps/, cmd/ and internal/, and in its last column exactly the packages
// (or layers) that import it, tests left out. It also checks the rule the
// table is ordered by: nothing under internal/ imports steps/ or cmd/, and
// fare imports nothing of the module.
func TestReadmeLayoutMatchesImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	importers := map[string][]string{} // package → names of its importers
	var packages []string
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		rel := strings.TrimPrefix(f[0], modulePath)
		if strings.HasPrefix(rel, "steps/") || strings.HasPrefix(rel, "cmd/") || strings.HasPrefix(rel, "internal/") {
			packages = append(packages, rel)
		}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, modulePath) {
				to := strings.TrimPrefix(imp, modulePath)
				if rel == "internal/fare" || strings.HasPrefix(rel, "internal/") && (strings.HasPrefix(to, "steps/") || strings.HasPrefix(to, "cmd/")) {
					t.Errorf("%s imports %s: imports point one way", rel, to)
				}
				if n := layoutName(f[0]); !slices.Contains(importers[to], n) {
					importers[to] = append(importers[to], n)
				}
			}
		}
	}

	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	in := false
	for sc := bufio.NewScanner(bytes.NewReader(readme)); sc.Scan(); {
		line := sc.Text()
		if line == "| layer | package | owns | imported by |" {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 4 {
			t.Errorf("README layout row %q: want 4 cells", line)
			continue
		}
		pkg := strings.Trim(strings.TrimSpace(cells[1]), "`")
		var by []string
		if c := strings.TrimSpace(cells[3]); c != "—" {
			for _, name := range strings.Split(c, ",") {
				by = append(by, strings.Trim(strings.TrimSpace(name), "`"))
			}
		}
		rows[pkg] = by
	}
	if len(rows) == 0 {
		t.Fatal("README has no layout table (a header | layer | package | owns | imported by |)")
	}
	for _, pkg := range packages {
		by, ok := rows[pkg]
		if !ok {
			t.Errorf("README layout table has no row for %s", pkg)
			continue
		}
		want := importers[pkg]
		slices.Sort(want)
		got := slices.Sorted(slices.Values(by))
		if !slices.Equal(got, want) {
			t.Errorf("README layout: %s is imported by %q, the table says %q", pkg, want, by)
		}
	}
	for pkg := range rows {
		if !slices.Contains(packages, pkg) {
			t.Errorf("README layout table has a row for %s, which is no package", pkg)
		}
	}
}
