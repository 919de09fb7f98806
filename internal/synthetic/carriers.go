package synthetic

// carrier is an airline the generator can offer: where it is based, which
// hubs it connects through, how far its aircraft fly and how its fares
// compare with the market (per mille).
type carrier struct {
	code    string
	name    string
	country string
	hubs    []string
	lcc     bool // low-cost: economy only
	maxKm   int  // longest non-stop flight
	fare    int  // fare level, per mille of the market fare
}

var carriers = []carrier{
	{"KE", "KOREAN AIR", "KR", []string{"ICN", "GMP", "PUS"}, false, 15000, 1080},
	{"OZ", "ASIANA AIRLINES", "KR", []string{"ICN", "GMP"}, false, 15000, 1040},
	{"7C", "JEJU AIR", "KR", []string{"ICN", "GMP", "PUS"}, true, 5500, 700},
	{"LJ", "JIN AIR", "KR", []string{"ICN", "GMP"}, true, 5500, 720},
	{"TW", "T'WAY AIR", "KR", []string{"ICN"}, true, 5500, 690},
	{"BX", "AIR BUSAN", "KR", []string{"PUS", "GMP"}, true, 5500, 710},
	{"JL", "JAPAN AIRLINES", "JP", []string{"HND", "NRT"}, false, 15000, 1100},
	{"NH", "ALL NIPPON AIRWAYS", "JP", []string{"HND", "NRT"}, false, 15000, 1100},
	{"MM", "PEACH AVIATION", "JP", []string{"KIX", "NRT"}, true, 5500, 680},
	{"MU", "CHINA EASTERN AIRLINES", "CN", []string{"PVG"}, false, 15000, 880},
	{"CA", "AIR CHINA", "CN", []string{"PEK"}, false, 15000, 900},
	{"CX", "CATHAY PACIFIC", "HK", []string{"HKG"}, false, 15000, 1120},
	{"CI", "CHINA AIRLINES", "TW", []string{"TPE"}, false, 15000, 950},
	{"BR", "EVA AIR", "TW", []string{"TPE"}, false, 15000, 1000},
	{"SQ", "SINGAPORE AIRLINES", "SG", []string{"SIN"}, false, 16000, 1150},
	{"TG", "THAI AIRWAYS", "TH", []string{"BKK"}, false, 15000, 950},
	{"VN", "VIETNAM AIRLINES", "VN", []string{"SGN", "HAN"}, false, 15000, 900},
	{"PR", "PHILIPPINE AIRLINES", "PH", []string{"MNL"}, false, 15000, 880},
	{"MH", "MALAYSIA AIRLINES", "MY", []string{"KUL"}, false, 15000, 900},
	{"QF", "QANTAS AIRWAYS", "AU", []string{"SYD"}, false, 15000, 1120},
	{"EK", "EMIRATES", "AE", []string{"DXB"}, false, 15000, 1080},
	{"QR", "QATAR AIRWAYS", "QA", []string{"DOH"}, false, 15000, 1060},
	{"KU", "KUWAIT AIRWAYS", "KW", []string{"KWI"}, false, 15000, 920},
	{"TK", "TURKISH AIRLINES", "TR", []string{"IST"}, false, 15000, 950},
	{"BA", "BRITISH AIRWAYS", "GB", []string{"LHR"}, false, 15000, 1120},
	{"AF", "AIR FRANCE", "FR", []string{"CDG"}, false, 15000, 1080},
	{"KL", "KLM ROYAL DUTCH AIRLINES", "NL", []string{"AMS"}, false, 15000, 1050},
	{"LH", "LUFTHANSA", "DE", []string{"FRA", "MUC"}, false, 15000, 1100},
	{"IB", "IBERIA", "ES", []string{"MAD"}, false, 15000, 980},
	{"UA", "UNITED AIRLINES", "US", []string{"EWR", "ORD", "DEN", "SFO"}, false, 15000, 1050},
	{"DL", "DELTA AIR LINES", "US", []string{"ATL", "JFK", "SEA"}, false, 15000, 1060},
	{"AA", "AMERICAN AIRLINES", "US", []string{"DFW", "ORD", "JFK", "LAX"}, false, 15000, 1040},
	{"B6", "JETBLUE AIRWAYS", "US", []string{"JFK", "BOS"}, true, 5600, 820},
	{"AS", "ALASKA AIRLINES", "US", []string{"SEA"}, false, 5000, 900},
	{"AC", "AIR CANADA", "CA", []string{"YVR"}, false, 15000, 1030},
}

// globalCarriers serve, non-stop, routes the table knows nothing about.
var globalCarriers = []string{"UA", "LH", "EK", "SQ", "TK"}

// option is one way to fly a route: a carrier, non-stop or through one of
// its hubs.
type option struct {
	carrier *carrier
	via     string // hub airport code; empty for non-stop
}

// minLegKm keeps connections away from hubs next door to either end.
const minLegKm = 250

// routeOptions lists, in a fixed order, the ways carriers fly from o to d.
// Carriers based in either country fly non-stop within their range; any
// carrier connects through a hub of its own when the detour is modest.
// A domestic route is flown only by that country's carriers.
func routeOptions(o, d airport) []option {
	dist := distanceKm(o, d)
	domestic := o.country != "" && o.country == d.country
	var opts []option
	for i := range carriers {
		c := &carriers[i]
		home := c.country == o.country || c.country == d.country
		if domestic && !home {
			continue
		}
		if home && dist <= c.maxKm {
			opts = append(opts, option{carrier: c})
		}
		for _, hub := range c.hubs {
			if connects(o, d, lookupAirport(hub), dist, c.maxKm) {
				opts = append(opts, option{carrier: c, via: hub})
			}
		}
	}
	if len(opts) == 0 {
		for _, code := range globalCarriers {
			opts = append(opts, option{carrier: carrierByCode(code)})
		}
	}
	return opts
}

// connects reports whether a connection through hub h is one a traveller
// from o to d would be sold: both legs neither trivially short nor beyond
// the carrier's range, and a detour that shrinks as the trip grows.
func connects(o, d, h airport, dist, maxKm int) bool {
	if h.code == o.code || h.code == d.code {
		return false
	}
	a, b := distanceKm(o, h), distanceKm(h, d)
	if a < minLegKm || b < minLegKm || a > maxKm || b > maxKm {
		return false
	}
	detour := 1300 // per mille of the direct distance
	switch {
	case dist < 2000:
		detour = 2200
	case dist < 6000:
		detour = 1500
	}
	return (a+b)*1000 <= dist*detour
}

func carrierByCode(code string) *carrier {
	for i := range carriers {
		if carriers[i].code == code {
			return &carriers[i]
		}
	}
	panic("synthetic: carrier " + code + " missing from the table")
}
