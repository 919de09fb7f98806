package synthetic

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// prng is a splitmix64 generator. It is written out here, not taken from
// math/rand, so that the sequence for a seed can never change with the Go
// release and golden files stay valid.
type prng struct{ state uint64 }

// newPRNG seeds a generator from a hash of the parts, so that every
// combination of seed, search and date has its own stream.
func newPRNG(parts ...string) *prng {
	return &prng{state: hashParts(parts...)}
}

// hashParts hashes the parts, each terminated by a zero byte so that
// ("ab", "c") and ("a", "bc") differ.
func hashParts(parts ...string) uint64 {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}

func (r *prng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); n must be positive.
func (r *prng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r *prng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// perm returns a permutation of [0, n).
func (r *prng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// pick returns one of the choices.
func pick[T any](r *prng, choices []T) T { return choices[r.intn(len(choices))] }
