//! The driver around the scanner: one rolling buffer per input, reads, and positions.
//!
//! Memory: the buffer holds at most one read (`read_buffer_bytes`) plus the item in
//! progress, and the scanner refuses an item larger than `max_finding_bytes`, so the
//! buffer never grows past their sum, whatever the size of the input. This mirrors
//! ripgrep's `line_buffer.rs`: bytes before the oldest thing still needed are dropped by
//! moving the tail to the front (`roll`), and the buffer only grows while one item
//! straddles a read boundary.

use super::{Outcome, ScanError, ScanErrorKind, Scanner};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::limits::Limits;
use std::io::{self, Read};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One item cut from the stream.
#[derive(Debug)]
pub struct RawItem<'b> {
    /// The item's bytes, `{` to `}`.
    pub bytes: &'b [u8],
    /// Absolute offset of its first byte in the input.
    pub offset: u64,
    /// Zero-based index of the item in its input.
    pub index: u64,
}

/// Yields the items of one input stream, in order.
pub struct ItemReader<R> {
    reader: R,
    name: String,
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// `buf[pos..end]` is read but not yet scanned.
    pos: usize,
    end: usize,
    eof: bool,
    started: bool,
    scanner: Scanner,
    limits: Limits,
}

impl<R: Read> ItemReader<R> {
    /// Reads `reader`; `name` is used in errors.
    pub fn new(reader: R, name: &str, limits: &Limits) -> ItemReader<R> {
        ItemReader {
            reader,
            name: name.to_string(),
            buf: vec![0; limits.read_buffer_bytes.max(16)],
            base: 0,
            pos: 0,
            end: 0,
            eof: false,
            started: false,
            scanner: Scanner::new(0, limits.max_depth, limits.max_finding_bytes),
            limits: limits.clone(),
        }
    }

    /// Bytes consumed so far (the whole input once [`ItemReader::next_item`] returned `None`).
    pub fn bytes_read(&self) -> u64 {
        self.base + self.end as u64
    }

    /// The next item, or `None` at the end of the input.
    pub fn next_item(&mut self) -> Result<Option<RawItem<'_>>> {
        if !self.started {
            self.start()?;
        }
        loop {
            let (outcome, used) = self
                .scanner
                .scan(&self.buf[self.pos..self.end], self.eof)
                .map_err(|e| self.scan_error(e))?;
            self.pos += used;
            match outcome {
                Outcome::Item { start, end } => {
                    let s = (start - self.base) as usize;
                    let e = (end - self.base) as usize;
                    return Ok(Some(RawItem {
                        bytes: &self.buf[s..e],
                        offset: start,
                        index: self.scanner.items() - 1,
                    }));
                }
                Outcome::Members {
                    start,
                    end,
                    before_findings,
                } => {
                    let bytes = &self.buf[(start - self.base) as usize..(end - self.base) as usize];
                    check_members(bytes, before_findings).map_err(|(at, what)| {
                        let at = Position {
                            input: self.name.clone(),
                            byte: Some(start + at as u64),
                            finding: Some(self.scanner.items() + 1),
                        };
                        Error::new(ErrorKind::Syntax(what), at)
                    })?;
                }
                Outcome::End => return Ok(None),
                Outcome::NeedInput => self.fill()?,
            }
        }
    }

    /// Reads the first bytes and skips a UTF-8 byte-order mark.
    fn start(&mut self) -> Result<()> {
        self.started = true;
        while self.end < BOM.len() && !self.eof {
            self.fill()?;
        }
        if self.buf[..self.end].starts_with(BOM) {
            self.pos = BOM.len();
            self.scanner = Scanner::new(
                BOM.len() as u64,
                self.limits.max_depth,
                self.limits.max_finding_bytes,
            );
        }
        Ok(())
    }

    /// Drops what no one needs, then reads more.
    fn fill(&mut self) -> Result<()> {
        if self.eof {
            return Ok(());
        }
        // Roll: keep the item in progress (or nothing) and the unscanned tail.
        let keep_from = match self.scanner.retain_from() {
            Some(abs) => (abs - self.base) as usize,
            None => self.pos,
        };
        if keep_from > 0 {
            self.buf.copy_within(keep_from..self.end, 0);
            self.end -= keep_from;
            self.pos -= keep_from;
            self.base += keep_from as u64;
        }
        // Grow only while one item straddles reads; the scanner stops it at the limit.
        // After a huge item has gone, give the memory back.
        let want = self.limits.read_buffer_bytes.max(16);
        if self.buf.len() - self.end < want {
            self.buf.resize(self.end + want, 0);
        } else if self.buf.len() > 4 * want && self.end < want {
            self.buf.truncate(2 * want);
            self.buf.shrink_to_fit();
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..self.end + want]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::Io(e),
                        Position {
                            input: self.name.clone(),
                            byte: Some(self.base + self.end as u64),
                            finding: None,
                        },
                    ))
                }
            }
        }
    }

    #[cold]
    fn scan_error(&self, e: ScanError) -> Error {
        let kind = match e.kind {
            ScanErrorKind::Expected(what, found) => {
                ErrorKind::Syntax(format!("expected {what}, found {}", found.describe()))
            }
            ScanErrorKind::Eof(inside) => ErrorKind::Truncated(inside),
            ScanErrorKind::NotAnObject(found) => ErrorKind::NotAnObject(found.describe()),
            ScanErrorKind::TooLarge(limit) => ErrorKind::FindingTooLarge { limit },
            ScanErrorKind::TooDeep(limit) => ErrorKind::DepthLimit { limit },
        };
        Error::new(
            kind,
            Position {
                input: self.name.clone(),
                byte: Some(e.offset),
                finding: Some(e.item + 1),
            },
        )
    }
}

/// Checks a page's own members ([`Outcome::Members`]) as serde_json reads JSON: the
/// members before `findings` as the start of an object, a member after it as an object's
/// only member. Returns the offset in `bytes` and what is wrong. Cold: a page has a
/// `nextToken` or a few other members, against thousands of bytes of findings.
#[cold]
fn check_members(bytes: &[u8], before_findings: bool) -> std::result::Result<(), (usize, String)> {
    // serde_json skips a string without checking its UTF-8.
    if let Err(e) = std::str::from_utf8(bytes) {
        let what = "invalid UTF-8 in a page's members around the findings";
        return Err((e.valid_up_to(), what.to_string()));
    }
    // Completed into one object, whose added bytes are valid wherever the members are.
    let (head, tail): (&[u8], &[u8]) = if before_findings {
        (b"", b"\"findings\":null}")
    } else {
        (b"{", b"}")
    };
    let text = [head, bytes, tail].concat();
    let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&text) else {
        return Ok(());
    };
    // Valid UTF-8: `bytes` is, and so are the bytes added around it.
    let text = std::str::from_utf8(&text).unwrap_or_default();
    let at = crate::decode::offset_of(text, e.line(), e.column())
        .saturating_sub(head.len())
        .min(bytes.len());
    let msg = e.to_string();
    let msg = msg.rfind(" at line ").map_or(&msg[..], |k| &msg[..k]);
    Err((
        at,
        format!("invalid JSON in a page's members around the findings: {msg}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns at most `n` bytes per call, to run every boundary path.
    pub(crate) struct Trickle<'a>(pub &'a [u8], pub usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn items(input: &[u8], chunk: usize, limits: &Limits) -> Result<Vec<(String, u64, u64)>> {
        let mut r = ItemReader::new(Trickle(input, chunk), "t", limits);
        let mut v = Vec::new();
        while let Some(it) = r.next_item()? {
            v.push((
                String::from_utf8_lossy(it.bytes).into_owned(),
                it.offset,
                it.index,
            ));
        }
        assert_eq!(r.bytes_read(), input.len() as u64);
        Ok(v)
    }

    fn small() -> Limits {
        Limits {
            read_buffer_bytes: 16,
            ..Limits::default()
        }
    }

    #[test]
    fn same_items_for_every_read_size() {
        let input = "\u{feff}{\"nextToken\":\"x\",\"findings\":[{\"a\":\"}\\\"\",\"b\":[1,2,{}]},\r\n{\"c\":\"é\"}]}\n[{\"d\":1}]\n{\"e\":{}}";
        let whole = items(input.as_bytes(), usize::MAX, &Limits::default()).unwrap();
        assert_eq!(whole.len(), 4);
        assert_eq!(whole[0].1, 32);
        let e_at = input.find("{\"e\"").unwrap() as u64;
        assert_eq!(whole[3], ("{\"e\":{}}".to_string(), e_at, 3));
        for chunk in [1, 2, 3, 7, 4096] {
            assert_eq!(
                items(input.as_bytes(), chunk, &small()).unwrap(),
                whole,
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn a_pages_own_members_are_checked_at_every_read_size() {
        let page = |members: &str| format!("{{\"a\":[1],\"findings\":[{{\"b\":1}}],{members}}}");
        let good = page(r#""nextToken":"x\"}é","m":{"k":[true,null,-1.5e3]}"#);
        for chunk in [1, 2, 5, 4096] {
            assert_eq!(items(good.as_bytes(), chunk, &small()).unwrap().len(), 1);
        }
        // Invalid JSON and invalid UTF-8 where the scanner only follows strings and
        // brackets, before and after `findings`: an error at the byte, at any read size.
        let bad: [(Vec<u8>, &str); 4] = [
            (br#"{"a":[1,],"findings":[]}"#.to_vec(), "byte 8"),
            (page(r#""nextToken":tru"#).into_bytes(), "byte 45"),
            (page(r#""nextToken":"\q""#).into_bytes(), "byte 44"),
            (
                page(r#""x":"?""#).replace('?', "\u{1}").into_bytes(),
                "byte 35",
            ),
        ];
        for (input, at) in &bad {
            // The byte 0x01 stands for 0xFF, which a `str` cannot hold.
            let input: Vec<u8> = input
                .iter()
                .map(|&c| if c == 1 { 0xFF } else { c })
                .collect();
            for chunk in [1, 3, 4096] {
                let e = items(&input, chunk, &small()).unwrap_err();
                let text = String::from_utf8_lossy(&input);
                assert!(matches!(e.kind(), ErrorKind::Syntax(_)), "{e}: {text}");
                assert!(e.to_string().contains(at), "{e}: {text}");
            }
        }
    }

    #[test]
    fn the_item_limit_is_the_buffer_bound() {
        let big = format!("[{{\"a\":\"{}\"}}]", "x".repeat(100));
        let limits = Limits {
            max_finding_bytes: 64,
            ..small()
        };
        let e = items(big.as_bytes(), 7, &limits).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::FindingTooLarge { limit: 64 }),
            "{e}"
        );
        assert!(e.to_string().contains("64 bytes"), "{e}");
        // The smallest limit that still works.
        let limits = Limits {
            max_finding_bytes: big.len() - 2,
            ..small()
        };
        assert_eq!(items(big.as_bytes(), 7, &limits).unwrap().len(), 1);
    }

    #[test]
    fn errors_carry_name_offset_and_index() {
        let e = items(b"{\"findings\":[{\"a\":1},\n 42]}", 3, &small()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "input error: t: finding 2 (byte 23): expected a finding object, found a number"
        );
    }
}
