//! gzip output: the report as a series of gzip members, one per rendered chunk.
//!
//! A gzip file may hold any number of members one after another, and every reader
//! (gzip(1), zcat, Python's `gzip`, flate2's `MultiGzDecoder`, S3 Select) decompresses
//! them to the concatenation of their contents. That is what lets the workers compress
//! their own chunks in parallel, with no shared compressor: the writer only
//! concatenates, as it does for a plain report. Each member restarts the dictionary, but
//! DEFLATE's window is 32 KiB, so chunks of tens of KiB lose little (see the test).

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;

/// The compression level used when none is given: zlib's default, the level gzip(1) uses.
pub const DEFAULT_LEVEL: u32 = 6;

/// Compresses `data` into one complete gzip member appended to `out`. An empty `data`
/// appends nothing: an empty member would decompress to nothing anyway.
pub fn write_member(out: &mut Vec<u8>, data: &[u8], level: u32) {
    if data.is_empty() {
        return;
    }
    let mut e = GzEncoder::new(out, Compression::new(level.min(9)));
    // Writing into a Vec cannot fail.
    e.write_all(data).expect("writing into memory");
    e.finish().expect("writing into memory");
}

/// `data` as one gzip member.
pub fn member(data: &[u8], level: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 4 + 32);
    write_member(&mut out, data, level);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::MultiGzDecoder;
    use std::io::Read;

    fn gunzip(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        MultiGzDecoder::new(b).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn members_concatenate_to_the_whole() {
        let parts: [&[u8]; 4] = [b"header\n", b"", b"row 1\nrow 2\n", b"last\n"];
        let mut z = Vec::new();
        for p in parts {
            write_member(&mut z, p, DEFAULT_LEVEL);
        }
        assert_eq!(gunzip(&z), b"header\nrow 1\nrow 2\nlast\n");
        assert!(member(b"", 6).is_empty());
    }

    #[test]
    fn chunked_members_cost_little_against_one_stream() {
        let mut text = Vec::new();
        for i in 0..20_000 {
            writeln!(
                text,
                "\"123456789012\",\"CVE-2024-{i}\",\"HIGH\",\"Package openssl {}\"",
                i % 97
            )
            .unwrap();
        }
        let whole = member(&text, DEFAULT_LEVEL).len();
        let chunked: usize = text
            .chunks(32 * 1024)
            .map(|c| member(c, DEFAULT_LEVEL).len())
            .sum();
        assert_eq!(gunzip(&member(&text, 6)), text);
        assert!(
            chunked < whole * 13 / 10,
            "chunked {chunked} vs whole {whole}"
        );
    }
}
