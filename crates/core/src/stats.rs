//! Counters a run keeps: what was read, written and excluded, and warnings by kind.

use std::fmt;

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
}

impl Warnings {
    /// All warnings together.
    pub fn total(&self) -> u64 {
        self.timestamp + self.not_a_value + self.wrong_type + self.single_for_list
    }

    /// Adds another tally to this one.
    pub fn add(&mut self, o: &Warnings) {
        self.timestamp += o.timestamp;
        self.not_a_value += o.not_a_value;
        self.wrong_type += o.wrong_type;
        self.single_for_list += o.single_for_list;
    }

    /// `(name, count)` for every kind, in a stable order, for summaries.
    pub fn by_kind(&self) -> [(&'static str, u64); 4] {
        [
            ("timestamp of no known form", self.timestamp),
            ("object or list where a value belongs", self.not_a_value),
            ("member of the wrong type", self.wrong_type),
            ("single value where a list belongs", self.single_for_list),
        ]
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
}

impl Stats {
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
        writeln!(
            f,
            "findings: {} read, {} written",
            self.findings_read, self.findings_written
        )?;
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
        for (name, n) in self.warnings.by_kind() {
            if n > 0 {
                write!(f, "\n  {name}: {n}")?;
            }
        }
        Ok(())
    }
}
