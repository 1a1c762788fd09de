//! The library's one error type.
//!
//! Every error that can reach a user says *where*: the input's name, the absolute byte
//! offset in that input (of the decompressed stream for gzip input), and the finding's
//! number, counted from 1, when one is known. Messages read
//! `<what> error: <input>: finding N (byte B): <detail>` so the person holding a 40 GB
//! archive can seek straight to the bad byte (`tail -c +B` / `dd skip=B`).

use std::fmt;
use std::io;

/// Where in the input stream an error happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// The input's name as the user gave it (`-` for standard input).
    pub input: String,
    /// Absolute byte offset in the input (after gzip decompression), when known.
    pub byte: Option<u64>,
    /// The finding's number within its input, counted from 1, when known. An error
    /// between findings names the finding that would come next.
    pub finding: Option<u64>,
}

/// What went wrong. New kinds may be added without a major version.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading an input failed (includes corrupt or truncated gzip streams).
    Io(io::Error),
    /// Writing the report failed. A broken pipe shows up here; callers usually treat it
    /// as success (see [`Error::is_broken_pipe`]).
    Write(io::Error),
    /// The bytes are not the JSON the layout needs. The string says what was expected.
    Syntax(String),
    /// The input ended inside a value (a truncated file); the string says inside what.
    Truncated(&'static str),
    /// Bytes that are not UTF-8.
    Utf8,
    /// A single finding is larger than [`crate::Limits::max_finding_bytes`].
    FindingTooLarge {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// Containers nest deeper than [`crate::Limits::max_depth`].
    DepthLimit {
        /// The limit in force.
        limit: usize,
    },
    /// An element where a finding belongs is not a JSON object.
    NotAnObject(String),
    /// A de-duplicated or compared report meets more distinct findings than
    /// [`crate::Limits::max_indexed_findings`].
    IndexLimit {
        /// The limit in force, in distinct findings.
        limit: usize,
    },
    /// An input read twice (by a de-duplicated or compared report) was not the same the
    /// second time; the string says how.
    InputChanged(String),
    /// A finding candidate is an object with none of the members a finding requires
    /// ([`crate::decode::REQUIRED_MEMBERS`]); the string says what it looks like.
    NotAFinding(String),
    /// A worker thread panicked; this is a bug, reported instead of hanging.
    Panic(String),
    /// An input named by the user is a compressed file or archive of a format that is not
    /// read (gzip is): it says which.
    Archive {
        /// What it is.
        kind: crate::input::Archive,
        /// It was found inside a gzip stream.
        gzip: bool,
    },
    /// A directory or S3 prefix yields no input file (spec 1): nothing is below it, or
    /// every file found is skipped for its content.
    NoInputFile {
        /// Files found and skipped for their content.
        skipped: u64,
    },
}

/// The library's error: a kind plus the position. Boxed so `Result<T, Error>` stays one
/// word wide on the hot path.
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    pos: Position,
}

impl Error {
    #[cold]
    pub(crate) fn new(kind: ErrorKind, pos: Position) -> Error {
        Error(Box::new(Inner { kind, pos }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Where it went wrong.
    pub fn position(&self) -> &Position {
        &self.0.pos
    }

    /// True when the report's reader went away (`inspector-report big.json | head`):
    /// not a failure of the conversion.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&self.0.kind, ErrorKind::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// True when the input ended before a value was complete (truncated file or gzip).
    pub fn is_eof(&self) -> bool {
        match &self.0.kind {
            ErrorKind::Io(e) => e.kind() == io::ErrorKind::UnexpectedEof,
            ErrorKind::Truncated(_) => true,
            _ => false,
        }
    }

    /// The error of a directory or S3 prefix, named `input`, that yields no input file:
    /// `skipped` files were found below it and skipped for their content.
    pub fn no_input_file(input: &str, skipped: u64) -> Error {
        Error::new(
            ErrorKind::NoInputFile { skipped },
            Position {
                input: input.to_string(),
                byte: None,
                finding: None,
            },
        )
    }

    pub(crate) fn write(e: io::Error) -> Error {
        Error::new(ErrorKind::Write(e), Position::default())
    }

    /// A short word for the class of error, as in the message prefix.
    pub fn class(&self) -> &'static str {
        match &self.0.kind {
            ErrorKind::Io(_) => "read",
            ErrorKind::Write(_) => "write",
            ErrorKind::Syntax(_)
            | ErrorKind::Truncated(_)
            | ErrorKind::Utf8
            | ErrorKind::NotAnObject(_)
            | ErrorKind::NotAFinding(_)
            | ErrorKind::Archive { .. }
            | ErrorKind::NoInputFile { .. } => "input",
            ErrorKind::FindingTooLarge { .. }
            | ErrorKind::DepthLimit { .. }
            | ErrorKind::IndexLimit { .. } => "limit",
            ErrorKind::InputChanged(_) => "read",
            ErrorKind::Panic(_) => "internal",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0.pos;
        if let ErrorKind::Archive { kind, gzip } = &self.0.kind {
            let inside = if *gzip { " inside gzip" } else { "" };
            return write!(
                f,
                "input error: {} is {}{inside}; only gzip is read",
                p.input,
                kind.name()
            );
        }
        write!(f, "{} error", self.class())?;
        if !p.input.is_empty() {
            write!(f, ": {}", p.input)?;
        }
        match (p.finding, p.byte) {
            (Some(n), Some(b)) => write!(f, ": finding {n} (byte {b})")?,
            (Some(n), None) => write!(f, ": finding {n}")?,
            (None, Some(b)) => write!(f, ": byte {b}")?,
            (None, None) => {}
        }
        match &self.0.kind {
            ErrorKind::Io(e) => write!(f, ": {e}"),
            ErrorKind::Write(e) => write!(f, ": writing the report: {e}"),
            ErrorKind::Syntax(s) => write!(f, ": {s}"),
            ErrorKind::Truncated(inside) => write!(
                f,
                ": unexpected end of input inside {inside} (truncated file?)"
            ),
            ErrorKind::Utf8 => write!(f, ": invalid UTF-8; inputs must be UTF-8 JSON"),
            ErrorKind::FindingTooLarge { limit } => write!(
                f,
                ": a single finding is larger than the limit of {limit} bytes (MAX_FINDING_BYTES)"
            ),
            ErrorKind::DepthLimit { limit } => write!(
                f,
                ": JSON nests deeper than the limit of {limit} levels (MAX_DEPTH)"
            ),
            ErrorKind::NotAnObject(what) => write!(f, ": expected a finding object, found {what}"),
            ErrorKind::IndexLimit { limit } => write!(
                f,
                ": more than {limit} distinct findings to de-duplicate or compare \
                 (MAX_INDEXED_FINDINGS; the index holds up to 48 bytes for each)"
            ),
            ErrorKind::InputChanged(how) => write!(
                f,
                ": the input changed while it was read twice ({how}); \
                 de-duplicating and comparing need inputs that stay the same"
            ),
            ErrorKind::NotAFinding(what) => write!(
                f,
                ": not an Inspector finding (it has none of {}): {what}",
                crate::decode::REQUIRED_MEMBERS.join(", ")
            ),
            ErrorKind::Panic(s) => write!(f, ": a worker thread panicked (this is a bug): {s}"),
            ErrorKind::Archive { .. } => Ok(()),
            ErrorKind::NoInputFile { skipped: 0 } => write!(
                f,
                ": no input file: nothing below it but names that start with `.`, links \
                 or folders"
            ),
            ErrorKind::NoInputFile { skipped } => write!(
                f,
                ": no input file: {skipped} file(s) found below it, none holding JSON \
                 (the content decides, not the name)"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("pos", &self.0.pos)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) | ErrorKind::Write(e) => Some(e),
            _ => None,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_input_finding_and_byte() {
        let e = Error::new(
            ErrorKind::Syntax("expected `,` or `]` after a finding".into()),
            Position {
                input: "dump.json".into(),
                byte: Some(120),
                finding: Some(3),
            },
        );
        assert_eq!(
            e.to_string(),
            "input error: dump.json: finding 3 (byte 120): expected `,` or `]` after a finding"
        );
    }

    #[test]
    fn error_is_one_word() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
