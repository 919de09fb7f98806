// Package steptest runs a step binary's app in process, as its main would,
// for the tests of the steps' exit codes.
package steptest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/testenv"
)

// Result is what one run of a step did.
type Result struct {
	Code int           // the exit code step.Main would exit with
	Out  string        // standard output and error, then the error returned
	Took time.Duration // how long the run took
}

// Run runs app with args (without the program name) and logs at level
// error; when args start with a command of app, the command does. The run
// is cancelled after a minute, so that a step that hangs fails the test
// instead of hanging it.
func Run(t testing.TB, app *cli.App, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	app.Writer, app.ErrWriter = &out, &out
	start := time.Now()
	level := []string{"--" + step.FlagLogLevel, "error"}
	if len(args) > 0 && app.Command(args[0]) != nil {
		level = append([]string{args[0]}, level...) // the flag is the command's
		args = args[1:]
	}
	err := app.RunContext(ctx, append(append([]string{app.Name}, level...), args...))
	took := time.Since(start)
	if err != nil {
		out.WriteString(err.Error())
	}
	return Result{Code: step.ExitCode(err), Out: out.String(), Took: took}
}

// Case is one run of a step and the exit code it must end with.
type Case struct {
	Name string
	Args []string
	Env  map[string]string // set for this run only
	Want int
	// Row is the situation of README's exit-code table this case shows;
	// empty for a case the table does not speak of.
	Row string
}

// ExitCodes runs each case as a subtest on an app from newApp and checks
// its exit code, and checks the cases against the rows of README's
// exit-code table for the app's name (see checkRows).
func ExitCodes(t *testing.T, newApp func() *cli.App, cases []Case) {
	t.Helper()
	StepExitCodes(t, newApp().Name, newApp, cases)
}

// StepExitCodes is ExitCodes for the step README calls step, such as
// "farepipe run", whose cases' Args start with the subcommand.
func StepExitCodes(t *testing.T, step string, newApp func() *cli.App, cases []Case) {
	t.Helper()
	for _, m := range mismatches(step, ReadRows(t), cases) {
		t.Error(m)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			for k, v := range tc.Env {
				t.Setenv(k, v)
			}
			app := newApp()
			if r := Run(t, app, tc.Args...); r.Code != tc.Want {
				t.Errorf("%s %s: exit %d, want %d\n%s", app.Name, strings.Join(tc.Args, " "), r.Code, tc.Want, r.Out)
			}
		})
	}
}

// S3 puts the credentials of the test environment's S3 service in the
// environment of the test, as a pod has them, and returns the service and
// the flags that reach it.
func S3(t *testing.T) (testenv.S3Env, []string) {
	t.Helper()
	env := testenv.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", env.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", env.SecretKey)
	t.Setenv("AWS_REGION", env.Region)
	return env, []string{"--s3-endpoint", env.Endpoint}
}
