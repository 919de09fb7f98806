package fare

// Field names of the flat JSON form of an observation (see AppendJSON): the
// curated objects, the change-log documents and the fields a latest
// document shares with them. The writer, the readers and the index mappings
// all name fields by these constants.
const (
	FieldID          = "id"
	FieldSeriesID    = "series_id"
	FieldObservedAt  = "observed_at"
	FieldSource      = "source"
	FieldOrigin      = "origin"
	FieldDestination = "destination"
	FieldDeparture   = "departure_date"
	FieldReturn      = "return_date"
	FieldCabin       = "cabin"
	FieldNonStop     = "non_stop"
	FieldCarrier     = "carrier"
	FieldCurrency    = "currency"
	FieldAdults      = "adults"
	FieldChildren    = "children"
	FieldInfants     = "infants"
	FieldAmount      = "amount"
	// FieldAmountMinor is the price in minor units, the field searches
	// sort, filter and aggregate on.
	FieldAmountMinor     = "amount_minor"
	FieldBase            = "base"
	FieldBaseMinor       = "base_minor"
	FieldTaxes           = "taxes"
	FieldTaxesMinor      = "taxes_minor"
	FieldGrandTotal      = "grand_total"
	FieldGrandTotalMinor = "grand_total_minor"
	FieldOffers          = "offers"
)
