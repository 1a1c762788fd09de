//! Following one value to its end: strings, escapes and bracket depth, 64 bytes at a time
//! where that is exact ([`Nest::blocks`]), byte by byte where it is not ([`Nest::run`]).

use super::{Found, ScanErrorKind};
use crate::bytes::swar::{byte_flags, first_flagged, structure_flags, word};
use inspector_report_simd::{bracket_blocks, Strings};
use memchr::memchr2;

/// Bracket and string tracking inside an item or a skipped value.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Nest {
    /// Open brackets not yet closed.
    pub(super) depth: usize,
    /// Inside a string.
    pub(super) in_string: bool,
    /// Right after a backslash inside a string.
    pub(super) escape: bool,
}

impl Nest {
    /// Runs from `data[i..]` until the value closes. Returns `Ok((Some(j), j))` with `j`
    /// one past the closing byte, or `Ok((None, data.len()))` if `data` ran out first.
    /// `base` is the nesting level already above this value (for the depth limit).
    #[inline]
    pub(super) fn run(
        &mut self,
        data: &[u8],
        mut i: usize,
        base: usize,
        max_depth: usize,
    ) -> Result<(Option<usize>, usize), (usize, ScanErrorKind)> {
        let n = data.len();
        i = self.blocks(data, i, base, max_depth);
        loop {
            if self.in_string {
                if self.escape {
                    // The byte after a backslash never ends the string; the decoder
                    // checks that the escape is valid.
                    if i >= n {
                        return Ok((None, n));
                    }
                    self.escape = false;
                    i += 1;
                }
                // Most strings (keys, enums, ids) end within a word or two: look at eight
                // bytes in registers before paying for a memchr call.
                let found = if i + 8 <= n {
                    let w = word(data, i);
                    let flags = byte_flags(w, b'"') | byte_flags(w, b'\\');
                    if flags != 0 {
                        Some(first_flagged(flags))
                    } else {
                        memchr2(b'"', b'\\', &data[i + 8..]).map(|k| k + 8)
                    }
                } else {
                    memchr2(b'"', b'\\', &data[i..])
                };
                match found {
                    None => return Ok((None, n)),
                    Some(k) => {
                        i += k;
                        if data[i] == b'\\' {
                            self.escape = true;
                            i += 1;
                            continue;
                        }
                        self.in_string = false;
                        i += 1;
                        if self.depth == 0 {
                            return Ok((Some(i), i));
                        }
                    }
                }
            } else {
                while i < n {
                    // Indentation, numbers and literals between strings are skipped eight
                    // bytes at a time, straight to the first quote or bracket of a word.
                    while i + 8 <= n {
                        let flags = structure_flags(word(data, i));
                        if flags != 0 {
                            i += first_flagged(flags);
                            break;
                        }
                        i += 8;
                    }
                    if i >= n {
                        break;
                    }
                    match data[i] {
                        b'"' => {
                            self.in_string = true;
                            break;
                        }
                        b'{' | b'[' => {
                            self.depth += 1;
                            if base + self.depth > max_depth {
                                return Err((i, ScanErrorKind::TooDeep(max_depth)));
                            }
                        }
                        b'}' | b']' => {
                            // An unbalanced close inside an item is caught by the decoder,
                            // but it must not underflow here.
                            if self.depth == 0 {
                                return Err((
                                    i,
                                    ScanErrorKind::Expected("a value", Found(data[i])),
                                ));
                            }
                            self.depth -= 1;
                            if self.depth == 0 {
                                return Ok((Some(i + 1), i + 1));
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                if i >= n {
                    return Ok((None, n));
                }
                i += 1; // the opening quote
            }
        }
    }
    /// Follows the value through whole 64-byte blocks while that is exact, and returns
    /// where the byte-at-a-time loop of [`Nest::run`] must take over: at the block where
    /// the value may close, where the depth limit may be crossed, where a backslash stands
    /// outside a string (invalid JSON, whose bytes the two loops could read differently),
    /// or at the last partial block.
    ///
    /// A block costs about 80 instructions on the portable path of
    /// [`inspector_report_simd`] and fewer with AVX2, against about 4 per byte for the loop,
    /// and the scanner feeds every worker.
    #[inline]
    fn blocks(&mut self, data: &[u8], i: usize, base: usize, max_depth: usize) -> usize {
        if self.depth == 0 {
            return i;
        }
        let mut strings = Strings {
            inside: self.in_string,
            escape: self.escape,
        };
        let mut depth = self.depth;
        let end = bracket_blocks(data, i, &mut strings, |b| {
            // Escapes were assumed inside strings. They are exact unless a backslash
            // stands outside one: the first byte read wrongly would have to follow it.
            if b.stray != 0 {
                return false;
            }
            // Bracket by bracket (a block of findings holds only a few): stop where the
            // value may close or the limit may be crossed.
            let mut d = depth;
            let mut brackets = b.open | b.close;
            while brackets != 0 {
                let bit = brackets & brackets.wrapping_neg();
                if b.close & bit != 0 {
                    d -= 1;
                    if d == 0 {
                        return false;
                    }
                } else {
                    d += 1;
                    if base + d > max_depth {
                        return false;
                    }
                }
                brackets ^= bit;
            }
            depth = d;
            true
        });
        self.depth = depth;
        self.in_string = strings.inside;
        self.escape = strings.escape;
        end
    }
}
