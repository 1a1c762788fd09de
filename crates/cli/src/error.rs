//! The one error type of the command line: a message for the person, and the exit status it
//! ends the process with.

use std::fmt;

/// The exit status of a run.
///
/// 3 is the `--fail-on` gate (the report was written, and it has findings at or above the
/// severity asked for), apart from 1, so that CI can tell "the report has what you asked
/// to fail on" from a broken run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: the report was written, or the reader of standard output went away (`| head`).
    Success = 0,
    /// 1: bad input, or a read, write, S3 or AWS failure; nothing is left at the output.
    Failure = 1,
    /// 2: a usage error or a bad filter document, found before anything is read.
    Usage = 2,
    /// 3: the report was written in full, and `--fail-on` found a written finding at or
    /// above its severity.
    FailOn = 3,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}

/// What went wrong, and how the process ends because of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliError {
    /// The exit status.
    pub exit: Exit,
    /// The message, without the program-name prefix.
    pub message: String,
}

impl CliError {
    /// A usage error (exit status 2).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    /// A failure of the run (exit status 1).
    pub fn failure(message: impl Into<String>) -> CliError {
        CliError {
            exit: Exit::Failure,
            message: message.into(),
        }
    }

    /// True when the reader of standard output went away: the run stops there, says
    /// nothing more and exits 0, as `| head` expects.
    pub fn reader_gone(&self) -> bool {
        self.exit == Exit::Success
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// A conversion error fails the run, except a closed standard output, which ends it
/// quietly (the message is kept for batch mode, where a report file cannot close). A live
/// source's failure is said in its own words, without the offset in its stream of pages.
impl From<inspector_report_core::Error> for CliError {
    fn from(e: inspector_report_core::Error) -> CliError {
        if let Some(api) = crate::live::api_error(&e) {
            return CliError::failure(api.to_string());
        }
        CliError {
            exit: if e.is_broken_pipe() {
                Exit::Success
            } else {
                Exit::Failure
            },
            message: e.to_string(),
        }
    }
}

/// A write that ends the report: a closed standard output ends the run quietly, any
/// other error fails it with `what` said first.
pub fn write_error(what: &str, e: &std::io::Error) -> CliError {
    CliError {
        exit: if e.kind() == std::io::ErrorKind::BrokenPipe {
            Exit::Success
        } else {
            Exit::Failure
        },
        message: format!("write error: {what}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!(Exit::Success as u8, 0);
        assert_eq!(Exit::Failure as u8, 1);
        assert_eq!(Exit::Usage as u8, 2);
        assert_eq!(Exit::FailOn as u8, 3);
    }

    #[test]
    fn a_closed_pipe_is_no_failure() {
        let gone = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert!(write_error("finishing the report", &gone).reader_gone());
        let full = std::io::Error::other("no space left");
        let e = write_error("finishing the report", &full);
        assert_eq!(e.exit, Exit::Failure);
        assert_eq!(
            e.message,
            "write error: finishing the report: no space left"
        );
    }
}
