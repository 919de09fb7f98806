package esindex

import (
	"strconv"
	"strings"
)

// Summary accounts for every input record of a run in exactly one outcome,
// plus what was written besides.
type Summary struct {
	Read     int              `json:"read"`
	Outcomes [numOutcomes]int `json:"-"`
	Latest   int              `json:"latest_written"` // latest documents written
	// WritesFailed counts the writes that did not happen after retries:
	// latest documents, change-log documents written or deleted, those
	// left pending by an earlier run. Each is also why some record is
	// Failed, or is a change-log write an earlier fold left pending; the
	// next run over the same series does it again.
	WritesFailed int            `json:"writes_failed"`
	Retries      int            `json:"retries"`  // bulk items sent again
	ByName       map[string]int `json:"outcomes"` // filled by Finish
}

// Count returns how many records ended in outcome o.
func (s *Summary) Count(o Outcome) int { return s.Outcomes[o] }

// Complete reports whether every record and every write succeeded or is
// settled for good: false means run again (exit 1).
func (s *Summary) Complete() bool { return s.Outcomes[Failed] == 0 && s.WritesFailed == 0 }

// Accounted reports whether every record read ended in exactly one outcome.
func (s *Summary) Accounted() bool {
	n := 0
	for _, c := range s.Outcomes {
		n += c
	}
	return n == s.Read
}

func (s *Summary) finish() {
	s.ByName = make(map[string]int, numOutcomes)
	for o := Outcome(0); o < numOutcomes; o++ {
		s.ByName[o.String()] = s.Outcomes[o]
	}
}

// String renders the one-line report of a run.
func (s Summary) String() string {
	var b strings.Builder
	b.WriteString("read=" + strconv.Itoa(s.Read))
	for o := Outcome(0); o < numOutcomes; o++ {
		b.WriteString(" " + o.String() + "=" + strconv.Itoa(s.Outcomes[o]))
	}
	b.WriteString(" latest_written=" + strconv.Itoa(s.Latest) + " writes_failed=" + strconv.Itoa(s.WritesFailed) +
		" retries=" + strconv.Itoa(s.Retries))
	return b.String()
}
