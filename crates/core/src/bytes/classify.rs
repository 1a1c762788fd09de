//! Searches of sixteen bytes per SIMD compare, in safe code: the walker asks for the first
//! byte that can end or break a string ([`string_stop`]) or is not a space
//! ([`non_space`]), CSV cells and unescaping for the first of one byte ([`find`]).
//!
//! [`wide`]'s `u8x16` compiles to SSE2 on every x86-64 (and NEON, WASM SIMD, or plain
//! scalar code elsewhere), with no `unsafe` and no CPU detection: these searches are short
//! (most strings and cells end within a few compares), where a call to a function picked
//! at run time would cost more than wider compares save. The whole-block classes of the
//! scanner and the JSON report's minifier, where AVX2 pays, are in the
//! `inspector-report-simd` crate.

use wide::u8x16;

/// The 16 bytes of `b` from `i`, if it holds as many. The searches take the array, not a
/// slice and an offset: with the length in the type, the compiler drops the bounds checks
/// it could not prove redundant in each loop iteration (two of the eighteen instructions
/// a string's loop spent per sixteen bytes).
#[inline(always)]
pub(crate) fn block(b: &[u8], i: usize) -> Option<&[u8; 16]> {
    b.get(i..i.checked_add(16)?)?.try_into().ok()
}

/// The offset in `b` of the first `"`, `\` or control character (which JSON strings may
/// not hold raw), if any.
#[inline(always)]
pub(crate) fn string_stop(b: &[u8; 16]) -> Option<usize> {
    let v = u8x16::new(*b);
    let m = v.simd_eq(u8x16::splat(b'"'))
        | v.simd_eq(u8x16::splat(b'\\'))
        | v.simd_lt(u8x16::splat(0x20));
    let m = m.to_bitmask();
    (m != 0).then(|| m.trailing_zeros() as usize)
}

/// The offset in `b` of the first byte that is not a space, if any.
#[inline(always)]
pub(crate) fn non_space(b: &[u8; 16]) -> Option<usize> {
    let m = !u8x16::new(*b).simd_eq(u8x16::splat(b' ')).to_bitmask() & 0xFFFF;
    (m != 0).then(|| m.trailing_zeros() as usize)
}

/// The index of the first `byte` in `b[from..]`, sixteen bytes per compare. The last
/// few bytes are compared as the last sixteen of `b` (the compare overlapping bytes
/// already searched, whose matches are dropped), or, in a slice shorter than that, as
/// one zero-padded block (so `byte` must not be 0). For CSV cells and the runs between
/// escapes, mostly a few to a few hundred bytes, where `memchr`'s setup and scalar tail
/// cost more than the search: with memchr the CSV run takes 1.7% to 2.0% more
/// instructions (`benches/instructions.sh`, docs/performance.md). A CSV cell is searched
/// at the end of its row's buffer, so its last bytes are always such an overlapping
/// window, and no cell is copied (for a short one, the padded copy is a `memcpy` call).
#[inline]
pub(crate) fn find(b: &[u8], mut from: usize, byte: u8) -> Option<usize> {
    debug_assert!(byte != 0);
    let needle = u8x16::splat(byte);
    while let Some(v) = block(b, from) {
        let m = u8x16::new(*v).simd_eq(needle).to_bitmask();
        if m != 0 {
            return Some(from + m.trailing_zeros() as usize);
        }
        from += 16;
    }
    if from >= b.len() {
        return None;
    }
    if let Some(last) = b.len().checked_sub(16) {
        let v = block(b, last)?;
        // `from` is within the last sixteen bytes: keep the matches from it on.
        let m = u8x16::new(*v).simd_eq(needle).to_bitmask() >> (from - last);
        return (m != 0).then(|| from + m.trailing_zeros() as usize);
    }
    let rest = &b[from..];
    let mut a = [0u8; 16];
    a[..rest.len()].copy_from_slice(rest);
    let m = u8x16::new(a).simd_eq(needle).to_bitmask();
    (m != 0).then(|| from + m.trailing_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_blocks(pool: &[u8], n: usize) -> Vec<[u8; 64]> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..n)
            .map(|_| {
                let mut b = [0u8; 64];
                for c in &mut b {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    *c = pool[(x % pool.len() as u64) as usize];
                }
                b
            })
            .collect()
    }

    #[test]
    fn find_agrees_with_position() {
        let mut seed = 7u64;
        for len in 0..70 {
            for _ in 0..40 {
                let b: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        b"ab\"\x00\xff"[(seed >> 59) as usize % 5]
                    })
                    .collect();
                for from in 0..=len {
                    let want = b[from..].iter().position(|&c| c == b'"').map(|k| from + k);
                    assert_eq!(find(&b, from, b'"'), want, "{b:?} from {from}");
                }
            }
        }
        assert_eq!(find(b"abc", 5, b'"'), None);
    }

    #[test]
    fn classes_match_byte_tests() {
        let mut all = [0u8; 256];
        for (i, c) in all.iter_mut().enumerate() {
            *c = i as u8;
        }
        let mut blocks = random_blocks(&all, 2000);
        for k in 0..4 {
            let mut b = [0u8; 64];
            b.copy_from_slice(&all[64 * k..64 * k + 64]);
            blocks.push(b);
        }
        for b in &blocks {
            for i in [0, 7, 48] {
                let want = b[i..i + 16]
                    .iter()
                    .position(|&c| c == b'"' || c == b'\\' || c < 0x20);
                let v = block(b, i).unwrap();
                assert_eq!(string_stop(v), want);
                assert_eq!(non_space(v), b[i..i + 16].iter().position(|&c| c != b' '));
            }
        }
    }
}
