package transform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/amadeus"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/ndjson"
)

// Counts accounts for every line of the input: each one ends as an envelope
// (whose offers became observations or rejections) or as a rejected line.
type Counts struct {
	Lines          int   `json:"lines"`           // non-empty lines (answers, rows) read, including rejected ones
	Envelopes      int   `json:"envelopes"`       // lines that decoded into a usable envelope (or answer)
	Rows           int   `json:"rows"`            // fare rows that became (part of) an observation
	Observations   int   `json:"observations"`    // observations written
	Offers         int   `json:"offers"`          // distinct offers of usable envelopes that became observations
	RepeatedOffers int   `json:"repeated_offers"` // offers given again in their answer, counted once in Offers
	RejectedLines  int   `json:"rejected_lines"`  // lines quarantined whole
	RejectedOffers int   `json:"rejected_offers"` // single offers quarantined
	Truncated      bool  `json:"truncated"`       // the input ended mid-stream
	Bytes          int64 `json:"bytes"`           // uncompressed bytes read
	// EmptyAnswers counts the usable envelopes whose answer held no offer.
	EmptyAnswers int `json:"empty_answers"`
	// Warnings counts the warnings of usable answers by code (the
	// numeric code as text, or the title when it has none).
	Warnings map[string]int `json:"warnings,omitempty"`
}

// Rejected returns how many records were quarantined.
func (s Counts) Rejected() int { return s.RejectedLines + s.RejectedOffers }

// Empty reports whether nothing at all could be processed although there was
// input: every line was rejected.
func (s Counts) Empty() bool { return s.Envelopes == 0 && s.Rows == 0 && s.RejectedLines > 0 }

// NoRecords reports whether the input held no record at all: a 0-byte
// object, an empty gzip stream or blank lines only.
func (s Counts) NoRecords() bool { return s.Lines == 0 }

// Rejection is one quarantined record: where it was, why, and the record
// itself so the quarantine is self-contained: the line for a line rejected
// whole, the offer's JSON for an offer.
type Rejection struct {
	Source  string          `json:"source,omitempty"` // URI of the raw object
	Line    int             `json:"line"`
	Offer   *int            `json:"offer,omitempty"`
	OfferID string          `json:"offer_id,omitempty"`
	Reason  string          `json:"reason"`
	Record  json.RawMessage `json:"record,omitempty"` // the line or offer, when valid JSON
	Text    string          `json:"text,omitempty"`   // the line, when not JSON
}

// Options tunes a run.
type Options struct {
	// Source names the input in rejections (its URI).
	Source string
	// Logger receives per-record detail at Debug; nil discards.
	Logger *slog.Logger
	// Progress, when set, is called every ProgressEvery lines.
	Progress      func(Counts)
	ProgressEvery int
	// Times bounds fetched_at, the instant of every observation of an
	// envelope; an envelope outside is rejected whole. The clock is read
	// once per run.
	Times fare.TimeBounds
	// Intake says how to read objects that are not envelopes (Stream).
	Intake Intake
}

// StreamEnvelopes reads envelopes from in and writes observations to curated and
// rejections to quarantine, both as gzip NDJSON. It returns an error only
// for I/O on the outputs or a cancelled context; bad input is counted and
// quarantined, never fatal. A truncated input is counted as one rejected
// line and ends the run normally.
func StreamEnvelopes(ctx context.Context, in io.Reader, curated, quarantine io.Writer, opt Options) (Counts, error) {
	r, err := ndjson.NewReader(in)
	return runRecords(ctx, r, err, convertEnvelope, curated, quarantine, opt)
}

// records reads the records of an input one at a time, as ndjson.Reader
// reads lines.
type records interface {
	Next() ([]byte, int, error)
	Offset() int64
}

// converter turns one record into its observations and the instant they
// were observed at.
type converter func(rec []byte) (*amadeus.Result, time.Time, error)

// convertEnvelope converts one envelope line.
func convertEnvelope(line []byte) (*amadeus.Result, time.Time, error) {
	rec, err := amadeus.Decode(line)
	if err != nil {
		return nil, time.Time{}, err
	}
	res, err := rec.Convert()
	return res, rec.FetchedAt, err
}

// runRecords is Run over the records of r, each converted by conv; openErr is
// the error of opening r, which makes the input one truncated record.
func runRecords(ctx context.Context, r records, openErr error, conv converter, curated, quarantine io.Writer, opt Options) (Counts, error) {
	var sum Counts
	window := opt.Times.Window()
	cw := ndjson.NewWriter(curated)
	q := newQuarantine(quarantine, opt)
	qw, reject := q.w, q.reject
	if err := openErr; err != nil {
		sum.Lines, sum.RejectedLines, sum.Truncated = 1, 1, true
		if err := reject(Rejection{Line: 1, Reason: err.Error()}); err != nil {
			return sum, err
		}
		return sum, closeBoth(cw, qw)
	}
	var buf []byte
	for {
		if sum.Lines%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
		}
		line, n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			sum.Lines++
			sum.RejectedLines++
			var le *ndjson.LineError
			if errors.As(err, &le) {
				if err := reject(Rejection{Line: n, Reason: le.Err.Error()}); err != nil {
					return sum, err
				}
				continue
			}
			sum.Truncated = errors.Is(err, ndjson.ErrTruncated)
			if !sum.Truncated {
				return sum, fmt.Errorf("reading %s: %w", opt.Source, err)
			}
			if err := reject(Rejection{Line: n, Reason: err.Error()}); err != nil {
				return sum, err
			}
			break
		}
		sum.Lines++
		res, at, err := conv(line)
		if err == nil {
			err = window.Check("fetched_at", at)
		}
		if err != nil {
			sum.RejectedLines++
			if err := reject(lineRejection(n, line, err)); err != nil {
				return sum, err
			}
			continue
		}
		sum.Envelopes++
		sum.Offers += res.Offers
		sum.RepeatedOffers += res.Repeated
		if res.Empty() {
			sum.EmptyAnswers++
		}
		for _, code := range res.WarningCodes() {
			if sum.Warnings == nil {
				sum.Warnings = map[string]int{}
			}
			sum.Warnings[code]++
		}
		for _, b := range res.Rejected {
			sum.RejectedOffers++
			i := b.Offer
			if err := reject(Rejection{Line: n, Offer: &i, OfferID: b.ID, Reason: b.Err.Error(), Record: b.JSON}); err != nil {
				return sum, err
			}
		}
		obs := res.Observations
		for i := range obs {
			buf = obs[i].AppendJSON(buf[:0])
			if err := cw.WriteLine(buf); err != nil {
				return sum, fmt.Errorf("writing observations: %w", err)
			}
			sum.Observations++
		}
		if opt.Progress != nil && opt.ProgressEvery > 0 && sum.Lines%opt.ProgressEvery == 0 {
			sum.Bytes = r.Offset()
			opt.Progress(sum)
		}
	}
	sum.Bytes = r.Offset()
	return sum, closeBoth(cw, qw)
}

func lineRejection(n int, line []byte, err error) Rejection {
	rj := Rejection{Line: n, Reason: err.Error()}
	if json.Valid(line) {
		rj.Record = append(json.RawMessage(nil), line...)
	} else {
		rj.Text = string(line)
	}
	return rj
}

func closeBoth(cw, qw *ndjson.Writer) error {
	if err := cw.Close(); err != nil {
		return fmt.Errorf("closing observations: %w", err)
	}
	if err := qw.Close(); err != nil {
		return fmt.Errorf("closing quarantine: %w", err)
	}
	return nil
}

// String renders the summary as the one-line report of a run.
func (s Counts) String() string {
	return "lines=" + strconv.Itoa(s.Lines) + " envelopes=" + strconv.Itoa(s.Envelopes) +
		" offers=" + strconv.Itoa(s.Offers) + " repeated_offers=" + strconv.Itoa(s.RepeatedOffers) +
		" observations=" + strconv.Itoa(s.Observations) +
		" rejected_lines=" + strconv.Itoa(s.RejectedLines) + " rejected_offers=" + strconv.Itoa(s.RejectedOffers) +
		" empty_answers=" + strconv.Itoa(s.EmptyAnswers) + " warnings=" + s.WarningText() +
		" truncated=" + strconv.FormatBool(s.Truncated)
}

// WarningText renders the warning counts as "code:n,code:n" by code, "-"
// for none.
func (s Counts) WarningText() string {
	if len(s.Warnings) == 0 {
		return "-"
	}
	codes := make([]string, 0, len(s.Warnings))
	for c := range s.Warnings {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for i, c := range codes {
		codes[i] = c + ":" + strconv.Itoa(s.Warnings[c])
	}
	return strings.Join(codes, ",")
}
