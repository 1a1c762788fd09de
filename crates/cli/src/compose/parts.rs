//! The multipart upload of a report joined in S3 from ranges of shards: which parts S3
//! copies itself (UploadPartCopy) and which bytes go through this process.
//!
//! Every part but the last must hold at least S3's minimum (5 MiB), and a copied part
//! comes from one object. So a range of at least the minimum is copied (in parts of at
//! most 5 GiB); smaller ranges are downloaded and uploaded together, and a part of them
//! that is still short when a large range follows borrows that range's first bytes.
//! Nothing downloaded is ever more than the minimum at once.

use std::ops::Range;

/// A range of one shard: which shard, and which bytes of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Index of the shard (0-based).
    pub shard: usize,
    /// Its bytes.
    pub bytes: Range<u64>,
}

/// One step of the upload, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A part copied by S3 from these bytes of a shard.
    Copy(Span),
    /// These bytes of a shard, downloaded and added to the part being filled.
    Upload(Span),
    /// The part being filled is complete.
    EndPart,
}

/// The steps that upload `spans`, in order, with parts of at least `min` bytes (but the
/// last) and copied parts of at most `max`.
pub fn plan(spans: &[Span], min: u64, max: u64) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut filling = 0u64;
    for span in spans {
        let mut at = span.bytes.start;
        let end = span.bytes.end;
        if filling > 0 {
            let take = (min - filling).min(end - at);
            if take > 0 {
                steps.push(Step::Upload(Span {
                    shard: span.shard,
                    bytes: at..at + take,
                }));
                filling += take;
                at += take;
            }
            if filling >= min {
                steps.push(Step::EndPart);
                filling = 0;
            }
        }
        // Here either the span is used up or nothing is being filled.
        let rest = end - at;
        if rest == 0 {
            continue;
        }
        if filling == 0 && rest >= min {
            let parts = rest.div_ceil(max);
            let size = rest.div_ceil(parts);
            while at < end {
                let next = (at + size).min(end);
                steps.push(Step::Copy(Span {
                    shard: span.shard,
                    bytes: at..next,
                }));
                at = next;
            }
        } else {
            steps.push(Step::Upload(Span {
                shard: span.shard,
                bytes: at..end,
            }));
            filling += rest;
        }
    }
    if filling > 0 {
        steps.push(Step::EndPart);
    }
    steps
}

/// How many parts `steps` make: copied, uploaded.
pub fn count(steps: &[Step]) -> (u64, u64) {
    let copied = steps.iter().filter(|s| matches!(s, Step::Copy(_))).count();
    let uploaded = steps.iter().filter(|s| matches!(s, Step::EndPart)).count();
    (copied as u64, uploaded as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(shard: usize, bytes: Range<u64>) -> Span {
        Span { shard, bytes }
    }

    /// The parts `steps` make, each as the list of spans it holds, and whether it was
    /// copied.
    fn parts(steps: &[Step]) -> Vec<(bool, Vec<Span>)> {
        let mut out = Vec::new();
        let mut filling = Vec::new();
        for s in steps {
            match s {
                Step::Copy(sp) => {
                    assert!(filling.is_empty(), "a copy while a part is being filled");
                    out.push((true, vec![sp.clone()]));
                }
                Step::Upload(sp) => filling.push(sp.clone()),
                Step::EndPart => out.push((false, std::mem::take(&mut filling))),
            }
        }
        assert!(filling.is_empty(), "a part left unfinished");
        out
    }

    /// Every plan covers the spans in order, byte for byte, with parts of at least `min`
    /// but the last, copies of at most `max`, and no download of `min` or more.
    #[test]
    fn plans_cover_the_spans_with_parts_s3_accepts() {
        let (min, max) = (100, 1000);
        let cases: Vec<Vec<u64>> = vec![
            vec![500, 500, 500],
            vec![5, 500, 5, 5, 500, 3],
            vec![99, 1, 99, 1],
            vec![2500],
            vec![1, 2, 3],
            vec![0, 150, 0, 50, 60, 1001],
            vec![],
        ];
        for sizes in cases {
            let spans: Vec<Span> = sizes
                .iter()
                .enumerate()
                .filter(|(_, &n)| n > 0)
                .map(|(i, &n)| span(i, 7..7 + n))
                .collect();
            let steps = plan(&spans, min, max);
            let parts = parts(&steps);
            let mut covered: Vec<Span> = Vec::new();
            for (i, (copied, spans)) in parts.iter().enumerate() {
                let len: u64 = spans.iter().map(|s| s.bytes.end - s.bytes.start).sum();
                if i + 1 < parts.len() {
                    assert!(len >= min, "{sizes:?}: part {i} of {len}");
                }
                if *copied {
                    assert!(len <= max && len >= min, "{sizes:?}");
                } else {
                    assert!(len <= min, "{sizes:?}: downloads {len}");
                }
                for s in spans {
                    match covered.last_mut() {
                        Some(last) if last.shard == s.shard && last.bytes.end == s.bytes.start => {
                            last.bytes.end = s.bytes.end
                        }
                        _ => covered.push(s.clone()),
                    }
                }
            }
            assert_eq!(covered, spans, "{sizes:?}");
        }
    }

    #[test]
    fn large_shards_are_copied_and_the_glue_borrows_from_them() {
        let min = 100;
        let steps = plan(
            &[span(0, 0..500), span(1, 1..40), span(2, 0..500)],
            min,
            1000,
        );
        assert_eq!(
            steps,
            vec![
                Step::Copy(span(0, 0..500)),
                Step::Upload(span(1, 1..40)),
                Step::Upload(span(2, 0..61)),
                Step::EndPart,
                Step::Copy(span(2, 61..500)),
            ]
        );
        assert_eq!(count(&steps), (2, 1));
    }
}
