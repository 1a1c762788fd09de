//! The de-duplication index (`dedupe::ArnIndex`), for 1 million distinct findings offered
//! 1.5 million times (every ARN once, then every other one again, as in two overlapping
//! snapshots): the time to build it, and its memory per distinct finding; and the same
//! for a comparison's index of OLD, whose entries carry 8 bytes more.
//!
//! Memory is measured two ways before the timed runs, and printed:
//!
//! * the index's own account of its heap ([`ArnIndex::heap_bytes`]: the capacity of its
//!   vectors and table), largest during the build and at its end, for the
//!   de-duplication index and for the comparison's index of OLD (8 bytes more an entry);
//! * the growth of the process's peak resident memory (`VmHWM`, Linux) over the build, in
//!   a process of its own for each index, which also sees what the allocator does (a
//!   vector copied as it grows, the table's scratch).
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

/// Builds the index of `arns` (every one, then every other one again), each entry with
/// the payload `P` (`()` for de-duplication, a `u64` as a comparison keeps of OLD); the
/// largest heap the index held on the way.
fn build<P: Copy + Default>(h: &KeyHasher, arns: &[String]) -> (ArnIndex<P>, usize) {
    let mut ix: ArnIndex<P> = ArnIndex::new(&Limits::default());
    let mut largest = 0;
    let offers = arns
        .iter()
        .enumerate()
        .chain(arns.iter().enumerate().step_by(2));
    for (n, (i, arn)) in offers.enumerate() {
        let place = Place::new(n / arns.len(), i as u64).expect("in range");
        ix.offer(h.key(arn), (n % 7) as i64, place, P::default())
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

/// Builds the index with payload `P`, prints its memory per distinct finding as `what`,
/// and fails over 48 bytes.
fn measure<P: Copy + Default>(what: &str, h: &KeyHasher, arns: &[String]) {
    let before = peak_rss();
    let (ix, largest) = build::<P>(h, arns);
    let grown = peak_rss().zip(before).map(|(a, b)| a.saturating_sub(b));
    assert_eq!(ix.len() as u64, DISTINCT);
    let per = |b: usize| b as f64 / DISTINCT as f64;
    eprintln!(
        "{what} of {DISTINCT} distinct findings: {:.1} bytes each at the end, {:.1} at most \
         during the build (the index's heap){}",
        per(ix.heap_bytes()),
        per(largest),
        grown.map_or(String::new(), |g| format!(
            "; peak resident memory grew {:.1} bytes a finding",
            per(g as usize)
        ))
    );
    assert!(
        per(largest) <= 48.0,
        "{what}: {} bytes a finding",
        per(largest)
    );
    if let Some(g) = grown {
        assert!(
            per(g as usize) <= 48.0,
            "{what}: resident memory grew {g} bytes"
        );
    }
}

/// The variable that makes the bench a child that measures one index and exits.
const MEASURE_ONLY: &str = "INSPECTOR_REPORT_INDEX_BENCH_MEASURE";

fn index(c: &mut Criterion) {
    let arns = arns();
    let h = KeyHasher::default();
    // Each index is measured in a process of its own, as a run builds it: the peak of one
    // process, and what its allocator kept of an earlier build, would blur the other's.
    match std::env::var(MEASURE_ONLY).as_deref() {
        Ok("dedupe") => return measure::<()>("de-duplication index", &h, &arns),
        Ok(_) => return measure::<u64>("comparison index of OLD (8-byte payload)", &h, &arns),
        Err(_) => {}
    }
    for which in ["dedupe", "compare"] {
        let status = std::process::Command::new(std::env::current_exe().expect("the bench"))
            .args(std::env::args_os().skip(1))
            .env(MEASURE_ONLY, which)
            .status()
            .expect("the bench runs again");
        assert!(status.success(), "measuring the {which} index: {status}");
    }

    let mut g = c.benchmark_group("index");
    g.sample_size(10);
    g.throughput(Throughput::Elements(DISTINCT * 3 / 2));
    timed::<()>(&mut g, "build-1M-distinct", &h, &arns);
    // A comparison's index of OLD merges twice as often (see `dedupe::index`).
    timed::<u64>(&mut g, "build-1M-distinct-payload", &h, &arns);
    g.finish();
}

/// Times the build of the index with payload `P` as `name`.
fn timed<P: Copy + Default>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    h: &KeyHasher,
    arns: &[String],
) {
    g.bench_function(name, |b| {
        b.iter_batched(
            || (),
            |()| {
                let (ix, _) = build::<P>(h, black_box(arns));
                assert_eq!(ix.len() as u64, DISTINCT);
                ix
            },
            BatchSize::PerIteration,
        )
    });
}

criterion_group!(benches, index);
criterion_main!(benches);
