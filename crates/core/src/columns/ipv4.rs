//! The spec's private IPv4 ranges, which split a resource's addresses between the public
//! and the private IPv4 cells.

/// Is this dotted-quad string in one of the spec's private ranges? `None` when it is not
/// a dotted IPv4 address at all (then it counts as public).
pub fn is_private_ipv4(s: &str) -> Option<bool> {
    // Byte by byte: a cell of every finding runs this on every address, and `split` plus
    // `parse` cost several times more.
    let mut o = [0u16; 4];
    let mut k = 0;
    let mut digits = 0;
    for &b in s.as_bytes() {
        match b {
            b'0'..=b'9' if digits < 3 => {
                o[k] = o[k] * 10 + (b - b'0') as u16;
                digits += 1;
            }
            b'.' if digits > 0 && k < 3 => {
                k += 1;
                digits = 0;
            }
            _ => return None,
        }
    }
    if k != 3 || digits == 0 || o.iter().any(|&v| v > 255) {
        return None;
    }
    let o = o.map(|v| v as u8);
    Some(
        matches!(o, [10, ..] | [127, ..] | [192, 168, ..] | [169, 254, ..])
            || (o[0] == 172 && (16..=31).contains(&o[1]))
            || (o[0] == 100 && (64..=127).contains(&o[1])),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges() {
        for p in [
            "10.0.0.1",
            "172.16.0.0",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.1.1",
            "127.0.0.1",
        ] {
            assert_eq!(is_private_ipv4(p), Some(true), "{p}");
        }
        for p in [
            "172.32.0.1",
            "172.15.0.1",
            "100.128.0.1",
            "8.8.8.8",
            "192.169.0.1",
            "1.128.0.1",
        ] {
            assert_eq!(is_private_ipv4(p), Some(false), "{p}");
        }
        for p in [
            "1.23.456.789",
            "10.0.0",
            "10.0.0.1.2",
            "a.b.c.d",
            "",
            "10..0.1",
            "::1",
            "256.1.1.1",
            "1.1.1.1.",
            ".1.1.1",
            "0001.0.0.1",
        ] {
            assert_eq!(is_private_ipv4(p), None, "{p}");
        }
        assert_eq!(is_private_ipv4("010.1.1.1"), Some(true));
    }

    /// The byte parser agrees with the obvious split-and-parse on random short strings.
    #[test]
    fn private_ranges_match_split_and_parse() {
        fn slow(s: &str) -> Option<bool> {
            let o: Vec<u8> = s
                .split('.')
                .map(|p| {
                    (!p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| p.parse::<u16>().ok().filter(|v| *v <= 255))
                        .flatten()
                        .map(|v| v as u8)
                })
                .collect::<Option<_>>()?;
            let o: [u8; 4] = o.try_into().ok()?;
            Some(
                matches!(o, [10, ..] | [127, ..] | [192, 168, ..] | [169, 254, ..])
                    || (o[0] == 172 && (16..=31).contains(&o[1]))
                    || (o[0] == 100 && (64..=127).contains(&o[1])),
            )
        }
        let pool = [
            "1", "0", "2", "5", "9", ".", "17", "25", "10", "a", "", "192", "168",
        ];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..100_000 {
            let mut s = String::new();
            for _ in 0..(x % 9) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(pool[(x % pool.len() as u64) as usize]);
            }
            assert_eq!(is_private_ipv4(&s), slow(&s), "{s}");
        }
    }
}
