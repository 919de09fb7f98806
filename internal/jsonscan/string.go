package jsonscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// Text reads a string whose contents decode to themselves, without an
// escape and in valid UTF-8, and returns them; they alias the input.
func (s *Scanner) Text() ([]byte, bool) {
	t, plain, ok := s.RawString()
	if !ok || !plain && (bytes.IndexByte(t, '\\') >= 0 || !utf8.Valid(t)) {
		return nil, false
	}
	return t, true
}

// Str reads a string as Text does into *p.
func (s *Scanner) Str(p *string) bool {
	t, ok := s.Text()
	if ok {
		*p = string(t)
	}
	return ok
}

// RawString reads a string and returns its raw contents, and plain when
// they hold neither an escape nor a byte of 0x80 or more. Escapes are
// checked, not decoded.
func (s *Scanner) RawString() (t []byte, plain, ok bool) {
	if s.Next() != '"' {
		return nil, false, false
	}
	b, start := s.b, s.i+1
	i := start
	for i+8 <= len(b) {
		m := special8(binary.LittleEndian.Uint64(b[i:]))
		if m == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(m) / 8
		if b[i] == '"' {
			s.i = i + 1
			return b[start:i], true, true
		}
		break
	}
	return s.rawSlow(start, i)
}

// rawSlow goes on with a string from i, byte by byte.
func (s *Scanner) rawSlow(start, i int) (t []byte, plain, ok bool) {
	b := s.b
	plain = true
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case plainByte[c]:
		case c == '"':
			s.i = i + 1
			return b[start:i], plain, true
		case c == '\\':
			plain = false
			i++
			if i >= len(b) {
				return nil, false, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return nil, false, false
				}
				i += 4
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		default:
			plain = false
		}
	}
	return nil, false, false
}

// special8 returns the high bits of the bytes of w (little endian) that
// do not stand for themselves in a JSON string: a quote, a backslash, a
// control character or a byte of 0x80 or more. Subtracting n from a byte
// below n borrows and sets its high bit ("Bit Twiddling Hacks", hasless);
// a borrow only moves into later bytes, so the lowest bit set marks the
// first special byte exactly.
func special8(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := w ^ ('"' * ones)
	slash := w ^ ('\\' * ones)
	return (w | (w - 0x20*ones) | (quote - ones) | (slash - ones)) & highs
}

// plainByte marks the bytes that stand for themselves in a JSON string:
// ASCII from the space up but the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
