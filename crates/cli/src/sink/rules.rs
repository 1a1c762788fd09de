//! How the files a run writes are created: their permissions (`--mode`) and whether a
//! symbolic link on the way is followed (`--follow-output-links`).
//!
//! Reports hold an organisation's unpatched vulnerabilities, so every file is private by
//! default: 0600 for files and 0700 for the folders batch mode makes, whatever the umask.

use crate::error::CliError;

/// The mode of a new report or summary without `--mode`: the owner's only.
pub const PRIVATE_FILE: u32 = 0o600;
/// The mode of a new batch folder without `--mode`.
pub const PRIVATE_FOLDER: u32 = 0o700;

/// The rules for every file and folder a run creates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileRules {
    /// `--mode`: the permissions of every file written; without it, a new file is
    /// [`PRIVATE_FILE`] and a replaced one keeps the mode it had.
    pub mode: Option<u32>,
    /// `--follow-output-links`: write through symbolic links instead of refusing them.
    pub follow_links: bool,
}

impl FileRules {
    /// The mode of a report or summary that replaces a file of mode `existing` (None: a
    /// new file).
    pub fn file_mode(&self, existing: Option<u32>) -> u32 {
        self.mode
            .or(existing.map(|m| m & 0o777))
            .unwrap_or(PRIVATE_FILE)
    }

    /// The mode of a folder batch mode creates: the owner's, plus read and search for
    /// each class that `--mode` lets read the reports (0640 gives 0750). Write is never
    /// given: another user who may add entries to the folder could plant links there.
    pub fn folder_mode(&self) -> u32 {
        let readers = self.mode.unwrap_or(0) & 0o044;
        PRIVATE_FOLDER | readers | (readers >> 2)
    }
}

/// `--mode OCTAL`: permission bits, `0640` or `640`; no set-id or sticky bits, which have
/// no business on a report.
pub fn parse_mode(text: &str) -> Result<u32, CliError> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    match u32::from_str_radix(digits, 8) {
        Ok(m) if m <= 0o777 && !digits.is_empty() => Ok(m),
        _ => Err(CliError::usage(format!(
            "--mode {text:?}: give permission bits in octal, from 0000 to 0777 \
             (0640 lets the file's group read the reports)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(parse_mode("0640").unwrap(), 0o640);
        assert_eq!(parse_mode("600").unwrap(), 0o600);
        assert_eq!(parse_mode("0o644").unwrap(), 0o644);
        for bad in ["", "0o", "888", "4755", "rw-r-----", "-1", "0x1a4"] {
            assert_eq!(
                parse_mode(bad).unwrap_err().exit,
                crate::error::Exit::Usage,
                "{bad}"
            );
        }
    }

    #[test]
    fn private_unless_asked_and_replacements_keep_their_mode() {
        let default = FileRules::default();
        assert_eq!(default.file_mode(None), 0o600);
        assert_eq!(default.file_mode(Some(0o100644)), 0o644);
        assert_eq!(default.folder_mode(), 0o700);
        let group = FileRules {
            mode: Some(0o640),
            follow_links: false,
        };
        assert_eq!(group.file_mode(None), 0o640);
        assert_eq!(group.file_mode(Some(0o600)), 0o640);
        assert_eq!(group.folder_mode(), 0o750);
        let all = FileRules {
            mode: Some(0o666),
            follow_links: false,
        };
        assert_eq!(all.folder_mode(), 0o755);
    }
}
