package transform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/farepipe/farepipe/internal/amadeus"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/intake"
	"github.com/farepipe/farepipe/internal/ndjson"
)

// Intake says how to read an object in any format transform reads.
type Intake struct {
	// Key is the object's key: it may name the instant of its prices
	// and chooses among mappings that match keys.
	Key string
	// LastModified is when the object was stored, the instant of its
	// prices when nothing else says.
	LastModified time.Time
	// ObservedAt, when set, is the instant of the prices of objects
	// whose records carry none (plain answers, rows without
	// observed_at); it wins over the key and Last-Modified.
	ObservedAt time.Time
	// Mappings read fare rows; without any, rows are not recognised.
	Mappings []*intake.Mapping
}

// Read is what Stream found out about its input besides the counts.
type Read struct {
	Format intake.Format
	// Instant is the instant given to records without their own, and
	// where it came from: zero for envelopes and rows whose mapping gives
	// observed_at.
	Instant intake.Instant
	// Mapping names the mapping of fare rows.
	Mapping string
}

// Stream reads one raw object of any format transform reads (see
// intake.Sniff: farepipe envelopes, plain Amadeus answers, fare rows with
// a mapping) and writes observations to curated and rejections to
// quarantine as StreamEnvelopes does. An object of no known format is one rejection
// naming the formats tried, and counts as one rejected line, so
// Counts.Empty reports it. It returns an error only for I/O or a
// cancelled context.
func Stream(ctx context.Context, in io.Reader, curated, quarantine io.Writer, opt Options) (Counts, Read, error) {
	ik := opt.Intake
	s, err := intake.Sniff(in, ik.Key, ik.Mappings)
	if err != nil {
		return Counts{}, Read{}, fmt.Errorf("reading %s: %w", opt.Source, err)
	}
	rd := Read{Format: s.Format}
	if s.Format == intake.Answers || s.Format == intake.Rows && !s.Mapping.HasObservedAt() {
		rd.Instant, _ = intake.ObjectInstant(ik.ObservedAt, ik.Key, ik.LastModified)
	}
	var sum Counts
	switch s.Format {
	case intake.Envelopes:
		sum, err = StreamEnvelopes(ctx, s.Body, curated, quarantine, opt)
	case intake.Answers:
		var r *intake.AnswerReader
		if r, err = intake.NewAnswerReader(s); err == nil {
			sum, err = runRecords(ctx, r, nil, answerConverter(rd.Instant.At), curated, quarantine, opt)
		} else {
			sum, err = runRecords(ctx, nil, err, nil, curated, quarantine, opt)
		}
	case intake.Rows:
		rd.Mapping = s.Mapping.Name
		sum, err = runRows(ctx, s, rd.Instant, curated, quarantine, opt)
	default:
		sum, err = runUnknown(s, curated, quarantine, opt)
	}
	return sum, rd, err
}

// answerConverter converts plain answers, observed at at, bounded by the
// search their meta names, if any.
func answerConverter(at time.Time) converter {
	return func(doc []byte) (*amadeus.Result, time.Time, error) {
		res, err := amadeus.Convert(intake.AnswerSource, intake.Search(doc), doc, at)
		return res, at, err
	}
}

// runUnknown quarantines an object of no known format as one record.
func runUnknown(s *intake.Sniffed, curated, quarantine io.Writer, opt Options) (Counts, error) {
	q := newQuarantine(quarantine, opt)
	cw := ndjson.NewWriter(curated)
	sum := Counts{Lines: 1, RejectedLines: 1}
	if err := q.reject(Rejection{Line: 1, Reason: s.Reason, Text: s.Head}); err != nil {
		return sum, err
	}
	return sum, closeBoth(cw, q.w)
}

// runRows turns fare rows into observations: one per series and instant,
// the cheapest row of them, counting the rows it stands for in Offers.
// Memory grows with the distinct series and instants of the object, not
// with its rows.
func runRows(ctx context.Context, s *intake.Sniffed, at intake.Instant, curated, quarantine io.Writer, opt Options) (Counts, error) {
	var sum Counts
	q := newQuarantine(quarantine, opt)
	cw := ndjson.NewWriter(curated)
	r, err := intake.NewRowReader(s, at)
	if err != nil {
		sum.Lines, sum.RejectedLines = 1, 1
		sum.Truncated = errors.Is(err, ndjson.ErrTruncated) || errors.Is(err, io.ErrUnexpectedEOF)
		if err := q.reject(Rejection{Line: 1, Reason: err.Error()}); err != nil {
			return sum, err
		}
		return sum, closeBoth(cw, q.w)
	}
	window := opt.Times.Window()
	var obs []fare.Observation
	index := map[string]int{} // observation id -> position in obs
	for {
		if sum.Lines%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
		}
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !errors.Is(err, ndjson.ErrTruncated) {
				return sum, fmt.Errorf("reading %s: %w", opt.Source, err)
			}
			sum.Lines++
			sum.RejectedLines++
			sum.Truncated = true
			if err := q.reject(Rejection{Line: row.Line, Reason: err.Error()}); err != nil {
				return sum, err
			}
			break
		}
		sum.Lines++
		if row.Err == nil {
			row.Err = window.Check("observed_at", row.Obs.ObservedAt)
		}
		if row.Err != nil {
			sum.RejectedLines++
			if err := q.reject(Rejection{Line: row.Line, Reason: row.Err.Error(), Record: row.Record, Text: row.Text}); err != nil {
				return sum, err
			}
			continue
		}
		sum.Rows++
		if i, ok := index[row.Obs.ID]; ok {
			obs[i].Offers++
			if row.Obs.Price.Minor < obs[i].Price.Minor {
				obs[i].Price = row.Obs.Price
			}
		} else {
			index[row.Obs.ID] = len(obs)
			obs = append(obs, row.Obs)
		}
		if opt.Progress != nil && opt.ProgressEvery > 0 && sum.Lines%opt.ProgressEvery == 0 {
			sum.Bytes = r.Offset()
			opt.Progress(sum)
		}
	}
	var buf []byte
	for i := range obs {
		buf = obs[i].AppendJSON(buf[:0])
		if err := cw.WriteLine(buf); err != nil {
			return sum, fmt.Errorf("writing observations: %w", err)
		}
		sum.Observations++
	}
	sum.Bytes = r.Offset()
	return sum, closeBoth(cw, q.w)
}

// quarantine writes rejections of one input.
type quarantine struct {
	w      *ndjson.Writer
	source string
	log    *slog.Logger
}

func newQuarantine(w io.Writer, opt Options) *quarantine {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &quarantine{w: ndjson.NewWriter(w), source: opt.Source, log: log}
}

// reject writes one rejection.
func (q *quarantine) reject(rj Rejection) error {
	rj.Source = q.source
	line, err := json.Marshal(rj)
	if err != nil {
		return fmt.Errorf("encoding rejection of line %d: %w", rj.Line, err)
	}
	q.log.Debug("rejected", "line", rj.Line, "reason", rj.Reason)
	if err := q.w.WriteLine(line); err != nil {
		return fmt.Errorf("writing quarantine: %w", err)
	}
	return nil
}
