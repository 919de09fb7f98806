package main

import (
	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/version"
)

func app() *cli.App {
	return &cli.App{
		Name:            "farepipe",
		Usage:           "collect flight fares into deduplicated price series and query them",
		Version:         version.String(),
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
		OnUsageError:    func(_ *cli.Context, err error, _ bool) error { return step.Usage(err) },
		Commands:        []*cli.Command{runCommand(), ingestCommand(), calendarCommand(), insightCommand(), serveCommand(), repairCommand(), esCommand(), lintCommand()},
	}
}
