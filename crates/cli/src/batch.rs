//! Batch mode (`--output-dir`): one report per input file, several files at once, each
//! written atomically; a file that fails is reported and the others still complete.

use crate::config::RunConfig;
use crate::output::Output;
use crate::summary::OutputInfo;
use inspector_report_core::input::{expand_relative, report_name, Expanded};
use inspector_report_core::{convert, Config, Input, Progress, Stats};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The plan: each input and the report it becomes.
pub struct Plan {
    pub jobs: Vec<(Expanded, PathBuf)>,
}

impl Plan {
    /// Expands the inputs and names their reports; two inputs that would write the same
    /// report (`a.json` and `a.json.gz`) are an error, since one would overwrite the other.
    pub fn new(run: &RunConfig, dir: &Path) -> Result<Plan, String> {
        let expanded = expand_relative(&run.inputs).map_err(|e| e.to_string())?;
        let mut seen: HashMap<PathBuf, String> = HashMap::new();
        let mut jobs = Vec::with_capacity(expanded.len());
        for e in expanded {
            let dest = dir.join(report_name(&e.relative, run.extension));
            let name = e.source.name();
            if let Some(other) = seen.insert(dest.clone(), name.clone()) {
                return Err(format!(
                    "{other} and {name} would both write {}; convert them in separate runs",
                    dest.display()
                ));
            }
            jobs.push((e, dest));
        }
        Ok(Plan { jobs })
    }

    /// Bytes on disk of every input (for the progress bar).
    pub fn total_bytes(&self) -> Option<u64> {
        self.jobs.iter().map(|(e, _)| e.source.size()).sum()
    }

    /// Converts every job, `workers` at a time; returns the totals and one entry per job,
    /// in input order.
    pub fn run(
        &self,
        run: &RunConfig,
        progress: Option<&Arc<Progress>>,
    ) -> (Stats, Vec<OutputInfo>) {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let workers = if run.config.threads > 0 {
            run.config.threads
        } else {
            cores
        }
        .min(self.jobs.len())
        .max(1);
        // Each file runs its own pipeline on one worker thread: the files are the
        // parallelism, and the machine is not oversubscribed.
        let config = Config {
            threads: 1,
            ..run.config.clone()
        };
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<(Stats, OutputInfo)>>> =
            Mutex::new((0..self.jobs.len()).map(|_| None).collect());
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((e, dest)) = self.jobs.get(i) else {
                        break;
                    };
                    let r = one(&config, e, dest, progress);
                    if let Ok(mut v) = results.lock() {
                        v[i] = Some(r);
                    }
                });
            }
        });
        let mut total = Stats::default();
        let mut outputs = Vec::with_capacity(self.jobs.len());
        for (stats, info) in results
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .flatten()
        {
            total.merge(stats);
            outputs.push(info);
        }
        (total, outputs)
    }
}

fn one(
    config: &Config,
    e: &Expanded,
    dest: &Path,
    progress: Option<&Arc<Progress>>,
) -> (Stats, OutputInfo) {
    let name = e.source.name();
    let mut info = OutputInfo {
        input: Some(name.clone()),
        path: dest.display().to_string(),
        bytes: 0,
        findings: 0,
        error: None,
    };
    let result = (|| -> Result<Stats, String> {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
        }
        let mut out = Output::file(dest)
            .map_err(|err| format!("cannot write the report to {}: {err}", dest.display()))?;
        let input = e.source.open_counting(progress).map(|reader| Input {
            name: name.clone(),
            reader,
        });
        let stats = convert(config, [input], out.writer()).map_err(|err| err.to_string())?;
        out.commit()
            .map_err(|err| format!("write error: finishing {}: {err}", dest.display()))?;
        Ok(stats)
    })();
    match result {
        Ok(stats) => {
            info.bytes = stats.bytes_written;
            info.findings = stats.findings_written;
            (stats, info)
        }
        Err(msg) => {
            info.error = Some(msg);
            let stats = Stats {
                inputs: vec![inspector_report_core::InputStats {
                    name,
                    ..Default::default()
                }],
                ..Stats::default()
            };
            (stats, info)
        }
    }
}
