package synthetic

import (
	"math/big"

	"github.com/farepipe/farepipe/internal/fare"
)

// usdRates holds fixed exchange rates: thousandths of a currency unit per US
// dollar. Fares are computed in US cents and converted once, so a search in
// any of these currencies shows the same market.
var usdRates = map[string]int64{
	"USD": 1000, "EUR": 920, "GBP": 790, "CHF": 880, "SEK": 10500,
	"NOK": 10600, "DKK": 6850, "PLN": 4000, "CZK": 23000, "HUF": 360000,
	"TRY": 32000, "KRW": 1380000, "JPY": 150000, "CNY": 7200, "HKD": 7800,
	"TWD": 32000, "SGD": 1340, "THB": 35500, "MYR": 4700, "IDR": 15800000,
	"PHP": 56000, "VND": 25000000, "INR": 83000, "AUD": 1520, "NZD": 1650,
	"CAD": 1360, "MXN": 17000, "BRL": 5000, "ZAR": 18500, "AED": 3673,
	"SAR": 3750, "QAR": 3640, "KWD": 307, "BHD": 376, "OMR": 385, "JOD": 709,
}

// roundingStep is the granularity of published fares, in minor units, for
// currencies whose smallest unit is too small to quote (fares in won are
// quoted in hundreds); every other currency uses its minor unit.
var roundingStep = map[string]int64{
	"KRW": 100, "JPY": 10, "VND": 1000, "IDR": 10000, "HUF": 100,
}

// convert turns US cents into minor units of currency, rounded half up to
// the currency's fare granularity and never below one step. big.Int keeps
// the product of cents, rate and decimal scale clear of int64 limits for
// any fare.
func convert(cents int64, currency string) int64 {
	exp, _ := fare.MinorUnits(currency)
	// minor = cents * rate * 10^exp / (100 * 1000)
	num := new(big.Int).Mul(big.NewInt(cents), big.NewInt(usdRates[currency]))
	num.Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil))
	step := roundingStep[currency]
	if step == 0 {
		step = 1
	}
	den := big.NewInt(100 * 1000 * step)
	num.Add(num, new(big.Int).Rsh(den, 1))
	steps := num.Quo(num, den).Int64()
	return max(steps, 1) * step
}

// permille scales v by m/1000, rounding half up; v and m are positive.
func permille(v int64, m int) int64 {
	return (v*int64(m) + 500) / 1000
}
