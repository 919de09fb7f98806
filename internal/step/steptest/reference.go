package steptest

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// Programs are the programs whose flags README's configuration reference
// lists.
var Programs = []string{"fetch", "land", "transform", "index", "farepipe run", "farepipe ingest", "farepipe serve"}

// Option is one flag as README's configuration reference lists it.
type Option struct {
	Flag    string   // without dashes
	Env     []string // environment variables, in order
	Default string   // the first value in backquotes of the default cell, else the cell
	Line    int      // where in README
}

// referenceSection is the heading of README's configuration reference.
const referenceSection = "## Configuration reference"

// programsMarker starts the comment before a table that says whose flags
// it lists: <!-- flags of: fetch, farepipe run -->.
const programsMarker = "<!-- flags of:"

var backquoted = regexp.MustCompile("`([^`]*)`")

// parseReference reads the tables of the configuration reference of the
// README at path and returns the options of each program. Each table is
// preceded by a programsMarker comment naming programs among Programs;
// its rows are `| flag(s) | env(s) | default | meaning |`. A row with
// several flags gives their env vars in the same order.
func parseReference(path string) (map[string][]Option, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opts := map[string][]Option{}
	in, table := false, false
	var programs []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			in, programs = line == referenceSection, nil
		case !in:
		case strings.HasPrefix(line, programsMarker):
			programs = nil
			list := strings.TrimSuffix(strings.TrimPrefix(line, programsMarker), "-->")
			for _, p := range strings.Split(list, ",") {
				p = strings.TrimSpace(p)
				if !slices.Contains(Programs, p) {
					return nil, fmt.Errorf("%s:%d: %q is none of %q", path, n, p, Programs)
				}
				programs = append(programs, p)
			}
		case strings.HasPrefix(line, "| `--"):
			table = true
			if programs == nil {
				return nil, fmt.Errorf("%s:%d: a table of flags without a %q comment before it", path, n, programsMarker+" ... -->")
			}
			row, err := parseOptions(line, n)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, n, err)
			}
			for _, p := range programs {
				opts[p] = append(opts[p], row...)
			}
		case strings.HasPrefix(line, "|"):
		case line == "" && !table:
		default:
			programs, table = nil, false // the table the marker spoke of has ended
		}
	}
	return opts, sc.Err()
}

// parseOptions reads one row of a table of flags.
func parseOptions(line string, n int) ([]Option, error) {
	cells := strings.Split(strings.Trim(line, "|"), "|")
	if len(cells) < 3 {
		return nil, fmt.Errorf("want | flag | env | default | meaning |, got %q", line)
	}
	var flags, envs []string
	for _, m := range backquoted.FindAllStringSubmatch(cells[0], -1) {
		flags = append(flags, strings.TrimPrefix(m[1], "--"))
	}
	for _, m := range backquoted.FindAllStringSubmatch(cells[1], -1) {
		envs = append(envs, m[1])
	}
	def := strings.TrimSpace(cells[2])
	if m := backquoted.FindStringSubmatch(cells[2]); m != nil {
		def = m[1]
	}
	if len(flags) > 1 && len(envs) != 0 && len(envs) != len(flags) {
		return nil, fmt.Errorf("%d flags and %d env vars in %q", len(flags), len(envs), line)
	}
	var opts []Option
	for i, fl := range flags {
		o := Option{Flag: fl, Default: def, Line: n, Env: envs}
		if len(flags) > 1 && len(envs) > 0 {
			o.Env = envs[i : i+1]
		}
		opts = append(opts, o)
	}
	return opts, nil
}

// builtIn are the flags urfave/cli adds to every program.
var builtIn = []string{"help", "version"}

// referenceMismatches compares the flags of program with the options
// README lists for it: every flag must be listed with its env vars and,
// when its default is not the zero value, that default; every option
// listed must be a flag. It returns one sentence a disagreement.
func referenceMismatches(program string, flags []cli.Flag, opts []Option) []string {
	var bad []string
	listed := map[string]Option{}
	for _, o := range opts {
		if prev, ok := listed[o.Flag]; ok {
			bad = append(bad, fmt.Sprintf("README lists --%s of %s twice (lines %d and %d)", o.Flag, program, prev.Line, o.Line))
		}
		listed[o.Flag] = o
	}
	known := map[string]bool{}
	for _, f := range flags {
		name := f.Names()[0]
		known[name] = true
		o, ok := listed[name]
		if !ok {
			bad = append(bad, fmt.Sprintf("--%s of %s is not in README's configuration reference", name, program))
			continue
		}
		env, def := describe(f)
		if !slices.Equal(o.Env, env) {
			bad = append(bad, fmt.Sprintf("README:%d: --%s of %s: env %q, want %q", o.Line, name, program, o.Env, env))
		}
		if def != "" && !sameValue(o.Default, def) {
			bad = append(bad, fmt.Sprintf("README:%d: --%s of %s: default %q, want %q", o.Line, name, program, o.Default, def))
		}
	}
	for _, o := range opts {
		if !known[o.Flag] && !slices.Contains(builtIn, o.Flag) {
			bad = append(bad, fmt.Sprintf("README:%d: --%s is no flag of %s", o.Line, o.Flag, program))
		}
	}
	return bad
}

// describe returns the env vars of f and its default, "" when the default
// is the zero value of its type (empty, 0, false, 0s).
func describe(f cli.Flag) (env []string, def string) {
	d, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return nil, ""
	}
	env = d.GetEnvVars()
	def = d.GetValue()
	if b, ok := f.(*cli.BoolFlag); ok {
		def = strconv.FormatBool(b.Value)
	}
	switch def {
	case "", "0", "false", "0s", `""`:
		def = ""
	}
	return env, strings.Trim(def, `"`)
}

// sameValue reports whether README's default a is the flag's default b,
// durations compared by length (60s is 1m0s).
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	da, errA := time.ParseDuration(a)
	db, errB := time.ParseDuration(b)
	return errA == nil && errB == nil && da == db
}

// Reference checks the flags of program against README's configuration
// reference (see referenceMismatches).
func Reference(t *testing.T, program string, flags []cli.Flag) {
	t.Helper()
	if !slices.Contains(Programs, program) {
		t.Fatalf("%q is none of %q", program, Programs)
	}
	path, err := readme()
	if err != nil {
		t.Fatal(err)
	}
	opts, err := parseReference(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts[program]) == 0 {
		t.Fatalf("%s: no table of flags of %s under %q", path, program, referenceSection)
	}
	for _, m := range referenceMismatches(program, flags, opts[program]) {
		t.Error(m)
	}
}
