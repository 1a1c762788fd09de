//! Byte classes as bit masks, sixteen bytes per SIMD compare: the simdjson idea, in safe
//! code.
//!
//! [`wide`]'s `u8x16` compiles to SSE2 on every x86-64 (and NEON, WASM SIMD, or plain
//! scalar code elsewhere), so a 64-byte block is classified in about 50 instructions, with
//! no `unsafe` in this workspace and no CPU detection. The scanner uses whole blocks to
//! follow strings and brackets ([`structure`], [`in_string`]); the walker asks for the
//! first byte that can end or break a string ([`string_stop`]).

use wide::u8x16;

/// Bit `k` is set where byte `k` of a 64-byte block is of the class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Structure {
    /// `"`.
    pub quote: u64,
    /// `\`.
    pub backslash: u64,
    /// `{` or `[`.
    pub open: u64,
    /// `}` or `]`.
    pub close: u64,
}

#[inline(always)]
fn lanes(b: &[u8]) -> u8x16 {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[..16]);
    u8x16::new(a)
}

#[inline(always)]
fn mask(v: u8x16, byte: u8) -> u64 {
    v.simd_eq(u8x16::splat(byte)).to_bitmask() as u64
}

/// The structural classes of `block`.
#[inline(always)]
pub(crate) fn structure(block: &[u8; 64]) -> Structure {
    let mut s = Structure::default();
    for k in 0..4 {
        let v = lanes(&block[16 * k..]);
        // Setting bit 5 folds `[` onto `{` and `]` onto `}`, and no other byte lands there.
        let folded = v | u8x16::splat(0x20);
        let at = 16 * k;
        s.quote |= mask(v, b'"') << at;
        s.backslash |= mask(v, b'\\') << at;
        s.open |= mask(folded, b'{') << at;
        s.close |= mask(folded, b'}') << at;
    }
    s
}

/// The quotes, backslashes and JSON whitespace (space, tab, line feed, carriage return) of
/// `block`, for the JSON report's minifier.
#[inline(always)]
pub(crate) fn quotes_and_space(block: &[u8; 64]) -> (u64, u64, u64) {
    let (mut quote, mut backslash, mut space) = (0, 0, 0);
    for k in 0..4 {
        let v = lanes(&block[16 * k..]);
        let at = 16 * k;
        quote |= mask(v, b'"') << at;
        backslash |= mask(v, b'\\') << at;
        let ws = v.simd_eq(u8x16::splat(b' '))
            | v.simd_eq(u8x16::splat(b'\n'))
            | v.simd_eq(u8x16::splat(b'\r'))
            | v.simd_eq(u8x16::splat(b'\t'));
        space |= (ws.to_bitmask() as u64) << at;
    }
    (quote, backslash, space)
}

/// The bytes escaped by a backslash, given the block's backslashes and whether the first
/// byte is escaped by a backslash at the end of the previous block. Returns the mask and
/// whether the first byte of the next block is escaped. The loop runs once per escape, and
/// escapes are rare next to the bytes around them.
#[inline(always)]
pub(crate) fn escaped(backslash: u64, carry: bool) -> (u64, bool) {
    let mut escaped = carry as u64;
    // An escaped backslash escapes nothing.
    let mut bs = backslash & !escaped;
    while bs != 0 {
        let p = bs.trailing_zeros();
        if p == 63 {
            return (escaped, true);
        }
        escaped |= 1 << (p + 1);
        bs &= !(3 << p);
    }
    (escaped, false)
}

/// Bit `k` is set when an odd number of the block's bits `0..=k` are set in `quotes`,
/// inverted when the block starts inside a string: the bytes inside strings, opening quotes
/// included, closing quotes not.
#[inline(always)]
pub(crate) fn in_string(quotes: u64, starts_inside: bool) -> u64 {
    let mut x = quotes;
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x ^ (0u64.wrapping_sub(starts_inside as u64))
}

/// The offset in `b[i..i + 16]` of the first `"`, `\` or control character (which JSON
/// strings may not hold raw), if any. `b` must hold 16 bytes from `i`.
#[inline(always)]
pub(crate) fn string_stop(b: &[u8], i: usize) -> Option<usize> {
    let v = lanes(&b[i..]);
    let m = v.simd_eq(u8x16::splat(b'"'))
        | v.simd_eq(u8x16::splat(b'\\'))
        | v.simd_lt(u8x16::splat(0x20));
    let m = m.to_bitmask();
    (m != 0).then(|| m.trailing_zeros() as usize)
}

/// The offset in `b[i..i + 16]` of the first byte that is not a space, if any. `b` must
/// hold 16 bytes from `i`.
#[inline(always)]
pub(crate) fn non_space(b: &[u8], i: usize) -> Option<usize> {
    let m = !lanes(&b[i..]).simd_eq(u8x16::splat(b' ')).to_bitmask() & 0xFFFF;
    (m != 0).then(|| m.trailing_zeros() as usize)
}

/// The index of the first `byte` in `b[from..]`, sixteen bytes per compare; the last
/// few bytes are compared as one zero-padded block (so `byte` must not be 0). For CSV
/// cells and the runs between escapes, mostly a few to a few hundred bytes, where
/// `memchr`'s setup and scalar tail cost more than the search: with memchr the CSV run
/// takes 1.7% to 2.0% more instructions (`benches/instructions.sh`, docs/performance.md).
#[inline]
pub(crate) fn find(b: &[u8], mut from: usize, byte: u8) -> Option<usize> {
    debug_assert!(byte != 0);
    let needle = u8x16::splat(byte);
    while from + 16 <= b.len() {
        let m = lanes(&b[from..]).simd_eq(needle).to_bitmask();
        if m != 0 {
            return Some(from + m.trailing_zeros() as usize);
        }
        from += 16;
    }
    let rest = b.get(from..).filter(|r| !r.is_empty())?;
    let mut a = [0u8; 16];
    a[..rest.len()].copy_from_slice(rest);
    let m = u8x16::new(a).simd_eq(needle).to_bitmask();
    (m != 0).then(|| from + m.trailing_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(block: &[u8; 64], f: impl Fn(u8) -> bool) -> u64 {
        (0..64).fold(0, |m, k| m | ((f(block[k]) as u64) << k))
    }

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
            let s = structure(b);
            assert_eq!(s.quote, bits(b, |c| c == b'"'));
            assert_eq!(s.backslash, bits(b, |c| c == b'\\'));
            assert_eq!(s.open, bits(b, |c| c == b'{' || c == b'['));
            assert_eq!(s.close, bits(b, |c| c == b'}' || c == b']'));
            let (q, bs, ws) = quotes_and_space(b);
            assert_eq!((q, bs), (s.quote, s.backslash));
            assert_eq!(ws, bits(b, |c| matches!(c, b' ' | b'\n' | b'\r' | b'\t')));
            for i in [0, 7, 48] {
                let want = b[i..i + 16]
                    .iter()
                    .position(|&c| c == b'"' || c == b'\\' || c < 0x20);
                assert_eq!(string_stop(b, i), want);
                assert_eq!(
                    non_space(b, i),
                    b[i..i + 16].iter().position(|&c| c != b' ')
                );
            }
        }
    }

    /// `escaped` and `in_string` against a byte-at-a-time walk, carried across blocks.
    #[test]
    fn escapes_and_strings_match_a_byte_walk() {
        let blocks = random_blocks(b"\\\\\\\"\"ab", 5000);
        let (mut carry, mut inside) = (false, false);
        let (mut esc_ref, mut in_ref) = (false, false);
        for b in &blocks {
            let (e, next) = escaped(structure(b).backslash, carry);
            let q = structure(b).quote & !e;
            let m = in_string(q, inside);
            for (k, &c) in b.iter().enumerate() {
                let is_escaped = esc_ref;
                esc_ref = !is_escaped && c == b'\\';
                assert_eq!(e >> k & 1 == 1, is_escaped, "{b:?} at {k}");
                if c == b'"' && !is_escaped {
                    in_ref = !in_ref;
                }
                // A string's bytes and its opening quote are inside; its closing quote is not.
                assert_eq!(m >> k & 1 == 1, in_ref, "{b:?} at {k}");
            }
            carry = next;
            inside = m >> 63 == 1;
            assert_eq!(carry, esc_ref);
        }
    }
}
