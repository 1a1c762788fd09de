//! Criterion benches: the scanner, the decoder (the walker against serde_json and
//! simd-json's tape on the same findings), decode + render of one batch, timestamp
//! parsing, and the whole conversion, each reporting throughput in input bytes. Inputs
//! come from the deterministic generator, never from committed files; results are asserted.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use inspector_report_bench::{generate, Layout};
use inspector_report_core::scan::ItemReader;
use inspector_report_core::{
    convert, timestamp, Config, Input, JsonTimestamps, Limits, ReportFormat,
};
use std::hint::black_box;

const BYTES: u64 = 16_000_000;

fn input(layout: Layout) -> Vec<u8> {
    let mut v = Vec::new();
    generate(layout, 1, BYTES, &mut v).unwrap();
    v
}

fn scanner(c: &mut Criterion) {
    let mut g = c.benchmark_group("scan");
    for layout in [Layout::Cli, Layout::Pages] {
        let data = input(layout);
        let expect = {
            let mut r = ItemReader::new(&data[..], "bench", &Limits::default());
            let mut n = 0;
            while r.next_item().unwrap().is_some() {
                n += 1;
            }
            n
        };
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(format!("{layout:?}"), |b| {
            b.iter(|| {
                let mut r = ItemReader::new(&data[..], "bench", &Limits::default());
                let mut n = 0u64;
                while let Some(it) = r.next_item().unwrap() {
                    n += it.bytes.len() as u64 & 1;
                    black_box(&it);
                }
                black_box(n);
                assert!(r.bytes_read() == data.len() as u64 && expect > 0);
            })
        });
    }
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let mut g = c.benchmark_group("convert");
    g.sample_size(10);
    for (name, layout, format) in [
        ("csv-cli", Layout::Cli, ReportFormat::default()),
        ("csv-pages", Layout::Pages, ReportFormat::default()),
        (
            "json-cli",
            Layout::Cli,
            ReportFormat::Json {
                timestamps: JsonTimestamps::Iso,
            },
        ),
    ] {
        let data = input(layout);
        let config = Config {
            format,
            as_of_ms: 0,
            ..Config::default()
        };
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(name, |b| {
            b.iter_batched_ref(
                || Vec::with_capacity(data.len()),
                |out| {
                    let inp =
                        Input::from_reader("bench", Box::new(std::io::Cursor::new(data.clone())))
                            .unwrap();
                    let stats = convert(&config, [Ok(inp)], out).unwrap();
                    assert!(stats.findings_written > 0);
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn one_batch(c: &mut Criterion) {
    // Decode + render of one batch on one thread: the per-finding cost without I/O.
    let mut data = Vec::new();
    generate(Layout::Ndjson, 3, 2_000_000, &mut data).unwrap();
    let config = Config {
        threads: 1,
        as_of_ms: 0,
        ..Config::default()
    };
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("decode+render-1-thread", |b| {
        b.iter_batched_ref(
            Vec::new,
            |out| {
                let inp = Input::from_reader("bench", Box::new(std::io::Cursor::new(data.clone())))
                    .unwrap();
                let s = convert(&config, [Ok(inp)], out).unwrap();
                assert!(s.findings_read > 100);
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn decoders(c: &mut Criterion) {
    // The same findings through the walker and through serde_json's visitors: the fast
    // path's gain, and a check that the generator keeps it on the fast path.
    use inspector_report_core::decode::finding::Finding;
    use inspector_report_core::decode::walk::walk;
    let findings: Vec<String> = (0..2000)
        .map(|i| serde_json::to_string_pretty(&inspector_report_bench::finding(7, i)).unwrap())
        .collect();
    let bytes: u64 = findings.iter().map(|f| f.len() as u64).sum();
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("walker", |b| {
        b.iter(|| {
            for f in &findings {
                black_box(walk::<Finding>(black_box(f)).expect("generated findings walk"));
            }
        })
    });
    g.bench_function("serde_json", |b| {
        b.iter(|| {
            for f in &findings {
                black_box(serde_json::from_str::<Finding>(black_box(f)).unwrap());
            }
        })
    });
    // The prototype decoded with simd-json. simd-json unescapes in place, so each
    // run parses a fresh copy (`copy-only` is that copy alone, to subtract). The tape,
    // simd-json's structural index and value tape (AVX2 picked at run time), is the floor
    // of any simd-json design: a typed decode reads it afterwards. (Typed decoding of
    // `Finding` itself is not possible through simd-json's serde: the model reads each
    // scalar as a serde_json `RawValue`, so that numbers are written as they came.)
    g.bench_function("copy-only", |b| {
        b.iter(|| {
            for f in &findings {
                black_box(f.as_bytes().to_vec());
            }
        })
    });
    g.bench_function("simd-json-tape", |b| {
        b.iter(|| {
            for f in &findings {
                let mut buf = f.as_bytes().to_vec();
                black_box(
                    simd_json::to_tape(black_box(&mut buf)).expect("generated findings parse"),
                );
            }
        })
    });
    g.finish();
}

fn timestamps(c: &mut Criterion) {
    let forms = [
        "1748539687.919",
        "2024-02-02T16:30:33.045000+01:00",
        "1.663703546405E9",
        "Wed Sep 04 16:59:44.356 UTC 2024",
        "Dec 3, 2021, 6:02:30 PM",
    ];
    let mut g = c.benchmark_group("timestamp");
    g.throughput(Throughput::Bytes(
        forms.iter().map(|f| f.len() as u64).sum(),
    ));
    g.bench_function("parse+render", |b| {
        let mut out = Vec::with_capacity(256);
        b.iter(|| {
            out.clear();
            for f in forms {
                let ms = timestamp::parse(black_box(f)).unwrap();
                timestamp::render(ms, &mut out);
            }
            assert_eq!(out.len(), 24 * forms.len());
        })
    });
    g.finish();
}

criterion_group!(benches, scanner, decoders, one_batch, timestamps, end_to_end);
criterion_main!(benches);
