//! The same input gives byte-identical reports whatever the read size (1, 7, 4096 bytes
//! per read, or whole), the number of threads, and the batch size.

mod fuzz_invariants;
use fuzz_invariants::Trickle;

use inspector_report_core::{convert, Config, Filter, Input, JsonTimestamps, Limits, ReportFormat};
use std::path::Path;

fn fixtures() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pass");
    let mut v = vec![
        std::fs::read(root.join("rules.json")).unwrap(),
        std::fs::read(root.join("timestamps.ndjson")).unwrap(),
    ];
    let mut names: Vec<_> = std::fs::read_dir(root.join("layouts"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    v.extend(names.iter().map(|p| std::fs::read(p).unwrap()));
    // Many findings, so batches split.
    let many: Vec<u8> = v[2..]
        .iter()
        .flat_map(|f| {
            // A byte-order mark is allowed only at the start of an input.
            let mut f = f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f).to_vec();
            f.push(b'\n');
            f
        })
        .collect::<Vec<u8>>()
        .repeat(10);
    v.push(many);
    v
}

fn formats() -> [ReportFormat; 2] {
    [
        ReportFormat::default(),
        ReportFormat::Json {
            timestamps: JsonTimestamps::Iso,
        },
    ]
}

/// One thread, every status, a fixed report time: the reference run of a format.
fn base(format: ReportFormat) -> Config {
    Config {
        format,
        filter: Filter::all_statuses(),
        as_of_ms: 1_750_000_000_000,
        threads: 1,
        ..Config::default()
    }
}

fn report(config: &Config, data: &[u8], chunk: usize) -> Vec<u8> {
    let input = Input::from_reader("det", Box::new(Trickle::new(data.to_vec(), chunk))).unwrap();
    let mut out = Vec::new();
    convert(config, [Ok(input)], &mut out).unwrap();
    out
}

/// The reference run of every fixture in every format: its config, the fixture and the
/// report.
fn references() -> Vec<(Config, Vec<u8>, Vec<u8>)> {
    let mut v = Vec::new();
    for format in formats() {
        let base = base(format);
        for data in fixtures() {
            let want = report(&base, &data, usize::MAX);
            v.push((base.clone(), data, want));
        }
    }
    v
}

#[test]
fn byte_identical_for_every_read_size_thread_count_and_batch_size() {
    for (base, data, want) in references() {
        for chunk in [1, 7, 4096] {
            for (threads, batches_rendering) in [(1, 1), (2, 2), (5, 3)] {
                let small_batches = Config {
                    threads,
                    limits: Limits {
                        read_buffer_bytes: 64,
                        batch_findings: 3,
                        batch_bytes: 1000,
                        batches_rendering,
                        ..Limits::default()
                    },
                    ..base.clone()
                };
                assert!(
                    report(&small_batches, &data, chunk) == want,
                    "chunk {chunk} threads {threads} rendering {batches_rendering}"
                );
            }
        }
    }
}

/// A gzip report is gzip members (one per chunk, compressed by the workers) that
/// decompress to exactly the plain report, for any threads and batch sizes, including
/// the JSON report whose separators between chunks the writer adds as members of their own.
/// The compressed bytes themselves are the same for any number of threads.
#[test]
fn gzip_reports_decompress_to_the_plain_report() {
    use std::io::Read;
    for (base, data, want) in references() {
        for batch_findings in [1, 4, 100, 2048] {
            let mut first: Option<Vec<u8>> = None;
            for threads in [1, 2, 3] {
                let gz = Config {
                    threads,
                    gzip: Some(6),
                    limits: Limits {
                        batch_findings,
                        ..Limits::default()
                    },
                    ..base.clone()
                };
                let z = report(&gz, &data, 4096);
                assert_eq!(&z[..2], b"\x1f\x8b", "starts as gzip");
                let mut plain = Vec::new();
                flate2::read::MultiGzDecoder::new(&z[..])
                    .read_to_end(&mut plain)
                    .unwrap();
                assert!(
                    plain == want,
                    "threads {threads} batch {batch_findings}: {}",
                    String::from_utf8_lossy(&plain)
                );
                match &first {
                    None => first = Some(z),
                    Some(f) => assert!(
                        *f == z,
                        "gzip bytes differ between 1 and {threads} threads (batch {batch_findings})"
                    ),
                }
            }
        }
    }
}

/// One thread runs every stage on the calling thread; more run the threaded pipeline.
/// Both must stop at the same bad byte with the same error, whichever stage finds it, and
/// both must pass a failing writer's error on.
#[test]
fn the_same_error_for_every_thread_count() {
    let many = fixtures().pop().unwrap();
    // Inside a finding, half way through.
    let cut = many.len() / 2
        + many[many.len() / 2..]
            .windows(12)
            .position(|w| w == b"\"findingArn\"")
            .unwrap()
        + 5;
    let bad_inputs: Vec<Vec<u8>> = vec![
        // The scanner's error: a syntax error between findings, far into the input.
        [&many[..], b"\n{\"a\":1]\n"].concat(),
        // A decode error inside one finding, found by a worker.
        [&many[..], b"\n{\"findingArn\":\"\xff\"}\n", &many[..]].concat(),
        // An object that is not a finding, far into the input: a worker finds it, on the
        // fast path of the JSON report or in a full decode.
        [&many[..], b"\n{\"Findings\":[{\"Id\":1}]}\n", &many[..]].concat(),
        // A truncated input.
        many[..cut].to_vec(),
    ];
    for format in formats() {
        for data in &bad_inputs {
            let errors: Vec<String> = [1, 2, 3]
                .into_iter()
                .map(|threads| {
                    let config = Config {
                        threads,
                        limits: Limits {
                            batch_findings: 7,
                            ..Limits::default()
                        },
                        ..base(format.clone())
                    };
                    let input =
                        Input::from_reader("bad", Box::new(Trickle::new(data.clone(), 4096)))
                            .unwrap();
                    convert(&config, [Ok(input)], &mut Vec::new())
                        .expect_err("a bad input fails")
                        .to_string()
                })
                .collect();
            assert!(errors.iter().all(|e| e == &errors[0]), "{errors:#?}");
            if data.windows(10).any(|w| w == b"\"Findings\"") {
                assert!(
                    errors[0].contains("not an Inspector finding")
                        && errors[0].contains("Security Hub (ASFF) document"),
                    "{}",
                    errors[0]
                );
            }
        }
    }
    // A writer that fails after some bytes: the run fails with its error.
    struct Full(usize);
    impl std::io::Write for Full {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.0 < b.len() {
                return Err(std::io::Error::other("disk full"));
            }
            self.0 -= b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    for threads in [1, 2] {
        let config = Config {
            threads,
            ..base(ReportFormat::default())
        };
        let input = Input::from_reader("ok", Box::new(Trickle::new(many.clone(), 4096))).unwrap();
        let e = convert(&config, [Ok(input)], &mut Full(10_000)).unwrap_err();
        assert!(
            e.to_string().contains("disk full"),
            "threads {threads}: {e}"
        );
    }
}

/// Several inputs: one thread and many give the same report and the same counts per input,
/// and stop at the same input when one of them fails to open.
#[test]
fn several_inputs_give_the_same_report_and_counts_for_every_thread_count() {
    let all = fixtures();
    let run = |threads: usize, fail_third: bool| {
        let config = Config {
            threads,
            limits: Limits {
                batch_findings: 5,
                ..Limits::default()
            },
            ..base(ReportFormat::default())
        };
        let inputs = all.iter().enumerate().map(|(k, data)| {
            if fail_third && k == 2 {
                let missing = std::path::PathBuf::from("/nonexistent/in2");
                return Input::open(&inspector_report_core::Source::File(missing));
            }
            Input::from_reader(
                &format!("in{k}"),
                Box::new(Trickle::new(data.clone(), 4096)),
            )
        });
        let mut out = Vec::new();
        convert(&config, inputs, &mut out).map(|stats| (out, format!("{stats:?}")))
    };
    let one = run(1, false).unwrap();
    // The counts include the warning examples, each with its member and value.
    assert!(
        one.1.contains("member: Some(\"firstObservedAt\")"),
        "{}",
        one.1
    );
    assert_eq!(run(2, false).unwrap(), one);
    assert_eq!(run(3, false).unwrap(), one);
    let e1 = run(1, true).unwrap_err().to_string();
    assert_eq!(run(2, true).unwrap_err().to_string(), e1);
    assert!(e1.contains("/nonexistent/in2"), "{e1}");
}

/// Conversions running at once share the worker pool of their thread count, and each
/// one's scanner runs as a job on it, rendering while its queue is full. Many at once,
/// with tiny batches and queues (so every scanner meets a full queue again and again) and
/// writers that stall, must all finish, each with the report it gives alone.
#[test]
fn conversions_sharing_the_pool_all_finish_with_their_own_report() {
    struct Slow(Vec<u8>);
    impl std::io::Write for Slow {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            std::thread::sleep(std::time::Duration::from_micros(200));
            self.0.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let data = fixtures().pop().expect("the many-findings fixture");
    let config = Config {
        threads: 2,
        limits: Limits {
            read_buffer_bytes: 256,
            batch_findings: 2,
            batch_bytes: 2000,
            queue_depth: 1,
            batches_rendering: 1,
            ..Limits::default()
        },
        ..base(ReportFormat::default())
    };
    let want = report(&base(ReportFormat::default()), &data, usize::MAX);
    let (done, results) = std::sync::mpsc::channel();
    for k in 0..6 {
        let (done, data, config) = (done.clone(), data.clone(), config.clone());
        std::thread::spawn(move || {
            let input =
                Input::from_reader(&format!("c{k}"), Box::new(Trickle::new(data, 97))).unwrap();
            let mut out = Slow(Vec::new());
            let r = convert(&config, [Ok(input)], &mut out).map(|_| out.0);
            let _ = done.send(r);
        });
    }
    drop(done);
    for _ in 0..6 {
        // A stuck pool would hang here; fail instead.
        let r = results
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("every conversion finishes");
        assert!(r.unwrap() == want, "a concurrent report differs");
    }
}
