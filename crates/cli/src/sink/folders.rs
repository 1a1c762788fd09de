//! The folders of batch mode: `--output-dir` and the folders below it that keep the
//! inputs' structure, made private as they are created, with no link on the way.

use super::links;
use super::rules::{FileRules, PRIVATE_FOLDER};
use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Component, Path};

/// `--output-dir DIR`: creates it (and any missing folder above it) with the folder mode
/// when it does not exist. A link at DIR was refused by [`links::check_given`].
pub fn make_output_dir(dir: &Path, rules: &FileRules) -> io::Result<()> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "exists and is not a folder",
            ))
        }
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    let missing: Vec<&Path> = dir
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .take_while(|a| fs::symlink_metadata(a).is_err())
        .collect();
    for folder in missing.into_iter().rev() {
        match create_folder(folder, rules) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Creates one folder with the folder mode. The mode is given to `mkdir` itself, so the
/// folder is never more open than asked; when the umask took away bits that `--mode`
/// grants, they are added afterwards (only ever widening to what was asked).
fn create_folder(at: &Path, rules: &FileRules) -> io::Result<()> {
    let mode = rules.folder_mode();
    fs::DirBuilder::new().mode(mode).create(at)?;
    if mode & !PRIVATE_FOLDER != 0 {
        fs::set_permissions(at, fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Makes the folders from `base` (an existing `--output-dir`) down to `folder`, which is
/// below it, one at a time: each one that exists must be a real folder (not a link, unless
/// `--follow-output-links`), and each one made gets the folder mode as it is created.
pub fn make_folders_below(base: &Path, folder: &Path, rules: &FileRules) -> Result<(), String> {
    let Ok(relative) = folder.strip_prefix(base) else {
        return Err(format!(
            "{} is not below {}",
            folder.display(),
            base.display()
        ));
    };
    let mut at = base.to_path_buf();
    for part in relative.components() {
        let Component::Normal(name) = part else {
            return Err(format!("{}: not a plain folder name", folder.display()));
        };
        at.push(name);
        make_folder(&at, rules)?;
    }
    Ok(())
}

/// One folder below the output folder: made, or checked.
fn make_folder(at: &Path, rules: &FileRules) -> Result<(), String> {
    let fail = |e: io::Error| format!("cannot create {}: {e}", at.display());
    // Twice at most: another file's report may make the same folder in between.
    for _ in 0..2 {
        match fs::symlink_metadata(at) {
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(m) if m.file_type().is_symlink() => {
                return match rules.follow_links && fs::metadata(at).is_ok_and(|m| m.is_dir()) {
                    true => Ok(()),
                    false => Err(links::refusal(at)),
                };
            }
            Ok(_) => return Err(format!("{} exists and is not a folder", at.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match create_folder(at, rules) {
                Ok(()) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(fail(e)),
            },
            Err(e) => return Err(fail(e)),
        }
    }
    Err(format!("{} keeps changing", at.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn scratch(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("ir-folders-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn folders_below_are_made_private_and_links_among_them_refused() {
        let d = scratch("folders");
        let rules = FileRules::default();
        make_folders_below(&d, &d.join("a/b"), &rules).unwrap();
        for f in ["a", "a/b"] {
            let mode = fs::metadata(d.join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{f}");
        }
        let elsewhere = scratch("elsewhere");
        symlink(&elsewhere, d.join("a/link")).unwrap();
        let e = make_folders_below(&d, &d.join("a/link/c"), &rules).unwrap_err();
        assert!(e.contains("a/link is a symbolic link"), "{e}");
        assert!(!elsewhere.join("c").exists());
        let follow = FileRules {
            mode: None,
            follow_links: true,
        };
        make_folders_below(&d, &d.join("a/link/c"), &follow).unwrap();
        assert!(elsewhere.join("c").is_dir());
        fs::write(d.join("file"), "").unwrap();
        assert!(make_folders_below(&d, &d.join("file/x"), &rules)
            .unwrap_err()
            .contains("not a folder"));
        fs::remove_dir_all(&d).unwrap();
        fs::remove_dir_all(&elsewhere).unwrap();
    }
}
