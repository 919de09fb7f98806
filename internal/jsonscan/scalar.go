package jsonscan

import "bytes"

// Int reads an integer that fits an int (see Int64).
func (s *Scanner) Int(p *int) bool {
	var v int64
	if !s.Int64(&v) || int64(int(v)) != v {
		return false
	}
	*p = int(v)
	return true
}

// Int64 reads an integer of at most 18 digits, which fits an int64;
// anything else (a fraction, an exponent, a longer number) is refused.
func (s *Scanner) Int64(p *int64) bool {
	s.Next()
	b, i := s.b, s.i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	start := i
	var v int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + int64(b[i]-'0')
	}
	n := i - start
	if n == 0 || n > 18 || n > 1 && b[start] == '0' || i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return false
	}
	if neg {
		v = -v
	}
	s.i, *p = i, v
	return true
}

// Bool reads true or false.
func (s *Scanner) Bool(p *bool) bool {
	switch {
	case s.Next() == 't' && s.literal("true"):
		*p = true
	case s.Next() == 'f' && s.literal("false"):
		*p = false
	default:
		return false
	}
	return true
}

// Null reads a null if one is next.
func (s *Scanner) Null() bool {
	return s.Next() == 'n' && s.literal("null")
}

func (s *Scanner) literal(lit string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		return false
	}
	s.i += len(lit)
	return true
}

// number reads a number as the JSON grammar has it.
func (s *Scanner) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return false
		}
		i = j
	}
	s.i = i
	return true
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}
