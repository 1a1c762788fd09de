//! The two sides of a comparison as the report's passes see them: OLD's index (what each
//! of its findings was, and whether NEW has it), and the selections of the two sections.

use crate::decode::finding::{Compared, Finding, OptionalObject};
use crate::decode::value::{Leaf, LeafKind};
use crate::dedupe::{ArnIndex, KeyHasher, Occurrence, Place, Winners};
use crate::filter::Verdict;
use crate::report::json::minify;
use crate::report::Change;
use crate::select::{Mark, Selection};
use std::sync::atomic::{AtomicU64, Ordering};

/// What OLD's index keeps of a finding's winning occurrence: the filter's verdict (2 bits)
/// and a digest of its compared members (62 bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct OldState(u64);

impl OldState {
    pub(crate) fn new(verdict: Verdict, digest: u64) -> OldState {
        let v = match verdict {
            Verdict::Keep => 0,
            Verdict::ExcludedByFilter => 1,
            Verdict::ExcludedByStatusRule => 2,
        };
        OldState((digest << 2) | v)
    }

    pub(crate) fn verdict(self) -> Verdict {
        match self.0 & 3 {
            0 => Verdict::Keep,
            1 => Verdict::ExcludedByFilter,
            _ => Verdict::ExcludedByStatusRule,
        }
    }

    fn digest(self) -> u64 {
        self.0 >> 2
    }
}

/// The members whose change makes a finding `CHANGED` (spec 6), in a fixed order:
/// `severity`, `inspectorScore`, `status`, `fixAvailable`, `exploitAvailable`,
/// `epss.score`.
pub(crate) type ComparedMembers<'f, 'a> = [Option<&'f Leaf<'a>>; 6];

/// What a comparison reads of a finding, from the full view or the narrow one.
pub(crate) trait ComparedView<'a> {
    /// `findingArn`.
    fn arn(&self) -> Option<&Leaf<'a>>;
    /// `updatedAt`.
    fn updated(&self) -> Option<&Leaf<'a>>;
    /// The compared members.
    fn members(&self) -> ComparedMembers<'_, 'a>;
}

macro_rules! compared_view {
    ($($view:ident),*) => {$(
        impl<'a> ComparedView<'a> for $view<'a> {
            fn arn(&self) -> Option<&Leaf<'a>> {
                self.finding_arn.as_ref()
            }
            fn updated(&self) -> Option<&Leaf<'a>> {
                self.updated_at.as_ref()
            }
            fn members(&self) -> ComparedMembers<'_, 'a> {
                [
                    self.severity.as_ref(),
                    self.inspector_score.as_ref(),
                    self.status.as_ref(),
                    self.fix_available.as_ref(),
                    self.exploit_available.as_ref(),
                    self.epss.object().and_then(|e| e.score.as_ref()),
                ]
            }
        }
    )*};
}
compared_view!(Finding, Compared);

/// A digest of the compared members' JSON text after minifying (absent and `null` alike:
/// the views read `null` as absent), 62 bits of it.
pub(crate) fn digest(hasher: &KeyHasher, members: ComparedMembers<'_, '_>) -> u64 {
    let mut text = Vec::with_capacity(64);
    for m in members {
        match m {
            None => text.push(0),
            Some(leaf) => {
                text.push(1);
                match leaf.kind() {
                    LeafKind::Composite => minify(leaf.raw().as_bytes(), &mut text),
                    _ => text.extend_from_slice(leaf.raw().as_bytes()),
                }
                // A separator that valid JSON text never holds.
                text.push(0xff);
            }
        }
    }
    hasher.digest(&text) >> 2
}

/// OLD's findings: each ARN's winning occurrence with its state, and which of them NEW has.
#[derive(Debug)]
pub(crate) struct OldSide {
    pub(crate) hasher: KeyHasher,
    pub(crate) index: ArnIndex<OldState>,
    /// Bit `i` is set once NEW has the finding of entry `i` of the index.
    seen: Vec<AtomicU64>,
    pub(crate) include_unchanged: bool,
}

impl OldSide {
    /// OLD's finished index, none of it seen yet.
    pub(crate) fn new(
        hasher: KeyHasher,
        index: ArnIndex<OldState>,
        include_unchanged: bool,
    ) -> OldSide {
        let seen = (0..index.entries().len().div_ceil(64))
            .map(|_| AtomicU64::new(0))
            .collect();
        OldSide {
            hasher,
            index,
            seen,
            include_unchanged,
        }
    }

    /// The change of NEW's `finding`, which NEW's filter kept; notes that NEW has it.
    fn change_of(&self, finding: &Finding<'_>) -> Change {
        let o = Occurrence::of(&self.hasher, finding.finding_arn.as_ref(), None);
        let Some((i, old)) = o.key.and_then(|k| self.index.get(k)) else {
            return Change::New;
        };
        if old.payload.verdict() != Verdict::Keep {
            return Change::New;
        }
        self.seen[i / 64].fetch_or(1 << (i % 64), Ordering::Relaxed);
        match digest(&self.hasher, finding.members()) == old.payload.digest() {
            true => Change::Unchanged,
            false => Change::Changed,
        }
    }

    /// The places of OLD's findings that its filter kept and NEW does not have, with
    /// `unnamed` (OLD's kept findings without an ARN, in input order): RESOLVED.
    pub(crate) fn resolved(self, unnamed: Vec<Place>) -> Resolved {
        let seen = |i: usize| self.seen[i / 64].load(Ordering::Relaxed) & (1 << (i % 64)) != 0;
        let mut places: Vec<Place> = self
            .index
            .entries()
            .iter()
            .enumerate()
            .filter(|(i, e)| e.payload.verdict() == Verdict::Keep && !seen(*i))
            .map(|(_, e)| e.place)
            .collect();
        drop(self.index);
        places.extend(unnamed);
        places.sort_unstable();
        Resolved { places }
    }
}

/// The NEW section: NEW's winners, each marked by what OLD had.
#[derive(Debug)]
pub(crate) struct NewSection {
    pub(crate) winners: Winners,
    pub(crate) old: std::sync::Arc<OldSide>,
}

impl Selection for NewSection {
    fn admits(&self, input: usize, index: u64) -> bool {
        self.winners.admits(input, index)
    }

    fn reads_findings(&self) -> bool {
        true
    }

    fn mark(&self, finding: &Finding<'_>) -> Mark {
        match self.old.change_of(finding) {
            Change::Unchanged if !self.old.include_unchanged => Mark::Omit(Change::Unchanged),
            c => Mark::Change(c),
        }
    }
}

/// The RESOLVED section: OLD's findings that NEW does not have.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// Their places in OLD, sorted.
    places: Vec<Place>,
}

impl Selection for Resolved {
    fn admits(&self, input: usize, index: u64) -> bool {
        Place::new(input, index).is_some_and(|p| self.places.binary_search(&p).is_ok())
    }

    fn mark(&self, _finding: &Finding<'_>) -> Mark {
        Mark::Change(Change::Resolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode, Decoded};
    use crate::stats::Warnings;

    fn digest_of(text: &str, h: &KeyHasher) -> u64 {
        match decode(text.as_bytes(), &mut Warnings::default()).unwrap() {
            Decoded::Finding { finding, .. } => digest(h, finding.members()),
            Decoded::OtherEvent => unreachable!(),
        }
    }

    /// Each compared member counts; text after minifying, absent equal to `null`; other
    /// members do not count.
    #[test]
    fn the_digest_reads_the_compared_members_alone() {
        let h = KeyHasher::default();
        let base = r#"{"severity":"HIGH","inspectorScore":7.5,"status":"ACTIVE","fixAvailable":"YES","exploitAvailable":"NO","epss":{"score":0.1},"title":"t"}"#;
        let d = digest_of(base, &h);
        let same = r#"{ "title":"other", "severity" : "HIGH","inspectorScore":7.5,"status":"ACTIVE","fixAvailable":"YES","exploitAvailable":"NO","epss":{"score":0.1,"x":1}}"#;
        assert_eq!(digest_of(same, &h), d, "{same}");
        for changed in [
            base.replace("\"HIGH\"", "\"CRITICAL\""),
            base.replace("7.5", "7.50"),
            base.replace("ACTIVE", "CLOSED"),
            base.replace("\"YES\"", "\"PARTIAL\""),
            base.replace("\"NO\"", "\"YES\""),
            base.replace("0.1", "0.2"),
            base.replace(r#","epss":{"score":0.1}"#, ""),
        ] {
            assert_ne!(digest_of(&changed, &h), d, "{changed}");
        }
        let absent = r#"{"severity":"HIGH"}"#;
        let null =
            r#"{"severity":"HIGH","inspectorScore":null,"epss":{"score":null},"status":null}"#;
        assert_eq!(digest_of(absent, &h), digest_of(null, &h));
        let spaced = r#"{"severity":{"a": [1, 2]}}"#;
        let tight = r#"{"severity":{"a":[1,2]}}"#;
        assert_eq!(digest_of(spaced, &h), digest_of(tight, &h));
    }

    #[test]
    fn states_keep_their_verdict() {
        for v in [
            Verdict::Keep,
            Verdict::ExcludedByFilter,
            Verdict::ExcludedByStatusRule,
        ] {
            let s = OldState::new(v, u64::MAX >> 2);
            assert_eq!((s.verdict(), s.digest()), (v, u64::MAX >> 2));
        }
    }
}
