//! Which findings the report keeps.
//!
//! The pipeline asks [`Filter::verdict`] once per decoded finding, before anything is
//! rendered, so a finding that is left out costs only its decode. Today the filter knows
//! the default status rule of spec section 4 and an explicit set of statuses; the full
//! `FilterCriteria` evaluation slots in here without touching the pipeline.

use crate::finding::Finding;

/// What the filter decided for one finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Written to the report.
    Keep,
    /// Left out by the filter criteria.
    ExcludedByFilter,
    /// Left out by the default rule that reports only ACTIVE findings.
    ExcludedByStatusRule,
}

/// The filter of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    statuses: Statuses,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Statuses {
    /// No `findingStatus` criterion: only ACTIVE, as Inspector does.
    DefaultActive,
    /// Every status.
    All,
    /// Exactly these statuses.
    Only(Vec<String>),
}

impl Default for Filter {
    /// Inspector's default: only ACTIVE findings.
    fn default() -> Filter {
        Filter {
            statuses: Statuses::DefaultActive,
        }
    }
}

impl Filter {
    /// Keeps findings of every status.
    pub fn all_statuses() -> Filter {
        Filter {
            statuses: Statuses::All,
        }
    }

    /// Keeps findings whose `status` is one of these (an explicit status filter, so the
    /// default rule no longer applies).
    pub fn statuses<S: Into<String>>(list: impl IntoIterator<Item = S>) -> Filter {
        Filter {
            statuses: Statuses::Only(list.into_iter().map(Into::into).collect()),
        }
    }

    /// True when the default ACTIVE-only rule is in force.
    pub fn default_status_rule(&self) -> bool {
        self.statuses == Statuses::DefaultActive
    }

    /// Decides one finding.
    pub fn verdict(&self, f: &Finding) -> Verdict {
        let status = f.status.as_ref().and_then(|s| s.str_or_num());
        match &self.statuses {
            Statuses::All => Verdict::Keep,
            Statuses::DefaultActive => {
                if status.as_deref() == Some("ACTIVE") {
                    Verdict::Keep
                } else {
                    Verdict::ExcludedByStatusRule
                }
            }
            Statuses::Only(set) => {
                if status.is_some_and(|s| set.iter().any(|x| *x == s)) {
                    Verdict::Keep
                } else {
                    Verdict::ExcludedByFilter
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Finding<'_> {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn default_rule_keeps_only_active() {
        let d = Filter::default();
        assert_eq!(d.verdict(&f(r#"{"status":"ACTIVE"}"#)), Verdict::Keep);
        assert_eq!(
            d.verdict(&f(r#"{"status":"CLOSED"}"#)),
            Verdict::ExcludedByStatusRule
        );
        assert_eq!(d.verdict(&f(r#"{}"#)), Verdict::ExcludedByStatusRule);
        assert_eq!(Filter::all_statuses().verdict(&f(r#"{}"#)), Verdict::Keep);
        let s = Filter::statuses(["SUPPRESSED"]);
        assert_eq!(s.verdict(&f(r#"{"status":"SUPPRESSED"}"#)), Verdict::Keep);
        assert_eq!(
            s.verdict(&f(r#"{"status":"ACTIVE"}"#)),
            Verdict::ExcludedByFilter
        );
    }
}
