package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/step"
)

// testApp is the farepipe app, with the query commands whether or not
// app wires them in, writing to out.
func testApp(out io.Writer) *cli.App {
	a := app()
	for _, cmd := range []*cli.Command{calendarCommand(), insightCommand(), serveCommand()} {
		if a.Command(cmd.Name) == nil {
			a.Commands = append(a.Commands, cmd)
		}
	}
	a.Writer, a.ErrWriter = out, out
	return a
}

// runApp runs the app with args and returns its exit code and output.
func runApp(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	err := testApp(&out).RunContext(context.Background(), append([]string{"farepipe"}, args...))
	if err == nil {
		return step.ExitOK, out.String()
	}
	out.WriteString(err.Error())
	if strings.HasPrefix(err.Error(), "Required flag") {
		return step.ExitUsage, out.String() // as step.Main maps urfave/cli's own usage errors
	}
	return step.ExitCode(err), out.String()
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestUsageErrorsNameTheFlag runs bad invocations against an unreachable
// Elasticsearch: each must exit 2 naming the flag, before any I/O (which
// would exit 1).
func TestUsageErrorsNameTheFlag(t *testing.T) {
	es := closedPort(t)
	route := []string{"--origin", "ICN", "--destination", "NRT", "--es-url", es}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"inverted dates", append([]string{"calendar", "--from", "2027-02-01", "--to", "2027-01-01"}, route...),
			[]string{"--from/--to", "before from"}},
		{"too many dates", append([]string{"calendar", "--from", "2027-01-01", "--to", "2028-06-01"}, route...),
			[]string{"--from/--to", "at most 366 days"}},
		{"bad view", append([]string{"calendar", "--from", "2027-01-01", "--view-by", "MONTH"}, route...), []string{"--view-by"}},
		{"stay of one-way fares", append([]string{"calendar", "--from", "2027-01-01", "--one-way", "--duration", "3"}, route...),
			[]string{"--duration", "only for round trips"}},
		{"bad max price and age", append([]string{"calendar", "--from", "2027-01-01", "--max-price", "x", "--max-age", "1y"}, route...),
			[]string{"--max-price", "--max-age"}},
		{"bad IATA code", []string{"calendar", "--origin", "I", "--destination", "NRT", "--from", "2027-01-01", "--es-url", es},
			[]string{"--origin"}},
		{"no adults", append([]string{"calendar", "--from", "2027-01-01", "--adults", "0"}, route...), []string{"--adults", "want 1 to 9"}},
		{"too many adults", append([]string{"insight", "--date", "2027-01", "--adults", "10"}, route...), []string{"--adults", "want 1 to 9"}},
		{"insight of a range", append([]string{"insight", "--date", "2027-01-01,2027-01-05"}, route...), []string{"--date"}},
		{"insight without a date", route[:4], []string{"date"}},
		{"insight of a bad price", append([]string{"insight", "--date", "2027-01", "--price", "cheap"}, route...), []string{"--price"}},
		{"serve on a bad address", []string{"serve", "--listen", "localhost", "--es-url", es}, []string{"--listen"}},
		{"serve without a timeout", []string{"serve", "--request-timeout", "0s", "--es-url", es}, []string{"--request-timeout"}},
		{"serve with a bad prefix", []string{"serve", "--index-prefix", "Fares", "--es-url", es}, []string{"--index-prefix"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.name == "insight without a date" {
				args = append([]string{"insight"}, route...)
			}
			code, out := runApp(t, args...)
			if code != step.ExitUsage {
				t.Errorf("farepipe %s: exit %d, want 2:\n%s", strings.Join(args, " "), code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("farepipe %s: output lacks %q:\n%s", strings.Join(args, " "), w, out)
				}
			}
		})
	}
}

func TestQueriesAgainstAnUnreachableElasticsearchAreRetryable(t *testing.T) {
	es := closedPort(t)
	for _, args := range [][]string{
		{"calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-01-01", "--es-url", es},
		{"insight", "--origin", "ICN", "--destination", "NRT", "--date", "2027-01", "--es-url", es},
	} {
		if code, out := runApp(t, args...); code != step.ExitRetryable {
			t.Errorf("farepipe %s: exit %d, want 1:\n%s", strings.Join(args, " "), code, out)
		}
	}
}
