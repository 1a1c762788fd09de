//! `gen --mb 200 --layout cli [--seed N] [--gzip] [-o FILE]`: writes generated findings.

use inspector_report_bench::{generate, Layout};
use std::io::{self, BufWriter, Write};

fn main() {
    let mut mb: u64 = 100;
    let mut layout = Layout::Cli;
    let mut seed = 1u64;
    let mut gzip = false;
    let mut out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--mb" => {
                mb = val()
                    .parse()
                    .unwrap_or_else(|_| usage("--mb takes a number"))
            }
            "--layout" => layout = val().parse().unwrap_or_else(|e: String| usage(&e)),
            "--seed" => {
                seed = val()
                    .parse()
                    .unwrap_or_else(|_| usage("--seed takes a number"))
            }
            "--gzip" => gzip = true,
            "-o" | "--output" => out = Some(val()),
            _ => usage(&format!("unknown argument {a}")),
        }
    }
    let sink: Box<dyn Write> = match out.as_deref() {
        None | Some("-") => Box::new(io::stdout().lock()),
        Some(p) => {
            Box::new(std::fs::File::create(p).unwrap_or_else(|e| usage(&format!("{p}: {e}"))))
        }
    };
    let mut sink: Box<dyn Write> = Box::new(BufWriter::with_capacity(1 << 20, sink));
    let target = mb * 1_000_000;
    let n = if gzip {
        let mut gz = flate2::write::GzEncoder::new(sink, flate2::Compression::fast());
        let n = generate(layout, seed, target, &mut gz).unwrap_or_else(|e| fail(e));
        sink = gz.finish().unwrap_or_else(|e| fail(e));
        n
    } else {
        generate(layout, seed, target, &mut sink).unwrap_or_else(|e| fail(e))
    };
    sink.flush().unwrap_or_else(|e| fail(e));
    eprintln!("gen: {n} findings, layout {layout:?}, ~{mb} MB");
}

fn usage(msg: &str) -> ! {
    eprintln!("gen: {msg}\nusage: gen [--mb N] [--layout cli|pages|report|array|ndjson|events] [--seed N] [--gzip] [-o FILE]");
    std::process::exit(2)
}

fn fail(e: io::Error) -> ! {
    eprintln!("gen: {e}");
    std::process::exit(1)
}
