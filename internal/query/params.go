package query

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// MaxRangeDays is the longest departure date range a request may span:
// the last date at most 366 days after the first.
const MaxRangeDays = 366

// MaxStayDays is the longest stay a duration may name.
const MaxStayDays = 366

// Views of a calendar, as Amadeus Flight Cheapest Date Search names them.
const (
	ViewDate     = "DATE"     // the cheapest fare of each departure date
	ViewDuration = "DURATION" // the cheapest fare of each departure date and stay
	ViewWeek     = "WEEK"     // the cheapest fare of each ISO week (Monday to Sunday)
)

// Views lists the calendar views.
var Views = []string{ViewDate, ViewDuration, ViewWeek}

// DateRange is an inclusive range of calendar dates, at midnight UTC.
type DateRange struct {
	From, To time.Time
}

// Days returns the number of dates in the range.
func (r DateRange) Days() int { return int(r.To.Sub(r.From)/(24*time.Hour)) + 1 }

// ParseDateRange parses a date or an inclusive range of dates "from,to",
// both YYYY-MM-DD, as the departureDate parameter of Amadeus Flight
// Cheapest Date Search has them. The range may span at most MaxRangeDays.
func ParseDateRange(s string) (DateRange, error) {
	first, last, isRange := strings.Cut(s, ",")
	from, err := time.Parse(fare.DateLayout, first)
	if err != nil {
		return DateRange{}, errors.New(`not a date or a range of dates (YYYY-MM-DD or "YYYY-MM-DD,YYYY-MM-DD")`)
	}
	if !isRange {
		return DateRange{From: from, To: from}, nil
	}
	to, err := time.Parse(fare.DateLayout, last)
	if err != nil {
		return DateRange{}, errors.New(`not a date or a range of dates (YYYY-MM-DD or "YYYY-MM-DD,YYYY-MM-DD")`)
	}
	switch {
	case to.Before(from):
		return DateRange{}, fmt.Errorf("inverted range: to %s is before from %s", last, first)
	case to.Sub(from) > MaxRangeDays*24*time.Hour:
		return DateRange{}, fmt.Errorf("range of %d days: at most %d days from the first date to the last",
			int(to.Sub(from)/(24*time.Hour)), MaxRangeDays)
	}
	return DateRange{From: from, To: to}, nil
}

// ParseDateOrMonth parses a date (YYYY-MM-DD) or a month (YYYY-MM, every
// date of the month).
func ParseDateOrMonth(s string) (DateRange, error) {
	if d, err := time.Parse(fare.DateLayout, s); err == nil {
		return DateRange{From: d, To: d}, nil
	}
	m, err := time.Parse("2006-01", s)
	if err != nil {
		return DateRange{}, errors.New("not a date (YYYY-MM-DD) or a month (YYYY-MM)")
	}
	return DateRange{From: m, To: m.AddDate(0, 1, -1)}, nil
}

// DayRange is an inclusive range of stay lengths in days.
type DayRange struct {
	Min, Max int
}

// Contains reports whether days is in the range.
func (r DayRange) Contains(days int) bool { return r.Min <= days && days <= r.Max }

// ParseDayRange parses a stay length in days or an inclusive range
// "min,max", as the duration parameter of Amadeus Flight Cheapest Date
// Search has them: 7, or 2,8. Stays are 0 (back the same day) to
// MaxStayDays.
func ParseDayRange(s string) (DayRange, error) {
	first, last, isRange := strings.Cut(s, ",")
	if !isRange {
		last = first
	}
	lo, err1 := parseDays(first)
	hi, err2 := parseDays(last)
	if err := errors.Join(err1, err2); err != nil {
		return DayRange{}, err
	}
	if hi < lo {
		return DayRange{}, fmt.Errorf("inverted range: max %d is below min %d", hi, lo)
	}
	return DayRange{Min: lo, Max: hi}, nil
}

func parseDays(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf(`%q is not a whole number of days (want 7, or a range such as "2,8")`, s)
	}
	if n < 0 || n > MaxStayDays {
		return 0, fmt.Errorf("%d days: want 0 to %d", n, MaxStayDays)
	}
	return n, nil
}

// ParseMaxAge parses the longest time since a fare was last seen: a Go
// duration ("36h", "90m") or an ISO 8601 duration of weeks, days, hours,
// minutes and seconds ("P1D", "PT12H", "P1DT6H", "P2W"). Years and months
// are refused: their length varies. The age must be positive.
func ParseMaxAge(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if strings.HasPrefix(s, "P") {
		d, err = parseISODuration(s)
	} else {
		d, err = time.ParseDuration(s)
		if err != nil {
			err = errors.New(`not a duration (want "24h", "90m", or ISO 8601 such as "P1D", "PT12H")`)
		}
	}
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, errors.New("not a positive duration")
	}
	return d, nil
}

// parseISODuration parses PnW, PnD, PTnHnMnS and their combinations, with
// whole numbers only.
func parseISODuration(s string) (time.Duration, error) {
	bad := errors.New(`not an ISO 8601 duration of weeks, days, hours, minutes or seconds (such as "P1D", "PT12H", "P1DT6H")`)
	rest := s[1:]
	if rest == "" || strings.HasSuffix(rest, "T") {
		return 0, bad
	}
	units := map[byte]time.Duration{'W': 7 * 24 * time.Hour, 'D': 24 * time.Hour}
	timeUnits := map[byte]time.Duration{'H': time.Hour, 'M': time.Minute, 'S': time.Second}
	var total time.Duration
	inTime := false
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return 0, bad
			}
			inTime = true
			rest = rest[1:]
			continue
		}
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || i > 9 {
			return 0, bad
		}
		n, _ := strconv.Atoi(rest[:i])
		u := rest[i]
		unit, ok := units[u]
		if inTime {
			unit, ok = timeUnits[u]
		}
		if !ok {
			if !inTime && (u == 'Y' || u == 'M') {
				return 0, errors.New("years and months have no fixed length: use weeks, days or hours (such as P30D)")
			}
			return 0, bad
		}
		total += time.Duration(n) * unit
		rest = rest[i+1:]
	}
	return total, nil
}

// parseAmount checks that s is a positive decimal amount in major units
// ("250000", "199.99"); its currency is checked once it is known.
func parseAmount(s string) error {
	digits, frac, hasFrac := strings.Cut(s, ".")
	ok := digits != "" && (!hasFrac || frac != "")
	nonZero := false
	for _, part := range []string{digits, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				ok = false
			} else if part[i] != '0' {
				nonZero = true
			}
		}
	}
	switch {
	case !ok || len(s) > 24:
		return errors.New(`not an amount (want a positive number such as 250000 or 199.99)`)
	case !nonZero:
		return errors.New("not a positive amount")
	}
	return nil
}

// amountIn converts a checked amount to money of the currency; param names
// the parameter it came from for the error.
func amountIn(param, amount, currency string) (fare.Money, error) {
	m, err := fare.ParseMoney(amount, currency)
	if err != nil {
		exp, _ := fare.MinorUnits(currency)
		return m, &fare.FieldError{Field: param, Value: amount,
			Reason: fmt.Sprintf("not an amount of %s (%d decimals at most)", currency, exp)}
	}
	return m, nil
}
