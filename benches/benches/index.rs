//! The de-duplication index (`dedupe::ArnIndex`), for 1 million distinct findings offered
//! 1.5 million times (every ARN once, then every other one again, as in two overlapping
//! snapshots): the time to build it, and its memory per distinct finding.
//!
//! Memory is measured two ways before the timed runs, and printed:
//!
//! * the index's own account of its heap ([`ArnIndex::heap_bytes`]: the capacity of its
//!   vectors and table), largest during the build and at its end;
//! * the growth of the process's peak resident memory (`VmHWM`, Linux) over one build,
//!   which also sees what the allocator does (a vector copied as it grows, the table's
//!   scratch).
//!
//! Both must stay under the 48 bytes per finding that `MAX_INDEXED_FINDINGS` is documented
//! with; the bench fails otherwise.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use inspector_report_core::dedupe::{ArnIndex, KeyHasher, Place};
use inspector_report_core::Limits;
use std::hint::black_box;

const DISTINCT: u64 = 1_000_000;

/// Realistic ARNs: an account, a region and a 32-digit hex id per finding.
fn arns() -> Vec<String> {
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    (0..DISTINCT)
        .map(|i| {
            let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
            x ^= x >> 29;
            format!(
                "arn:aws:inspector2:{}:{:012}:finding/{:016x}{:016x}",
                regions[(i % 3) as usize],
                111_122_223_333 + i % 50,
                x,
                x.rotate_left(17) ^ i
            )
        })
        .collect()
}

/// Builds the index of `arns` (every one, then every other one again); the largest heap
/// the index held on the way.
fn build(h: &KeyHasher, arns: &[String]) -> (ArnIndex<()>, usize) {
    let mut ix: ArnIndex<()> = ArnIndex::new(&Limits::default());
    let mut largest = 0;
    let offers = arns
        .iter()
        .enumerate()
        .chain(arns.iter().enumerate().step_by(2));
    for (n, (i, arn)) in offers.enumerate() {
        let place = Place::new(n / arns.len(), i as u64).expect("in range");
        ix.offer(h.key(arn), (n % 7) as i64, place, ())
            .expect("under the limit");
        if n % 1024 == 0 {
            largest = largest.max(ix.heap_bytes());
        }
    }
    ix.finish();
    largest = largest.max(ix.heap_bytes());
    (ix, largest)
}

fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

fn index(c: &mut Criterion) {
    let arns = arns();
    let h = KeyHasher::default();
    let before = peak_rss();
    let (ix, largest) = build(&h, &arns);
    let grown = peak_rss().zip(before).map(|(a, b)| a.saturating_sub(b));
    assert_eq!(ix.len() as u64, DISTINCT);
    let per = |b: usize| b as f64 / DISTINCT as f64;
    eprintln!(
        "index of {DISTINCT} distinct findings: {:.1} bytes each at the end, {:.1} at most \
         during the build (the index's heap){}",
        per(ix.heap_bytes()),
        per(largest),
        grown.map_or(String::new(), |g| format!(
            "; peak resident memory grew {:.1} bytes a finding",
            per(g as usize)
        ))
    );
    assert!(per(largest) <= 48.0, "{} bytes a finding", per(largest));
    if let Some(g) = grown {
        assert!(per(g as usize) <= 48.0, "resident memory grew {g} bytes");
    }
    drop(ix);

    let mut g = c.benchmark_group("index");
    g.sample_size(10);
    g.throughput(Throughput::Elements(DISTINCT * 3 / 2));
    g.bench_function("build-1M-distinct", |b| {
        b.iter_batched(
            || (),
            |()| {
                let (ix, _) = build(&h, black_box(&arns));
                assert_eq!(ix.len() as u64, DISTINCT);
                ix
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, index);
criterion_main!(benches);
