//! `-o s3://...`: the report streamed into a multipart upload with SSE-KMS, as Inspector
//! delivers reports, with a status document on stdout.
//!
//! Nothing is left behind by a run that does not succeed: the upload is created before
//! any input is read (so a wrong bucket, region, permission or key fails at once), and
//! any failure, an empty report, SIGINT or SIGTERM aborts it.
//!
//! [`options`] checks the command line, [`destination`] names the object, [`sink`] runs
//! the upload ([`upload`], in parts sized by [`part_size`]) and [`status`] tells how it
//! ended.

pub mod destination;
pub mod options;
pub mod part_size;
pub mod sink;
pub mod status;
pub mod upload;

pub use options::{refuse_without_s3, S3Options};
pub use sink::{cancel, S3Sink};
