package esindex

import (
	"strconv"
	"strings"

	"github.com/farepipe/farepipe/internal/fare"
)

// Field names a latest document has besides those of an observation (see
// fare.FieldID and the others): how the series was seen. The writer
// (Latest.AppendJSON), the readers (ParseLatest, the query package) and
// the mapping (latestFields) use these names.
const (
	FieldChangedAt    = "changed_at"
	FieldFirstSeen    = "first_seen"
	FieldLastSeen     = "last_seen"
	FieldObservations = "observations"
	FieldChangePoints = "change_points"

	// The fields only the indexer reads.
	fieldHistory = "history"
	fieldGen     = "gen"
	fieldPending = "pending"
)

// Elasticsearch field types of the mappings.
const (
	typeKeyword = "keyword"
	typeBoolean = "boolean"
	typeDate    = "date"
	typeByte    = "byte"
	typeInteger = "integer"
	typeLong    = "long"
	typeBinary  = "binary"
)

// field is one field of a strict mapping.
type field struct {
	name, typ string
	format    string // of a date
	// sourceOnly fields are kept in _source and not searched: not indexed,
	// and without doc values when noDocValues.
	sourceOnly, noDocValues bool
}

// The fields of each document kind, in groups by the template version that
// added them (see EnsureTemplates).
var (
	// observationFields are the fields of a change-log document, those of
	// fare.Observation.AppendJSON.
	observationFields = append([]field{
		{name: fare.FieldID, typ: typeKeyword},
		{name: fare.FieldSeriesID, typ: typeKeyword},
		{name: fare.FieldObservedAt, typ: typeDate, format: "strict_date_optional_time"},
		{name: fare.FieldSource, typ: typeKeyword},
		{name: fare.FieldOrigin, typ: typeKeyword},
		{name: fare.FieldDestination, typ: typeKeyword},
		{name: fare.FieldDeparture, typ: typeDate, format: "strict_date"},
		{name: fare.FieldReturn, typ: typeKeyword},
		{name: fare.FieldCabin, typ: typeKeyword},
		{name: fare.FieldNonStop, typ: typeBoolean},
		{name: fare.FieldCarrier, typ: typeKeyword},
		{name: fare.FieldCurrency, typ: typeKeyword},
		{name: fare.FieldAmount, typ: typeKeyword, sourceOnly: true},
		{name: fare.FieldAmountMinor, typ: typeLong},
		{name: fare.FieldOffers, typ: typeInteger},
	}, passengerFields...)

	// passengerFields are the passenger mix of a series key. Template
	// version 3 added them; a series of a version 1 key has none.
	passengerFields = []field{
		{name: fare.FieldAdults, typ: typeByte},
		{name: fare.FieldChildren, typ: typeByte},
		{name: fare.FieldInfants, typ: typeByte},
	}

	// breakdownFields split the price of a latest document, as the newest
	// observation gave it. Template version 3 added them.
	breakdownFields = []field{
		{name: fare.FieldBase, typ: typeKeyword, sourceOnly: true},
		{name: fare.FieldBaseMinor, typ: typeLong},
		{name: fare.FieldTaxes, typ: typeKeyword, sourceOnly: true},
		{name: fare.FieldTaxesMinor, typ: typeLong},
		{name: fare.FieldGrandTotal, typ: typeKeyword, sourceOnly: true},
		{name: fare.FieldGrandTotalMinor, typ: typeLong},
	}

	// latestFields are the fields of a latest document: those of its
	// newest observation, how the series was seen and its history.
	latestFields = concat(observationFields, breakdownFields, []field{
		{name: FieldChangedAt, typ: typeDate, format: "strict_date_optional_time"},
		{name: FieldFirstSeen, typ: typeDate, format: "strict_date_optional_time"},
		{name: FieldLastSeen, typ: typeDate, format: "strict_date_optional_time"},
		{name: FieldObservations, typ: typeLong},
		{name: FieldChangePoints, typ: typeLong},
	}, historyFields)

	// historyFields are the fields of a latest document that only the
	// indexer reads: kept in _source, neither indexed nor in doc values.
	// Template version 2 added them; EnsureTemplates adds them to a latest
	// index made by version 1.
	historyFields = []field{
		{name: fieldHistory, typ: typeBinary},
		{name: fieldGen, typ: typeLong, sourceOnly: true, noDocValues: true},
		{name: fieldPending, typ: typeLong, sourceOnly: true, noDocValues: true},
	}
)

func concat(groups ...[]field) []field {
	var all []field
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// properties renders fields as the members of a mapping's properties.
func properties(fields ...[]field) string {
	var b strings.Builder
	for _, f := range concat(fields...) {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n\t" + strconv.Quote(f.name) + `: {"type": ` + strconv.Quote(f.typ))
		if f.format != "" {
			b.WriteString(`, "format": ` + strconv.Quote(f.format))
		}
		if f.sourceOnly {
			b.WriteString(`, "index": false`)
		}
		if f.noDocValues {
			b.WriteString(`, "doc_values": false`)
		}
		b.WriteByte('}')
	}
	return b.String()
}
