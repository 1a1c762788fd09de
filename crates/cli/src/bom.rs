//! `--bom`: a UTF-8 byte-order mark before the CSV header, so that Excel reads the report
//! as UTF-8 rather than in the machine's legacy code page.

use inspector_report_core::report::gzip;
use std::io::{self, Write};

/// The byte-order mark, U+FEFF in UTF-8.
pub const BOM: &[u8] = b"\xef\xbb\xbf";

/// The bytes that begin the report: the mark itself, or the mark as a gzip member of
/// its own for a gzip report (a series of members decompresses to their concatenation).
pub fn bytes(gzip_level: Option<u32>) -> Vec<u8> {
    match gzip_level {
        Some(level) => gzip::member(BOM, level),
        None => BOM.to_vec(),
    }
}

/// A writer that writes `prefix` before the first bytes written to it.
pub struct Prefixed<'w> {
    inner: &'w mut dyn Write,
    prefix: Vec<u8>,
}

impl<'w> Prefixed<'w> {
    /// Writes `prefix` into `inner` before anything else.
    pub fn new(inner: &'w mut dyn Write, prefix: Vec<u8>) -> Prefixed<'w> {
        Prefixed { inner, prefix }
    }
}

impl Write for Prefixed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.prefix.is_empty() {
            self.inner.write_all(&self.prefix)?;
            self.prefix.clear();
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_mark_comes_first_plain_or_gzip() {
        let mut out = Vec::new();
        let mut w = Prefixed::new(&mut out, bytes(None));
        w.write_all(b"\"Severity\"\n").unwrap();
        w.write_all(b"\"HIGH\"\n").unwrap();
        assert_eq!(out, b"\xef\xbb\xbf\"Severity\"\n\"HIGH\"\n");

        let mut z = bytes(Some(6));
        z.extend(gzip::member(b"\"Severity\"\n", 6));
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&z[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, b"\xef\xbb\xbf\"Severity\"\n");
    }
}
