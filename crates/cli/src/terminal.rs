//! Messages on stderr, made safe for the terminal that shows them.
//!
//! File names, S3 keys, upload ids and input values reach messages unchanged, and any of
//! them may hold control characters: an ESC sequence that recolours, moves the cursor,
//! retitles the window or rewrites the line above, a BEL, a carriage return that hides
//! what came before. Every message passes through [`escape`] on its way out ([`say`]),
//! so such a character is shown as `\x1b` and does nothing.

use crate::args::NAME;
use std::borrow::Cow;
use std::fmt::{Display, Write};

/// `text` with every control character written as `\xNN` (C0, DEL and the C1 block,
/// whose U+009B is a one-character ESC `[` to some terminals) and every bidirectional
/// override or isolate as `\u{NNNN}` (they reorder what is shown, so a name could read as
/// another). A line break is a control character too: a message is one line, so a
/// name cannot forge a second one. Text with none of these is returned as it is.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else if is_bidi_control(c) {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The embeddings, overrides and isolates of Unicode's bidirectional algorithm.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` of several lines with each line escaped, the line breaks kept.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.split('\n').map(escape).collect::<Vec<_>>().join("\n"))
}

/// Prints `message` on stderr as one line, after the program's name, escaped.
pub fn say(message: impl Display) {
    eprintln!("{NAME}: {}", escape(&message.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(escape("a\x1b[31mred\x07.json"), "a\\x1b[31mred\\x07.json");
        assert_eq!(escape("line\nbreak\r\t"), "line\\x0abreak\\x0d\\x09");
        assert_eq!(escape("del\x7f c1\u{9b}2J"), "del\\x7f c1\\x9b2J");
        assert_eq!(escape("txt.\u{202e}vsc"), "txt.\\u{202e}vsc");
    }

    #[test]
    fn lines_keep_their_breaks() {
        assert!(matches!(escape_lines("a\nb\n"), Cow::Borrowed(_)));
        assert_eq!(
            escape_lines("bad '\x1b]0;x\x07'\nUsage\n"),
            "bad '\\x1b]0;x\\x07'\nUsage\n"
        );
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for plain in [
            "",
            "report.csv",
            "s3://b/k é 日本 \\x1b",
            "a \"quoted\" name",
        ] {
            assert!(matches!(escape(plain), Cow::Borrowed(p) if p == plain));
        }
    }
}
