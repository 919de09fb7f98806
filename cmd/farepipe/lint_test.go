package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/step"
)

// lintApp is a cli.App around lintCommand alone, as cmd/farepipe wires it.
func lintApp(out *bytes.Buffer) *cli.App {
	return &cli.App{
		Name:           "farepipe",
		Writer:         out,
		ErrWriter:      out,
		ExitErrHandler: func(*cli.Context, error) {},
		Commands:       []*cli.Command{lintCommand()},
	}
}

func TestLintCommandRepositoryManifests(t *testing.T) {
	var out bytes.Buffer
	err := lintApp(&out).RunContext(context.Background(), []string{"farepipe", "lint", "../../workflows", "../../events"})
	if code := step.ExitCode(err); code != 0 {
		t.Errorf("farepipe lint workflows events: exit %d (%v)\n%s", code, err, out.String())
	}
}

func TestLintCommandExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "farepipe-cron.yaml")
	manifest := `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: farepipe-cron
spec:
  schedules: ["0 * * * *"]
  workflowSpec:
    workflowTemplateRef:
      name: nowhere
`
	if err := os.WriteFile(bad, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want int
		out  []string
	}{
		{"findings", []string{bad}, 1, []string{
			bad + ":5: CronWorkflow \"farepipe-cron\" has no concurrencyPolicy",
			bad + ":7: Argo validation: cannot validate Workflow: WorkflowTemplate \"nowhere\" is not among the linted manifests",
		}},
		{"missing path", []string{filepath.Join(dir, "nope")}, step.ExitUsage, nil},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		err := lintApp(&out).RunContext(context.Background(), append([]string{"farepipe", "lint"}, tc.args...))
		if code := step.ExitCode(err); code != tc.want {
			t.Errorf("%s: farepipe lint %s: exit %d, want %d\n%s", tc.name, strings.Join(tc.args, " "), code, tc.want, out.String())
		}
		for _, want := range tc.out {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: farepipe lint %s printed no %q:\n%s", tc.name, strings.Join(tc.args, " "), want, out.String())
			}
		}
	}
}
