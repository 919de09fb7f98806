package fare

import (
	"math"
	"strings"
	"testing"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		amount, currency string
		wantAmount       string
		wantMinor        int64
		wantErr          string
	}{
		{"355.34", "EUR", "355.34", 35534, ""},
		{"355.3", "EUR", "355.30", 35530, ""},
		{"355", "USD", "355.00", 35500, ""},
		{"355.340", "EUR", "355.34", 35534, ""},
		{"0.05", "USD", "0.05", 5, ""},
		{".5", "USD", "0.50", 50, ""},
		{"120000", "KRW", "120000", 120000, ""},
		{"120000.00", "KRW", "120000", 120000, ""},
		{"1.234", "KWD", "1.234", 1234, ""},
		{"1.2345", "CLF", "1.2345", 12345, ""},
		{"-12.00", "EUR", "-12.00", -1200, ""},
		{"+7", "JPY", "7", 7, ""},
		{"355.345", "EUR", "", 0, "more than 2 decimal places"},
		{"120000.5", "KRW", "", 0, "more than 0 decimal places"},
		{"1e3", "USD", "", 0, "not a decimal number"},
		{"12,50", "EUR", "", 0, "not a decimal number"},
		{" 12", "EUR", "", 0, "not a decimal number"},
		{"", "EUR", "", 0, "empty"},
		{".", "EUR", "", 0, "no digits"},
		{"99999999999999999999", "USD", "", 0, "too large"},
		{"10.00", "XYZ", "", 0, `unknown currency "XYZ"`},
		{"10.00", "eur", "", 0, `unknown currency "eur"`},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.amount, tt.currency)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseMoney(%q, %q) error = %v, want one containing %q", tt.amount, tt.currency, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseMoney(%q, %q): %v", tt.amount, tt.currency, err)
			continue
		}
		if got.Amount != tt.wantAmount || got.Minor != tt.wantMinor || got.Currency != tt.currency {
			t.Errorf("ParseMoney(%q, %q) = %+v, want %s (%d minor)", tt.amount, tt.currency, got, tt.wantAmount, tt.wantMinor)
		}
	}
}

func TestMinorUnits(t *testing.T) {
	for cur, want := range map[string]int{"KRW": 0, "JPY": 0, "USD": 2, "EUR": 2, "KWD": 3, "BHD": 3, "CLF": 4} {
		if got, ok := MinorUnits(cur); !ok || got != want {
			t.Errorf("MinorUnits(%q) = %d, %v; want %d, true", cur, got, ok, want)
		}
	}
	if _, ok := MinorUnits("XXX"); ok {
		t.Error(`MinorUnits("XXX") known, want unknown`)
	}
}

func TestFormatMinor(t *testing.T) {
	tests := []struct {
		minor int64
		exp   int
		want  string
	}{
		{35534, 2, "355.34"}, {5, 2, "0.05"}, {0, 2, "0.00"}, {-1200, 2, "-12.00"},
		{120000, 0, "120000"}, {1234, 3, "1.234"}, {7, 3, "0.007"},
		{-5, 2, "-0.05"}, {5, 4, "0.0005"}, {12345, 4, "1.2345"}, {-7, 0, "-7"},
		{math.MinInt64, 2, "-92233720368547758.08"}, {math.MaxInt64, 3, "9223372036854775.807"},
	}
	for _, tt := range tests {
		if got := FormatMinor(tt.minor, tt.exp); got != tt.want {
			t.Errorf("FormatMinor(%d, %d) = %q, want %q", tt.minor, tt.exp, got, tt.want)
		}
	}
}
