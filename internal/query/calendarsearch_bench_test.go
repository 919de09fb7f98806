package query

import "testing"

// BenchmarkFareDocValuesDecode measures the calendar lookup's decoder of
// one hit's fields, as Elasticsearch answers them.
func BenchmarkFareDocValuesDecode(b *testing.B) {
	data := []byte(lookupHitFields)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v fareDocValues
		if err := v.UnmarshalJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
