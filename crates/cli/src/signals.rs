//! SIGINT and SIGTERM stop the run: temporary report files are removed, an S3 upload in
//! progress is aborted, and the exit status is 128 + the signal, as shells report it. No
//! partial report is left behind.

use crate::s3;
use crate::sink::file;
use crate::terminal::say;

/// Starts the thread that waits for SIGINT or SIGTERM and cleans up after the run.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("inspector-report-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                file::remove_temporaries();
                let name = if sig == SIGINT { "SIGINT" } else { "SIGTERM" };
                s3::cancel(name);
                say(format_args!("interrupted by {name}; no report was written"));
                std::process::exit(128 + sig);
            }
        });
}
