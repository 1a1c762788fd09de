//! CSV fields, records and finding rows, written straight into a batch buffer.
//!
//! Hand-written rather than through `csv::Writer`: a cell is assembled from several
//! pieces (list entries, `epoch:version-release`) in a scratch buffer and then quoted into
//! the batch's output `Vec<u8>`; the csv crate would add an `io::Write` layer and its own
//! buffer per batch for the same bytes. The rules are those of csv's `QuoteStyle`, and a
//! test checks this writer against the csv crate byte for byte.

use crate::columns::{self, CellContext, Column};
use crate::decode::finding::Finding;
use crate::stats::Warnings;
use memchr::{memchr, memchr3};

/// When to quote a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QuoteStyle {
    /// Every field, the header too (the default, as in Inspector's reports).
    #[default]
    Always,
    /// Only fields that hold `"`, `,`, `\r` or `\n` (csv's `QuoteStyle::Necessary`); an
    /// empty field is written empty, except as the only field of a record.
    Necessary,
}

/// Writes one field.
#[inline]
pub fn write_field(out: &mut Vec<u8>, field: &[u8], style: QuoteStyle) {
    let quote = match style {
        QuoteStyle::Always => true,
        QuoteStyle::Necessary => {
            memchr3(b'"', b',', b'\n', field).is_some() || memchr(b'\r', field).is_some()
        }
    };
    if !quote {
        out.extend_from_slice(field);
        return;
    }
    out.reserve(field.len() + 2);
    out.push(b'"');
    push_doubling_quotes(out, field);
    out.push(b'"');
}

/// Appends `text` with each `"` doubled.
#[inline]
fn push_doubling_quotes(out: &mut Vec<u8>, text: &[u8]) {
    let mut rest = text;
    while let Some(i) = memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(b'"');
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
}

/// Starts a quoted field whose text is then written straight into `out` (saving the copy
/// from a scratch cell); [`close_quoted`] ends it. Returns where the text starts.
#[inline]
pub fn open_quoted(out: &mut Vec<u8>) -> usize {
    out.push(b'"');
    out.len()
}

/// Ends the quoted field opened at `start` by [`open_quoted`]: doubles each `"` written
/// since (a title or description that quotes something) and adds the closing quote.
/// The same bytes as [`write_field`] with [`QuoteStyle::Always`].
#[inline(always)]
pub fn close_quoted(out: &mut Vec<u8>, start: usize, scratch: &mut Vec<u8>) {
    if let Some(q) = crate::bytes::classify::find(out, start, b'"') {
        scratch.clear();
        scratch.extend_from_slice(&out[q..]);
        out.truncate(q);
        push_doubling_quotes(out, scratch);
    }
    out.push(b'"');
}

/// Writes a whole record and its `\n`.
pub fn write_record<'f>(
    out: &mut Vec<u8>,
    style: QuoteStyle,
    fields: impl ExactSizeIterator<Item = &'f [u8]>,
) {
    let n = fields.len();
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if n == 1 && f.is_empty() {
            // A lone empty field would be an empty line, which readers skip.
            out.extend_from_slice(b"\"\"");
        } else {
            write_field(out, f, style);
        }
    }
    out.push(b'\n');
}

/// Spec 2.2.1 (`--excel-safe`): puts one `'` before the cell text that starts at `start`
/// in `out` when its first character would make a spreadsheet read it as a formula (`=`,
/// `+`, `-`, `@`, a tab or a carriage return), so the spreadsheet shows it as text.
#[inline]
pub fn defuse_formula(out: &mut Vec<u8>, start: usize) {
    if let Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') = out.get(start) {
        out.insert(start, b'\'');
    }
}

/// [`defuse_formula`] for a cell of a number column: a number (`-0.5`) is left as it is,
/// as spec 2.2.1 says, but other text is defused. Attackers can put a string where a number
/// belongs (`"inspectorScore":"=HYPERLINK(...)"`), and its cell is written as text.
#[inline]
pub fn defuse_formula_unless_number(out: &mut Vec<u8>, start: usize) {
    if let Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') = out.get(start) {
        let number = std::str::from_utf8(&out[start..])
            .ok()
            .and_then(crate::number::lex)
            .is_some();
        if !number {
            out.insert(start, b'\'');
        }
    }
}

/// One finding's row: a cell per column, then `\n`. Quoting every field (the default),
/// each cell is written straight into `out` between its quotes; otherwise it is assembled
/// in `cell`, then quoted if it needs to be. The same bytes as [`write_record`] of the
/// cells. `EXCEL_SAFE` defuses formulas in the text cells ([`defuse_formula`]); being a
/// constant, it costs the default nothing per cell.
pub(crate) fn write_row<const EXCEL_SAFE: bool>(
    f: &Finding,
    columns: &[Column],
    quote: QuoteStyle,
    ctx: &CellContext,
    cell: &mut Vec<u8>,
    out: &mut Vec<u8>,
    w: &mut Warnings,
) {
    for (i, &col) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if quote == QuoteStyle::Always {
            let start = open_quoted(out);
            let quotes = columns::write_cell_text(col, f, ctx, out, w);
            if EXCEL_SAFE {
                defuse(col, out, start);
            }
            if quotes {
                close_quoted(out, start, cell);
            } else {
                out.push(b'"');
            }
            continue;
        }
        cell.clear();
        columns::write_cell(col, f, ctx, cell, w);
        if EXCEL_SAFE {
            defuse(col, cell, 0);
        }
        if columns.len() == 1 && cell.is_empty() {
            out.extend_from_slice(b"\"\"");
        } else {
            write_field(out, cell, quote);
        }
    }
    out.push(b'\n');
}

/// `--excel-safe` for the cell of `col` that starts at `start` in `out`.
#[inline]
fn defuse(col: Column, out: &mut Vec<u8>, start: usize) {
    if col.is_number() {
        defuse_formula_unless_number(out, start);
    } else {
        defuse_formula(out, start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(fields: &[String], style: QuoteStyle) -> Vec<u8> {
        let mut out = Vec::new();
        write_record(&mut out, style, fields.iter().map(|s| s.as_bytes()));
        out
    }

    fn theirs(fields: &[String], style: ::csv::QuoteStyle) -> Vec<u8> {
        let mut w = ::csv::WriterBuilder::new()
            .quote_style(style)
            .terminator(::csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(fields).unwrap();
        w.into_inner().unwrap()
    }

    #[test]
    fn always_quotes_and_doubles() {
        assert_eq!(
            ours(
                &["a".into(), "".into(), "x\"y".into(), "l1\nl2,".into()],
                QuoteStyle::Always
            ),
            b"\"a\",\"\",\"x\"\"y\",\"l1\nl2,\"\n"
        );
    }

    #[test]
    fn formulas_are_defused_and_other_text_is_not() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            (" =x", " =x"),
            ("'=x", "'=x"),
            ("", ""),
        ] {
            let mut out = b"\"prefix\",\"".to_vec();
            let start = out.len();
            out.extend_from_slice(cell.as_bytes());
            defuse_formula(&mut out, start);
            assert_eq!(&out[start..], want.as_bytes(), "{cell:?}");
            assert!(out.starts_with(b"\"prefix\",\""));
        }
    }

    #[test]
    fn number_columns_defuse_text_but_not_numbers() {
        for (cell, want) in [
            ("-0.5", "-0.5"),
            ("7.5", "7.5"),
            ("-1E+2", "-1E+2"),
            ("", ""),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("-2+3", "'-2+3"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@x", "'@x"),
            ("\t1", "'\t1"),
        ] {
            let mut out = b"\"a\",\"".to_vec();
            let start = out.len();
            out.extend_from_slice(cell.as_bytes());
            defuse_formula_unless_number(&mut out, start);
            assert_eq!(&out[start..], want.as_bytes(), "{cell:?}");
        }
    }

    proptest! {
        #[test]
        fn quoting_in_place_is_write_field(prefix in "[a\",]{0,3}", field in "[a-c\",\r\n é\t#]{0,40}") {
            let mut want = prefix.as_bytes().to_vec();
            write_field(&mut want, field.as_bytes(), QuoteStyle::Always);
            let mut got = prefix.as_bytes().to_vec();
            let start = open_quoted(&mut got);
            got.extend_from_slice(field.as_bytes());
            close_quoted(&mut got, start, &mut Vec::new());
            prop_assert_eq!(got, want);
        }

        #[test]
        fn same_bytes_as_the_csv_crate(fields in proptest::collection::vec("[a-c\",\r\n é\t#]{0,6}", 1..5)) {
            prop_assert_eq!(ours(&fields, QuoteStyle::Always), theirs(&fields, ::csv::QuoteStyle::Always));
            prop_assert_eq!(ours(&fields, QuoteStyle::Necessary), theirs(&fields, ::csv::QuoteStyle::Necessary));
        }
    }
}
