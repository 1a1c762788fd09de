//! The portable path: `wide`'s `u8x16` (SSE2 on every x86-64), sixteen bytes per compare.

use crate::{bracket_loop, minify_loop, Brackets, Strings, STAGED};
use wide::u8x16;

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

/// Quotes, backslashes, `{` or `[`, `}` or `]`.
#[inline(always)]
pub(crate) fn structure(block: &[u8; 64]) -> [u64; 4] {
    let mut s = [0u64; 4];
    for k in 0..4 {
        let v = lanes(&block[16 * k..]);
        // Setting bit 5 folds `[` onto `{` and `]` onto `}`, and no other byte lands there.
        let folded = v | u8x16::splat(0x20);
        let at = 16 * k;
        s[0] |= mask(v, b'"') << at;
        s[1] |= mask(v, b'\\') << at;
        s[2] |= mask(folded, b'{') << at;
        s[3] |= mask(folded, b'}') << at;
    }
    s
}

/// Quotes, backslashes, JSON whitespace.
#[inline(always)]
pub(crate) fn quotes_and_space(block: &[u8; 64]) -> [u64; 3] {
    let mut s = [0u64; 3];
    for k in 0..4 {
        let v = lanes(&block[16 * k..]);
        let at = 16 * k;
        s[0] |= mask(v, b'"') << at;
        s[1] |= mask(v, b'\\') << at;
        let ws = v.simd_eq(u8x16::splat(b' '))
            | v.simd_eq(u8x16::splat(b'\n'))
            | v.simd_eq(u8x16::splat(b'\r'))
            | v.simd_eq(u8x16::splat(b'\t'));
        s[2] |= (ws.to_bitmask() as u64) << at;
    }
    s
}

/// Bit `k` set when an odd number of bits `0..=k` of `x` are set.
#[inline(always)]
pub(crate) fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The kept bytes of `block`, run by run: fixed 16-byte copies in registers (no `memcpy`
/// call per run); a pretty document has a run per line.
#[inline(always)]
pub(crate) fn compact(block: &[u8; 64], mut keep: u64, staged: &mut [u8; STAGED]) -> usize {
    let mut from = [0u8; STAGED];
    from[..64].copy_from_slice(block);
    let mut len = 0;
    while keep != 0 {
        let start = keep.trailing_zeros() as usize;
        let run = (!(keep >> start)).trailing_zeros() as usize;
        let mut c = 0;
        while c < run {
            // len + run <= 64 and start + run <= 64, so both windows fit in 80.
            let to: &mut [u8; 16] = (&mut staged[len + c..len + c + 16])
                .try_into()
                .expect("16 bytes");
            *to = from[start + c..start + c + 16]
                .try_into()
                .expect("16 bytes");
            c += 16;
        }
        len += run;
        keep &= if start + run >= 64 {
            0
        } else {
            !0 << (start + run)
        };
    }
    len
}

pub(crate) fn bracket_blocks(
    data: &[u8],
    from: usize,
    strings: &mut Strings,
    each: impl FnMut(&Brackets) -> bool,
) -> usize {
    bracket_loop(data, from, strings, each, structure, prefix_xor)
}

pub(crate) fn minify(src: &[u8], out: &mut Vec<u8>) {
    minify_loop(src, out, quotes_and_space, prefix_xor, compact)
}
