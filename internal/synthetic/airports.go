package synthetic

import "math"

// airport is what the generator knows of an airport: its country, where it
// is and its standard UTC offset (daylight saving time is ignored).
type airport struct {
	code      string
	country   string // ISO 3166 alpha-2; empty for an airport not in the table
	lat, lon  float64
	utcOffset int // minutes
}

// airports is a small table of airports seen in fare searches.
var airports = map[string]airport{}

func init() {
	for _, a := range []airport{
		{"ICN", "KR", 37.4602, 126.4407, 540},
		{"GMP", "KR", 37.5583, 126.7906, 540},
		{"PUS", "KR", 35.1795, 128.9382, 540},
		{"CJU", "KR", 33.5113, 126.4930, 540},
		{"NRT", "JP", 35.7720, 140.3929, 540},
		{"HND", "JP", 35.5494, 139.7798, 540},
		{"KIX", "JP", 34.4347, 135.2440, 540},
		{"NGO", "JP", 34.8584, 136.8054, 540},
		{"FUK", "JP", 33.5859, 130.4510, 540},
		{"CTS", "JP", 42.7752, 141.6923, 540},
		{"OKA", "JP", 26.1958, 127.6459, 540},
		{"PEK", "CN", 40.0799, 116.6031, 480},
		{"PVG", "CN", 31.1443, 121.8083, 480},
		{"HKG", "HK", 22.3080, 113.9185, 480},
		{"TPE", "TW", 25.0797, 121.2342, 480},
		{"SIN", "SG", 1.3644, 103.9915, 480},
		{"BKK", "TH", 13.6900, 100.7501, 420},
		{"MNL", "PH", 14.5086, 121.0194, 480},
		{"SGN", "VN", 10.8188, 106.6520, 420},
		{"HAN", "VN", 21.2212, 105.8072, 420},
		{"KUL", "MY", 2.7456, 101.7099, 480},
		{"CGK", "ID", -6.1256, 106.6559, 420},
		{"SYD", "AU", -33.9399, 151.1753, 600},
		{"DXB", "AE", 25.2532, 55.3657, 240},
		{"DOH", "QA", 25.2731, 51.6081, 180},
		{"KWI", "KW", 29.2266, 47.9689, 180},
		{"IST", "TR", 41.2753, 28.7519, 180},
		{"LHR", "GB", 51.4700, -0.4543, 0},
		{"CDG", "FR", 49.0097, 2.5479, 60},
		{"FRA", "DE", 50.0379, 8.5622, 60},
		{"MUC", "DE", 48.3537, 11.7750, 60},
		{"AMS", "NL", 52.3105, 4.7683, 60},
		{"MAD", "ES", 40.4983, -3.5676, 60},
		{"FCO", "IT", 41.8003, 12.2389, 60},
		{"JFK", "US", 40.6413, -73.7781, -300},
		{"EWR", "US", 40.6895, -74.1745, -300},
		{"BOS", "US", 42.3656, -71.0096, -300},
		{"ATL", "US", 33.6407, -84.4277, -300},
		{"ORD", "US", 41.9742, -87.9073, -360},
		{"DFW", "US", 32.8998, -97.0403, -360},
		{"DEN", "US", 39.8561, -104.6737, -420},
		{"LAX", "US", 33.9416, -118.4085, -480},
		{"SFO", "US", 37.6213, -122.3790, -480},
		{"SEA", "US", 47.4502, -122.3088, -480},
		{"HNL", "US", 21.3245, -157.9251, -600},
		{"YVR", "CA", 49.1967, -123.1815, -480},
	} {
		airports[a.code] = a
	}
}

// lookupAirport returns the airport of a valid IATA code. An airport missing
// from the table gets a stable made-up position derived from its code, so
// that any valid search has an answer.
func lookupAirport(code string) airport {
	if a, ok := airports[code]; ok {
		return a
	}
	h := hashParts("airport", code)
	lat := float64(int(h%1000)-400) / 10        // -40.0 .. 59.9
	lon := float64(int((h>>16)%3600)-1800) / 10 // -180.0 .. 179.9
	return airport{code: code, lat: lat, lon: lon, utcOffset: int(math.Round(lon/15)) * 60}
}

// distanceKm is the great-circle distance in whole kilometres. Floats are
// fine here: the result is rounded and only picks classes and durations.
func distanceKm(a, b airport) int {
	const earthRadiusKm = 6371
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(b.lat-a.lat), rad(b.lon-a.lon)
	s := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(rad(a.lat))*math.Cos(rad(b.lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return int(math.Round(2 * earthRadiusKm * math.Asin(math.Sqrt(s))))
}

// countryCurrency is the currency of a search without one, by the origin's
// country; anything else is priced in US dollars.
var countryCurrency = map[string]string{
	"KR": "KRW", "JP": "JPY", "US": "USD", "GB": "GBP", "KW": "KWD",
	"DE": "EUR", "FR": "EUR", "NL": "EUR", "ES": "EUR", "IT": "EUR",
}

// defaultCurrency returns the currency a search from a is priced in when it
// names none.
func defaultCurrency(a airport) string {
	if c, ok := countryCurrency[a.country]; ok {
		return c
	}
	return "USD"
}
