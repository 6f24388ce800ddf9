package checker

import (
	"encoding/binary"
	"math/bits"
)

// hashBytes is a fixed-seed 64-bit hash of a state encoding, in the style of wyhash: each
// 8-byte word is folded in with a 64x64->128 multiply, then the result is finalised with
// MurmurHash3's fmix64. The seed is fixed, not random, so fingerprints and thus a hash-
// compacted search are the same on every run.
func hashBytes(b []byte) uint64 {
	const (
		k0 = 0xa0761d6478bd642f
		k1 = 0xe7037ed1a0b428db
	)
	h := uint64(len(b))*k1 ^ k0
	for len(b) >= 8 {
		hi, lo := bits.Mul64(h^binary.LittleEndian.Uint64(b), k1)
		h = hi ^ lo
		b = b[8:]
	}
	if len(b) > 0 {
		var w uint64
		for i, c := range b {
			w |= uint64(c) << (8 * i)
		}
		hi, lo := bits.Mul64(h^w^k0, k1)
		h = hi ^ lo
	}
	return fmix64(h)
}

func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
