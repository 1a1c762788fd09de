//! Progress on stderr while a run goes on: bytes of the total where input sizes are known,
//! findings per second, MB/s and ETA; a spinner with counts for standard input.
//!
//! Beside the bytes read as stored, the bar shows what gzip input decompresses to, so an
//! input that grows out of all proportion (a gzip bomb) is plain to see.
//!
//! The pipeline only bumps atomic counters ([`Progress`]); a ticker thread here turns
//! them into an indicatif bar ten times a second, so progress costs the hot path nothing.

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};
use inspector_report_core::Progress;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// More to show after the counts, computed at each tick (the live inputs' pages and
/// throttling).
pub type Extra = Box<dyn Fn() -> String + Send>;

/// A running progress display; [`Display::finish`] clears it.
pub struct Display {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Display {
    /// Starts drawing `progress` against `total` bytes (None: sizes unknown, a spinner),
    /// with `extra` after the counts. `forced` draws even when stderr is not a terminal
    /// (`--progress always`).
    pub fn start(
        progress: Arc<Progress>,
        total: Option<u64>,
        forced: bool,
        extra: Option<Extra>,
    ) -> Display {
        let target = if forced {
            ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 10)
        } else {
            ProgressDrawTarget::stderr_with_hz(10)
        };
        let bar = match total {
            Some(t) => ProgressBar::with_draw_target(Some(t), target).with_style(
                ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            ),
            None => ProgressBar::with_draw_target(None, target).with_style(
                ProgressStyle::with_template(
                    "{spinner} {bytes} read, {binary_bytes_per_sec} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("inspector-report-progress".into())
                .spawn(move || {
                    let started = Instant::now();
                    loop {
                        let bytes = progress.bytes_read.load(Ordering::Relaxed);
                        let plain = progress.bytes_decompressed.load(Ordering::Relaxed);
                        let findings = progress.findings_read.load(Ordering::Relaxed);
                        let secs = started.elapsed().as_secs_f64().max(1e-3);
                        bar.set_position(bytes);
                        let mut message = format!(
                            "{findings} findings ({:.0}/s){}",
                            findings as f64 / secs,
                            decompressed(bytes, plain)
                        );
                        if let Some(extra) = &extra {
                            message.push_str(", ");
                            message.push_str(&extra());
                        }
                        bar.set_message(message);
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    bar.finish_and_clear();
                })
                .ok()
        };
        Display { stop, thread }
    }

    /// Stops and clears the display.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `, 1.2 GiB decompressed` when decompression has grown the input; nothing for plain
/// input.
fn decompressed(stored: u64, plain: u64) -> String {
    if plain > stored {
        format!(", {} decompressed", HumanBytes(plain))
    } else {
        String::new()
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decompressed_bytes_show_when_they_differ() {
        assert_eq!(decompressed(10 << 20, 10 << 20), "");
        assert_eq!(decompressed(10 << 20, 16 << 30), ", 16.00 GiB decompressed");
    }
}
