package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/step"
)

func esCommand() *cli.Command {
	flags := append(step.ESFlags(), step.LogFlags()...)
	return &cli.Command{
		Name:  "es",
		Usage: "show, provision and prune what farepipe keeps in Elasticsearch",
		Subcommands: []*cli.Command{
			{
				Name:   "status",
				Usage:  "show the index templates and every index with its documents and size",
				Flags:  append([]cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON instead of a table"}}, flags...),
				Action: esStatus,
			},
			{
				Name:   "apply",
				Usage:  "create or upgrade the index templates without indexing anything (index does it on its first run)",
				Flags:  flags,
				Action: esApply,
			},
			{
				Name: "prune",
				Usage: "delete the change log's monthly indices whose month ended more than --retention ago " +
					"(the latest index, with every series' history and current price, is kept)",
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "retention", Value: "400d", EnvVars: []string{"FAREPIPE_RETENTION"},
						Usage: "keep the months that ended less than this long ago, e.g. 400d or 9600h"},
					&cli.BoolFlag{Name: "dry-run", Usage: "print what would be deleted and delete nothing"},
				}, flags...),
				Action: esPrune,
			},
		},
	}
}

// esTarget is the index prefix and Elasticsearch client the flags name.
func esTarget(c *cli.Context) (string, *elasticsearch.Client, error) {
	prefix, err := step.IndexPrefix(c)
	if err != nil {
		return "", nil, err
	}
	es, err := step.ESClient(c)
	return prefix, es, err
}

func esStatus(c *cli.Context) error {
	prefix, es, err := esTarget(c)
	if err != nil {
		return err
	}
	st, err := esindex.ReadStatus(c.Context, es, prefix)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return json.NewEncoder(c.App.Writer).Encode(st)
	}
	printStatus(c.App.Writer, st)
	return nil
}

func printStatus(w io.Writer, st esindex.Status) {
	for _, name := range []string{st.Prefix + "-observations", st.Prefix + "-latest"} {
		if v := st.Templates[name]; v > 0 {
			fmt.Fprintf(w, "template %s: version %d (this farepipe writes %d)\n", name, v, esindex.TemplateVersion)
		} else {
			fmt.Fprintf(w, "template %s: none (index or es apply creates it)\n", name)
		}
	}
	if len(st.Indices) == 0 {
		fmt.Fprintf(w, "no indices under %s-*\n", st.Prefix)
		return
	}
	fmt.Fprintf(w, "%-40s %12s %12s  %s\n", "INDEX", "DOCUMENTS", "BYTES", "HEALTH")
	var docs, size int64
	for _, ix := range st.Indices {
		fmt.Fprintf(w, "%-40s %12d %12d  %s\n", ix.Name, ix.Docs, ix.Bytes, ix.Health)
		docs, size = docs+ix.Docs, size+ix.Bytes
	}
	fmt.Fprintf(w, "%-40s %12d %12d\n", fmt.Sprintf("%d indices", len(st.Indices)), docs, size)
}

func esApply(c *cli.Context) error {
	prefix, es, err := esTarget(c)
	if err != nil {
		return err
	}
	if err := esindex.EnsureTemplates(c.Context, es, prefix); err != nil {
		return err
	}
	st, err := esindex.ReadStatus(c.Context, es, prefix)
	if err != nil {
		return err
	}
	printStatus(c.App.Writer, st)
	return nil
}

func esPrune(c *cli.Context) error {
	v := c.String("retention")
	retention, err := parseRetention(v)
	if err != nil {
		return step.Usagef("--retention %q: %v", v, err)
	}
	prefix, es, err := esTarget(c)
	if err != nil {
		return err
	}
	st, err := esindex.ReadStatus(c.Context, es, prefix)
	if err != nil {
		return err
	}
	cutoff := time.Now().UTC().Add(-retention)
	expired := st.Expired(cutoff)
	verb := "deleted"
	if c.Bool("dry-run") {
		verb = "would delete"
	}
	var names []string
	for _, ix := range expired {
		names = append(names, ix.Name)
		fmt.Fprintf(c.App.Writer, "%s %s (%d documents, %d bytes)\n", verb, ix.Name, ix.Docs, ix.Bytes)
	}
	if !c.Bool("dry-run") {
		// First the floor, so that no index run writes to a month being
		// deleted (a change point left pending would bring it back).
		if err := esindex.SetFloor(c.Context, es, prefix, cutoff); err != nil {
			return err
		}
		if err := esindex.DeleteIndices(c.Context, es, names); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.App.Writer, "%s %d change-log indices of months that ended before %s\n", verb, len(names), cutoff.Format(time.DateOnly))
	return nil
}

// parseRetention reads a retention in days (400d) or any Go duration of
// at least an hour.
func parseRetention(v string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(v, "d"); ok {
		var days int
		if _, err := fmt.Sscan(n, &days); err != nil || fmt.Sprint(days) != n {
			return 0, fmt.Errorf("want a whole number of days such as 400d, or a duration such as 9600h")
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("want a whole number of days such as 400d, or a duration such as 9600h")
		}
	}
	if d < time.Hour {
		return 0, fmt.Errorf("want at least an hour")
	}
	return d, nil
}
