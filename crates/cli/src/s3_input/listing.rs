//! Which keys under a prefix are files of the prefix (spec 1.3): the same `.`-name rule as
//! a directory, applied to the segments below the prefix, and the path each one keeps
//! below it (batch mode names its report after that path).

/// The part of `key` below the folder of `prefix` (the prefix up to and including its last
/// `/`): `None` when the key is a folder marker (it ends in `/`) or a segment of that part
/// starts with `.`, as a directory's dot names are passed over.
///
/// The folder, not the prefix itself, is cut off, so that `s3://b/logs/app` (a prefix
/// that ends inside a name) still sees `logs/app.json` whole: its segment `app.json`,
/// not `.json`.
pub fn below_prefix<'k>(prefix: &str, key: &'k str) -> Option<&'k str> {
    let folder = prefix.rfind('/').map_or(0, |i| i + 1);
    let below = key.get(folder..)?;
    if below.is_empty() || below.ends_with('/') {
        return None;
    }
    if below.split('/').any(|segment| segment.starts_with('.')) {
        return None;
    }
    Some(below)
}

/// The last segment of `key`: the name a named object's report takes in batch mode.
pub fn last_segment(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_below_a_prefix() {
        let cases = [
            ("", "2026/11/28/firehose-1", Some("2026/11/28/firehose-1")),
            ("2026/", "2026/11/28/f", Some("11/28/f")),
            ("2026/11", "2026/11/28/f", Some("11/28/f")),
            ("logs/app", "logs/app.json", Some("app.json")),
            ("a/", "a/.hidden.json", None),
            ("a/", "a/.git/config", None),
            ("a/", "a/b/.c/d.json", None),
            ("a/", "a/b/", None),
            ("a/", "a/", None),
            // A dot in the prefix's own folders is the user's choice, not a dot name below.
            (".archive/", ".archive/x.json", Some("x.json")),
            ("a/", "a/x.y/z", Some("x.y/z")),
        ];
        for (prefix, key, want) in cases {
            assert_eq!(below_prefix(prefix, key), want, "{prefix} {key}");
        }
        assert_eq!(last_segment("a/b/c.json"), "c.json");
        assert_eq!(last_segment("c"), "c");
    }
}
