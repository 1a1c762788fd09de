//! What an input holds, told from its first bytes (spec 1, "Directories"): the content
//! rule that decides whether a file found in a directory, or an object found under an S3
//! prefix, is an input; and the names of the compressed and archive formats that are not
//! read, for a message that says so.

use std::io::{self, Cursor, Read};

/// The UTF-8 byte-order mark, skipped before the first non-whitespace byte.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The most bytes looked at to tell what a stream holds (64 KiB). Only a stream that
/// starts with this much whitespace is still undecided here; it is taken for JSON, and
/// the scanner says what it finds after the whitespace.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The offset of tar's `ustar` magic in the first header block.
const TAR_MAGIC_AT: usize = 257;

/// What a stream's first bytes say it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// gzip (`1f 8b`): what it holds is told from the decompressed bytes.
    Gzip,
    /// JSON: after a BOM and whitespace, the first byte is `{` or `[`.
    Json,
    /// Nothing, or nothing but a BOM and whitespace: an input of zero findings.
    Empty,
    /// A compressed file or archive of a format that is not read.
    Archive(Archive),
    /// Anything else: text, CSV, binary data.
    Other,
}

impl Content {
    /// True for content that is read as findings (JSON or empty).
    pub fn is_input(self) -> bool {
        matches!(self, Content::Json | Content::Empty)
    }
}

/// The compressed and archive formats recognised by their magic bytes, so that naming one
/// as an input gets a message that says what it is rather than a JSON syntax error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Archive {
    /// `PK\x03\x04` (or an empty or spanned archive's `PK\x05\x06`, `PK\x07\x08`).
    Zip,
    /// `BZh`.
    Bzip2,
    /// `\xFD7zXZ\0`.
    Xz,
    /// `\x28\xB5\x2F\xFD`.
    Zstd,
    /// `7z\xBC\xAF\x27\x1C`.
    SevenZip,
    /// `ustar` at byte 257.
    Tar,
}

impl Archive {
    /// What to call it in a message: "a zip file".
    pub fn name(self) -> &'static str {
        match self {
            Archive::Zip => "a zip file",
            Archive::Bzip2 => "a bzip2 file",
            Archive::Xz => "an xz file",
            Archive::Zstd => "a zstd file",
            Archive::SevenZip => "a 7z archive",
            Archive::Tar => "a tar archive",
        }
    }
}

/// The magic bytes at the start of each [`Archive`] but tar.
const MAGICS: &[(&[u8], Archive)] = &[
    (b"PK\x03\x04", Archive::Zip),
    (b"PK\x05\x06", Archive::Zip),
    (b"PK\x07\x08", Archive::Zip),
    (b"BZh", Archive::Bzip2),
    (b"\xFD7zXZ\x00", Archive::Xz),
    (b"\x28\xB5\x2F\xFD", Archive::Zstd),
    (b"7z\xBC\xAF\x27\x1C", Archive::SevenZip),
];

/// Tells what `head`, the first bytes of a stream, holds; `complete` says that `head` is
/// the whole stream. `None` when more bytes are needed to tell.
///
/// In order: gzip's magic; then, past a BOM and whitespace, `{` or `[` is JSON and
/// nothing at all is empty; then the magic of a known compressed or archive format;
/// anything else is other.
pub fn sniff(head: &[u8], complete: bool) -> Option<Content> {
    let undecided = !complete;
    if head.starts_with(&[0x1f, 0x8b]) {
        return Some(Content::Gzip);
    }
    if undecided && head == [0x1f] {
        return None;
    }
    let body = match head.strip_prefix(BOM) {
        Some(rest) => rest,
        None if undecided && !head.is_empty() && BOM.starts_with(head) => return None,
        None => head,
    };
    match body
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        Some(b'{' | b'[') => return Some(Content::Json),
        Some(_) => {}
        None if undecided => return None,
        None => return Some(Content::Empty),
    }
    for (magic, kind) in MAGICS {
        if head.starts_with(magic) {
            return Some(Content::Archive(*kind));
        }
        if undecided && magic.starts_with(head) {
            return None;
        }
    }
    match head.get(TAR_MAGIC_AT..TAR_MAGIC_AT + 5) {
        Some(b"ustar") => Some(Content::Archive(Archive::Tar)),
        None if undecided => None,
        _ => Some(Content::Other),
    }
}

/// Reads the first bytes of `r` until [`sniff`] can tell what it holds (at most
/// [`SNIFF_BYTES`]); returns that, and a stream of every byte of `r`, those read here
/// first. A stream still undecided after [`SNIFF_BYTES`] (all whitespace) is taken for
/// JSON.
pub fn peek(mut r: Box<dyn Read + Send>) -> io::Result<(Content, Box<dyn Read + Send>)> {
    let mut head = Vec::new();
    let mut complete = false;
    let content = loop {
        if let Some(c) = sniff(&head, complete) {
            break c;
        }
        if head.len() >= SNIFF_BYTES {
            break Content::Json;
        }
        // The first read asks for a little, so that a short stream (a terminal) is not
        // kept waiting for more than it has; later reads for what is still missing.
        let want = if head.is_empty() { 512 } else { SNIFF_BYTES };
        let start = head.len();
        head.resize(start + want.min(SNIFF_BYTES - start), 0);
        let n = loop {
            match r.read(&mut head[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        head.truncate(start + n);
        complete = n == 0;
    };
    Ok((content, Box::new(Cursor::new(head).chain(r))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn told(bytes: &[u8]) -> Content {
        sniff(bytes, true).unwrap()
    }

    #[test]
    fn the_content_rule() {
        assert_eq!(told(b"\x1f\x8b\x08"), Content::Gzip);
        assert_eq!(told(b"{\"findings\":[]}"), Content::Json);
        assert_eq!(told(b"\xEF\xBB\xBF \r\n\t[1]"), Content::Json);
        assert_eq!(told(b""), Content::Empty);
        assert_eq!(told(b"\xEF\xBB\xBF \n"), Content::Empty);
        assert_eq!(told(b"PK\x03\x04rest"), Content::Archive(Archive::Zip));
        assert_eq!(told(b"BZh91AY"), Content::Archive(Archive::Bzip2));
        assert_eq!(told(b"\xFD7zXZ\x00\x00"), Content::Archive(Archive::Xz));
        assert_eq!(
            told(b"\x28\xB5\x2F\xFD\x04"),
            Content::Archive(Archive::Zstd)
        );
        assert_eq!(
            told(b"7z\xBC\xAF\x27\x1C\x00"),
            Content::Archive(Archive::SevenZip)
        );
        let mut tar = vec![b'a'; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(told(&tar), Content::Archive(Archive::Tar));
        assert_eq!(told(b"# README\n"), Content::Other);
        assert_eq!(told(b"a,b,c\n"), Content::Other);
        assert_eq!(told(b"\x1f"), Content::Other);
        assert_eq!(told(b"  x{"), Content::Other);
    }

    #[test]
    fn more_bytes_are_asked_for_only_when_needed() {
        for undecided in [
            &b""[..],
            b"\x1f",
            b"\xEF\xBB",
            b"\xEF\xBB\xBF  \n",
            b"PK",
            b"7z",
        ] {
            assert_eq!(sniff(undecided, false), None, "{undecided:?}");
        }
        assert_eq!(sniff(b" {", false), Some(Content::Json));
        assert_eq!(sniff(b"\x1f\x8b", false), Some(Content::Gzip));
        // Text could still be a tar header until byte 262.
        assert_eq!(sniff(b"README", false), None);
        assert_eq!(sniff(&[b'r'; 300], false), Some(Content::Other));
    }

    /// The stream read on after `peek` holds every byte, those looked at included, however
    /// the source hands them out.
    #[test]
    fn peek_gives_every_byte_back() {
        struct Trickle(Vec<u8>, usize);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(3).min(self.0.len() - self.1);
                buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
                self.1 += n;
                Ok(n)
            }
        }
        for (data, want) in [
            (b"   \n  {\"a\":1}".to_vec(), Content::Json),
            (b"hello world, this is text".to_vec(), Content::Other),
            (b"\xEF\xBB\xBF".to_vec(), Content::Empty),
            (vec![b' '; SNIFF_BYTES + 10], Content::Json),
        ] {
            let (c, mut r) = peek(Box::new(Trickle(data.clone(), 0))).unwrap();
            assert_eq!(c, want);
            let mut all = Vec::new();
            r.read_to_end(&mut all).unwrap();
            assert!(all == data);
        }
    }
}
