//! Counters a run keeps: what was read, written and excluded, and warnings by kind.

use crate::breakdown::{Breakdown, Tally};
use crate::report::Change;
use std::fmt;
use std::sync::atomic::AtomicU64;

/// The kinds of warning, as in [`Warnings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// [`Warnings::timestamp`].
    Timestamp,
    /// [`Warnings::not_a_value`].
    NotAValue,
    /// [`Warnings::wrong_type`].
    WrongType,
    /// [`Warnings::single_for_list`].
    SingleForList,
    /// [`Warnings::missing_member`].
    MissingMember,
}

impl WarningKind {
    /// Every kind, in the order of [`Warnings::by_kind`].
    pub const ALL: [WarningKind; 5] = [
        WarningKind::Timestamp,
        WarningKind::NotAValue,
        WarningKind::WrongType,
        WarningKind::SingleForList,
        WarningKind::MissingMember,
    ];

    /// A stable identifier for machine-readable summaries.
    pub fn id(self) -> &'static str {
        match self {
            WarningKind::Timestamp => "timestamp",
            WarningKind::NotAValue => "notAValue",
            WarningKind::WrongType => "wrongType",
            WarningKind::SingleForList => "singleForList",
            WarningKind::MissingMember => "missingMember",
        }
    }
}

/// Examples kept per warning kind, so a summary can point at the first offending findings
/// without growing with the input.
pub const MAX_WARNING_EXAMPLES: usize = 5;

/// Where one warning was raised: enough to find the finding and fix the member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningExample {
    /// The kind.
    pub kind: WarningKind,
    /// The input's name.
    pub input: String,
    /// Absolute byte offset of the finding in the input.
    pub byte: u64,
    /// The finding's number in the input, counted from 1.
    pub finding: u64,
    /// The member that raised it, as a path inside the finding
    /// (`resources[0].details.awsEc2Instance.launchedAt`), when it can be told.
    pub member: Option<String>,
    /// The member's value as JSON text on one line, control characters escaped, cut after
    /// [`crate::decode::SHOWN_CHARS`] characters.
    pub value: Option<String>,
    /// The finding's `findingArn`, when it has one.
    pub finding_arn: Option<String>,
}

impl fmt::Display for WarningExample {
    /// `INPUT: finding N (byte B, ARN): MEMBER = VALUE`, as errors name a place.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: finding {} (byte {}",
            self.input, self.finding, self.byte
        )?;
        if let Some(arn) = &self.finding_arn {
            write!(f, ", {arn}")?;
        }
        f.write_str(")")?;
        if let Some(m) = &self.member {
            write!(f, ": {}", if m.is_empty() { "the finding" } else { m })?;
            if let Some(v) = &self.value {
                write!(f, " = {v}")?;
            }
        }
        Ok(())
    }
}

/// Warnings: the finding was converted, but something in it broke the model (spec 5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    /// A timestamp member whose value has no known form (written unchanged).
    pub timestamp: u64,
    /// An object or list where one value belongs (the cell is left empty).
    pub not_a_value: u64,
    /// An object member or list element of the wrong type (ignored).
    pub wrong_type: u64,
    /// A single value where a list belongs (read as a one-element list).
    pub single_for_list: u64,
    /// A member the API's `Finding` shape requires, absent or `null` (spec 5: the finding
    /// is converted with what it has).
    pub missing_member: u64,
}

impl Warnings {
    /// All warnings together.
    pub fn total(&self) -> u64 {
        self.timestamp
            + self.not_a_value
            + self.wrong_type
            + self.single_for_list
            + self.missing_member
    }

    /// Adds another tally to this one.
    pub fn add(&mut self, o: &Warnings) {
        self.timestamp += o.timestamp;
        self.not_a_value += o.not_a_value;
        self.wrong_type += o.wrong_type;
        self.single_for_list += o.single_for_list;
        self.missing_member += o.missing_member;
    }

    /// The count of one kind.
    pub fn get(&self, k: WarningKind) -> u64 {
        match k {
            WarningKind::Timestamp => self.timestamp,
            WarningKind::NotAValue => self.not_a_value,
            WarningKind::WrongType => self.wrong_type,
            WarningKind::SingleForList => self.single_for_list,
            WarningKind::MissingMember => self.missing_member,
        }
    }

    /// `(name, count)` for every kind, in a stable order, for summaries.
    pub fn by_kind(&self) -> [(&'static str, u64); 5] {
        [
            ("timestamp of no known form", self.timestamp),
            ("object or list where a value belongs", self.not_a_value),
            ("member of the wrong type", self.wrong_type),
            ("single value where a list belongs", self.single_for_list),
            ("required member missing or null", self.missing_member),
        ]
    }
}

/// Names kept of the files skipped for their content, so a summary can show the first
/// few without growing with the input.
pub const MAX_SKIPPED_EXAMPLES: usize = 5;

/// Files found in a directory or under an S3 prefix and skipped because they hold neither
/// JSON nor nothing (spec 1, "Directories").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkippedFiles {
    /// How many.
    pub count: u64,
    /// The first [`MAX_SKIPPED_EXAMPLES`] of them, by name, in input order.
    pub examples: Vec<String>,
}

impl SkippedFiles {
    /// Counts the file called `name`.
    pub fn add(&mut self, name: String) {
        self.count += 1;
        if self.examples.len() < MAX_SKIPPED_EXAMPLES {
            self.examples.push(name);
        }
    }

    /// Adds another tally to this one.
    pub fn merge(&mut self, o: SkippedFiles) {
        self.count += o.count;
        let room = MAX_SKIPPED_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(o.examples.into_iter().take(room));
    }
}

/// A compared report's findings by change (spec 6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeCounts {
    /// `NEW` findings.
    pub new: u64,
    /// `CHANGED` findings.
    pub changed: u64,
    /// `UNCHANGED` findings, written or not.
    pub unchanged: u64,
    /// `RESOLVED` findings.
    pub resolved: u64,
    /// The severities of the `NEW` and `CHANGED` findings: what a gate on a comparison
    /// looks at (a finding that went away or stayed as it was is no news).
    pub arrived_severity: Tally,
}

impl ChangeCounts {
    /// The count of one change.
    pub fn get(&self, c: Change) -> u64 {
        match c {
            Change::New => self.new,
            Change::Changed => self.changed,
            Change::Unchanged => self.unchanged,
            Change::Resolved => self.resolved,
        }
    }

    /// Counts one finding of change `c` and severity text `severity`.
    pub fn add(&mut self, c: Change, severity: &str) {
        match c {
            Change::New => self.new += 1,
            Change::Changed => self.changed += 1,
            Change::Unchanged => self.unchanged += 1,
            Change::Resolved => self.resolved += 1,
        }
        if matches!(c, Change::New | Change::Changed) {
            self.arrived_severity.add(severity, 1);
        }
    }

    /// Adds another tally's counts.
    pub fn merge(&mut self, o: ChangeCounts) {
        self.new += o.new;
        self.changed += o.changed;
        self.unchanged += o.unchanged;
        self.resolved += o.resolved;
        self.arrived_severity.merge(o.arrived_severity);
    }

    /// All changes counted.
    pub fn total(&self) -> u64 {
        self.new + self.changed + self.unchanged + self.resolved
    }
}

/// One input's share of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputStats {
    /// The input's name.
    pub name: String,
    /// Bytes read (after gzip decompression).
    pub bytes: u64,
    /// Findings read from it.
    pub findings: u64,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every input, in order.
    pub inputs: Vec<InputStats>,
    /// Findings read (EventBridge events of other kinds not included).
    pub findings_read: u64,
    /// Findings written to the report.
    pub findings_written: u64,
    /// Findings left out by the filter criteria.
    pub excluded_by_filter: u64,
    /// Findings left out by the default rule that reports only ACTIVE findings.
    pub excluded_by_status_rule: u64,
    /// EventBridge events that carry no finding (scan and coverage events).
    pub events_skipped: u64,
    /// Bytes of report written.
    pub bytes_written: u64,
    /// Warnings by kind.
    pub warnings: Warnings,
    /// The first [`MAX_WARNING_EXAMPLES`] warnings of each kind, in input order.
    pub warning_examples: Vec<WarningExample>,
    /// Files found and skipped for their content. The converter reads only what it is
    /// given; whoever opens the sources fills this in.
    pub skipped_files: SkippedFiles,
    /// The written findings by severity, status, type, resource type, account and
    /// vulnerability id.
    pub breakdown: Breakdown,
    /// Occurrences of a `findingArn` that de-duplication left out for another occurrence
    /// of it (spec 6).
    pub duplicates: u64,
    /// A compared report's findings by change; all zero in a findings report.
    pub changes: ChangeCounts,
}

impl Stats {
    /// Adds another run's counts to this one (batch mode's totals).
    pub fn merge(&mut self, o: Stats) {
        self.inputs.extend(o.inputs);
        self.findings_read += o.findings_read;
        self.findings_written += o.findings_written;
        self.excluded_by_filter += o.excluded_by_filter;
        self.excluded_by_status_rule += o.excluded_by_status_rule;
        self.events_skipped += o.events_skipped;
        self.bytes_written += o.bytes_written;
        self.warnings.add(&o.warnings);
        for e in o.warning_examples {
            self.add_example(e);
        }
        self.skipped_files.merge(o.skipped_files);
        self.breakdown.merge(o.breakdown);
        self.duplicates += o.duplicates;
        self.changes.merge(o.changes);
    }

    /// Adds `e` unless its kind already has [`MAX_WARNING_EXAMPLES`] examples.
    pub fn add_example(&mut self, e: WarningExample) {
        if self.examples_of(e.kind) < MAX_WARNING_EXAMPLES {
            self.warning_examples.push(e);
        }
    }

    /// How many examples of `kind` there are.
    pub fn examples_of(&self, kind: WarningKind) -> usize {
        self.warning_examples
            .iter()
            .filter(|x| x.kind == kind)
            .count()
    }

    /// Bytes read over all inputs.
    pub fn bytes_read(&self) -> u64 {
        self.inputs.iter().map(|i| i.bytes).sum()
    }
}

impl fmt::Display for Stats {
    /// The human run summary: a few lines for stderr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "inputs: {} ({} bytes)",
            self.inputs.len(),
            self.bytes_read()
        )?;
        let skipped = &self.skipped_files;
        if skipped.count > 0 {
            writeln!(
                f,
                "skipped, not JSON: {} (first: {})",
                skipped.count,
                skipped.examples.join(", ")
            )?;
        }
        writeln!(
            f,
            "findings: {} read, {} written",
            self.findings_read, self.findings_written
        )?;
        if self.changes.total() > 0 {
            let line: Vec<String> = Change::ALL
                .iter()
                .map(|c| format!("{} {}", c.name(), self.changes.get(*c)))
                .collect();
            writeln!(f, "changes: {}", line.join(", "))?;
        }
        if self.duplicates > 0 {
            writeln!(
                f,
                "duplicates left out (an older or earlier occurrence of a findingArn): {}",
                self.duplicates
            )?;
        }
        let severities = self.breakdown.severities();
        if !severities.is_empty() {
            let line: Vec<String> = severities.iter().map(|(s, n)| format!("{s} {n}")).collect();
            writeln!(f, "written by severity: {}", line.join(", "))?;
        }
        if self.excluded_by_filter > 0 {
            writeln!(f, "excluded by the filter: {}", self.excluded_by_filter)?;
        }
        if self.excluded_by_status_rule > 0 {
            writeln!(
                f,
                "excluded by the default status rule (only ACTIVE findings are reported unless a status filter is given): {}",
                self.excluded_by_status_rule
            )?;
        }
        if self.events_skipped > 0 {
            writeln!(
                f,
                "EventBridge events skipped (not \"Inspector2 Finding\"): {}",
                self.events_skipped
            )?;
        }
        write!(f, "warnings: {}", self.warnings.total())?;
        for (kind, (name, n)) in WarningKind::ALL.iter().zip(self.warnings.by_kind()) {
            if n > 0 {
                write!(f, "\n  {name}: {n}")?;
                for e in self.warning_examples.iter().filter(|e| e.kind == *kind) {
                    write!(f, "\n    {e}")?;
                }
            }
        }
        Ok(())
    }
}

/// Live counters of a run, updated as batches are written; read them from any thread.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes read from the inputs as stored (compressed bytes for gzip), when the inputs
    /// were opened with [`crate::Source::open_counting`].
    pub bytes_read: AtomicU64,
    /// The same bytes after gzip decompression (equal to `bytes_read` for plain input),
    /// so a display can show what compressed input grows to.
    pub bytes_decompressed: AtomicU64,
    /// Findings read so far.
    pub findings_read: AtomicU64,
    /// Findings written so far.
    pub findings_written: AtomicU64,
    /// Inputs opened so far, counted by whoever opens them (the command line counts the
    /// files and objects it opens, skipped ones included).
    pub inputs_opened: AtomicU64,
}
