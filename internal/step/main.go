package step

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/version"
)

// Common flag names shared by the steps.
const (
	FlagLogLevel  = "log-level"
	FlagOutputDir = "output-dir"
)

// LogFlags are the flags of every command that logs: the step binaries
// and farepipe's commands.
func LogFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagLogLevel, Value: "info", EnvVars: []string{"FAREPIPE_LOG_LEVEL"},
			Usage: "log level: debug, info, warn or error"},
	}
}

// CommonFlags are the flags every step binary has: LogFlags and where to
// write its Argo output parameters.
func CommonFlags() []cli.Flag {
	return append(LogFlags(),
		&cli.StringFlag{Name: FlagOutputDir, EnvVars: []string{"FAREPIPE_OUTPUT_DIR"},
			Usage: "directory to write Argo output parameters to, one file each (none when empty)"})
}

// NewApp returns a cli.App with farepipe's common settings: version, usage
// errors mapped to exit code 2, no exit from inside the library.
func NewApp(name, usage string, flags []cli.Flag, action cli.ActionFunc) *cli.App {
	return &cli.App{
		Name:            name,
		Usage:           usage,
		Version:         version.String(),
		Flags:           append(flags, CommonFlags()...),
		Action:          action,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // exit codes are Main's job
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return Usage(err)
		},
	}
}

// Logger builds the JSON logger of a step on w from the --log-level flag,
// with the step name as a stable field.
func Logger(c *cli.Context, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.String(FlagLogLevel))); err != nil {
		return nil, Usagef("--%s %q: want debug, info, warn or error", FlagLogLevel, c.String(FlagLogLevel))
	}
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})
	return slog.New(h).With("step", c.App.Name), nil
}

// OutputsOf returns the output parameter writer of the --output-dir flag.
func OutputsOf(c *cli.Context) Outputs { return Outputs{Dir: c.String(FlagOutputDir)} }

// Main runs app with a root context cancelled on SIGINT or SIGTERM and
// returns the exit code. The error, if any, is written once to stderr as a
// JSON log line with its exit code.
func Main(app *cli.App, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := app.RunContext(ctx, args)
	if err == nil {
		return ExitOK
	}
	code := ExitCode(err)
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil)).With("step", app.Name)
	log.Error(strings.TrimSpace(err.Error()), "exit_code", code)
	if code == ExitUsage {
		fmt.Fprintf(os.Stderr, "Run '%s --help' for usage.\n", app.Name)
	}
	return code
}
