//! The sizes of an upload's parts: S3's limits, `--part-size`, and how parts grow.
//!
//! Part sizes start at `--part-size` and double every [`PARTS_PER_SIZE_STEP`] parts (up to
//! [`MAX_PART_SIZE`]), because the size of a streamed report is unknown in advance and an
//! upload may have at most [`MAX_PARTS`] parts. With the 16 MiB default the first 900
//! parts cover 14 GiB before parts grow, and even from the 5 MiB minimum 10,000 parts
//! cover more than S3's 5 TiB object limit; memory grows only for reports that big.

use crate::error::CliError;

/// S3's smallest part (all but the last).
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// S3's largest part.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;
/// S3's most parts in one upload.
pub const MAX_PARTS: i32 = 10_000;
/// Parts of one size before the size doubles.
pub const PARTS_PER_SIZE_STEP: i32 = 900;

/// Lowers the smallest `--part-size` accepted, in bytes, for test servers that accept
/// small parts (moto with `S3_UPLOAD_PART_MIN_SIZE`); AWS itself refuses parts under
/// 5 MiB, so nothing else should set it.
pub const MIN_PART_SIZE_ENV: &str = "INSPECTOR_REPORT_MIN_PART_SIZE";

/// The size of part `n` (from 1) for a base part size.
pub fn part_size(base: u64, n: i32) -> u64 {
    let step = ((n.max(1) - 1) / PARTS_PER_SIZE_STEP) as u32;
    base.saturating_mul(1u64 << step.min(40)).min(MAX_PART_SIZE)
}

/// `--part-size`: a size ([`crate::size`]) within S3's part limits.
pub fn parse(text: &str) -> Result<u64, CliError> {
    let bytes = crate::size::parse(text).ok_or_else(|| {
        CliError::usage(format!(
            "--part-size {text:?}: give bytes or a size like 16MiB"
        ))
    })?;
    let floor = std::env::var(MIN_PART_SIZE_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&v| v > 0)
        .unwrap_or(MIN_PART_SIZE);
    if bytes < floor {
        return Err(CliError::usage(format!(
            "--part-size {text}: S3 parts must be at least {floor} bytes (5MiB)"
        )));
    }
    if bytes > MAX_PART_SIZE {
        return Err(CliError::usage(format!(
            "--part-size {text}: S3 parts are at most 5GiB"
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn parts_grow_so_ten_thousand_always_suffice() {
        assert_eq!(part_size(16 * MIB, 1), 16 * MIB);
        assert_eq!(part_size(16 * MIB, 900), 16 * MIB);
        assert_eq!(part_size(16 * MIB, 901), 32 * MIB);
        assert_eq!(part_size(16 * MIB, 8_100), (16 * MIB) << 8);
        assert_eq!(part_size(16 * MIB, 10_000), MAX_PART_SIZE);
        let total: u64 = (1..=MAX_PARTS).map(|n| part_size(MIN_PART_SIZE, n)).sum();
        // Even from the smallest base, 10,000 parts hold more than S3's 5 TiB object limit.
        assert!(total > 5 * 1024 * 1024 * MIB, "{total}");
        assert_eq!(part_size(4 * 1024 * MIB, 9000), MAX_PART_SIZE);
    }

    #[test]
    fn part_size_options() {
        assert_eq!(parse("16MiB").unwrap(), 16 << 20);
        assert_eq!(parse("5242880").unwrap(), 5 << 20);
        assert_eq!(parse("1G").unwrap(), 1 << 30);
        assert!(parse("4MiB").unwrap_err().message.contains("at least"));
        assert!(parse("6GiB").unwrap_err().message.contains("at most"));
        assert!(parse("lots").is_err());
        assert!(parse("16 furlongs").is_err());
    }
}
