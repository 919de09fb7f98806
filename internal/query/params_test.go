package query

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateRange(t *testing.T) {
	tests := []struct {
		name, in string
		from, to string
		days     int
		err      string
	}{
		{"one date", "2027-01-05", "2027-01-05", "2027-01-05", 1, ""},
		{"range", "2027-01-01,2027-01-31", "2027-01-01", "2027-01-31", 31, ""},
		{"longest range", "2027-01-01,2028-01-02", "2027-01-01", "2028-01-02", 367, ""},
		{"over 366 days", "2027-01-01,2028-01-03", "", "", 0, "at most 366 days"},
		{"inverted", "2027-02-01,2027-01-01", "", "", 0, "to 2027-01-01 is before from 2027-02-01"},
		{"not a date", "2027-13-01", "", "", 0, "not a date"},
		{"bad end", "2027-01-01,soon", "", "", 0, "not a date"},
		{"empty", "", "", "", 0, "not a date"},
		{"three parts", "2027-01-01,2027-01-02,2027-01-03", "", "", 0, "not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseDateRange(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("ParseDateRange(%q) error = %v, want one containing %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDateRange(%q): %v", tt.in, err)
			}
			if got := r.From.Format("2006-01-02") + "," + r.To.Format("2006-01-02"); got != tt.from+","+tt.to {
				t.Errorf("ParseDateRange(%q) = %s, want %s,%s", tt.in, got, tt.from, tt.to)
			}
			if r.Days() != tt.days {
				t.Errorf("ParseDateRange(%q).Days() = %d, want %d", tt.in, r.Days(), tt.days)
			}
		})
	}
}

func TestParseDateOrMonth(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"2027-01-05", "2027-01-05,2027-01-05", ""},
		{"2027-02", "2027-02-01,2027-02-28", ""},
		{"2028-02", "2028-02-01,2028-02-29", ""},
		{"2027-12", "2027-12-01,2027-12-31", ""},
		{"2027", "", "not a date"},
		{"2027-01-01,2027-01-02", "", "not a date"},
	}
	for _, tt := range tests {
		r, err := ParseDateOrMonth(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDateOrMonth(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if got := r.From.Format("2006-01-02") + "," + r.To.Format("2006-01-02"); err != nil || got != tt.want {
			t.Errorf("ParseDateOrMonth(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDayRange(t *testing.T) {
	tests := []struct {
		name, in string
		want     DayRange
		err      string
	}{
		{"one stay", "7", DayRange{7, 7}, ""},
		{"range", "2,8", DayRange{2, 8}, ""},
		{"same day", "0", DayRange{0, 0}, ""},
		{"longest", "366", DayRange{366, 366}, ""},
		{"too long", "367", DayRange{}, "want 0 to 366"},
		{"negative", "-1", DayRange{}, "want 0 to 366"},
		{"inverted", "8,2", DayRange{}, "inverted range"},
		{"not a number", "week", DayRange{}, "not a whole number"},
		{"fraction", "2.5", DayRange{}, "not a whole number"},
		{"plus sign", "+3", DayRange{}, "not a whole number"},
		{"empty", "", DayRange{}, "not a whole number"},
		{"open range", "3,", DayRange{}, "not a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDayRange(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("ParseDayRange(%q) error = %v, want one containing %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseDayRange(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseMaxAge(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"24h", 24 * time.Hour, ""},
		{"90m", 90 * time.Minute, ""},
		{"P1D", 24 * time.Hour, ""},
		{"PT12H", 12 * time.Hour, ""},
		{"P1DT6H", 30 * time.Hour, ""},
		{"P2W", 14 * 24 * time.Hour, ""},
		{"PT1H30M15S", time.Hour + 30*time.Minute + 15*time.Second, ""},
		{"P1M", 0, "no fixed length"},
		{"P1Y", 0, "no fixed length"},
		{"P", 0, "not an ISO 8601 duration"},
		{"PT", 0, "not an ISO 8601 duration"},
		{"P1DT", 0, "not an ISO 8601 duration"},
		{"P1H", 0, "not an ISO 8601 duration"},
		{"PT1D", 0, "not an ISO 8601 duration"},
		{"P1.5D", 0, "not an ISO 8601 duration"},
		{"PD", 0, "not an ISO 8601 duration"},
		{"P0D", 0, "not a positive duration"},
		{"-1h", 0, "not a positive duration"},
		{"1 day", 0, "not a duration"},
		{"", 0, "not a duration"},
	}
	for _, tt := range tests {
		got, err := ParseMaxAge(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseMaxAge(%q) error = %v, want one containing %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseMaxAge(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct{ in, err string }{
		{"250000", ""},
		{"199.99", ""},
		{"0.5", ""},
		{"0", "not a positive amount"},
		{"0.00", "not a positive amount"},
		{"-5", "not an amount"},
		{"1e5", "not an amount"},
		{"12.", "not an amount"},
		{".5", "not an amount"},
		{"1,000", "not an amount"},
		{"", "not an amount"},
		{"1234567890123456789012345", "not an amount"},
	}
	for _, tt := range tests {
		err := parseAmount(tt.in)
		if tt.err == "" && err != nil {
			t.Errorf("parseAmount(%q) = %v, want nil", tt.in, err)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("parseAmount(%q) = %v, want an error containing %q", tt.in, err, tt.err)
		}
	}
}

func TestAmountInChecksTheCurrencysDecimals(t *testing.T) {
	if m, err := amountIn("price", "199.99", "USD"); err != nil || m.Minor != 19999 {
		t.Errorf("amountIn(199.99 USD) = %+v, %v; want 19999 minor units", m, err)
	}
	if _, err := amountIn("price", "250000.5", "KRW"); err == nil || !strings.Contains(err.Error(), "KRW (0 decimals at most)") {
		t.Errorf("amountIn(250000.5 KRW) error = %v, want one about KRW's decimals", err)
	}
}
