//! Eight bytes at a time in a `u64` ("SIMD within a register"): the byte tests the
//! scanner and the walker use to jump over runs of ordinary bytes.
//!
//! Portable and safe code (the workspace forbids `unsafe`), so no intrinsics: each test
//! costs a few ALU operations per 8 bytes, less than half of what testing the same bytes
//! one at a time costs the scanner on string-heavy findings.

pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes from `data[i..]` (which must hold eight) as one little-endian word.
#[inline(always)]
pub(crate) fn word(data: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&data[i..i + 8]);
    u64::from_le_bytes(w)
}

/// The bytes of `w` equal to `b`, as the high bit of each such byte: the classic SWAR
/// zero-byte test on `w ^ b`. A false flag can sit only above a true one (a borrow runs
/// upwards), so the lowest flag is always exact, and "any" is exact too.
#[inline(always)]
pub(crate) fn byte_flags(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * b as u64);
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Flags each `"`, `{`, `}`, `[` or `]` in `w`, lowest exact (see [`byte_flags`]).
/// Setting bit 5 folds `[` onto `{` and `]` onto `}` (0x5B|0x20 = 0x7B,
/// 0x5D|0x20 = 0x7D, and no other byte lands there), so three tests cover five bytes.
#[inline(always)]
pub(crate) fn structure_flags(w: u64) -> u64 {
    let folded = w | (ONES * 0x20);
    byte_flags(w, b'"') | byte_flags(folded, b'{') | byte_flags(folded, b'}')
}

/// The index in `w` of the byte that the lowest flag marks.
#[inline(always)]
pub(crate) fn first_flagged(flags: u64) -> usize {
    (flags.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_tests_find_exactly_the_first_byte() {
        let structural = |b: u8| matches!(b, b'"' | b'{' | b'}' | b'[' | b']');
        let first = |w: [u8; 8]| {
            let flags = structure_flags(u64::from_le_bytes(w));
            (flags != 0).then(|| first_flagged(flags))
        };
        for b in 0..=255u8 {
            for pos in 0..8 {
                for fill in [b' ', 0u8, 0xFF, b'{' - 1, b'"' + 1] {
                    let mut w = [fill; 8];
                    w[pos] = b;
                    let want = w.iter().position(|&c| structural(c));
                    assert_eq!(first(w), want, "byte {b:#x} at {pos} among {fill:#x}");
                }
            }
        }
        // Words of random bytes drawn mostly from the interesting ones: borrows from a
        // flagged byte must never move the lowest flag.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let pool = [
            b'"',
            b'{',
            b'}',
            b'[',
            b']',
            b'\\',
            0,
            1,
            b' ',
            0x7A,
            0x7C,
            0x5C,
            0xFF,
            b'a',
            0x21,
            0x5B ^ 0x20,
        ];
        for _ in 0..200_000 {
            let mut w = [0u8; 8];
            for c in &mut w {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *c = pool[(x % pool.len() as u64) as usize];
            }
            assert_eq!(first(w), w.iter().position(|&c| structural(c)), "{w:?}");
            let q =
                byte_flags(u64::from_le_bytes(w), b'"') | byte_flags(u64::from_le_bytes(w), b'\\');
            let want = w.iter().position(|&c| c == b'"' || c == b'\\');
            assert_eq!((q != 0).then(|| first_flagged(q)), want, "{w:?}");
        }
    }
}
