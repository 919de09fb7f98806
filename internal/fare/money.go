package fare

import (
	"fmt"
	"math"
	"strconv"
)

// Money is an exact amount in one currency. Minor holds the amount in the
// currency's smallest unit (cents for USD, won for KRW, fils for KWD);
// Amount is the same value as a canonical decimal string with exactly the
// currency's number of decimals. No float is involved anywhere.
type Money struct {
	Amount   string `json:"amount"`
	Minor    int64  `json:"amount_minor"`
	Currency string `json:"currency"`
}

// ParseMoney parses a decimal string such as "355.34" in the given ISO 4217
// currency. It accepts an optional leading sign and trailing zeros beyond
// the currency's precision ("355.340"), and rejects digits that the
// currency cannot represent ("355.345 EUR"), exponents, spaces and
// unknown currencies.
func ParseMoney(amount, currency string) (Money, error) {
	exp, ok := MinorUnits(currency)
	if !ok {
		return Money{}, fmt.Errorf("unknown currency %q (want an ISO 4217 code)", currency)
	}
	minor, err := parseMinor(amount, exp)
	if err != nil {
		return Money{}, fmt.Errorf("amount %q in %s: %w", amount, currency, err)
	}
	var buf [24]byte
	canonical := appendMinor(buf[:0], minor, exp)
	if string(canonical) != amount {
		amount = string(canonical)
	}
	return Money{Amount: amount, Minor: minor, Currency: currency}, nil
}

// MoneyFromMinor builds Money from an amount in minor units.
func MoneyFromMinor(minor int64, currency string) (Money, error) {
	exp, ok := MinorUnits(currency)
	if !ok {
		return Money{}, fmt.Errorf("unknown currency %q (want an ISO 4217 code)", currency)
	}
	return Money{Amount: FormatMinor(minor, exp), Minor: minor, Currency: currency}, nil
}

func parseMinor(s string, exp int) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			whole, frac = s[:i], s[i+1:]
			break
		}
	}
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("no digits")
	}
	if !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("not a decimal number")
	}
	for len(frac) > exp {
		if frac[len(frac)-1] != '0' {
			return 0, fmt.Errorf("more than %d decimal places", exp)
		}
		frac = frac[:len(frac)-1]
	}
	var v int64
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			d := int64(part[i] - '0')
			if v > (math.MaxInt64-d)/10 {
				return 0, fmt.Errorf("too large")
			}
			v = v*10 + d
		}
	}
	for i := len(frac); i < exp; i++ {
		if v > math.MaxInt64/10 {
			return 0, fmt.Errorf("too large")
		}
		v *= 10
	}
	if neg {
		v = -v
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatMinor renders an amount in minor units as a decimal string with
// exactly exp decimals: FormatMinor(35534, 2) == "355.34".
func FormatMinor(minor int64, exp int) string {
	var buf [24]byte
	return string(appendMinor(buf[:0], minor, exp))
}

// appendMinor appends FormatMinor(minor, exp).
func appendMinor(b []byte, minor int64, exp int) []byte {
	u := uint64(minor)
	if minor < 0 {
		b = append(b, '-')
		u = -u
	}
	var buf [32]byte
	digits := strconv.AppendUint(buf[:0], u, 10)
	if exp <= 0 {
		return append(b, digits...)
	}
	for len(digits) <= exp { // one digit at least before the point
		digits = append(digits, 0)
		copy(digits[1:], digits)
		digits[0] = '0'
	}
	b = append(b, digits[:len(digits)-exp]...)
	return append(append(b, '.'), digits[len(digits)-exp:]...)
}

// String renders Money as "355.34 EUR".
func (m Money) String() string { return m.Amount + " " + m.Currency }
