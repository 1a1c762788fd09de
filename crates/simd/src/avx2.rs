//! The AVX2 path: 32 bytes per compare, a carry-less multiply (PCLMULQDQ) for the bytes
//! inside strings, and `pshufb` with a table of shuffles to keep the non-whitespace bytes
//! of eight bytes at once. Every function is compiled for AVX2, PCLMULQDQ and POPCNT; the
//! two entry points are called only after run-time detection (`crate::avx2_detected`).
//!
//! The intrinsics are safe to call inside functions compiled with their features; vectors
//! are made from and taken back to byte arrays with `bytemuck` (plain copies, no pointers).

use crate::{bracket_loop, minify_loop, Brackets, Strings, STAGED};
use std::arch::x86_64::*;

/// Two 32-byte halves of a block.
#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
#[inline]
fn halves(block: &[u8; 64]) -> [__m256i; 2] {
    let lo: [u8; 32] = block[..32].try_into().expect("32 bytes");
    let hi: [u8; 32] = block[32..].try_into().expect("32 bytes");
    [bytemuck::cast(lo), bytemuck::cast(hi)]
}

/// The high bits of the bytes of two halves, as one 64-bit mask.
#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
#[inline]
fn bits(lo: __m256i, hi: __m256i) -> u64 {
    (_mm256_movemask_epi8(lo) as u32 as u64) | ((_mm256_movemask_epi8(hi) as u32 as u64) << 32)
}

#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
#[inline]
fn eq(v: [__m256i; 2], byte: u8) -> u64 {
    let s = _mm256_set1_epi8(byte as i8);
    bits(_mm256_cmpeq_epi8(v[0], s), _mm256_cmpeq_epi8(v[1], s))
}

/// Quotes, backslashes, `{` or `[`, `}` or `]`.
#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
#[inline]
pub(crate) fn structure(block: &[u8; 64]) -> [u64; 4] {
    let v = halves(block);
    // Setting bit 5 folds `[` onto `{` and `]` onto `}`, and no other byte lands there.
    let bit5 = _mm256_set1_epi8(0x20);
    let folded = [_mm256_or_si256(v[0], bit5), _mm256_or_si256(v[1], bit5)];
    [
        eq(v, b'"'),
        eq(v, b'\\'),
        eq(folded, b'{'),
        eq(folded, b'}'),
    ]
}

/// JSON's four whitespace bytes have four different low nibbles (space 0, tab 9, line
/// feed A, carriage return D): a byte is whitespace when this table, looked up by its low
/// nibble, gives the byte back. The other entries are 0, which no byte with that low nibble
/// equals; bytes of 0x80 and up look up 0 (`pshufb`). Once per 128-bit lane.
const WHITESPACE_BY_LOW_NIBBLE: [u8; 32] = {
    let mut t = [0u8; 32];
    let mut lane = 0;
    while lane < 2 {
        t[16 * lane] = b' ';
        t[16 * lane + 9] = b'\t';
        t[16 * lane + 0xA] = b'\n';
        t[16 * lane + 0xD] = b'\r';
        lane += 1;
    }
    t
};

/// Quotes, backslashes, JSON whitespace.
#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
#[inline]
pub(crate) fn quotes_and_space(block: &[u8; 64]) -> [u64; 3] {
    let v = halves(block);
    let table: __m256i = bytemuck::cast(WHITESPACE_BY_LOW_NIBBLE);
    let ws0 = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(table, v[0]), v[0]);
    let ws1 = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(table, v[1]), v[1]);
    [eq(v, b'"'), eq(v, b'\\'), bits(ws0, ws1)]
}

/// Bit `k` set when an odd number of bits `0..=k` of `x` are set: `x` multiplied by all
/// ones without carries.
#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
#[inline]
pub(crate) fn prefix_xor(x: u64) -> u64 {
    let product = _mm_clmulepi64_si128::<0>(_mm_set_epi64x(0, x as i64), _mm_set1_epi8(-1));
    _mm_cvtsi128_si64(product) as u64
}

/// For each 8-bit keep mask, the `pshufb` indices that gather the kept bytes of eight to
/// the front, in order; 0x80 (a zero byte) fills the rest.
static GATHER: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut m = 0;
    while m < 256 {
        let mut v = 0x8080_8080_8080_8080u64;
        let (mut n, mut b) = (0, 0);
        while b < 8 {
            if (m >> b) & 1 == 1 {
                v = (v & !(0xFF << (8 * n))) | ((b as u64) << (8 * n));
                n += 1;
            }
            b += 1;
        }
        t[m] = v;
        m += 1;
    }
    t
};

/// The kept bytes of `block`, eight at a time: gather with `pshufb`, write all eight, move
/// on by the number kept. No branch depends on the data.
#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
#[inline]
pub(crate) fn compact(block: &[u8; 64], keep: u64, staged: &mut [u8; STAGED]) -> usize {
    let mut len = 0;
    for k in 0..4 {
        let sixteen: [u8; 16] = block[16 * k..16 * k + 16].try_into().expect("16 bytes");
        let v: __m128i = bytemuck::cast(sixteen);
        for half in 0..2u64 {
            let m = (keep >> (16 * k as u64 + 8 * half)) as u8;
            // The second eight bytes of the lane are indices 8 to 15; setting bit 3 of
            // each index leaves the 0x80 fillers zero.
            let indices = GATHER[m as usize] | (0x0808_0808_0808_0808 * half);
            let gathered = _mm_shuffle_epi8(v, _mm_cvtsi64_si128(indices as i64));
            let word = _mm_cvtsi128_si64(gathered) as u64;
            // len <= 56 here: at most 7 groups of eight came before.
            staged[len..len + 8].copy_from_slice(&word.to_le_bytes());
            len += m.count_ones() as usize;
        }
    }
    len
}

#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
pub(crate) fn bracket_blocks(
    data: &[u8],
    from: usize,
    strings: &mut Strings,
    each: impl FnMut(&Brackets) -> bool,
) -> usize {
    bracket_loop(
        data,
        from,
        strings,
        each,
        |b| structure(b),
        |x| prefix_xor(x),
    )
}

#[target_feature(enable = "avx2,pclmulqdq,popcnt")]
pub(crate) fn minify(src: &[u8], out: &mut Vec<u8>) {
    minify_loop(
        src,
        out,
        |b| quotes_and_space(b),
        |x| prefix_xor(x),
        |b, keep, staged| compact(b, keep, staged),
    )
}
