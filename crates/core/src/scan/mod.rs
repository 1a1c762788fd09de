//! The scanner: cuts findings out of a byte stream without building a DOM.
//!
//! Two layers, in the csv-core mould:
//!
//! * [`Scanner`] (`scanner.rs`, with `nest.rs`) is a pure state machine. It is fed `&[u8]`
//!   windows of one input stream, in order, and answers with an [`Outcome`] plus how many
//!   bytes it consumed. It does no I/O, allocates nothing, and knows nothing about files.
//!   Positions it reports are absolute offsets in the stream, so the driver can roll its
//!   buffer freely as long as it keeps the bytes from [`Scanner::retain_from`] onwards.
//! * [`ItemReader`] (`reader.rs`) is that driver: it owns the rolling buffer, the
//!   `io::Read` and the input's name, and turns scanner errors into [`crate::Error`]s.
//!
//! What the scanner understands is only the *frame* around findings (spec section 1):
//!
//! * a sequence of top-level values separated by whitespace;
//! * a top-level object is a *page* as soon as it shows a `findings` key at its first
//!   level; until then it may be a finding (NDJSON) or an EventBridge event, so its bytes
//!   are retained from its `{`. Keys of a page other than `findings` are skipped;
//! * a top-level array, or a page's `findings` array, holds one item per element, and
//!   every element must be an object.
//!
//! Inside an item it only tracks strings, escapes and bracket depth: enough to find the
//! closing `}` exactly. Full validation of an item is the decoder's job (it parses each
//! item anyway), which is why this loop can be so small. The decoder also tells findings
//! from events (`detail-type`), so the scanner does not look at keys inside items.
//!
//! The hot loop is `Nest::blocks` (`nest.rs`): `inspector_report_simd::bracket_blocks`
//! classifies 64 bytes at a time into bit masks (AVX2 where the CPU has it) and follows
//! escapes and strings with bit arithmetic, and `Nest::blocks` counts the brackets. Where that
//! is not exact (the block where the item may close, the depth limit, a backslash outside a
//! string) `Nest::run` goes on byte by byte: inside strings it jumps with `memchr2` to the
//! next quote or backslash, outside them it jumps to the next quote or bracket of a word.
//!
//! # Termination
//!
//! Feed an empty slice with `eof = true` to say the stream ended. The scanner then
//! answers [`Outcome::End`] if the stream ended between top-level values, or an error if
//! it ended inside one (a truncated file).

mod nest;
mod reader;
mod scanner;
#[cfg(test)]
mod tests;

pub use reader::{ItemReader, RawItem};
pub use scanner::Scanner;

/// What one call to [`Scanner::scan`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every byte given was consumed without completing an item; feed more.
    NeedInput,
    /// One item (a finding or an event object) spans `start..end` in absolute offsets.
    Item {
        /// Absolute offset of its `{`.
        start: u64,
        /// Absolute offset one past its `}`.
        end: u64,
    },
    /// Members of a page other than `findings`, which the scanner follows (brackets and
    /// strings) without checking them: the caller checks them as JSON. `start..end` in
    /// absolute offsets is either one member after `findings` (`"nextToken":"..."`) or,
    /// when `before_findings`, the page's opening `{` and every member before `findings`
    /// with its `,`.
    Members {
        /// Absolute offset of the first byte.
        start: u64,
        /// Absolute offset one past the last byte.
        end: u64,
        /// The page's start, up to its `findings` key.
        before_findings: bool,
    },
    /// The stream ended cleanly between top-level values.
    End,
}

/// Why the frame is malformed, and where (absolute offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    /// Absolute offset of the offending byte (or of the end of input).
    pub offset: u64,
    /// Index of the item the error is in or before.
    pub item: u64,
    /// What was wrong.
    pub kind: ScanErrorKind,
}

/// The kinds of frame error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanErrorKind {
    /// Some byte other than what the grammar allows; the string says what was expected.
    Expected(&'static str, Found),
    /// The input ended inside a value; the string says inside what.
    Eof(&'static str),
    /// An array element where a finding belongs is not an object.
    NotAnObject(Found),
    /// An item grew past the limit.
    TooLarge(usize),
    /// Nesting past the limit.
    TooDeep(usize),
}

/// A short description of a byte that was found where another was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found(pub u8);

impl Found {
    /// What the byte starts, in words a user understands.
    pub fn describe(self) -> String {
        match self.0 {
            b'"' => "a string".into(),
            b'[' => "an array".into(),
            b'{' => "an object".into(),
            b'-' | b'0'..=b'9' => "a number".into(),
            b',' => "`,`".into(),
            b']' => "`]`".into(),
            b'}' => "`}`".into(),
            b':' => "`:`".into(),
            c if c.is_ascii_graphic() => format!("`{}`", c as char),
            c => format!("byte 0x{c:02x}"),
        }
    }
}
