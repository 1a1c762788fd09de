//! What is checked before any input is read or any report begun, so that a mistake costs
//! nothing and leaves nothing (spec 5; every failure here is a usage error, exit 2):
//!
//! * a local report's name agrees with its format and compression ([`name_agrees`]), as an
//!   S3 key's must;
//! * every output can be written: its folder exists and takes new files, and it is not a
//!   folder itself ([`outputs_writable`]);
//! * no output is one of the inputs, whatever the path that names it (`..`, a hard link, a
//!   symbolic link): files are compared by device and inode ([`no_output_is_an_input`]).

use crate::error::CliError;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The report formats a file name can say, by its last extension before `.gz`.
const NAMED_FORMATS: [&str; 3] = ["csv", "json", "ndjson"];

/// Checks that a local report named `path` is named for what it holds: its last extension
/// (before `.gz`), when it names a report format, is `ext`, and with `--gzip` (`gzip`) the
/// name ends in `.gz`. A name that says no format (`report`, `out.txt`) says nothing wrong.
pub fn name_agrees(path: &Path, ext: &str, gzip: bool) -> Result<(), CliError> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Ok(());
    };
    let lower = name.to_ascii_lowercase();
    let (base, gz) = match lower.strip_suffix(".gz") {
        Some(base) => (base, true),
        None => (lower.as_str(), false),
    };
    let Some(named) = NAMED_FORMATS
        .iter()
        .find(|f| base.len() > f.len() + 1 && base.ends_with(&format!(".{f}")))
    else {
        return Ok(());
    };
    let shown = path.display();
    if *named != ext {
        let stem = &name[..base.len() - named.len()];
        return Err(CliError::usage(format!(
            "-o {shown}: the name says a {} report, but the report is {} (-f {ext}); name it \
             {stem}{ext}{} or give -f {named}",
            named.to_uppercase(),
            ext.to_uppercase(),
            if gz { ".gz" } else { "" },
        )));
    }
    if gzip && !gz {
        return Err(CliError::usage(format!(
            "-o {shown}: --gzip compresses the report, so name it {shown}.gz (or leave \
             --gzip out)"
        )));
    }
    Ok(())
}

/// What an output is, for the checks: `-o FILE`, the JSON summary, or the batch folder.
pub enum OutputPath<'a> {
    /// A report or summary file; the string names the option for messages.
    File(&'static str, &'a Path),
    /// `--output-dir`: a folder that may not exist yet.
    Dir(&'a Path),
}

/// Checks that each of `outputs` can be written before anything is read: a file's folder
/// exists and takes new files (the report is written beside its target and renamed), and
/// the file is no folder; the batch folder is a folder, or can be made.
pub fn outputs_writable(outputs: &[OutputPath<'_>]) -> Result<(), CliError> {
    for o in outputs {
        match o {
            OutputPath::File(option, path) => {
                let unusable =
                    |why: String| CliError::usage(format!("{option} {}: {why}", path.display()));
                match fs::metadata(path) {
                    Ok(m) if m.is_dir() => {
                        return Err(unusable("is a folder; name a file".into()));
                    }
                    // A device or FIFO is written in place, as it is.
                    Ok(m) if !m.is_file() => continue,
                    _ => {}
                }
                let folder = folder_of(path);
                match fs::metadata(&folder) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => return Err(unusable(format!("{} is not a folder", folder.display()))),
                    Err(_) => {
                        return Err(unusable(format!(
                            "the folder {} does not exist",
                            folder.display()
                        )))
                    }
                }
                takes_new_files(&folder)
                    .map_err(|e| unusable(format!("cannot write in {}: {e}", folder.display())))?;
            }
            OutputPath::Dir(dir) => {
                let unusable =
                    |why: String| CliError::usage(format!("--output-dir {}: {why}", dir.display()));
                // The folder, or the nearest one above it that exists (the rest is made).
                let mut existing = dir.to_path_buf();
                loop {
                    match fs::metadata(&existing) {
                        Ok(m) if m.is_dir() => break,
                        Ok(_) => {
                            return Err(unusable(format!("{} is not a folder", existing.display())))
                        }
                        Err(_) => match existing.parent() {
                            Some(p) if !p.as_os_str().is_empty() => existing = p.to_path_buf(),
                            _ => {
                                existing = PathBuf::from(".");
                                break;
                            }
                        },
                    }
                }
                takes_new_files(&existing).map_err(|e| {
                    unusable(format!("cannot write in {}: {e}", existing.display()))
                })?;
            }
        }
    }
    Ok(())
}

/// The folder a file `path` is written in.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates and removes a file in `dir`: the one sure test that it takes new files
/// (permissions, ACLs, a read-only mount).
fn takes_new_files(dir: &Path) -> io::Result<()> {
    let probe = dir.join(format!(".inspector-report.{}.check", std::process::id()));
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    fs::remove_file(&probe)
}

/// A file as the checks compare files: by device and inode when it exists, else by its
/// folder (resolved) and name.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

fn identity(path: &Path) -> Option<Identity> {
    match fs::metadata(path) {
        Ok(m) => inode(&m),
        Err(_) => {
            let folder = fs::canonicalize(folder_of(path)).ok()?;
            Some(Identity::Path(folder.join(path.file_name()?)))
        }
    }
}

#[cfg(unix)]
fn inode(m: &fs::Metadata) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    // Devices and FIFOs (`-o /dev/null`, `--summary-json /dev/stdout`) are no one's source.
    m.is_file().then(|| Identity::Inode(m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> Option<Identity> {
    None
}

/// The file standard input reads, when it is a regular file (`< dump.json`).
fn stdin_file() -> Option<PathBuf> {
    let p = Path::new("/dev/stdin");
    fs::metadata(p)
        .ok()
        .filter(|m| m.is_file())
        .map(|_| p.to_path_buf())
}

/// An output as the checks name it: `-o PATH`, `--summary-json PATH`, standard output (a
/// file when redirected to one), a batch report.
pub struct Output<'a> {
    /// How messages name it.
    pub what: String,
    /// The file it writes.
    pub path: &'a Path,
}

impl<'a> Output<'a> {
    /// The output of `option` (`-o`, `--summary-json`) at `path`.
    pub fn option(option: &str, path: &'a Path) -> Output<'a> {
        Output {
            what: format!("{option} {}", path.display()),
            path,
        }
    }

    /// Standard output, when it is redirected to a regular file (`>> dump.json`).
    pub fn stdout() -> Option<Output<'static>> {
        let p = Path::new("/dev/stdout");
        fs::metadata(p).ok().filter(|m| m.is_file())?;
        Some(Output {
            what: "standard output".into(),
            path: p,
        })
    }
}

/// Checks that none of `outputs` is one of `inputs` (the local files read, named as the
/// user named them; `-` for standard input), nor another output.
pub fn no_output_is_an_input(
    inputs: &[(String, Option<PathBuf>)],
    outputs: &[Output<'_>],
) -> Result<(), CliError> {
    let ins: Vec<(&str, Identity)> = inputs
        .iter()
        .filter_map(|(name, path)| {
            let path = match (name.as_str(), path) {
                ("-", _) => stdin_file()?,
                (_, Some(p)) => p.clone(),
                (_, None) => return None,
            };
            Some((name.as_str(), identity(&path)?))
        })
        .collect();
    let mut seen: Vec<(&str, Identity)> = Vec::new();
    for o in outputs {
        let Some(id) = identity(o.path) else { continue };
        if let Some((name, _)) = ins.iter().find(|(_, i)| *i == id) {
            let input = if *name == "-" { "standard input" } else { name };
            return Err(CliError::usage(format!(
                "{} is the same file as the input {input}: a report never overwrites its \
                 source; name another output",
                o.what
            )));
        }
        if let Some((other, _)) = seen.iter().find(|(_, i)| *i == id) {
            return Err(CliError::usage(format!(
                "{} and {other} are the same file; name two files",
                o.what
            )));
        }
        seen.push((&o.what, id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agrees(name: &str, ext: &str, gzip: bool) -> Result<(), String> {
        name_agrees(Path::new(name), ext, gzip).map_err(|e| e.message)
    }

    #[test]
    fn names_that_say_a_format_must_say_the_right_one() {
        for (name, ext, gzip) in [
            ("r.csv", "csv", false),
            ("r.csv.gz", "csv", false),
            ("r.CSV.GZ", "csv", true),
            ("dir.json/report", "csv", true),
            ("report", "json", true),
            ("out.txt", "csv", true),
            (".csv", "json", false),
            ("r.json", "json", false),
        ] {
            assert_eq!(agrees(name, ext, gzip), Ok(()), "{name}");
        }
        assert_eq!(
            agrees("r.csv", "json", false).unwrap_err(),
            "-o r.csv: the name says a CSV report, but the report is JSON (-f json); name it \
             r.json or give -f csv"
        );
        assert!(agrees("a/r.json.gz", "csv", false)
            .unwrap_err()
            .contains("name it r.csv.gz or give -f json"));
        assert!(agrees("r.ndjson", "csv", false).is_err());
        assert_eq!(
            agrees("r.csv", "csv", true).unwrap_err(),
            "-o r.csv: --gzip compresses the report, so name it r.csv.gz (or leave --gzip out)"
        );
    }
}
