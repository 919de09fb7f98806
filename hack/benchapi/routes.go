package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/farepipe/farepipe/internal/fare"
)

// route is one origin-destination pair of the data set: the two carriers
// whose fares are kept, the currency of its fares (the origin's) and a
// typical one-way economy fare in minor units of that currency.
type route struct {
	Origin, Destination string
	Carriers            [2]string
	Currency            string
	Base                int64
}

// routeTable lists the 100 routes: origin, destination, two carriers and
// a typical one-way economy fare in major units of the origin's currency.
const routeTable = `
ICN NRT KE OZ 280000
ICN KIX KE 7C 250000
ICN FUK OZ TW 220000
ICN CTS KE LJ 340000
ICN OKA OZ 7C 310000
ICN PVG KE MU 300000
ICN PEK OZ CA 320000
ICN HKG CX KE 380000
ICN TPE CI BR 330000
ICN BKK TG KE 450000
ICN SIN SQ KE 520000
ICN MNL PR 5J 360000
ICN SGN VN VJ 400000
ICN HAN VN KE 390000
ICN DAD VJ 7C 350000
ICN CEB PR 5J 370000
ICN KUL MH D7 480000
ICN CGK GA KE 560000
ICN DPS GA KE 620000
ICN SYD QF KE 1100000
ICN LAX KE OZ 1400000
ICN SFO UA OZ 1350000
ICN JFK KE DL 1600000
ICN SEA DL KE 1250000
ICN YVR AC KE 1200000
ICN HNL KE HA 900000
ICN GUM KE LJ 420000
ICN LHR BA KE 1500000
ICN CDG AF KE 1450000
ICN FRA LH KE 1400000
GMP HND KE JL 260000
GMP KIX OZ KE 240000
GMP CJU KE OZ 70000
PUS FUK KE BX 180000
PUS NRT KE BX 260000
CJU GMP OZ 7C 65000
NRT ICN JL KE 32000
HND ICN NH OZ 35000
KIX ICN JL 7C 28000
NRT HNL JL NH 95000
HND SFO NH UA 150000
HND LAX JL AA 160000
NRT BKK TG JL 70000
NRT SIN SQ JL 85000
KIX TPE CI MM 36000
HND CTS JL NH 22000
HND OKA NH JL 25000
NRT MNL PR JL 48000
HND LHR BA JL 210000
HND CDG AF NH 205000
JFK LHR BA AA 450
JFK CDG AF DL 430
JFK LAX AA DL 220
LAX JFK DL UA 230
SFO NRT UA JL 780
LAX ICN KE AA 850
SEA ICN DL KE 820
JFK ICN KE DL 980
ORD LHR AA BA 520
ATL CDG DL AF 560
BOS DUB EI AA 410
EWR FRA UA LH 540
MIA MAD IB AA 590
DFW NRT AA JL 880
LAX HNL HA UA 240
SFO HNL UA HA 230
DEN ORD UA AA 150
ATL DFW DL AA 160
SEA ANC AS DL 190
IAD LHR UA BA 500
CDG JFK AF DL 420
FRA ORD LH UA 480
AMS ATL KL DL 450
MAD BOS IB AA 400
FCO EWR AZ UA 470
MUC DEN LH UA 520
CDG ICN AF KE 780
FRA ICN LH KE 760
AMS NRT KL JL 820
CDG SIN AF SQ 690
FRA BKK LH TG 610
MAD MEX IB AM 560
BCN FCO VY FR 70
AMS LIS KL TP 120
LHR JFK BA VS 380
LHR ICN BA KE 720
LHR HKG CX BA 640
LHR DXB EK BA 420
LGW BCN BA VY 80
SIN ICN SQ KE 620
SIN SYD SQ QF 540
SIN LHR SQ BA 1100
HKG ICN CX KE 2600
HKG SIN CX SQ 2200
BKK ICN TG KE 11000
BKK DXB EK TG 14000
DXB LHR EK BA 2300
DXB ICN EK KE 2600
SYD LAX QF UA 1400
SYD ICN KE QF 900
`

// originCurrency is the currency fares from an origin are priced in.
var originCurrency = map[string]string{
	"ICN": "KRW", "GMP": "KRW", "PUS": "KRW", "CJU": "KRW",
	"NRT": "JPY", "HND": "JPY", "KIX": "JPY",
	"JFK": "USD", "LAX": "USD", "SFO": "USD", "SEA": "USD", "ORD": "USD", "ATL": "USD", "BOS": "USD",
	"EWR": "USD", "MIA": "USD", "DFW": "USD", "DEN": "USD", "IAD": "USD",
	"CDG": "EUR", "FRA": "EUR", "AMS": "EUR", "MAD": "EUR", "FCO": "EUR", "MUC": "EUR", "BCN": "EUR",
	"LHR": "GBP", "LGW": "GBP",
	"SIN": "SGD", "HKG": "HKD", "BKK": "THB", "DXB": "AED", "SYD": "AUD",
}

// parseRoutes reads routeTable.
func parseRoutes(table string) ([]route, error) {
	var routes []route
	seen := map[string]bool{}
	for n, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Fields(line)
		if len(f) != 5 {
			return nil, fmt.Errorf("route line %d %q: want origin, destination, two carriers and a fare", n+1, line)
		}
		r := route{Origin: f[0], Destination: f[1], Carriers: [2]string{f[2], f[3]}, Currency: originCurrency[f[0]]}
		exp, ok := fare.MinorUnits(r.Currency)
		if !ok {
			return nil, fmt.Errorf("route line %d %q: no currency for origin %s", n+1, line, r.Origin)
		}
		major, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil || major <= 0 {
			return nil, fmt.Errorf("route line %d %q: fare %q is not a positive integer", n+1, line, f[4])
		}
		r.Base = major
		for range exp {
			r.Base *= 10
		}
		k := r.Origin + "-" + r.Destination
		if seen[k] || !fare.ValidIATA(r.Origin) || !fare.ValidIATA(r.Destination) ||
			!fare.ValidCarrier(r.Carriers[0]) || !fare.ValidCarrier(r.Carriers[1]) {
			return nil, fmt.Errorf("route line %d %q: repeated route or bad code", n+1, line)
		}
		seen[k] = true
		routes = append(routes, r)
	}
	return routes, nil
}
