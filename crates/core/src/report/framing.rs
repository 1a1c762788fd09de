//! How rendered chunks join into one report: the prologue, the separators between
//! findings, the epilogue, and for a gzip report one member per chunk.
//!
//! Workers render each finding with its leading separator (the JSON report's `,`), because
//! a worker cannot know whether its chunk holds the report's first finding. A plain report
//! drops that separator from the first finding. A gzip report cannot drop bytes from inside
//! a member, so each chunk is compressed without its first separator ([`compress_chunk`])
//! and the writer puts a member holding one separator between two non-empty chunks.

use super::{changes, gzip, Entries, Piece, ReportFormat};

/// The writer's side of a report's frame: what comes before the first chunk, between two
/// chunks and after the last.
pub(crate) struct Framing {
    prologue: Vec<u8>,
    epilogue: Vec<u8>,
    /// Chunks are gzip members ([`compress_chunk`]).
    compressed: bool,
    /// Plain report: the bytes still to drop before the first finding (its separator).
    skip: usize,
    /// gzip report: the member holding the separator between findings of two chunks, empty
    /// when the format has no separator.
    separator: Vec<u8>,
    /// gzip report: no non-empty chunk is written yet.
    first_member: bool,
}

impl Framing {
    /// The frame of `piece` of a report of `format` whose entries are `entries`, written
    /// plain or, with a level, as gzip members (see [`Piece`]).
    pub(crate) fn new(
        format: &ReportFormat,
        entries: Entries,
        gzip: Option<u32>,
        piece: Piece,
    ) -> Framing {
        let mut frame = format.frame(gzip);
        if let Entries::Changes = entries {
            let prologue = changes::prologue(format);
            frame.prologue = match gzip {
                Some(level) => gzip::member(&prologue, level),
                None => prologue,
            };
        }
        let only = |keep: bool, bytes: Vec<u8>| if keep { bytes } else { Vec::new() };
        Framing {
            prologue: only(piece.first, frame.prologue),
            epilogue: only(piece.last, frame.epilogue),
            compressed: gzip.is_some(),
            skip: if piece.first {
                format.separator().len()
            } else {
                0
            },
            separator: frame.separator,
            first_member: piece.first,
        }
    }

    /// The bytes before the first chunk: the CSV header or `{"findings":[`.
    pub(crate) fn prologue(&self) -> &[u8] {
        &self.prologue
    }

    /// The bytes after the last chunk.
    pub(crate) fn epilogue(&self) -> &[u8] {
        &self.epilogue
    }

    /// The next chunk, in report order, as the report takes it: the bytes to write before
    /// it, then the part of the chunk to write.
    pub(crate) fn join<'c>(&mut self, chunk: &'c [u8]) -> (&[u8], &'c [u8]) {
        if chunk.is_empty() {
            return (&[], chunk);
        }
        if self.compressed {
            let first = std::mem::replace(&mut self.first_member, false);
            return match first {
                true => (&[], chunk),
                false => (&self.separator, chunk),
            };
        }
        let skip = std::mem::take(&mut self.skip);
        (&[], &chunk[skip..])
    }
}

/// A rendered chunk as a gzip report holds it: one member of its bytes without the leading
/// separator of its first finding (the writer's [`Framing`] puts the separators between
/// members). A chunk with no findings compresses to nothing.
pub(crate) fn compress_chunk(format: &ReportFormat, chunk: &[u8], level: u32) -> Vec<u8> {
    chunk
        .get(format.separator().len()..)
        .map(|findings| gzip::member(findings, level))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::JsonTimestamps;
    use flate2::read::MultiGzDecoder;
    use std::io::Read;

    fn json() -> ReportFormat {
        ReportFormat::Json {
            timestamps: JsonTimestamps::Iso,
        }
    }

    /// Joins `chunks` as the writer does.
    fn report(format: &ReportFormat, gzip: Option<u32>, chunks: &[&[u8]]) -> Vec<u8> {
        piece(format, gzip, Piece::WHOLE, chunks)
    }

    /// Joins `chunks` as the writer of `piece` does.
    fn piece(format: &ReportFormat, gzip: Option<u32>, piece: Piece, chunks: &[&[u8]]) -> Vec<u8> {
        let mut framing = Framing::new(format, Entries::Findings, gzip, piece);
        let mut out = framing.prologue().to_vec();
        for chunk in chunks {
            let chunk = match gzip {
                Some(level) => compress_chunk(format, chunk, level),
                None => chunk.to_vec(),
            };
            let (before, body) = framing.join(&chunk);
            out.extend_from_slice(before);
            out.extend_from_slice(body);
        }
        out.extend_from_slice(framing.epilogue());
        out
    }

    #[test]
    fn the_first_finding_loses_its_separator_plain_or_gzip() {
        let chunks: [&[u8]; 4] = [b"", b",{\"a\":1},{\"b\":2}", b"", b",{\"c\":3}"];
        let want = b"{\"findings\":[{\"a\":1},{\"b\":2},{\"c\":3}]}\n";
        assert_eq!(report(&json(), None, &chunks), want);
        let gz = report(&json(), Some(1), &chunks);
        let mut plain = Vec::new();
        MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, want);
        assert_eq!(report(&json(), None, &[]), b"{\"findings\":[]}\n");
    }

    #[test]
    fn ndjson_lines_have_no_frame() {
        let ndjson = ReportFormat::Ndjson {
            timestamps: JsonTimestamps::Iso,
        };
        let chunks: [&[u8]; 3] = [b"{\"a\":1}\n", b"", b"{\"b\":2}\n"];
        let want = b"{\"a\":1}\n{\"b\":2}\n";
        assert_eq!(report(&ndjson, None, &chunks), want);
        let mut plain = Vec::new();
        MultiGzDecoder::new(&report(&ndjson, Some(1), &chunks)[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, want);
        assert_eq!(report(&ndjson, None, &[]), b"");
    }

    #[test]
    fn csv_rows_have_no_separator() {
        let csv = ReportFormat::default();
        let out = report(&csv, None, &[b"\"1\"\n", b"\"2\"\n"]);
        assert!(out.ends_with(b"\n\"1\"\n\"2\"\n"));
        assert!(Framing::new(&csv, Entries::Findings, Some(6), Piece::WHOLE)
            .separator
            .is_empty());
    }

    fn gunzip(b: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        MultiGzDecoder::new(b).read_to_end(&mut plain).unwrap();
        plain
    }

    /// Pieces joined by byte ranges alone (a piece's leading separator dropped when no
    /// finding came before it) make the whole report, for every split of the chunks,
    /// empty pieces included, plain and gzip.
    #[test]
    fn pieces_join_into_the_whole_report_without_parsing() {
        let chunks: [&[u8]; 5] = [
            b",{\"a\":1}",
            b"",
            b",{\"b\":2},{\"c\":3}",
            b"",
            b",{\"d\":4}",
        ];
        for format in [json(), ReportFormat::default()] {
            let chunks: Vec<&[u8]> = match format {
                ReportFormat::Json { .. } => chunks.to_vec(),
                _ => vec![b"\"1\"\n", b"", b"\"2\"\n"],
            };
            for gzip in [None, Some(1)] {
                let whole = report(&format, gzip, &chunks);
                let frame = format.frame(gzip);
                // Every way to cut the chunks into three pieces.
                for a in 0..=chunks.len() {
                    for b in a..=chunks.len() {
                        let runs = [&chunks[..a], &chunks[a..b], &chunks[b..]];
                        let mut joined = Vec::new();
                        let mut findings_before = false;
                        for (i, run) in runs.iter().enumerate() {
                            let p = Piece {
                                first: i == 0,
                                last: i == 2,
                            };
                            let bytes = piece(&format, gzip, p, run);
                            let frame_len = if p.first { frame.prologue.len() } else { 0 }
                                + if p.last { frame.epilogue.len() } else { 0 };
                            let has_findings = bytes.len() > frame_len;
                            let skip = if !p.first && has_findings && !findings_before {
                                frame.separator.len()
                            } else {
                                0
                            };
                            joined.extend_from_slice(&bytes[skip..]);
                            findings_before |= has_findings;
                        }
                        match gzip {
                            None => assert_eq!(joined, whole, "{a} {b}"),
                            Some(_) => assert_eq!(gunzip(&joined), gunzip(&whole), "{a} {b}"),
                        }
                    }
                }
            }
        }
    }
}
