//! `-o`: where the report goes, as written. Whether an S3 target is usable (its key, the
//! KMS key, the upload options) is for [`crate::s3::options`] to decide.

use crate::error::CliError;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where the report goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `-`: standard output.
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
    /// `s3://BUCKET/PATH`, as written; [`S3Url`] reads it.
    S3(String),
}

impl FromStr for Target {
    type Err = CliError;

    fn from_str(s: &str) -> Result<Target, CliError> {
        match s {
            "-" => Ok(Target::Stdout),
            "" => Err(CliError::usage("--output needs a path or `-`")),
            s if s.starts_with("s3://") => Ok(Target::S3(s.to_string())),
            s => Ok(Target::File(PathBuf::from(s))),
        }
    }
}

/// `s3://BUCKET/PATH`: a bucket whose name S3 would accept, and a path that is an object
/// key or a key prefix (possibly empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Url {
    /// The URL as written, for messages.
    pub written: String,
    /// The bucket.
    pub bucket: String,
    /// Everything after the bucket's slash.
    pub path: String,
}

impl FromStr for S3Url {
    type Err = CliError;

    fn from_str(url: &str) -> Result<S3Url, CliError> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| {
            CliError::usage(format!(
                "{url}: an S3 destination is written s3://BUCKET/PREFIX"
            ))
        })?;
        let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
        check_bucket(bucket)
            .map_err(|why| CliError::usage(format!("{url}: bucket name {bucket:?} {why}")))?;
        Ok(S3Url {
            written: url.to_string(),
            bucket: bucket.to_string(),
            path: path.to_string(),
        })
    }
}

/// The URL as written.
impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

/// S3's bucket naming rules (the ones a typo breaks), so a bad name is a usage error
/// rather than a confusing answer from the service.
fn check_bucket(b: &str) -> Result<(), &'static str> {
    if b.is_empty() {
        return Err("is empty; write s3://BUCKET/PREFIX");
    }
    if !(3..=63).contains(&b.len()) {
        return Err("must be 3 to 63 characters long");
    }
    if !b
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
    {
        return Err("may hold only lowercase letters, digits, dots and hyphens");
    }
    let ends = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !ends(b.as_bytes()[0]) || !ends(b.as_bytes()[b.len() - 1]) {
        return Err("must begin and end with a letter or digit");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!("-".parse::<Target>().unwrap(), Target::Stdout);
        assert_eq!(
            "r.csv".parse::<Target>().unwrap(),
            Target::File("r.csv".into())
        );
        assert_eq!(
            "s3://b/p/".parse::<Target>().unwrap(),
            Target::S3("s3://b/p/".into())
        );
        assert_eq!(
            "".parse::<Target>().unwrap_err().exit,
            crate::error::Exit::Usage
        );
    }

    #[test]
    fn bucket_names() {
        for bad in [
            "s3://",
            "s3:///x",
            "s3://My_Bucket/x",
            "s3://ab",
            "s3://-ab/x",
        ] {
            assert!(bad.parse::<S3Url>().is_err(), "{bad}");
        }
        let u: S3Url = "s3://my.bucket-1/x/y".parse().unwrap();
        assert_eq!((u.bucket.as_str(), u.path.as_str()), ("my.bucket-1", "x/y"));
        let u: S3Url = "s3://bkt".parse().unwrap();
        assert_eq!(u.path, "");
    }
}
