//! Both paths against byte-at-a-time references, on random text from small alphabets that
//! make quotes, escapes, brackets and whitespace frequent.

use super::*;

fn random_text(pool: &[u8], len: usize, seed: &mut u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            pool[(*seed % pool.len() as u64) as usize]
        })
        .collect()
}

/// The brackets of each whole block by the byte-at-a-time reference.
fn reference_brackets(text: &[u8], start: Strings) -> Vec<Brackets> {
    let mut at = start;
    let mut out = Vec::new();
    for block in text.chunks_exact(64) {
        let mut b = Brackets::default();
        for (k, &c) in block.iter().enumerate() {
            let escaped = at.escape;
            at.escape = !escaped && c == b'\\';
            let quote = c == b'"' && !escaped;
            // Inside a string: a byte of an open string that does not close it, or the
            // quote that opens one.
            let inside = at.inside != quote;
            at.inside ^= quote;
            if !inside {
                match c {
                    b'{' | b'[' => b.open |= 1 << k,
                    b'}' | b']' => b.close |= 1 << k,
                    b'\\' => b.stray |= 1 << k,
                    _ => {}
                }
            }
        }
        out.push(b);
    }
    out
}

fn reference_minify(src: &[u8]) -> Vec<u8> {
    let (mut inside, mut escape) = (false, false);
    let mut out = Vec::new();
    for &c in src {
        let escaped = escape;
        escape = !escaped && c == b'\\';
        if c == b'"' && !escaped {
            inside = !inside;
            out.push(c);
            continue;
        }
        if !inside && matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn bracket_blocks_match_a_byte_walk_on_every_path() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for pool in [&b"\\\\\\\"\"ab{}[]"[..], b"\"\"{[]}  ab\\", b"{}[]\"x"] {
        for round in 0..200 {
            let text = random_text(pool, 64 * 9 + round % 64, &mut seed);
            let start = Strings {
                inside: round % 2 == 1,
                escape: round % 4 >= 2,
            };
            let want = reference_brackets(&text, start);
            for path in Path::available() {
                let mut got = Vec::new();
                let mut strings = start;
                let end = bracket_blocks_on(path, &text, 0, &mut strings, |b| {
                    got.push(*b);
                    true
                });
                assert_eq!(end, 64 * 9, "{path:?}");
                assert_eq!(
                    got,
                    want,
                    "{path:?} on {:?}",
                    String::from_utf8_lossy(&text)
                );
                // Stopping at the fourth block leaves the state at its start.
                let mut strings = start;
                let mut seen = 0;
                let stop = bracket_blocks_on(path, &text, 0, &mut strings, |_| {
                    seen += 1;
                    seen < 4
                });
                assert_eq!(stop, 3 * 64, "{path:?}");
                let mut again = start;
                bracket_blocks_on(path, &text[..3 * 64], 0, &mut again, |_| true);
                assert_eq!(strings, again, "{path:?}");
            }
        }
    }
}

#[test]
fn minify_matches_a_byte_walk_on_every_path() {
    let mut seed = 7u64;
    let pools: [&[u8]; 4] = [
        b"  \n\t\r\"\"\\ab{}:,",
        b"    \n\"a b\"",
        b"\"\\\\\" \t",
        b"abc\xff\x80 \"",
    ];
    for pool in pools {
        for len in 0..300 {
            let text = random_text(pool, len, &mut seed);
            let want = reference_minify(&text);
            for path in Path::available() {
                let mut got = b"kept".to_vec();
                minify_on(path, &text, &mut got);
                assert_eq!(&got[..4], b"kept");
                assert_eq!(
                    got[4..],
                    want[..],
                    "{path:?} on {:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }
}

#[test]
fn minify_keeps_the_strings_of_pretty_json() {
    let pretty =
        b"{\n    \"a b\": [\n        1,\n        \"x\\\" \\\\\"\n    ],\n\t\"c\": \"  \"\r\n}";
    for path in Path::available() {
        let mut out = Vec::new();
        minify_on(path, pretty, &mut out);
        assert_eq!(out, br#"{"a b":[1,"x\" \\"],"c":"  "}"#, "{path:?}");
    }
}

#[test]
fn every_whitespace_byte_and_no_other_is_dropped() {
    // All 256 byte values outside strings (the quote aside), so the AVX2 lookup table is
    // checked byte by byte against the portable compares.
    let text: Vec<u8> = (0..=255u8).filter(|&c| c != b'"' && c != b'\\').collect();
    for path in Path::available() {
        let mut out = Vec::new();
        minify_on(path, &text, &mut out);
        let want: Vec<u8> = text
            .iter()
            .copied()
            .filter(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
            .collect();
        assert_eq!(out, want, "{path:?}");
    }
}

#[test]
fn the_chosen_path_is_available() {
    assert!(Path::available().contains(&Path::chosen()));
    assert_eq!(Path::available()[0], Path::PORTABLE);
}
