//! `inspector-report compose -o DEST SOURCE...`: the shards of a `--shard` job joined into
//! one report, byte for byte what one run over all the inputs writes (a gzip report: the
//! same after decompression), without parsing a finding.
//!
//! [`shards`] finds the shards and checks that 1..N are all there, of one format and one
//! set of options, and which bytes of each make the report (all of them, but the `,` that
//! starts a JSON shard's findings when no finding came before). Nothing is written before
//! that check passes. The report is then written as any report is: a file renamed into
//! place, standard output, or an S3 multipart upload with SSE-KMS, the status document
//! and abort-on-failure. Shards in S3 joined into S3 are copied by S3 itself
//! (UploadPartCopy) wherever a range is at least a part's minimum ([`parts`]); everything
//! else streams through.

mod parts;
mod shards;

use crate::args::{ComposeArgs, S3Args};
use crate::error::{write_error, CliError, Exit};
use crate::filter::FilterEcho;
use crate::preflight::{self, OutputPath};
use crate::s3::destination::{exact_ending, Destination};
use crate::s3::part_size::{self, MAX_PARTS, MAX_PART_SIZE};
use crate::s3::upload::CopySource;
use crate::s3::{S3Options, S3Sink};
use crate::s3_input::download::DEFAULT_CONCURRENCY;
use crate::s3_input::{self, S3Inputs};
use crate::sink::file::{self, FileSink};
use crate::sink::links;
use crate::sink::rules::FileRules;
use crate::sink::{Delivered, Sink, StdoutSink};
use crate::target::Target;
use crate::terminal::say;
use inspector_report_core::Stats;
use parts::Step;
use serde_json::json;
use shards::{Joined, Place};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::Instant;

/// What a compose came to.
struct Composed {
    shards: u32,
    format: String,
    gzip: bool,
    delivered: Delivered,
    /// Parts copied by S3 and parts uploaded (an S3 destination).
    parts: Option<(u64, u64)>,
}

/// Runs `compose`; returns the exit status.
pub fn run(a: &ComposeArgs) -> Exit {
    let started = Instant::now();
    let result = compose(a);
    let seconds = started.elapsed().as_secs_f64();
    let (exit, summary) = match &result {
        Ok(c) => {
            if !a.quiet {
                let gz = if c.gzip { ", gzip" } else { "" };
                say(format_args!(
                    "composed {} shards ({}{gz}): {} bytes into {}",
                    c.shards,
                    c.format.to_uppercase(),
                    c.delivered.bytes,
                    c.delivered.path
                ));
                if let Some((copied, uploaded)) = c.parts {
                    say(format_args!(
                        "parts: {copied} copied by S3, {uploaded} uploaded; time: \
                         {seconds:.2} s"
                    ));
                }
            }
            let mut v = json!({
                "status": "SUCCEEDED",
                "shards": c.shards,
                "format": c.format,
                "gzip": c.gzip,
                "output": {"path": c.delivered.path, "bytes": c.delivered.bytes},
                "durationSeconds": seconds,
            });
            if let Some((copied, uploaded)) = c.parts {
                v["parts"] = json!({"copied": copied, "uploaded": uploaded});
            }
            (Exit::Success, v)
        }
        Err(e) if e.reader_gone() => (Exit::Success, json!({"status": "SUCCEEDED"})),
        Err(e) => {
            say(e);
            let v = json!({"status": "FAILED", "error": e.message, "durationSeconds": seconds});
            (e.exit, v)
        }
    };
    // A usage error found before anything is read leaves no summary, as in a run.
    if let Some(p) = a.summary_json.as_ref().filter(|_| exit != Exit::Usage) {
        let text = serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n";
        if let Err(e) = file::write_whole(p, "the summary", &FileRules::default(), text.as_bytes())
        {
            say(&e);
            return Exit::Failure;
        }
    }
    exit
}

/// The local outputs, checked before any shard is read: no link (compose writes every
/// file privately and follows no link), and a folder that takes new files.
fn check_outputs(a: &ComposeArgs, target: &Target) -> Result<(), CliError> {
    let rules = FileRules::default();
    let mut paths = Vec::new();
    if let Target::File(p) = target {
        links::check_given("-o", p, &rules)?;
        paths.push(OutputPath::File("-o", p));
    }
    if let Some(p) = &a.summary_json {
        links::check_given("--summary-json", p, &rules)?;
        paths.push(OutputPath::File("--summary-json", p));
    }
    preflight::outputs_writable(&paths)
}

/// Checks that no output is one of the shards: a local file by device and inode, an S3
/// report by bucket and key (`dest`).
fn no_output_is_a_shard(
    a: &ComposeArgs,
    target: &Target,
    joined: &Joined,
    dest: Option<&Destination>,
) -> Result<(), CliError> {
    let inputs: Vec<(String, Option<PathBuf>)> = joined
        .shards
        .iter()
        .map(|s| match &s.place {
            Place::File(p) => (s.name.clone(), Some(p.clone())),
            Place::S3(_) => (s.name.clone(), None),
        })
        .collect();
    let mut outputs = Vec::new();
    match target {
        Target::File(p) => outputs.push(preflight::Output::option("-o", p)),
        Target::Stdout => outputs.extend(preflight::Output::stdout()),
        Target::S3(_) => {}
    }
    if let Some(p) = &a.summary_json {
        outputs.push(preflight::Output::option("--summary-json", p));
    }
    preflight::no_output_is_an_input(&inputs, &outputs)?;
    let Some(d) = dest else { return Ok(()) };
    let taken = joined.shards.iter().any(|s| match &s.place {
        Place::S3(source) => *source.object.bucket == d.bucket && source.object.key == d.key,
        Place::File(_) => false,
    });
    if taken {
        return Err(CliError::usage(format!(
            "-o s3://{}/{} is one of the shards: name another key",
            d.bucket, d.key
        )));
    }
    Ok(())
}

fn compose(a: &ComposeArgs) -> Result<Composed, CliError> {
    let target: Target = a.output.parse()?;
    check_outputs(a, &target)?;
    if !matches!(target, Target::S3(_)) {
        if let Some(flag) = [
            (a.kms_key_arn.is_some(), "--kms-key-arn"),
            (a.overwrite, "--overwrite"),
        ]
        .iter()
        .find_map(|(given, flag)| given.then_some(flag))
        {
            return Err(CliError::usage(format!(
                "{flag} is for an S3 destination (-o s3://BUCKET/...)"
            )));
        }
    }
    let gathered = shards::gather(&a.sources, || {
        S3Inputs::connect(&a.aws, DEFAULT_CONCURRENCY)
    })?;
    let joined = shards::join(gathered.shards, gathered.in_order)?;
    let m = joined.meta().clone();
    let ext: &'static str = match m.format.as_str() {
        "csv" => "csv",
        "json" => "json",
        other => {
            return Err(CliError::failure(format!(
                "the shards are of format {other:?}, which this version cannot write"
            )))
        }
    };
    let ending = format!(".{ext}{}", if m.gzip { ".gz" } else { "" });
    if let Some(e) = exact_ending(&a.output).filter(|e| *e != ending) {
        return Err(CliError::usage(format!(
            "{}: the shards make a{} {} report; name it *{ending}, not *{e}",
            a.output,
            if m.gzip { " gzip" } else { "" },
            ext.to_uppercase()
        )));
    }
    if joined.shards.iter().any(|s| s.meta.as_of_ms != m.as_of_ms) {
        say(
            "warning: the shards were made at different report times (--as-of), so their \
             Age (Days) cells may differ from one run's; give every shard the same --as-of",
        );
    }
    let (delivered, parts) = match &target {
        Target::S3(url) => {
            let s3_args = S3Args {
                kms_key_arn: a.kms_key_arn.clone(),
                aws: a.aws.clone(),
                part_size: "16MiB".into(),
                upload_concurrency: 4,
                download_concurrency: DEFAULT_CONCURRENCY,
                overwrite: a.overwrite,
            };
            let o = S3Options::new(url, &s3_args, ext, m.gzip, FilterEcho::default())?;
            no_output_is_a_shard(a, &target, &joined, Some(&o.destination))?;
            let into_s3 = IntoS3 {
                options: &o,
                s3: gathered.s3,
            };
            let (d, parts) = into_s3.write(&joined)?;
            (d, Some(parts))
        }
        Target::File(p) => {
            no_output_is_a_shard(a, &target, &joined, None)?;
            let rules = FileRules::default();
            let mut sink: Box<dyn Sink> = Box::new(FileSink::begin(p, "the report", &rules)?);
            (
                finish(sink.as_mut(), &joined).and_then(|n| commit(sink, n))?,
                None,
            )
        }
        Target::Stdout => {
            no_output_is_a_shard(a, &target, &joined, None)?;
            let mut sink: Box<dyn Sink> = Box::new(StdoutSink::begin());
            (
                finish(sink.as_mut(), &joined).and_then(|n| commit(sink, n))?,
                None,
            )
        }
    };
    Ok(Composed {
        shards: m.shard.n,
        format: m.format,
        gzip: m.gzip,
        delivered,
        parts,
    })
}

/// Streams the report into `sink`; its size.
fn finish(sink: &mut dyn Sink, joined: &Joined) -> Result<u64, CliError> {
    stream(joined, sink.writer()).map_err(|e| write_error("composing the report", &e))
}

fn commit(sink: Box<dyn Sink>, bytes: u64) -> Result<Delivered, CliError> {
    sink.commit(&Stats {
        bytes_written: bytes,
        ..Stats::default()
    })
}

/// Copies the report's ranges of the shards into `out`, in order; the bytes written.
fn stream(joined: &Joined, out: &mut dyn Write) -> io::Result<u64> {
    s3_input::read_in_order(joined.shards.iter().filter_map(|s| match &s.place {
        Place::S3(source) => Some(source),
        Place::File(_) => None,
    }));
    let mut written = 0;
    for span in &joined.spans {
        let shard = &joined.shards[span.shard];
        let reader: Box<dyn Read> = match &shard.place {
            Place::File(p) => {
                let mut f = std::fs::File::open(p)?;
                f.seek(SeekFrom::Start(span.bytes.start))?;
                Box::new(f)
            }
            Place::S3(source) => {
                let mut r = source.reader();
                io::copy(&mut (&mut r).take(span.bytes.start), &mut io::sink())?;
                Box::new(r)
            }
        };
        let len = span.bytes.end - span.bytes.start;
        let n = io::copy(&mut reader.take(len), out)?;
        if n != len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{} ended after {n} of {len} bytes", shard.name),
            ));
        }
        written += n;
    }
    out.flush()?;
    Ok(written)
}

/// The report written to S3.
struct IntoS3<'a> {
    options: &'a S3Options,
    /// The client the shards were read with, when they are in S3.
    s3: Option<S3Inputs>,
}

impl IntoS3<'_> {
    /// Writes the report; where it went, and the parts copied and uploaded. An object
    /// already at an exact key is kept unless `--overwrite` ([`S3Sink::begin`]).
    fn write(self, joined: &Joined) -> Result<(Delivered, (u64, u64)), CliError> {
        let mut sink = Box::new(S3Sink::begin(self.options)?);
        let written = match &self.s3 {
            Some(s3) => copy(s3, joined, &mut sink),
            None => stream(joined, sink.writer())
                .map(|n| (n, 0, 0))
                .map_err(|e| write_error("composing the report", &e)),
        };
        match written {
            Ok((_, copied, uploaded)) => {
                let delivered = sink.commit_joined(joined.any_findings)?;
                Ok((delivered, (copied, uploaded)))
            }
            Err(e) => Err(sink.abort(e)),
        }
    }
}

/// Joins the shards in S3 into the upload of `sink`: ranges of a part's minimum or more
/// copied by S3, the rest downloaded and uploaded. The bytes, parts copied and parts
/// uploaded.
fn copy(s3: &S3Inputs, joined: &Joined, sink: &mut S3Sink) -> Result<(u64, u64, u64), CliError> {
    let steps = parts::plan(&joined.spans, part_size::floor(), MAX_PART_SIZE);
    let (copied, uploaded) = parts::count(&steps);
    if copied + uploaded > MAX_PARTS as u64 {
        return Err(CliError::failure(format!(
            "the report needs {} parts, more than S3's {MAX_PARTS}: compose fewer, larger \
             shards",
            copied + uploaded
        )));
    }
    let object = |i: usize| match &joined.shards[i].place {
        Place::S3(source) => Ok(&source.object),
        Place::File(_) => Err(CliError::failure("a local shard among S3 shards")),
    };
    let failed = |e: io::Error| CliError::failure(format!("composing the report: {e}"));
    let upload = sink.upload();
    for step in steps {
        match step {
            Step::Copy(span) => {
                let o = object(span.shard)?;
                let source = CopySource {
                    bucket: o.bucket.to_string(),
                    key: o.key.clone(),
                    etag: o.etag.clone(),
                };
                upload
                    .copy_part(source, span.bytes.start, span.bytes.end)
                    .map_err(failed)?;
            }
            Step::Upload(span) => {
                let bytes = s3.get_range(object(span.shard)?, span.bytes.start, span.bytes.end)?;
                upload.write_all(&bytes).map_err(failed)?;
            }
            Step::EndPart => upload.end_part().map_err(failed)?,
        }
    }
    Ok((joined.bytes(), copied, uploaded))
}
