package index

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
)

// deadLetters spools the records an index run rejects for good to a
// temporary file and stores them as one gzip NDJSON object at the end, so
// memory stays flat however many there are.
type deadLetters struct {
	spool *objstore.Spool
	w     *ndjson.Writer
	count int
}

// newDeadLetters returns an empty spool of dead letters. Discard it when
// done.
func newDeadLetters() (*deadLetters, error) {
	s, err := objstore.NewSpool("dead-letter")
	if err != nil {
		return nil, err
	}
	return &deadLetters{spool: s, w: ndjson.NewWriter(s)}, nil
}

// Add spools dl; it is an esindex.Config.DeadLetter.
func (d *deadLetters) Add(dl esindex.DeadLetter) error {
	line, err := json.Marshal(dl)
	if err != nil {
		return err
	}
	d.count++
	return d.w.WriteLine(line)
}

// Count returns how many dead letters were added.
func (d *deadLetters) Count() int { return d.count }

// Store writes the dead letters to key of st, with the URI of the source
// they came from in its metadata, and returns the object's URI.
func (d *deadLetters) Store(ctx context.Context, st objstore.Store, key, source string) (string, error) {
	if err := d.w.Close(); err != nil {
		return "", fmt.Errorf("closing dead letters: %w", err)
	}
	meta := map[string]string{"source-uri": url.PathEscape(source), "records": strconv.Itoa(d.count)}
	if err := d.spool.PutTo(ctx, st, key, meta); err != nil {
		return "", err
	}
	return st.URI(key), nil
}

// Discard removes the spool.
func (d *deadLetters) Discard() { d.spool.Close() }

// outcome returns the error an index run that ended with sum ends with,
// nil when it is done; deadLetter is where its dead letters went. Run
// says what each means.
func outcome(sum esindex.Summary, deadLetter string) error {
	switch {
	case !sum.Accounted():
		return fmt.Errorf("internal error: %d records read but %s", sum.Read, sum.String())
	case !sum.Complete():
		return fault.Retryablef("%d observations and %d writes could not be done yet; running again will finish them",
			sum.Count(esindex.Failed), sum.WritesFailed)
	case sum.Read > 0 && sum.Count(esindex.DeadLettered) == sum.Read:
		return fault.Dataf("every one of %d records was rejected, see %s", sum.Read, deadLetter)
	}
	return nil
}
