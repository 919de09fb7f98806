package jsonscan

// Scanner reads JSON values from a byte slice. The zero value reads an
// empty input; New starts one on data.
type Scanner struct {
	b []byte
	i int
}

// New returns a Scanner at the start of data.
func New(data []byte) Scanner { return Scanner{b: data} }

// Next skips white space and returns the next byte, 0 at the end. It does
// not consume the byte.
func (s *Scanner) Next() byte {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return s.b[s.i] // compact JSON: no white space between tokens
	}
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// Consume reads c if it is the next byte after white space.
func (s *Scanner) Consume(c byte) bool {
	if s.Next() != c {
		return false
	}
	s.i++
	return true
}

// AtEnd reports whether only white space is left.
func (s *Scanner) AtEnd() bool {
	s.ws()
	return s.i == len(s.b)
}

// Pos returns the offset of the next byte to read.
func (s *Scanner) Pos() int { return s.i }

func (s *Scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// Object reads an object whose known keys are fields (at most 64), calling
// field with the index of each known key once its value is next, and
// skipping the values of other keys. It refuses a key given twice and one
// equal to a field but for case, which encoding/json would take for the
// field, and any key that is not plain ASCII.
func (s *Scanner) Object(fields []string, field func(int) bool) bool {
	if !s.Consume('{') {
		return false
	}
	if s.Consume('}') {
		return true
	}
	var seen uint64
	for {
		key, plain, ok := s.RawString()
		if !ok || !plain || !s.Consume(':') {
			return false
		}
		f := -1
		for j, name := range fields {
			if len(name) != len(key) {
				continue
			}
			if string(key) == name {
				f = j
				break
			}
			if foldEqual(key, name) {
				return false
			}
		}
		if f < 0 {
			ok = s.Skip()
		} else {
			ok = seen&(1<<f) == 0 && field(f)
			seen |= 1 << f
		}
		if !ok {
			return false
		}
		if s.Consume(',') {
			continue
		}
		return s.Consume('}')
	}
}

// AnyObject reads an object, calling member with each key, plain ASCII
// without escapes, once its value is next. It leaves keys given twice to
// member.
func (s *Scanner) AnyObject(member func(key []byte) bool) bool {
	if !s.Consume('{') {
		return false
	}
	if s.Consume('}') {
		return true
	}
	for {
		key, plain, ok := s.RawString()
		if !ok || !plain || !s.Consume(':') || !member(key) {
			return false
		}
		if s.Consume(',') {
			continue
		}
		return s.Consume('}')
	}
}

// Array reads an array, calling elem for each element once it is next.
func (s *Scanner) Array(elem func() bool) bool {
	if !s.Consume('[') {
		return false
	}
	if s.Consume(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.Consume(',') {
			continue
		}
		return s.Consume(']')
	}
}

// Value reads any value, as Skip does, and returns its bytes.
func (s *Scanner) Value() ([]byte, bool) {
	s.Next()
	start := s.i
	if !s.Skip() {
		return nil, false
	}
	return s.b[start:s.i], true
}

// Skip reads and validates any value. It keeps its own stack of the open
// objects and arrays, a bit a level (set for an object), and refuses
// values nested deeper than 64 levels (not counting an empty innermost
// object or array).
func (s *Scanner) Skip() bool {
	var stack uint64
	depth := 0
	for {
		// A value is next.
		switch s.Next() {
		case '{', '[':
			obj := s.b[s.i] == '{'
			s.i++
			if c := s.Next(); obj && c == '}' || !obj && c == ']' {
				s.i++
				break
			}
			if depth == 64 {
				return false
			}
			stack = stack&^(1<<depth) | b2u(obj)<<depth
			depth++
			if obj && !s.key() {
				return false
			}
			continue
		case '"':
			if _, _, ok := s.RawString(); !ok {
				return false
			}
		case 't':
			if !s.literal("true") {
				return false
			}
		case 'f':
			if !s.literal("false") {
				return false
			}
		case 'n':
			if !s.literal("null") {
				return false
			}
		default:
			if !s.number() {
				return false
			}
		}
		// A value is complete: close the objects and arrays it ends.
		for {
			if depth == 0 {
				return true
			}
			obj := stack&(1<<(depth-1)) != 0
			c := s.Next()
			if c == ',' {
				s.i++
				if obj && !s.key() {
					return false
				}
				break
			}
			if obj && c == '}' || !obj && c == ']' {
				s.i++
				depth--
				continue
			}
			return false
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// key reads an object key and the colon after it.
func (s *Scanner) key() bool {
	_, _, ok := s.RawString()
	return ok && s.Consume(':')
}

// foldEqual reports whether the ASCII key equals name ignoring case.
func foldEqual(key []byte, name string) bool {
	for i := range key {
		a, b := key[i], name[i]
		if a >= 'A' && a <= 'Z' {
			a += 'a' - 'A'
		}
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}
