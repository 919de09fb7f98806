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
	Retries  int              `json:"retries"`        // bulk items sent again
	ByName   map[string]int   `json:"outcomes"`       // filled by Finish
}

// Count returns how many records ended in outcome o.
func (s *Summary) Count(o Outcome) int { return s.Outcomes[o] }

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
	b.WriteString(" latest_written=" + strconv.Itoa(s.Latest) + " retries=" + strconv.Itoa(s.Retries))
	return b.String()
}
