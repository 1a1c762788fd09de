//! Which value raised a finding's first warning of each kind, for the warning examples of
//! the run summary.
//!
//! The hot path only counts warnings. When a finding is chosen as an example, the worker
//! renders it once more with the witness armed ([`watching`]), and each place that raises
//! a warning with the offending value in hand (a timestamp of no known form, an object
//! where a cell's value belongs) reports that value's bytes ([`saw`]). The value is a
//! slice of the finding's own text, so where it lies tells the member's path. Unarmed,
//! [`saw`] is one thread-local read on a path that has already found a warning.

use crate::stats::WarningKind;
use std::cell::Cell;

/// Where the first value of each warning kind lies: its address and length.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Seen([Option<(usize, usize)>; WarningKind::ALL.len()]);

thread_local! {
    static SEEN: Cell<Option<Seen>> = const { Cell::new(None) };
}

/// A warning of `kind` was raised for `value` (a slice of the finding's text).
#[cold]
#[inline(never)]
pub(crate) fn saw(kind: WarningKind, value: &[u8]) {
    SEEN.with(|s| {
        if let Some(mut seen) = s.get() {
            let slot = &mut seen.0[kind as usize];
            if slot.is_none() {
                *slot = Some((value.as_ptr() as usize, value.len()));
                s.set(Some(seen));
            }
        }
    });
}

/// Runs `f` with the witness armed on this thread; what it returned, and what was seen.
pub(crate) fn watching<R>(f: impl FnOnce() -> R) -> (R, Seen) {
    SEEN.with(|s| s.set(Some(Seen::default())));
    let r = f();
    let seen = SEEN.with(|s| s.take()).unwrap_or_default();
    (r, seen)
}

impl Seen {
    /// The first value seen of `kind`, as its offset and text in `text` (the finding it
    /// was raised in); `None` when none was seen there.
    pub(crate) fn value_in<'t>(
        &self,
        kind: WarningKind,
        text: &'t str,
    ) -> Option<(usize, &'t str)> {
        let (at, len) = self.0[kind as usize]?;
        let start = at.checked_sub(text.as_ptr() as usize)?;
        Some((start, text.get(start..start.checked_add(len)?)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_armed_witness_sees_and_it_keeps_the_first() {
        let text = r#"{"a":"x","b":"y"}"#;
        saw(WarningKind::Timestamp, &text.as_bytes()[5..8]);
        let ((), seen) = watching(|| {
            saw(WarningKind::Timestamp, &text.as_bytes()[13..16]);
            saw(WarningKind::Timestamp, &text.as_bytes()[5..8]);
        });
        assert_eq!(
            seen.value_in(WarningKind::Timestamp, text),
            Some((13, "\"y\""))
        );
        assert_eq!(seen.value_in(WarningKind::NotAValue, text), None);
        assert_eq!(
            seen.value_in(WarningKind::Timestamp, &String::from("elsewhere")),
            None
        );
        let ((), after) = watching(|| {});
        assert_eq!(after.value_in(WarningKind::Timestamp, text), None);
    }
}
