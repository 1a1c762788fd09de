//! Finding the shards of a job and checking that they make one report: all of 1..N there,
//! of one format and one set of options; and the byte ranges of each that the report is
//! made of.

use super::parts::Span;
use crate::error::CliError;
use crate::s3_input::{S3Inputs, S3Source};
use crate::shard::{self, Shard, ShardMeta};
use crate::source::is_s3;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a shard is.
pub enum Place {
    /// A local file.
    File(PathBuf),
    /// An S3 object.
    S3(S3Source),
}

/// One shard: where it is, its size and what it says of itself.
pub struct ShardFile {
    /// Where it is.
    pub place: Place,
    /// Its name in messages.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its metadata.
    pub meta: ShardMeta,
}

/// The shards of one job, checked, and what the report is made of.
pub struct Joined {
    /// Shards 1..N, in order.
    pub shards: Vec<ShardFile>,
    /// The ranges of the shards that make the report, in order (empty ones left out).
    pub spans: Vec<Span>,
    /// Some shard holds a finding.
    pub any_findings: bool,
}

impl Joined {
    /// The metadata all shards share (shard 1's).
    pub fn meta(&self) -> &ShardMeta {
        &self.shards[0].meta
    }

    /// The report's size in bytes.
    pub fn bytes(&self) -> u64 {
        self.spans.iter().map(|s| s.bytes.end - s.bytes.start).sum()
    }
}

/// The shards found, as named.
pub struct Gathered {
    /// The shards, in the order found or given.
    pub shards: Vec<ShardFile>,
    /// They were named one by one, so in shard order.
    pub in_order: bool,
    /// The S3 client, when they are in S3.
    pub s3: Option<S3Inputs>,
}

/// The shards `sources` name: one S3 prefix or local folder holding them, or local shard
/// files in shard order. `s3` is the client, made when the sources are in S3.
pub fn gather(
    sources: &[String],
    s3: impl FnOnce() -> Result<S3Inputs, CliError>,
) -> Result<Gathered, CliError> {
    if sources.iter().any(|s| is_s3(s)) {
        let [prefix] = sources else {
            return Err(CliError::usage(
                "compose reads the shards of one S3 prefix (s3://BUCKET/PREFIX/), or local \
                 shard files",
            ));
        };
        let s3 = s3()?;
        let mut found = Vec::new();
        for (object, name) in s3.list_folder(prefix)? {
            if Shard::from_file_name(&name).is_none() {
                continue;
            }
            let pairs = s3.metadata(&object)?;
            let meta = ShardMeta::from_pairs(&pairs).ok_or_else(|| {
                CliError::failure(format!(
                    "{}: it is named as a shard but carries no shard metadata \
                     (x-amz-meta-inspector-report-*)",
                    object.name()
                ))
            })?;
            found.push(ShardFile {
                name: object.name(),
                size: object.size,
                place: Place::S3(s3.source(object)),
                meta,
            });
        }
        return Ok(Gathered {
            shards: found,
            in_order: false,
            s3: Some(s3),
        });
    }
    let (files, in_order): (Vec<PathBuf>, bool) = match sources {
        [one] if Path::new(one).is_dir() => (shard_files_in(Path::new(one))?, false),
        _ => (sources.iter().map(PathBuf::from).collect(), true),
    };
    let mut found = Vec::with_capacity(files.len());
    for path in files {
        let name = path.display().to_string();
        let size = std::fs::metadata(&path)
            .map_err(|e| CliError::failure(format!("{name}: {e}")))?
            .len();
        let (meta, written) = shard::read_sidecar(&path)
            .map_err(|why| CliError::failure(format!("{name} is not a shard: {why}")))?;
        if written != size {
            return Err(CliError::failure(format!(
                "{name} holds {size} bytes but was written with {written}: it is incomplete \
                 or from another run; rerun shard {} of {}",
                meta.shard.k, meta.shard.n
            )));
        }
        found.push(ShardFile {
            place: Place::File(path),
            name,
            size,
            meta,
        });
    }
    Ok(Gathered {
        shards: found,
        in_order,
        s3: None,
    })
}

/// The first shard given out of its place, with the place it was given in.
fn found_order(by_k: &BTreeMap<u32, (usize, ShardFile)>) -> Option<(usize, &ShardFile)> {
    by_k.values()
        .find(|(i, s)| s.meta.shard.k as usize != i + 1)
        .map(|(i, s)| (*i, s))
}

/// The files of a local folder named as shards, in name (so shard) order.
fn shard_files_in(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let read =
        std::fs::read_dir(dir).map_err(|e| CliError::failure(format!("{}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = read
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name();
            Shard::from_file_name(&name.to_string_lossy()).is_some()
        })
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

/// Checks that `found` are shards 1..N of one job, each once (in shard order when
/// `in_order`, as local files must be given), of one format and options, and works out
/// which bytes of each make the report.
pub fn join(mut found: Vec<ShardFile>, in_order: bool) -> Result<Joined, CliError> {
    let Some(first) = found.first() else {
        return Err(CliError::failure(
            "no shard found (shard-0000K-of-0000N files)",
        ));
    };
    let n = first.meta.shard.n;
    if let Some(other) = found.iter().find(|s| s.meta.shard.n != n) {
        return Err(CliError::failure(format!(
            "the shards are of different jobs: {} is one of {n}, {} one of {}; keep one \
             job's shards together",
            first.name, other.name, other.meta.shard.n
        )));
    }
    // Each shard with the place it was found or given in.
    let mut by_k: BTreeMap<u32, (usize, ShardFile)> = BTreeMap::new();
    for (i, s) in found.drain(..).enumerate() {
        if let Some((_, twin)) = by_k.get(&s.meta.shard.k) {
            return Err(CliError::failure(format!(
                "shard {} of {n} is given twice: {} and {}",
                s.meta.shard.k, twin.name, s.name
            )));
        }
        by_k.insert(s.meta.shard.k, (i, s));
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| !by_k.contains_key(k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(CliError::failure(format!(
            "shard(s) {} of {n} missing; nothing was written. Rerun the missing shard(s) \
             with --shard K/{n}, then compose again",
            missing.join(", ")
        )));
    }
    if in_order {
        if let Some((i, s)) = found_order(&by_k) {
            return Err(CliError::usage(format!(
                "give the shard files in shard order: {} is shard {} of {n}, given in \
                 place {}",
                s.name,
                s.meta.shard.k,
                i + 1
            )));
        }
    }
    let shards: Vec<ShardFile> = by_k.into_values().map(|(_, s)| s).collect();
    let m = &shards[0].meta;
    for s in &shards {
        let same = s.meta.format == m.format
            && s.meta.gzip == m.gzip
            && s.meta.settings == m.settings
            && s.meta.frame == m.frame;
        if !same {
            return Err(CliError::failure(format!(
                "{} and {} were made with different options (format {}{} against {}{}); \
                 every shard of a job needs the same options",
                shards[0].name,
                s.name,
                m.format,
                if m.gzip { " gzip" } else { "" },
                s.meta.format,
                if s.meta.gzip { " gzip" } else { "" }
            )));
        }
    }
    let (spans, any_findings) = spans(&shards)?;
    Ok(Joined {
        shards,
        spans,
        any_findings,
    })
}

/// The bytes of each shard that make the report: all of them, but the separator that
/// starts a later shard's findings when no finding came before it. A shard holds findings
/// when it is larger than the frame it carries.
fn spans(shards: &[ShardFile]) -> Result<(Vec<Span>, bool), CliError> {
    let n = shards.len();
    let [prologue, separator, epilogue] = shards[0].meta.frame;
    let mut spans = Vec::new();
    let mut findings_before = false;
    for (i, s) in shards.iter().enumerate() {
        let frame = if i == 0 { prologue } else { 0 } + if i + 1 == n { epilogue } else { 0 };
        if s.size < frame {
            return Err(CliError::failure(format!(
                "{} is shorter than its own frame: it is not a complete shard; rerun shard \
                 {} of {n}",
                s.name,
                i + 1
            )));
        }
        let has_findings = s.size > frame;
        let skip = if i > 0 && has_findings && !findings_before {
            separator
        } else {
            0
        };
        if s.size > skip {
            spans.push(Span {
                shard: i,
                bytes: skip..s.size,
            });
        }
        findings_before |= has_findings;
    }
    Ok((spans, findings_before))
}
