//! `--max-output-bytes`: a bound on the report's size, so that a small input that
//! decompresses to a huge one (a gzip bomb) cannot fill the disk or the bucket.

use std::io::{self, Write};

/// A writer that refuses any write that would take what it has passed on past `max`
/// bytes. The refused write passes on nothing, so the output never holds more than
/// `max`; the run fails on the error, and its sink discards what was written.
pub struct Bounded<'w> {
    inner: &'w mut dyn Write,
    written: u64,
    max: u64,
}

impl<'w> Bounded<'w> {
    /// Bounds `inner` at `max` bytes.
    pub fn new(inner: &'w mut dyn Write, max: u64) -> Bounded<'w> {
        Bounded {
            inner,
            written: 0,
            max,
        }
    }
}

impl Write for Bounded<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written.saturating_add(buf.len() as u64) > self.max {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "the report would pass --max-output-bytes ({} bytes); the run stops here",
                    self.max
                ),
            ));
        }
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_past_the_bound_is_refused_whole() {
        let mut out = Vec::new();
        let mut b = Bounded::new(&mut out, 10);
        b.write_all(b"12345").unwrap();
        b.write_all(b"67890").unwrap();
        let e = b.write_all(b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert!(
            e.to_string().contains("--max-output-bytes (10 bytes)"),
            "{e}"
        );
        let mut b = Bounded::new(&mut out, 12);
        b.write_all(b"1234567890").unwrap();
        assert!(b.write_all(b"abc").is_err());
        assert_eq!(out, b"1234567890".repeat(2));
    }
}
