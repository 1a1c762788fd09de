//! No report is written through a symbolic link, unless `--follow-output-links` says so.
//!
//! A link planted where a report goes (`/tmp/r.csv -> ~/.bashrc`, or a disk device when
//! the tool runs as root) would otherwise get the report written over whatever it names.
//! So a link at `-o`, at `--summary-json`, at `--output-dir` or anywhere below it is
//! refused. The checks use `symlink_metadata`, which looks at the link itself, and the
//! files are opened so that a link swapped in after the check is not followed either:
//! a new file with `O_EXCL` through [`tempfile`], a device or FIFO with `O_NOFOLLOW`, and
//! the final rename replaces a link rather than the file it names.
//!
//! The one kind of link always followed is a name of one of the process's own
//! descriptors (`/dev/stdout`, `/dev/fd/63` from `>(gzip > r.csv.gz)`): the person
//! running the tool set those up, and nobody else can plant them.

use super::rules::FileRules;
use crate::error::CliError;
use std::fs;
use std::path::Path;

/// Whether a link at `path` is written through: by `--follow-output-links`, or because
/// it names one of this process's descriptors.
pub fn followed(path: &Path, rules: &FileRules) -> bool {
    rules.follow_links || names_own_descriptor(path)
}

/// Says why the link at `path` is refused, with where it points, so a planted link is
/// plain to see.
pub fn refusal(path: &Path) -> String {
    let to = fs::read_link(path)
        .map(|t| format!(" to {}", t.display()))
        .unwrap_or_default();
    format!(
        "{} is a symbolic link{to}; nothing is written through a link \
         (give the real path, or --follow-output-links)",
        path.display()
    )
}

/// The check of a path given on the command line (`option` names it), before anything
/// is read: a link there is a usage error.
pub fn check_given(option: &str, path: &Path, rules: &FileRules) -> Result<(), CliError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() && !followed(path, rules) => {
            Err(CliError::usage(format!("{option}: {}", refusal(path))))
        }
        _ => Ok(()),
    }
}

/// True when `path` names one of this process's open descriptors: a file in
/// `/proc/self/fd` (`/dev/fd/N` is that folder through a system link), or a link in
/// `/dev` to one (`/dev/stdout`, `/dev/stderr`). A link elsewhere that points there is
/// not: it could name a descriptor of the process's own inputs.
fn names_own_descriptor(path: &Path) -> bool {
    let Ok(fds) = fs::canonicalize("/proc/self/fd") else {
        return false;
    };
    let in_fds = |p: &Path| folder_of(p).is_some_and(|d| d == fds);
    if in_fds(path) {
        return true;
    }
    if folder_of(path).is_none_or(|d| d != Path::new("/dev")) {
        return false;
    }
    match fs::read_link(path) {
        Ok(to) => in_fds(&path.parent().unwrap_or(Path::new("/")).join(to)),
        Err(_) => false,
    }
}

/// The folder `p` is in, with every link resolved.
fn folder_of(p: &Path) -> Option<std::path::PathBuf> {
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::canonicalize(parent).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn scratch(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("ir-links-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn the_process_own_descriptors_are_followed_and_planted_links_are_not() {
        let rules = FileRules::default();
        for own in ["/dev/stdout", "/dev/stderr", "/dev/fd/1", "/proc/self/fd/2"] {
            assert!(followed(Path::new(own), &rules), "{own}");
        }
        let d = scratch("own");
        let planted = d.join("r.csv");
        symlink("/proc/self/fd/0", &planted).unwrap();
        assert!(!followed(&planted, &rules));
        assert!(followed(
            &planted,
            &FileRules {
                mode: None,
                follow_links: true
            }
        ));
        let e = check_given("-o", &planted, &rules).unwrap_err();
        assert_eq!(e.exit, crate::error::Exit::Usage);
        assert!(
            e.message
                .contains("r.csv is a symbolic link to /proc/self/fd/0"),
            "{e}"
        );
        assert!(check_given("-o", &d.join("new.csv"), &rules).is_ok());
        fs::remove_dir_all(&d).unwrap();
    }
}
