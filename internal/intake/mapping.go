package intake

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/farepipe/farepipe/internal/fare"
)

// Fields a mapping can fill, each from a column or a constant.
const (
	FieldOrigin      = "origin"
	FieldDestination = "destination"
	FieldDeparture   = "departure"
	FieldReturn      = "return"
	FieldPrice       = "price"
	FieldCurrency    = "currency"
	FieldCarrier     = "carrier"
	FieldCabin       = "cabin"
	FieldNonStop     = "non_stop"
	FieldStops       = "stops"
	FieldAdults      = "adults"
	FieldChildren    = "children"
	FieldInfants     = "infants"
	FieldObservedAt  = "observed_at"
)

// fields are the fields of a mapping, in the order errors list them.
var fields = []string{FieldOrigin, FieldDestination, FieldDeparture, FieldReturn, FieldPrice, FieldCurrency,
	FieldCarrier, FieldCabin, FieldNonStop, FieldStops, FieldAdults, FieldChildren, FieldInfants, FieldObservedAt}

// requiredFields must each come from a column or a constant; non_stop
// may instead come from stops.
var requiredFields = []string{FieldOrigin, FieldDestination, FieldDeparture, FieldPrice, FieldCurrency,
	FieldCarrier, FieldCabin, FieldNonStop}

// timeFields may have a layout.
var timeFields = []string{FieldDeparture, FieldReturn, FieldObservedAt}

// Mapping says how the rows of one crawler become fare observations: which
// column holds which field, which fields are the same for every row, and
// how its dates are written. It is read from YAML:
//
//	source: faresnap            # the series' source name
//	match: [incoming/faresnap/] # optional: only keys with one of these prefixes (also after a "/")
//	columns:                    # column (or NDJSON field) -> field
//	  from: origin
//	  to: destination
//	  depart: departure
//	  price: price
//	  airline: carrier
//	  stops: stops
//	constants:                  # field -> the value of every row
//	  currency: KRW
//	  cabin: ECONOMY
//	layouts:                    # optional Go time layouts
//	  departure: 02/01/2006
//	delimiter: ";"              # optional, CSV only
type Mapping struct {
	Name      string            `yaml:"-"` // the file's name without extension
	Source    string            `yaml:"source"`
	Match     []string          `yaml:"match"`
	Columns   map[string]string `yaml:"columns"`
	Constants map[string]string `yaml:"constants"`
	Layouts   map[string]string `yaml:"layouts"`
	Delimiter string            `yaml:"delimiter"`

	column map[string]string // field -> column
}

// LoadMappings reads the mapping in the YAML file at path, or every
// *.yaml and *.yml mapping in the directory at path, in name order. A
// directory without any (an empty ConfigMap) holds no mapping.
func LoadMappings(path string) ([]*Mapping, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading mappings: %w", err)
	}
	files := []string{path}
	if fi.IsDir() {
		files = nil
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("reading mappings: %w", err)
		}
		for _, e := range entries {
			if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	var maps []*Mapping
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading mapping: %w", err)
		}
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		m, err := ParseMapping(name, body)
		if err != nil {
			return nil, fmt.Errorf("mapping %s: %w", f, err)
		}
		maps = append(maps, m)
	}
	return maps, nil
}

// ParseMapping decodes and checks one mapping named name. Unknown keys,
// unknown fields, a field given twice and a missing required field are
// errors.
func ParseMapping(name string, body []byte) (*Mapping, error) {
	m := &Mapping{}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true)
	if err := dec.Decode(m); err != nil {
		return nil, fmt.Errorf("decoding YAML: %w", err)
	}
	m.Name = name
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Mapping) check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !validSource(m.Source) {
		bad("source %q: want 1 to 64 of a-z, 0-9, - and _", m.Source)
	}
	m.column = map[string]string{}
	for col, f := range m.Columns {
		switch {
		case !slices.Contains(fields, f):
			bad("column %q: unknown field %q (want one of %s)", col, f, strings.Join(fields, ", "))
		case m.column[f] != "":
			bad("field %s comes from both columns %q and %q", f, m.column[f], col)
		default:
			m.column[f] = col
		}
	}
	for f := range m.Constants {
		switch {
		case !slices.Contains(fields, f):
			bad("constant %q: unknown field (want one of %s)", f, strings.Join(fields, ", "))
		case m.column[f] != "":
			bad("field %s is both a constant and column %q", f, m.column[f])
		}
	}
	given := func(f string) bool { _, c := m.Constants[f]; return m.column[f] != "" || c }
	for _, f := range requiredFields {
		if f == FieldNonStop {
			switch {
			case given(FieldNonStop) && given(FieldStops):
				bad("give non_stop or stops, not both")
			case !given(FieldNonStop) && !given(FieldStops):
				bad("field non_stop (or stops) has no column and no constant")
			}
			continue
		}
		if !given(f) {
			bad("field %s has no column and no constant", f)
		}
	}
	for f := range m.Layouts {
		if !slices.Contains(timeFields, f) {
			bad("layout for %q: only %s have layouts", f, strings.Join(timeFields, ", "))
		}
	}
	if m.Delimiter != "" {
		if r, n := utf8.DecodeRuneInString(m.Delimiter); n != len(m.Delimiter) || r == '"' || r == '\n' || r == '\r' {
			bad("delimiter %q: want one character other than a quote or a line break", m.Delimiter)
		}
	}
	for _, p := range m.Match {
		if p == "" {
			bad("match: an empty prefix matches everything; leave match out instead")
		}
	}
	return errors.Join(errs...)
}

// HasObservedAt reports whether the mapping gives every row its
// observed_at, from a column or a constant.
func (m *Mapping) HasObservedAt() bool {
	_, c := m.Constants[FieldObservedAt]
	return c || m.column[FieldObservedAt] != ""
}

// comma returns the CSV field delimiter.
func (m *Mapping) comma() rune {
	if m.Delimiter == "" {
		return ','
	}
	r, _ := utf8.DecodeRuneInString(m.Delimiter)
	return r
}

// needs returns the columns every row must have: those of the required
// fields.
func (m *Mapping) needs() []string {
	var cols []string
	for _, f := range append(requiredFields, FieldStops) {
		if c := m.column[f]; c != "" {
			cols = append(cols, c)
		}
	}
	sort.Strings(cols)
	return cols
}

// matches returns the length of the longest of m's prefixes key has, at
// its start or after a "/" (so that incoming/acme/ matches
// prod/incoming/acme/x.csv too): 0 when m has none, -1 when it has some
// and key has none of them.
func (m *Mapping) matches(key string) int {
	if len(m.Match) == 0 {
		return 0
	}
	best := -1
	for _, p := range m.Match {
		if (strings.HasPrefix(key, p) || strings.Contains(key, "/"+strings.TrimPrefix(p, "/"))) && len(p) > best {
			best = len(p)
		}
	}
	return best
}

// selectMapping returns the mapping that reads rows with the given
// columns from the object under key: of the mappings whose match admits
// key and whose columns the rows have, the one with the longest matching
// prefix. When none fits, or several fit equally, it returns nil and why.
func selectMapping(maps []*Mapping, key string, columns []string) (*Mapping, string) {
	if len(maps) == 0 {
		return nil, "no mapping given (--mapping)"
	}
	var fits []*Mapping
	var why []string
	best := -1
	for _, m := range maps {
		n := m.matches(key)
		if n < 0 {
			why = append(why, fmt.Sprintf("mapping %s is for keys under %s", m.Name, quoteList(m.Match)))
			continue
		}
		var missing []string
		for _, c := range m.needs() {
			if !slices.Contains(columns, c) {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			why = append(why, fmt.Sprintf("mapping %s needs columns %s", m.Name, quoteList(missing)))
			continue
		}
		switch {
		case n > best:
			best, fits = n, []*Mapping{m}
		case n == best:
			fits = append(fits, m)
		}
	}
	switch len(fits) {
	case 0:
		return nil, strings.Join(why, ", ")
	case 1:
		return fits[0], ""
	}
	names := make([]string, len(fits))
	for i, m := range fits {
		names[i] = m.Name
	}
	return nil, "mappings " + strings.Join(names, " and ") + " all fit: give them match prefixes that tell them apart"
}

// validSource reports whether s can be a series' source name, as the fare
// model accepts it.
func validSource(s string) bool {
	for _, fe := range fare.FieldErrors(fare.SeriesKey{Source: s}.Validate()) {
		if fe.Field == "source" {
			return false
		}
	}
	return true
}
