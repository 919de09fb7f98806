package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/intake"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/s3event"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/transform"
)

// rawObject is one raw object chosen by --event or --prefix, as the
// objects output parameter lists it for an Argo withParam loop
// ({{item.bucket}}, {{item.key}}; Argo names each child after its item).
type rawObject struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	URI    string `json:"-"`
}

// selectEvent returns the objects created in the notification of --event,
// each once. A notification that creates nothing (an s3:TestEvent, a
// removal) yields none. One that names an object outside buckets or under an output area is a data
// error naming every such object, and selects nothing.
func selectEvent(c *cli.Context, buckets []string) ([]rawObject, int, error) {
	body, err := readEvent(c)
	if err != nil {
		return nil, 0, err
	}
	all, err := s3event.Parse(body)
	if err != nil {
		return nil, 0, fmt.Errorf("reading event notification: %w", err)
	}
	objs := []rawObject{}
	var refused []error
	for _, o := range s3event.Created(all) {
		if err := transform.CheckInput(objstore.URI{Scheme: "s3", Bucket: o.Bucket, Key: o.Key}, buckets); err != nil {
			refused = append(refused, err)
			continue
		}
		objs = append(objs, rawObject{Bucket: o.Bucket, Key: o.Key, URI: o.URI()})
	}
	if len(refused) > 0 {
		return nil, len(all), fmt.Errorf("refusing the event notification: %w", errors.Join(refused...))
	}
	return objs, len(all), nil
}

// readEvent returns the notification of --event: the JSON itself when the
// value starts with "{", standard input for "-", else the file it names.
func readEvent(c *cli.Context) ([]byte, error) {
	v := c.String("event")
	switch {
	case strings.HasPrefix(strings.TrimSpace(v), "{"):
		return []byte(v), nil
	case v == "-":
		body, err := io.ReadAll(c.App.Reader)
		if err != nil {
			return nil, fmt.Errorf("reading event notification from stdin: %w", err)
		}
		return body, nil
	default:
		body, err := os.ReadFile(v)
		if err != nil {
			return nil, step.Usagef("--event: %w", err)
		}
		return body, nil
	}
}

// rawSuffixes are the names of raw objects: farepipe's batches (NDJSON)
// and what other producers write (plain answers, fare rows); other
// objects under a prefix are not selected.
var rawSuffixes = []string{".ndjson.gz", ".ndjson", ".json.gz", ".json", ".csv.gz", ".csv"}

// selectPrefix returns the raw batches under the --prefix URI, in key
// order, limited to the date=YYYY-MM-DD partitions from --from to --to
// when either is set. Objects under farepipe's output areas are not raw
// batches and are left out; a prefix outside buckets or under an output area is a data error.
func selectPrefix(c *cli.Context, buckets []string) ([]rawObject, int, error) {
	from, to := c.String("from"), c.String("to")
	for _, f := range []string{"from", "to"} {
		if d := c.String(f); d != "" {
			if _, err := time.Parse(fare.DateLayout, d); err != nil {
				return nil, 0, step.Usagef("--%s %q: want a date such as 2026-11-21", f, d)
			}
		}
	}
	if from != "" && to != "" && to < from {
		return nil, 0, step.Usagef("--to %s is before --from %s", to, from)
	}
	u, err := objstore.ParseURI(c.String("prefix"))
	if err != nil {
		return nil, 0, step.Usagef("--prefix: %w", err)
	}
	dir := u // the prefix as a directory, checked as an object in it
	dir.Key = path.Join(u.Key, "*")
	if err := transform.CheckInput(dir, buckets); err != nil {
		return nil, 0, err
	}
	st, prefix, err := step.OpenInput(c, "prefix")
	if err != nil {
		return nil, 0, err
	}
	objs := []rawObject{}
	listed := 0
	for info, err := range st.List(c.Context, prefix) {
		if err != nil {
			return nil, listed, fmt.Errorf("listing %s: %w", st.URI(prefix), err)
		}
		listed++
		if !hasSuffix(info.Key, rawSuffixes) || !inDates(info.Key, from, to) || transform.CheckInputKey(info.Key) != nil {
			continue
		}
		objs = append(objs, rawObject{Bucket: u.Bucket, Key: info.Key, URI: st.URI(info.Key)})
	}
	return objs, listed, nil
}

func hasSuffix(key string, suffixes []string) bool {
	for _, s := range suffixes {
		if strings.HasSuffix(key, s) {
			return true
		}
	}
	return false
}

// inDates reports whether key lies in a date=YYYY-MM-DD partition from
// from to to, inclusive; empty bounds are open. A key without a date
// partition is dated by the instant it names, if any (an object of another
// producer: incoming/acme/2026-11-21T06:00:00Z/a.json is of 2026-11-21,
// UTC). With neither bound every key is in; with one, an undated key is
// out.
func inDates(key, from, to string) bool {
	if from == "" && to == "" {
		return true
	}
	d, ok := "", false
	for _, seg := range strings.Split(key, "/") {
		if v, found := strings.CutPrefix(seg, "date="); found && len(v) == len(fare.DateLayout) {
			d, ok = v, true
			break
		}
	}
	if !ok {
		t, named := intake.KeyInstant(key)
		if !named {
			return false
		}
		d = t.Format(fare.DateLayout)
	}
	return (from == "" || d >= from) && (to == "" || d <= to)
}
