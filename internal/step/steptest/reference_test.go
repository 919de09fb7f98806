package steptest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

func TestParseReference(t *testing.T) {
	got, err := parseReference("testdata/README.md")
	if err != nil {
		t.Fatal(err)
	}
	logLevel := Option{Flag: "log-level", Env: []string{"FAREPIPE_LOG_LEVEL"}, Default: "info", Line: 22}
	want := map[string][]Option{
		"index": {logLevel, {Flag: "version", Line: 23}, {Flag: "help", Line: 23}},
		"land": {logLevel, {Flag: "version", Line: 23}, {Flag: "help", Line: 23},
			{Flag: "to", Env: []string{"FAREPIPE_TO"}, Default: "(required)", Line: 30},
			{Flag: "from", Env: []string{"FAREPIPE_FROM"}, Line: 31},
			{Flag: "until", Env: []string{"FAREPIPE_UNTIL"}, Line: 31},
			{Flag: "timeout", Env: []string{"FAREPIPE_TIMEOUT"}, Default: "60s", Line: 32},
			{Flag: "refresh", Env: []string{"FAREPIPE_REFRESH"}, Default: "true", Line: 33}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseReference(testdata/README.md) =\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseReferenceRefusesBadTables(t *testing.T) {
	for name, text := range map[string]string{
		"no marker":         "| `--to` | `FAREPIPE_TO` | | |\n",
		"unknown program":   "<!-- flags of: land, lander -->\n| `--to` | `FAREPIPE_TO` | | |\n",
		"env vars unpaired": "<!-- flags of: land -->\n| `--from`, `--to` | `FAREPIPE_FROM` | | |\n",
	} {
		path := filepath.Join(t.TempDir(), "README.md")
		if err := os.WriteFile(path, []byte(referenceSection+"\n\n"+text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := parseReference(path); err == nil || !strings.Contains(err.Error(), "README.md:") {
			t.Errorf("%s: parseReference = %v, want an error naming the line", name, err)
		}
	}
}

func TestReferenceMismatches(t *testing.T) {
	opts := []Option{
		{Flag: "to", Env: []string{"FAREPIPE_TO"}, Default: "(required)", Line: 1},
		{Flag: "timeout", Env: []string{"FAREPIPE_TIMEOUT"}, Default: "60s", Line: 2},
		{Flag: "refresh", Env: []string{"FAREPIPE_REFRESH"}, Default: "false", Line: 3},
		{Flag: "level", Env: []string{"LEVEL"}, Default: "info", Line: 4},
		{Flag: "gone", Line: 5},
		{Flag: "help", Line: 6},
	}
	flags := []cli.Flag{
		&cli.StringFlag{Name: "to", Required: true, EnvVars: []string{"FAREPIPE_TO"}},
		&cli.DurationFlag{Name: "timeout", Value: time.Minute, EnvVars: []string{"FAREPIPE_TIMEOUT"}},
		&cli.BoolFlag{Name: "refresh", Value: true, EnvVars: []string{"FAREPIPE_REFRESH"}},
		&cli.StringFlag{Name: "level", Value: "info", EnvVars: []string{"FAREPIPE_LEVEL"}},
		&cli.IntFlag{Name: "budget", EnvVars: []string{"FAREPIPE_BUDGET"}},
	}
	got := referenceMismatches("land", flags, opts)
	want := []string{
		`README:3: --refresh of land: default "false", want "true"`,
		`README:4: --level of land: env ["LEVEL"], want ["FAREPIPE_LEVEL"]`,
		`--budget of land is not in README's configuration reference`,
		`README:5: --gone is no flag of land`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("referenceMismatches =\n%q\nwant\n%q", got, want)
	}
}
