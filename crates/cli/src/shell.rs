//! Shell commands the tool prints for a person to paste (the abort hint of an S3 upload
//! that could not be cleaned up). Every value in them comes from input or from a server,
//! so each is quoted: pasted, it is one word, whatever it holds.

use std::borrow::Cow;

/// `value` as one POSIX shell word: as it is when it holds only characters no shell
/// treats specially, otherwise in single quotes, with each `'` written `'\''`.
pub fn quote(value: &str) -> Cow<'_, str> {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"_-./:=@%+,".contains(&b);
    if !value.is_empty() && value.bytes().all(plain) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(format!("'{}'", value.replace('\'', r"'\''")))
}

/// `words` quoted and joined with spaces into one command line.
pub fn command<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words.into_iter().map(quote).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_readable() {
        assert_eq!(quote("my-bucket"), "my-bucket");
        assert_eq!(quote("reports/2026/r.csv.gz"), "reports/2026/r.csv.gz");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    /// A hostile server's upload id, pasted into a real shell, is one word and runs
    /// nothing: `sh` prints each argument back exactly.
    #[test]
    fn hostile_values_reach_the_shell_as_one_word_each() {
        let dir = std::env::temp_dir().join(format!("ir-shell-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let canary = dir.join("pwned");
        let hostile = [
            format!("x; touch {}", canary.display()),
            format!("$(touch {})", canary.display()),
            format!("`touch {}`", canary.display()),
            format!("a'; touch {} #", canary.display()),
            "line\nbreak | cat && echo *".to_string(),
            "\\'\"$HOME".to_string(),
            "-n".to_string(),
        ];
        let line = command(
            ["printf", "%s\\0"]
                .into_iter()
                .chain(hostile.iter().map(String::as_str)),
        );
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&line)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{line}");
        let words: Vec<&[u8]> = out.stdout.split(|&b| b == 0).collect();
        let want: Vec<&[u8]> = hostile
            .iter()
            .map(|s| s.as_bytes())
            .chain([&b""[..]])
            .collect();
        assert_eq!(words, want, "{line}");
        assert!(!canary.exists(), "the shell ran part of a value: {line}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
