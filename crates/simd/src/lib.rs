//! JSON byte classes, 64 bytes at a time: the brackets of each block outside its strings
//! (the scanner's [`bracket_blocks`]) and JSON text without its insignificant whitespace
//! (the JSON report's [`minify`]). The simdjson idea, in a crate of its own so that the
//! workspace's one permission for `unsafe` stays in one place.
//!
//! Every function has two paths with the same results:
//!
//! * **portable**: `wide`'s `u8x16`, which is SSE2 on every x86-64 (NEON, WASM SIMD or
//!   scalar code elsewhere), sixteen bytes per compare, and a shift-and-xor prefix sum for
//!   the bytes inside strings;
//! * **AVX2** (x86-64 CPUs with AVX2, PCLMULQDQ and POPCNT, picked at run time): 32 bytes
//!   per compare, one carry-less multiply for the prefix sum, and `pshufb` to drop the
//!   whitespace of eight bytes at once.
//!
//! [`Path::chosen`] picks the path once per process. `INSPECTOR_REPORT_SIMD=portable` in the
//! environment forces the portable one, for A/B measurements of the whole program and for
//! tests that both give the same report. The unit tests compare both paths with a
//! byte-at-a-time reference on random blocks.

use std::sync::atomic::{AtomicU8, Ordering};

#[cfg(target_arch = "x86_64")]
mod avx2;
mod portable;
#[cfg(test)]
mod tests;

/// The environment variable that forces the portable path when set to `portable`.
pub const FORCE_ENV: &str = "INSPECTOR_REPORT_SIMD";

/// An implementation of this crate's functions.
///
/// The AVX2 path can only be made by this crate, after the CPU was found to have every
/// feature it is compiled for ([`Path::chosen`], [`Path::available`]); so holding one is
/// the proof that its `#[target_feature]` functions may be called, and a dispatch needs no
/// second detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Path(Kind);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// 16-byte SIMD through `wide`, on every target.
    Portable,
    /// AVX2, PCLMULQDQ and POPCNT (x86-64 only, when the CPU has them).
    Avx2,
}

/// `Path::chosen`'s answer once known: 0 not yet, 1 portable, 2 AVX2 (stored only after
/// the detection found it).
static CHOSEN: AtomicU8 = AtomicU8::new(0);

impl Path {
    /// 16-byte SIMD through `wide`, on every target.
    pub const PORTABLE: Path = Path(Kind::Portable);

    /// The AVX2 path, if this CPU has every feature it needs.
    pub fn avx2() -> Option<Path> {
        avx2_detected().then_some(Path(Kind::Avx2))
    }

    /// The path this process uses: AVX2 where the CPU has it, unless
    /// [`FORCE_ENV`]`=portable`. Decided at the first call.
    #[inline]
    pub fn chosen() -> Path {
        match CHOSEN.load(Ordering::Relaxed) {
            1 => Path::PORTABLE,
            // Only stored below, after `Path::avx2` found the features.
            2 => Path(Kind::Avx2),
            _ => Path::choose(),
        }
    }

    #[cold]
    fn choose() -> Path {
        let forced = std::env::var_os(FORCE_ENV).is_some_and(|v| v == "portable");
        let path = match Path::avx2() {
            Some(avx2) if !forced => avx2,
            _ => Path::PORTABLE,
        };
        CHOSEN.store(
            if path == Path::PORTABLE { 1 } else { 2 },
            Ordering::Relaxed,
        );
        path
    }

    /// Every path this CPU can run, portable first.
    pub fn available() -> Vec<Path> {
        std::iter::once(Path::PORTABLE)
            .chain(Path::avx2())
            .collect()
    }

    /// A short name, for logs and benchmark labels.
    pub fn name(self) -> &'static str {
        match self.0 {
            Kind::Portable => "portable",
            Kind::Avx2 => "avx2",
        }
    }
}

/// Whether the CPU has every feature of the AVX2 path (`std` caches the detection).
fn avx2_detected() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("pclmulqdq")
            && std::is_x86_feature_detected!("popcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Where the bytes before a block leave it: inside a string, and right after a backslash.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Strings {
    /// The block starts inside a string.
    pub inside: bool,
    /// The block's first byte follows a backslash that escapes it.
    pub escape: bool,
}

/// The structural bytes of one 64-byte block that stand outside strings; bit `k` is the
/// block's byte `k`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Brackets {
    /// `{` and `[`.
    pub open: u64,
    /// `}` and `]`.
    pub close: u64,
    /// Backslashes outside strings: invalid JSON, after which the string state of a
    /// block-at-a-time reading can differ from a byte-at-a-time one.
    pub stray: u64,
}

/// Follows `data` from `from` through whole 64-byte blocks, starting in the string state
/// `strings`, and gives `each` the brackets of every block. While `each` returns `true`,
/// `strings` moves to the end of the block and the next block follows. Returns the offset
/// of the first block not taken (`each` returned `false`, `strings` left at its start), or
/// of the last partial block.
#[inline]
pub fn bracket_blocks(
    data: &[u8],
    from: usize,
    strings: &mut Strings,
    each: impl FnMut(&Brackets) -> bool,
) -> usize {
    bracket_blocks_on(Path::chosen(), data, from, strings, each)
}

/// [`bracket_blocks`] on the given path.
pub fn bracket_blocks_on(
    path: Path,
    data: &[u8],
    from: usize,
    strings: &mut Strings,
    each: impl FnMut(&Brackets) -> bool,
) -> usize {
    match path.0 {
        #[cfg(target_arch = "x86_64")]
        Kind::Avx2 => {
            // SAFETY: an AVX2 `Path` is only made after `avx2_detected` found AVX2,
            // PCLMULQDQ and POPCNT on this CPU (`Path::avx2`, `Path::chosen`), the
            // features `avx2::bracket_blocks` is compiled for.
            #[allow(unsafe_code)]
            unsafe {
                avx2::bracket_blocks(data, from, strings, each)
            }
        }
        _ => portable::bracket_blocks(data, from, strings, each),
    }
}

/// Appends `src` to `out` without the JSON whitespace (space, tab, line feed, carriage
/// return) that stands outside strings. `src` must start outside a string; on valid JSON
/// text the result is the same text minified. Other input is copied by the same rule.
#[inline]
pub fn minify(src: &[u8], out: &mut Vec<u8>) {
    minify_on(Path::chosen(), src, out)
}

/// [`minify`] on the given path.
pub fn minify_on(path: Path, src: &[u8], out: &mut Vec<u8>) {
    match path.0 {
        #[cfg(target_arch = "x86_64")]
        Kind::Avx2 => {
            // SAFETY: an AVX2 `Path` is only made after `avx2_detected` found AVX2,
            // PCLMULQDQ and POPCNT on this CPU (`Path::avx2`, `Path::chosen`), the
            // features `avx2::minify` is compiled for.
            #[allow(unsafe_code)]
            unsafe {
                avx2::minify(src, out)
            }
        }
        _ => portable::minify(src, out),
    }
}

/// The bytes escaped by a backslash, given a block's backslashes and whether its first
/// byte is escaped by a backslash at the end of the previous block. Returns the mask and
/// whether the first byte of the next block is escaped. The loop runs once per escape;
/// escapes are rare next to the bytes around them. Scalar on both paths.
#[inline(always)]
fn escaped(backslash: u64, carry: bool) -> (u64, bool) {
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

/// One block's string state: the mask of bytes inside strings (opening quotes included,
/// closing quotes not) and the state at its end. `prefix_xor` sets bit `k` when an odd
/// number of bits `0..=k` are set.
#[inline(always)]
fn strings_of(
    quote: u64,
    backslash: u64,
    at: Strings,
    prefix_xor: impl Fn(u64) -> u64,
) -> (u64, Strings) {
    let (escaped, carry) = escaped(backslash, at.escape);
    let inside = prefix_xor(quote & !escaped) ^ 0u64.wrapping_sub(at.inside as u64);
    let next = Strings {
        inside: inside >> 63 == 1,
        escape: carry,
    };
    (inside, next)
}

/// The loop of [`bracket_blocks`], given a path's classifier (quotes, backslashes, opening
/// and closing brackets of a block) and prefix sum. Inlined into each path, so that the
/// AVX2 one is compiled with its features throughout.
#[inline(always)]
fn bracket_loop(
    data: &[u8],
    mut i: usize,
    strings: &mut Strings,
    mut each: impl FnMut(&Brackets) -> bool,
    classes: impl Fn(&[u8; 64]) -> [u64; 4],
    prefix_xor: impl Fn(u64) -> u64,
) -> usize {
    while let Some(block) = data.get(i..i + 64) {
        let block: &[u8; 64] = block.try_into().expect("64 bytes");
        let [quote, backslash, open, close] = classes(block);
        let (inside, next) = strings_of(quote, backslash, *strings, &prefix_xor);
        let brackets = Brackets {
            open: open & !inside,
            close: close & !inside,
            stray: backslash & !inside,
        };
        if !each(&brackets) {
            break;
        }
        *strings = next;
        i += 64;
    }
    i
}

/// The loop of [`minify`], given a path's classifier (quotes, backslashes, whitespace of a
/// block), prefix sum, and compaction (the kept bytes of a block, in order, at the start
/// of a staging buffer; returns how many). Inlined into each path.
#[inline(always)]
fn minify_loop(
    src: &[u8],
    out: &mut Vec<u8>,
    classes: impl Fn(&[u8; 64]) -> [u64; 3],
    prefix_xor: impl Fn(u64) -> u64,
    compact: impl Fn(&[u8; 64], u64, &mut [u8; STAGED]) -> usize,
) {
    // Room for the whole input plus one block: every block is appended as 64 bytes and
    // cut back to what it kept (below).
    out.reserve(src.len() + 64);
    let mut strings = Strings::default();
    let mut i = 0;
    while i < src.len() {
        let n = (src.len() - i).min(64);
        let tail;
        let block: &[u8; 64] = match src.get(i..i + 64) {
            Some(b) => b.try_into().expect("64 bytes"),
            None => {
                // The last bytes, padded with spaces that the mask below drops.
                let mut t = [b' '; 64];
                t[..n].copy_from_slice(&src[i..]);
                tail = t;
                &tail
            }
        };
        let [quote, backslash, space] = classes(block);
        let (inside, next) = strings_of(quote, backslash, strings, &prefix_xor);
        let valid = if n == 64 { !0 } else { (1u64 << n) - 1 };
        let keep = !(space & !inside) & valid;
        // Appending a fixed 64 bytes and truncating to the length kept is two vector
        // stores; appending a variable length is a call to `memcpy` per block (and, on
        // the AVX2 path, a `vzeroupper` before it): 15% of the minifier's instructions.
        let at = out.len();
        if keep == valid {
            out.extend_from_slice(block);
            out.truncate(at + n);
        } else {
            let mut staged = [0u8; STAGED];
            let len = compact(block, keep, &mut staged);
            out.extend_from_slice(&staged[..64]);
            out.truncate(at + len);
        }
        strings = next;
        i += n;
    }
}

/// The staging buffer of a compaction: a block, plus room for the fixed 16-byte writes
/// past the last kept byte.
const STAGED: usize = 80;
