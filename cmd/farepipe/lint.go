package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/lint"
	"github.com/farepipe/farepipe/internal/step"
)

// defaultLintPaths are the manifests farepipe lint checks when given none.
var defaultLintPaths = []string{"workflows", "events", "deploy/base", "deploy/overlays"}

// lintCommand checks the Argo manifests. Its exit code follows linters
// (go vet, argo lint) rather than the steps: 0 clean, 1 findings, 2 usage
// (a path that does not exist).
func lintCommand() *cli.Command {
	return &cli.Command{
		Name:      "lint",
		Usage:     "check the Argo Workflows and Argo Events manifests (default: workflows/, events/, deploy/base and deploy/overlays/)",
		ArgsUsage: "[PATH...]",
		Description: "Decodes every resource strictly, runs Argo Workflows' validation with templateRefs resolved\n" +
			"between the files, and applies farepipe's rules (retries, deadlines, resources, security\n" +
			"context, garbage collection, cron concurrency, no literal secrets; a Deployment's probes,\n" +
			"resources and security context). Every kustomization in a directory named overlays is also\n" +
			"rendered with kustomize and its output checked as one set. Prints file:line: message for\n" +
			"each finding and exits 1 when there is any.",
		Action: runLint,
	}
}

func runLint(c *cli.Context) error {
	paths := c.Args().Slice()
	if len(paths) == 0 {
		paths = defaultLintPaths
	}
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return step.Usagef("lint: %s does not exist", p)
		}
	}
	findings, err := lint.Paths(c.Context, paths...)
	if err != nil {
		return err
	}
	for _, f := range findings {
		fmt.Fprintln(c.App.Writer, f)
	}
	if len(findings) > 0 {
		// Unmarked errors exit 1, which is lint's "findings".
		return fmt.Errorf("lint: %d finding(s) in %v", len(findings), paths)
	}
	return nil
}
