//! `--shard K/N`: this run is one of N, for a job spread over machines (an AWS Batch array
//! job, a Kubernetes Indexed Job), whose pieces `compose` joins into one report.
//!
//! The sources (the files of directories and the objects of prefixes, in order) are cut
//! into N contiguous runs balanced by bytes ([`cut`]), and this run converts run K. Its
//! report is piece K of the whole ([`inspector_report_core::Piece`]): the first carries
//! the CSV header or `{"findings":[`, the last the epilogue, and a JSON piece after the
//! first keeps the `,` before its first finding, so that `compose` only concatenates
//! byte ranges. What compose needs to know about a shard ([`ShardMeta`]) travels with it:
//! in the object's metadata in S3, in a small file beside it locally.

use crate::error::CliError;
use crate::sink::file;
use crate::sink::rules::FileRules;
use crate::source::Plan;
use inspector_report_core::{Frame, Piece};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The variables that give a worker's index, 0-based: AWS Batch array jobs, then
/// Kubernetes Indexed Jobs.
pub const INDEX_VARIABLES: [&str; 2] = ["AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX"];

/// The most shards of one job: shard names have five digits.
pub const MAX_SHARDS: u32 = 99_999;

/// Shard K of N (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 1.
    pub k: u32,
    /// How many.
    pub n: u32,
}

impl Shard {
    /// `--shard K/N`, or `--shard N` with K from the first of [`INDEX_VARIABLES`] that
    /// `var` finds (0-based, so K = index + 1).
    pub fn parse(text: &str, var: impl Fn(&str) -> Option<String>) -> Result<Shard, CliError> {
        let number = |s: &str, what: &str| {
            s.trim().parse::<u32>().map_err(|_| {
                CliError::usage(format!(
                    "--shard {text}: {what} {s:?} is not a number; write --shard K/N (K from \
                     1 to N), or --shard N in an array job"
                ))
            })
        };
        let (k, n) = match text.split_once('/') {
            Some((k, n)) => (number(k, "shard")?, number(n, "count")?),
            None => {
                let n = number(text, "count")?;
                let (variable, index) = INDEX_VARIABLES
                    .iter()
                    .find_map(|v| var(v).map(|i| (*v, i)))
                    .ok_or_else(|| {
                        CliError::usage(format!(
                            "--shard {text}: which shard is this? Neither {} is set; \
                             write --shard K/{text}",
                            INDEX_VARIABLES.join(" nor ")
                        ))
                    })?;
                let index = index.trim().parse::<u32>().map_err(|_| {
                    CliError::usage(format!("{variable}={index:?} is not a number"))
                })?;
                (index.saturating_add(1), n)
            }
        };
        if n == 0 || n > MAX_SHARDS || k == 0 || k > n {
            return Err(CliError::usage(format!(
                "--shard {text}: shard {k} of {n}; give 1 to {MAX_SHARDS} shards and a \
                 shard from 1 to their number"
            )));
        }
        Ok(Shard { k, n })
    }

    /// The piece of the report this shard writes.
    pub fn piece(self) -> Piece {
        Piece {
            first: self.k == 1,
            last: self.k == self.n,
        }
    }

    /// `shard-0000K-of-0000N.EXT`, the name under a prefix or folder.
    pub fn file_name(self, ext: &str, gzip: bool) -> String {
        let gz = if gzip { ".gz" } else { "" };
        format!("shard-{:05}-of-{:05}.{ext}{gz}", self.k, self.n)
    }

    /// Reads a name made by [`Shard::file_name`]: the shard, and the rest of the name.
    pub fn from_file_name(name: &str) -> Option<(Shard, &str)> {
        let rest = name.strip_prefix("shard-")?;
        let (k, rest) = rest.split_at_checked(5)?;
        let rest = rest.strip_prefix("-of-")?;
        let (n, ext) = rest.split_at_checked(5)?;
        let ext = ext.strip_prefix('.')?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !digits(k) || !digits(n) {
            return None;
        }
        let shard = Shard {
            k: k.parse().ok()?,
            n: n.parse().ok()?,
        };
        (shard.k >= 1 && shard.k <= shard.n).then_some((shard, ext))
    }
}

/// Cuts sources of `sizes` bytes, in order, into `n` contiguous runs balanced by bytes:
/// each source goes to the run its middle byte falls in. When nothing has a size, the
/// sources are shared out by count. A run may be empty.
pub fn cut(sizes: &[u64], n: u32) -> Vec<Range<usize>> {
    let n = u128::from(n.max(1));
    let total: u128 = sizes.iter().map(|&s| u128::from(s)).sum();
    let mut runs = vec![0..0; n as usize];
    let mut start: u128 = 0;
    for (i, &size) in sizes.iter().enumerate() {
        let run = if total == 0 {
            i as u128 * n / sizes.len() as u128
        } else {
            ((start * 2 + u128::from(size)) * n / (total * 2)).min(n - 1)
        };
        start += u128::from(size);
        let r = &mut runs[run as usize];
        if r.start == r.end {
            *r = i..i + 1;
        } else {
            r.end = i + 1;
        }
    }
    // Empty runs sit where their neighbours meet, so that the runs cover 0..len in order.
    let mut at = 0;
    for r in &mut runs {
        if r.start == r.end {
            *r = at..at;
        }
        at = r.end;
    }
    runs
}

/// Keeps the sources of this run's shard, if it is one: a usage error when a source's
/// size is unknown (standard input cannot be cut).
pub fn select(shard: Option<Shard>, mut plan: Plan) -> Result<Plan, CliError> {
    let Some(shard) = shard else {
        return Ok(plan);
    };
    if let Some(p) = plan.sources.iter().find(|p| p.size.is_none()) {
        let name = match p.name() {
            n if n == "-" => "standard input".to_string(),
            n => n,
        };
        return Err(CliError::usage(format!(
            "--shard cuts the inputs by their sizes; {name} has none (name files, \
             directories or S3 prefixes)"
        )));
    }
    let sizes: Vec<u64> = plan.sources.iter().filter_map(|p| p.size).collect();
    let runs = cut(&sizes, shard.n);
    plan.keep(runs[shard.k as usize - 1].clone());
    Ok(plan)
}

/// What `compose` needs to know about a shard, set when the shard starts: it travels as
/// the object's metadata in S3 and in a file beside a local shard ([`sidecar`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardMeta {
    /// Which shard.
    pub shard: Shard,
    /// `csv` or `json`.
    pub format: String,
    /// The shard is gzip (members that concatenate).
    pub gzip: bool,
    /// A fingerprint of everything that shapes the report's bytes but the inputs (the
    /// version, format, columns, quoting, timestamps, filters): shards of one job agree.
    pub settings: String,
    /// The report time for `Age (Days)`, epoch milliseconds.
    pub as_of_ms: i64,
    /// Bytes of the frame as the shards store it: the prologue (in shard 1), the
    /// separator (at the start of a later shard with findings), the epilogue (in shard N).
    pub frame: [u64; 3],
}

/// The prefix of the metadata names (`x-amz-meta-inspector-report-shard`, ...).
const META: &str = "inspector-report-";

impl ShardMeta {
    /// The metadata of `shard` for a report of `format` (`csv`, `json`) with `frame`.
    pub fn new(
        shard: Shard,
        format: &str,
        frame: &Frame,
        gzip: bool,
        settings: String,
        as_of_ms: i64,
    ) -> ShardMeta {
        ShardMeta {
            shard,
            format: format.to_string(),
            gzip,
            settings,
            as_of_ms,
            frame: [
                frame.prologue.len() as u64,
                frame.separator.len() as u64,
                frame.epilogue.len() as u64,
            ],
        }
    }

    /// The metadata as `(name, value)` pairs: S3 user metadata (`x-amz-meta-` added by
    /// S3) and the members of the local file.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let [p, s, e] = self.frame;
        [
            ("shard", format!("{}/{}", self.shard.k, self.shard.n)),
            ("format", self.format.clone()),
            ("gzip", self.gzip.to_string()),
            ("settings", self.settings.clone()),
            ("as-of", self.as_of_ms.to_string()),
            ("frame", format!("{p},{s},{e}")),
        ]
        .into_iter()
        .map(|(k, v)| (format!("{META}{k}"), v))
        .collect()
    }

    /// Reads [`ShardMeta::pairs`] back; `None` when something is missing or malformed.
    pub fn from_pairs(pairs: &HashMap<String, String>) -> Option<ShardMeta> {
        let get = |k: &str| pairs.get(&format!("{META}{k}")).map(String::as_str);
        let (k, n) = get("shard")?.split_once('/')?;
        let frame: Vec<u64> = get("frame")?
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        Some(ShardMeta {
            shard: Shard {
                k: k.parse().ok()?,
                n: n.parse().ok()?,
            },
            format: get("format")?.to_string(),
            gzip: get("gzip")?.parse().ok()?,
            settings: get("settings")?.to_string(),
            as_of_ms: get("as-of")?.parse().ok()?,
            frame: frame.try_into().ok()?,
        })
    }
}

/// The file beside a local shard that holds its [`ShardMeta`] and its size:
/// `.NAME.shard.json` (a dot name, so a directory input passes over it).
pub fn sidecar(report: &Path) -> PathBuf {
    let name = report
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    report.with_file_name(format!(".{name}.shard.json"))
}

/// Writes the sidecar of the local shard `report` of `bytes` bytes, replacing any earlier
/// one at once, as a report file is written (`rules`: private, atomic, no link followed
/// unless asked).
pub fn write_sidecar(
    report: &Path,
    meta: &ShardMeta,
    bytes: u64,
    rules: &FileRules,
) -> Result<(), CliError> {
    let mut doc: serde_json::Map<String, Value> = meta
        .pairs()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    doc.insert("bytes".into(), json!(bytes));
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    file::write_whole(
        &sidecar(report),
        "the shard's metadata",
        rules,
        text.as_bytes(),
    )
}

/// Reads the sidecar of the local shard `report`: its metadata and the size it was
/// written with.
pub fn read_sidecar(report: &Path) -> Result<(ShardMeta, u64), String> {
    let path = sidecar(report);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("its metadata file {} cannot be read: {e}", path.display()))?;
    let doc: HashMap<String, Value> = serde_json::from_str(&text)
        .map_err(|e| format!("its metadata file {} is not JSON: {e}", path.display()))?;
    let bytes = doc.get("bytes").and_then(Value::as_u64);
    let pairs: HashMap<String, String> = doc
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
        .collect();
    match (ShardMeta::from_pairs(&pairs), bytes) {
        (Some(meta), Some(bytes)) => Ok((meta, bytes)),
        _ => Err(format!(
            "its metadata file {} is not a shard's",
            path.display()
        )),
    }
}

/// A stable fingerprint of `text` (64-bit FNV-1a, in hex): the same for the same settings
/// on every machine and build.
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_options() {
        let none = |_: &str| None;
        assert_eq!(Shard::parse("2/3", none).unwrap(), Shard { k: 2, n: 3 });
        assert_eq!(Shard::parse(" 1 / 1 ", none).unwrap(), Shard { k: 1, n: 1 });
        for bad in ["0/3", "4/3", "1/0", "a/3", "3", "1/100000"] {
            assert!(Shard::parse(bad, none).is_err(), "{bad}");
        }
        let batch = |v: &str| (v == "AWS_BATCH_JOB_ARRAY_INDEX").then(|| "0".to_string());
        assert_eq!(Shard::parse("4", batch).unwrap(), Shard { k: 1, n: 4 });
        let k8s = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "3".to_string());
        assert_eq!(Shard::parse("4", k8s).unwrap(), Shard { k: 4, n: 4 });
        assert!(Shard::parse("3", k8s).is_err(), "index 3 is shard 4 of 3");
        let e = Shard::parse("4", none).unwrap_err().message;
        assert!(
            e.contains("AWS_BATCH_JOB_ARRAY_INDEX nor JOB_COMPLETION_INDEX"),
            "{e}"
        );
    }

    #[test]
    fn names() {
        let s = Shard { k: 7, n: 12 };
        assert_eq!(s.file_name("csv", false), "shard-00007-of-00012.csv");
        assert_eq!(s.file_name("json", true), "shard-00007-of-00012.json.gz");
        assert_eq!(
            Shard::from_file_name("shard-00007-of-00012.json.gz"),
            Some((s, "json.gz"))
        );
        for bad in [
            "shard-7-of-12.csv",
            "shard-00013-of-00012.csv",
            "x.csv",
            "shard-00001-of-00002",
        ] {
            assert_eq!(Shard::from_file_name(bad), None, "{bad}");
        }
        assert_eq!(
            sidecar(Path::new("out/shard-00001-of-00002.csv")),
            PathBuf::from("out/.shard-00001-of-00002.csv.shard.json")
        );
    }

    #[test]
    fn runs_are_contiguous_cover_everything_and_balance_bytes() {
        let sizes = [10, 10, 10, 10, 10, 10];
        assert_eq!(cut(&sizes, 3), vec![0..2, 2..4, 4..6]);
        // One big object takes a run of its own.
        assert_eq!(cut(&[100, 1, 1, 1], 2), vec![0..1, 1..4]);
        // More shards than sources: some runs are empty, in place.
        let runs = cut(&[5, 5], 4);
        assert_eq!(runs.len(), 4);
        assert_eq!(runs.iter().map(|r| r.len()).sum::<usize>(), 2);
        // Nothing has a size: by count.
        assert_eq!(cut(&[0, 0, 0, 0], 2), vec![0..2, 2..4]);
        assert_eq!(cut(&[], 3), vec![0..0, 0..0, 0..0]);
        for n in 1..9u32 {
            let sizes: Vec<u64> = (0..50u64).map(|i| (i * 7919) % 1000 + 1).collect();
            let runs = cut(&sizes, n);
            let mut at = 0;
            for r in &runs {
                assert_eq!(r.start, at);
                at = r.end;
            }
            assert_eq!(at, sizes.len());
            let total: u64 = sizes.iter().sum();
            for r in &runs {
                let bytes: u64 = sizes[r.clone()].iter().sum();
                // Within one source (at most 1000 bytes) of an even share.
                assert!(bytes.abs_diff(total / u64::from(n)) <= 1000, "{n}: {bytes}");
            }
        }
    }

    #[test]
    fn metadata_round_trips() {
        let frame = Frame {
            prologue: b"{\"findings\":[".to_vec(),
            separator: b",".to_vec(),
            epilogue: b"]}\n".to_vec(),
        };
        let m = ShardMeta::new(
            Shard { k: 2, n: 3 },
            "json",
            &frame,
            false,
            fingerprint("x"),
            17,
        );
        let pairs: HashMap<String, String> = m.pairs().into_iter().collect();
        assert_eq!(pairs["inspector-report-frame"], "13,1,3");
        assert_eq!(ShardMeta::from_pairs(&pairs), Some(m));
        assert_eq!(fingerprint("abc"), fingerprint("abc"));
        assert_ne!(fingerprint("abc"), fingerprint("abd"));
    }
}
