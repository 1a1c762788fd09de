//! Sizes on the command line (`--part-size`, `--max-output-bytes`): bytes, or a number
//! with KiB, MiB or GiB (K, M, G and KB, MB, GB are read as the same binary units, as the
//! AWS CLI reads them).

/// The size `text` gives, in bytes; None when it is not a size.
pub fn parse(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let unit_bytes: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return None,
    };
    digits.parse::<u64>().ok()?.checked_mul(unit_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse("16MiB"), Some(16 << 20));
        assert_eq!(parse("5242880"), Some(5 << 20));
        assert_eq!(parse("1G"), Some(1 << 30));
        assert_eq!(parse(" 2 kb "), Some(2048));
        assert_eq!(parse("1TiB"), Some(1 << 40));
        for bad in [
            "",
            "lots",
            "16 furlongs",
            "-1",
            "1.5G",
            "99999999999999999999G",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
