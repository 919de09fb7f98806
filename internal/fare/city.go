package fare

import "slices"

// cities maps an IATA airport code to the IATA code of the city it serves,
// for the cities with more than one airport or whose city code is not the
// code of their airport. An airport not listed is the only airport of a
// city of the same code (MAD, SYD, ICN's neighbour CJU). It covers the
// airports of the synthetic provider and of the Amadeus reference examples;
// extend it here, one line a city, when a search of yours names another
// city code.
var cities = map[string]string{
	// Asia
	"ICN": "SEL", "GMP": "SEL", // Seoul
	"NRT": "TYO", "HND": "TYO", // Tokyo
	"KIX": "OSA", "ITM": "OSA", "UKB": "OSA", // Osaka
	"CTS": "SPK", "OKD": "SPK", // Sapporo
	"PEK": "BJS", "PKX": "BJS", // Beijing
	"PVG": "SHA", "SHA": "SHA", // Shanghai
	"TPE": "TPE", "TSA": "TPE", // Taipei
	"BKK": "BKK", "DMK": "BKK", // Bangkok
	"KUL": "KUL", "SZB": "KUL", // Kuala Lumpur
	"CGK": "JKT", "HLP": "JKT", // Jakarta
	"DXB": "DXB", "DWC": "DXB", // Dubai
	"IST": "IST", "SAW": "IST", // Istanbul
	// Europe
	"LHR": "LON", "LGW": "LON", "STN": "LON", "LTN": "LON", "LCY": "LON", "SEN": "LON", // London
	"CDG": "PAR", "ORY": "PAR", "BVA": "PAR", // Paris
	"FCO": "ROM", "CIA": "ROM", // Rome
	"MXP": "MIL", "LIN": "MIL", "BGY": "MIL", // Milan
	"ARN": "STO", "BMA": "STO", // Stockholm
	"SVO": "MOW", "DME": "MOW", "VKO": "MOW", // Moscow
	// Americas
	"JFK": "NYC", "EWR": "NYC", "LGA": "NYC", // New York
	"ORD": "CHI", "MDW": "CHI", // Chicago
	"IAD": "WAS", "DCA": "WAS", "BWI": "WAS", // Washington
	"DFW": "DFW", "DAL": "DFW", // Dallas
	"YYZ": "YTO", "YTZ": "YTO", // Toronto
	"GRU": "SAO", "CGH": "SAO", "VCP": "SAO", // São Paulo
}

// CityOf returns the IATA city code of an airport: its entry in the table,
// else the airport code itself.
func CityOf(airport string) string {
	if c, ok := cities[airport]; ok {
		return c
	}
	return airport
}

// Serves reports whether an airport is, or is an airport of, the location
// a search named: the airport's own code or its city's code.
func Serves(location, airport string) bool {
	return airport == location || CityOf(airport) == location
}

// SameCity reports whether two airports serve one city.
func SameCity(a, b string) bool { return CityOf(a) == CityOf(b) }

// Locations returns the codes a search for a location matches in a series
// key: the code itself and, for a city code, the airports of the city the
// table lists, sorted.
func Locations(location string) []string {
	out := []string{location}
	for a, c := range cities {
		if c == location && a != location {
			out = append(out, a)
		}
	}
	slices.Sort(out[1:])
	return out
}
