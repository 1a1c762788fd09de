//! Naming and opening inputs: standard input, files, and directories of archived exports.
//!
//! Content decides, not the name (spec 1): gzip is detected by its magic bytes, and a file
//! found in a directory is read when its content ([`sniff()`]) is JSON or empty, and skipped
//! otherwise. A source is opened once and read once: the bytes that decide are the first
//! bytes of the stream the scanner goes on to read.

mod gunzip;
pub mod sniff;

use crate::error::{Error, ErrorKind, Position, Result};
use crate::pipeline::Input;
use crate::stats::Progress;
pub use sniff::{sniff, Archive, Content};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The input file endings that batch mode replaces with the report's own
/// ([`report_name`]). Only names: what a file holds is told from its content.
pub const INPUT_ENDINGS: &[&str] = &[
    ".json",
    ".json.gz",
    ".ndjson",
    ".ndjson.gz",
    ".jsonl",
    ".jsonl.gz",
];

/// One input to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// The name used in messages and summaries.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }

    /// Opens the source, decompressing gzip when the stream starts with its magic bytes.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        self.open_counting(None)
    }

    /// Size on disk, when known (a regular file).
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
        }
    }

    /// Like [`Source::open`], adding every byte read as stored (before decompression) to
    /// the progress's `bytes_read`, and every byte after decompression to its
    /// `bytes_decompressed`, for progress displays.
    pub fn open_counting(&self, progress: Option<&Arc<Progress>>) -> Result<Box<dyn Read + Send>> {
        let raw = self.open_raw(progress)?;
        let plain = decompressed(raw).map_err(|e| read_error(&self.name(), e))?;
        Ok(counted_plain(plain, progress))
    }

    /// Opens the source as an input under `rule`: the stream to convert, or what its
    /// content is when the rule skips it. Bytes read are counted into `progress`, as
    /// stored and after decompression.
    pub fn open_as(&self, rule: Rule, progress: Option<&Arc<Progress>>) -> Result<Opened> {
        let raw = self.open_raw(progress)?;
        open_input(&self.name(), raw, rule, progress)
    }

    /// The stream as stored, counted into `progress`.
    fn open_raw(&self, progress: Option<&Arc<Progress>>) -> Result<Box<dyn Read + Send>> {
        let raw: Box<dyn Read + Send> = match self {
            Source::Stdin => Box::new(io::stdin()),
            Source::File(p) => Box::new(std::fs::File::open(p).map_err(|e| open_error(p, e))?),
        };
        Ok(match progress {
            Some(p) => counted(raw, p),
            None => raw,
        })
    }
}

#[cold]
fn open_error(p: &Path, e: io::Error) -> Error {
    Error::new(
        ErrorKind::Io(e),
        Position {
            input: p.display().to_string(),
            byte: None,
            finding: None,
        },
    )
}

/// An error reading the first bytes of the input `name`.
#[cold]
pub(crate) fn read_error(name: &str, e: io::Error) -> Error {
    Error::new(
        ErrorKind::Io(e),
        Position {
            input: name.to_string(),
            byte: Some(0),
            finding: None,
        },
    )
}

/// Wraps `r` in a gzip decoder when its first two bytes are `1f 8b`. Several gzip members
/// one after another are one stream (`cat a.gz b.gz`), as gzip(1) reads them.
pub fn decompressed(r: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    sniffed(r).map(|s| s.reader)
}

/// A stream whose first bytes have been looked at.
pub struct Sniffed {
    /// What it holds, after gzip ([`Content::Gzip`] is never the answer here: a gzip
    /// stream inside gzip is [`Content::Other`]).
    pub content: Content,
    /// It was gzip, and `reader` decompresses it.
    pub gzip: bool,
    /// Every byte of the stream, decompressed when it was gzip.
    pub reader: Box<dyn Read + Send>,
}

/// Tells what the stream `raw` holds from its first bytes, decompressing gzip (by its
/// magic bytes) first; the stream then reads on from its first byte.
pub fn sniffed(raw: Box<dyn Read + Send>) -> io::Result<Sniffed> {
    let (content, whole) = sniff::peek(raw)?;
    if content != Content::Gzip {
        return Ok(Sniffed {
            content,
            gzip: false,
            reader: whole,
        });
    }
    let (content, reader) = sniff::peek(gunzip::gunzip(whole))?;
    Ok(Sniffed {
        content: match content {
            Content::Gzip => Content::Other,
            c => c,
        },
        gzip: true,
        reader,
    })
}

/// How a source came to be read, which decides what its content may be (spec 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Named by the user: read whatever it holds, except a compressed file or archive of
    /// a format that is not read, which is an error that says what it is.
    Named,
    /// Found in a directory or under an S3 prefix: read when it holds JSON or nothing,
    /// skipped otherwise.
    Found,
}

/// A source opened under a [`Rule`].
pub enum Opened {
    /// The input to convert.
    Input(Input),
    /// Found, and skipped for its content (never [`Content::Json`] or [`Content::Empty`]).
    Skipped(Content),
}

/// Opens the stream `raw` of the input called `name` under `rule`: decompressed when it
/// is gzip, and told by its first bytes ([`sniffed`]), which the input then reads again.
/// The bytes the input reads, after decompression, are counted into `progress`.
pub fn open_input(
    name: &str,
    raw: Box<dyn Read + Send>,
    rule: Rule,
    progress: Option<&Arc<Progress>>,
) -> Result<Opened> {
    let s = sniffed(raw).map_err(|e| read_error(name, e))?;
    match (s.content, rule) {
        (c, _) if c.is_input() => Ok(Opened::Input(Input {
            name: name.to_string(),
            reader: counted_plain(s.reader, progress),
        })),
        (Content::Archive(kind), Rule::Named) => Err(Error::new(
            ErrorKind::Archive { kind, gzip: s.gzip },
            Position {
                input: name.to_string(),
                byte: None,
                finding: None,
            },
        )),
        // The scanner says what is wrong with it, and where.
        (_, Rule::Named) => Ok(Opened::Input(Input {
            name: name.to_string(),
            reader: counted_plain(s.reader, progress),
        })),
        (c, Rule::Found) => Ok(Opened::Skipped(c)),
    }
}

/// `r`, adding every byte read through it (as stored) to the progress's `bytes_read`.
pub fn counted(r: Box<dyn Read + Send>, progress: &Arc<Progress>) -> Box<dyn Read + Send> {
    Box::new(Counting(r, Arc::clone(progress), Counter::Stored))
}

/// `r`, adding every byte read through it (after decompression) to the progress's
/// `bytes_decompressed`.
fn counted_plain(
    r: Box<dyn Read + Send>,
    progress: Option<&Arc<Progress>>,
) -> Box<dyn Read + Send> {
    match progress {
        Some(p) => Box::new(Counting(r, Arc::clone(p), Counter::Decompressed)),
        None => r,
    }
}

/// Counts the bytes that pass through it into one of the progress's counters.
struct Counting<R>(R, Arc<Progress>, Counter);

/// Which bytes a [`Counting`] reader sees.
#[derive(Clone, Copy)]
enum Counter {
    /// As stored: `bytes_read`.
    Stored,
    /// After decompression: `bytes_decompressed`.
    Decompressed,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        let counter = match self.2 {
            Counter::Stored => &self.1.bytes_read,
            Counter::Decompressed => &self.1.bytes_decompressed,
        };
        counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Expands what the user named into sources, in order: `-` is standard input, a file is
/// itself, a directory is every regular file below it (see [`expand_relative`]).
pub fn expand<S: AsRef<str>>(args: &[S]) -> Result<Vec<Source>> {
    Ok(expand_relative(args)?
        .into_iter()
        .map(|e| e.source)
        .collect())
}

/// One expanded source with its path relative to what the user named: the file name for
/// a file named directly, the path below the directory for a directory's files (batch
/// mode keeps that structure). Standard input has an empty relative path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    /// The source.
    pub source: Source,
    /// Its path relative to the argument it came from.
    pub relative: PathBuf,
    /// Named itself ([`Rule::Named`]), or found in a directory ([`Rule::Found`]), whose
    /// files the content rule admits or skips when they are opened.
    pub rule: Rule,
    /// The index, among the arguments, of the one it came from.
    pub argument: usize,
    /// Its size in bytes, when known from the directory listing (not for a file named
    /// itself, nor standard input).
    pub size: Option<u64>,
}

/// [`expand`], keeping each source's relative path and how it was named.
///
/// A directory stands for every regular file below it, in the byte order of the paths
/// relative to it (spec 1). Names that start with `.` (files and folders) and symbolic
/// links below it are passed over, so a link loop cannot stop a run; a link named as an
/// input is followed. A directory with no regular file below it is an error.
pub fn expand_relative<S: AsRef<str>>(args: &[S]) -> Result<Vec<Expanded>> {
    let mut out = Vec::new();
    for (argument, a) in args.iter().enumerate() {
        let a = a.as_ref();
        if a == "-" {
            out.push(Expanded {
                source: Source::Stdin,
                relative: PathBuf::new(),
                rule: Rule::Named,
                argument,
                size: None,
            });
            continue;
        }
        let p = Path::new(a);
        let meta = std::fs::metadata(p).map_err(|e| open_error(p, e))?;
        if !meta.is_dir() {
            out.push(Expanded {
                source: Source::File(p.to_path_buf()),
                relative: PathBuf::from(p.file_name().unwrap_or(p.as_os_str())),
                rule: Rule::Named,
                argument,
                size: None,
            });
            continue;
        }
        let found = directory_files(p)?;
        if found.is_empty() {
            return Err(Error::no_input_file(a, 0));
        }
        out.extend(found.into_iter().map(|(relative, size)| Expanded {
            source: Source::File(p.join(&relative)),
            relative,
            rule: Rule::Found,
            argument,
            size: Some(size),
        }));
    }
    Ok(out)
}

/// The regular files below `dir` with their sizes, by [`expand_relative`]'s rules.
fn directory_files(dir: &Path) -> Result<Vec<(PathBuf, u64)>> {
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b"."));
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            let io = e
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("cannot read the directory"));
            open_error(&path, io)
        })?;
        if entry.depth() == 0 || !entry.file_type().is_file() {
            continue;
        }
        let size = entry
            .metadata()
            .map_err(|e| {
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| io::Error::other("cannot read the file's metadata"));
                open_error(entry.path(), io)
            })?
            .len();
        let relative = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_path_buf();
        files.push((relative, size));
    }
    files.sort_by(|a, b| {
        a.0.as_os_str()
            .as_encoded_bytes()
            .cmp(b.0.as_os_str().as_encoded_bytes())
    });
    Ok(files)
}

/// `relative` with its input ending (one of [`INPUT_ENDINGS`], else its last
/// extension) replaced by `.{ext}`: `a/b.json.gz` → `a/b.csv`, `a/firehose-1` →
/// `a/firehose-1.csv`.
pub fn report_name(relative: &Path, ext: &str) -> PathBuf {
    let name = relative
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report");
    let stem = INPUT_ENDINGS
        .iter()
        .filter(|e| name.ends_with(*e) && name.len() > e.len())
        .map(|e| &name[..name.len() - e.len()])
        .next()
        .map(str::to_string)
        .unwrap_or_else(|| {
            Path::new(name)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(name)
                .to_string()
        });
    relative.with_file_name(format!("{stem}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::GUNZIP_BLOCK_BYTES;
    use std::io::Write;

    #[test]
    fn gzip_by_magic_and_multi_member() {
        let mut gz = Vec::new();
        for part in ["{\"a\":1}\n", "{\"b\":2}\n"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            gz.extend(e.finish().unwrap());
        }
        let mut s = String::new();
        decompressed(Box::new(io::Cursor::new(gz)))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "{\"a\":1}\n{\"b\":2}\n");
        let mut s = String::new();
        decompressed(Box::new(io::Cursor::new(b"[]".to_vec())))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "[]");
        let mut s = String::new();
        decompressed(Box::new(io::Cursor::new(b"{".to_vec())))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "{");
    }

    /// Progress counts a gzip file's bytes as stored and as decompressed, and a plain
    /// file's the same in both.
    #[test]
    fn progress_counts_stored_and_decompressed_bytes() {
        let dir = std::env::temp_dir().join(format!("ir-counting-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let plain = vec![b' '; 100_000];
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&plain).unwrap();
        let gz = e.finish().unwrap();
        for (name, bytes) in [("in.json.gz", &gz), ("in.json", &plain)] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let p = Arc::new(Progress::default());
            let mut out = Vec::new();
            Source::File(path)
                .open_counting(Some(&p))
                .unwrap()
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out.len(), plain.len());
            assert_eq!(p.bytes_read.load(Ordering::Relaxed), bytes.len() as u64);
            assert_eq!(
                p.bytes_decompressed.load(Ordering::Relaxed),
                plain.len() as u64
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The gunzip thread hands over many blocks in order, reports a corrupt tail after
    /// the good bytes before it, and stops when its reader goes away mid-stream.
    #[test]
    fn gunzip_thread_blocks_errors_and_early_drop() {
        let data: Vec<u8> = (0..(GUNZIP_BLOCK_BYTES * 3 + 12345) as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&data).unwrap();
        let gz = e.finish().unwrap();
        let mut out = Vec::new();
        decompressed(Box::new(io::Cursor::new(gz.clone())))
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert!(out == data);

        let cut = gz[..gz.len() - 100].to_vec();
        let mut r = decompressed(Box::new(io::Cursor::new(cut))).unwrap();
        let mut out = Vec::new();
        let err = r.read_to_end(&mut out).unwrap_err();
        assert!(err.to_string().contains("gzip stream is corrupt"), "{err}");
        assert!(out.len() > GUNZIP_BLOCK_BYTES * 2 && data.starts_with(&out));

        for _ in 0..5 {
            let mut r = decompressed(Box::new(io::Cursor::new(gz.clone()))).unwrap();
            let mut first = [0u8; 10];
            r.read_exact(&mut first).unwrap();
            drop(r);
        }
    }

    /// Every regular file below a directory, in byte order of the relative paths, dot
    /// names and links passed over (a link loop among them), each found by the content
    /// rule with its size.
    #[test]
    fn directories_in_byte_order_without_dot_names_or_links() {
        let d = tempdir();
        for f in [
            "b.json",
            "a/z.json.gz",
            "a/y.txt",
            "c.ndjson",
            "a.jsonl",
            "a/x/w.json",
            "noext",
            ".hidden.json",
            ".git/config",
            "a/.dot/in.json",
        ] {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "[]").unwrap();
        }
        std::os::unix::fs::symlink(d.join("b.json"), d.join("link.json")).unwrap();
        std::os::unix::fs::symlink(&d, d.join("a/loop")).unwrap();
        let got = expand_relative(&["-", d.to_str().unwrap()]).unwrap();
        let names: Vec<String> = got[1..]
            .iter()
            .map(|e| e.relative.display().to_string())
            .collect();
        assert_eq!(
            names,
            vec![
                "a.jsonl",
                "a/x/w.json",
                "a/y.txt",
                "a/z.json.gz",
                "b.json",
                "c.ndjson",
                "noext"
            ]
        );
        assert_eq!((got[0].rule, got[0].argument), (Rule::Named, 0));
        assert!(got[1..]
            .iter()
            .all(|e| e.rule == Rule::Found && e.argument == 1 && e.size == Some(2)));
        assert_eq!(got[2].source, Source::File(d.join("a/x/w.json")));
        // A link named as an input is followed.
        let linked = expand_relative(&[d.join("link.json").to_str().unwrap()]).unwrap();
        assert_eq!(linked[0].rule, Rule::Named);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_directory_with_no_regular_file_is_an_error() {
        let d = tempdir();
        std::fs::create_dir_all(d.join("sub/.git")).unwrap();
        std::fs::write(d.join(".hidden.json"), "[]").unwrap();
        std::os::unix::fs::symlink(d.join(".hidden.json"), d.join("link.json")).unwrap();
        let e = expand_relative(&[d.to_str().unwrap()]).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::NoInputFile { skipped: 0 }),
            "{e}"
        );
        assert!(e.to_string().contains("no input file"), "{e}");
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// Named inputs are read whatever they hold, but an archive says what it is; found
    /// ones are read only for JSON or nothing. gzip is looked into either way.
    #[test]
    fn the_content_rule_at_open_time() {
        let open = |bytes: &[u8], rule| {
            open_input("x", Box::new(io::Cursor::new(bytes.to_vec())), rule, None)
        };
        let read_all = |o: Result<Opened>| match o.unwrap() {
            Opened::Input(mut i) => {
                let mut s = Vec::new();
                i.reader.read_to_end(&mut s).unwrap();
                s
            }
            Opened::Skipped(c) => panic!("skipped as {c:?}"),
        };
        let gz = |b: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(b).unwrap();
            e.finish().unwrap()
        };
        for rule in [Rule::Named, Rule::Found] {
            assert_eq!(read_all(open(b" [1]", rule)), b" [1]");
            assert_eq!(read_all(open(&gz(b"{\"a\":1}"), rule)), b"{\"a\":1}");
            assert_eq!(read_all(open(b"", rule)), b"");
        }
        assert_eq!(read_all(open(b"# README", Rule::Named)), b"# README");
        for (bytes, want) in [
            (b"# README".to_vec(), Content::Other),
            (gz(b"a,b\n"), Content::Other),
            (b"PK\x03\x04....".to_vec(), Content::Archive(Archive::Zip)),
        ] {
            assert!(matches!(open(&bytes, Rule::Found), Ok(Opened::Skipped(c)) if c == want));
        }
        let e = open(b"BZh91AY&SY", Rule::Named).err().unwrap();
        assert_eq!(
            e.to_string(),
            "input error: x is a bzip2 file; only gzip is read"
        );
        let mut tar = vec![b'a'; 600];
        tar[257..262].copy_from_slice(b"ustar");
        let e = open(&gz(&tar), Rule::Named).err().unwrap();
        assert!(
            e.to_string().contains("x is a tar archive inside gzip"),
            "{e}"
        );
    }

    #[test]
    fn report_names() {
        assert_eq!(
            report_name(Path::new("a/b.json.gz"), "csv"),
            PathBuf::from("a/b.csv")
        );
        assert_eq!(
            report_name(Path::new("b.ndjson"), "json"),
            PathBuf::from("b.json")
        );
        assert_eq!(
            report_name(Path::new("x/dump.txt"), "csv"),
            PathBuf::from("x/dump.csv")
        );
        assert_eq!(
            report_name(Path::new("noext"), "csv"),
            PathBuf::from("noext.csv")
        );
        assert_eq!(
            report_name(Path::new(".json"), "csv"),
            PathBuf::from(".json.csv")
        );
    }

    fn tempdir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "ir-input-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
