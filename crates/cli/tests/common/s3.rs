//! A real S3 endpoint for the S3 tests: moto's server, started by `scripts/test.sh`,
//! which exports its URL as `INSPECTOR_REPORT_TEST_S3_ENDPOINT`.
//!
//! The checks talk to it over plain HTTP/1.1 written here (moto does not verify
//! signatures), so the code under test is not also the oracle. [`Intercept`] is an HTTP
//! server that sits in front of moto (or stands alone) to log requests and answer some
//! of them itself: a 500 to one UploadPart, or the error responses S3 sends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub const ENDPOINT_ENV: &str = "INSPECTOR_REPORT_TEST_S3_ENDPOINT";

/// moto's URL (`http://127.0.0.1:PORT`).
pub fn endpoint() -> String {
    std::env::var(ENDPOINT_ENV).unwrap_or_else(|_| {
        panic!(
            "{ENDPOINT_ENV} is not set: the S3 tests need moto's server; run them with \
             scripts/test.sh, which installs and starts it"
        )
    })
}

fn addr_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("endpoint is http://IP:PORT")
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request to `url`'s host, connection closed after it.
pub fn http(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut s = TcpStream::connect(addr_of(url)).expect("connect to the S3 endpoint");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        addr_of(url),
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse_response(&raw, method == "HEAD")
}

fn parse_response(raw: &[u8], head: bool) -> Response {
    let end = find(raw, b"\r\n\r\n").expect("a complete response head") + 4;
    let head_text = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head_text.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if head {
        body.clear();
    } else if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = find(b, b"\r\n").expect("chunk size line");
        let size = usize::from_str_radix(
            std::str::from_utf8(&b[..eol])
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap();
        b = &b[eol + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size + 2..];
    }
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// A KMS key created through moto's KMS API; its ARN.
pub fn kms_key() -> String {
    let r = http(
        &endpoint(),
        "POST",
        "/",
        &[
            ("X-Amz-Target", "TrentService.CreateKey"),
            ("Content-Type", "application/x-amz-json-1.1"),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0",
            ),
        ],
        b"{\"Description\":\"inspector-report tests\"}",
    );
    assert_eq!(r.status, 200, "CreateKey: {}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    v["KeyMetadata"]["Arn"].as_str().unwrap().to_string()
}

/// A fresh bucket, so tests running at once do not see each other's objects.
pub struct Bucket {
    pub name: String,
}

static BUCKETS: AtomicU64 = AtomicU64::new(0);

impl Bucket {
    pub fn new(tag: &str) -> Bucket {
        let name = format!(
            "ir-{tag}-{}-{}",
            std::process::id(),
            BUCKETS.fetch_add(1, Ordering::Relaxed)
        );
        let r = http(&endpoint(), "PUT", &format!("/{name}"), &[], b"");
        assert_eq!(r.status, 200, "CreateBucket: {}", r.text());
        Bucket { name }
    }

    /// A request without a body to `/BUCKET{rest}` on moto.
    fn request(&self, method: &str, rest: &str) -> Response {
        http(
            &endpoint(),
            method,
            &format!("/{}{rest}", self.name),
            &[],
            b"",
        )
    }

    /// The text of each `<tag>` in the answer to `GET /BUCKET{query}`.
    fn list(&self, query: &str, tag: &str) -> Vec<String> {
        let r = self.request("GET", query);
        assert_eq!(r.status, 200, "GET {query}: {}", r.text());
        tags(&r.text(), tag)
    }

    /// Every object key.
    pub fn keys(&self) -> Vec<String> {
        self.list("?list-type=2", "Key")
    }

    /// Upload ids of multipart uploads in progress.
    pub fn uploads(&self) -> Vec<String> {
        self.list("?uploads", "UploadId")
    }

    /// Part numbers uploaded so far to an upload (none once it is aborted).
    pub fn parts(&self, key: &str, upload_id: &str) -> Vec<String> {
        let r = self.request("GET", &format!("/{key}?uploadId={upload_id}"));
        tags(&r.text(), "PartNumber")
    }

    pub fn get(&self, key: &str) -> Response {
        self.request("GET", &format!("/{key}"))
    }

    pub fn head(&self, key: &str) -> Response {
        self.request("HEAD", &format!("/{key}"))
    }
}

/// The text of every `<name>...</name>` element.
pub fn tags(xml: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    xml.split(&open)
        .skip(1)
        .filter_map(|s| s.split_once(&close).map(|(v, _)| v.to_string()))
        .collect()
}

/// One KMS key for every test of a test binary.
pub fn kms() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(kms_key)
}

/// The binary set up to reach `endpoint`, with the options every S3 run of the tests
/// shares: quiet, the tests' report time and KMS key.
pub fn s3_bin(endpoint: &str) -> Command {
    let mut c = bin_for(endpoint);
    c.args(["--as-of", super::AS_OF, "-q", "--kms-key-arn", kms()]);
    c
}

/// An S3 run through `endpoint`, as [`s3_bin`] sets it up.
pub fn run_s3(endpoint: &str, args: &[&str]) -> std::process::Output {
    s3_bin(endpoint)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// The one status document an S3 run prints on stdout.
pub fn status(o: &std::process::Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&o.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "stdout is one status document ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The binary, set up to reach `endpoint` with test credentials and nothing from the
/// developer's own AWS configuration.
pub fn bin_for(endpoint: &str) -> Command {
    let mut c = bin_with_test_credentials();
    c.arg("--endpoint-url").arg(endpoint);
    c
}

/// The binary with test credentials and nothing from the developer's own AWS
/// configuration, sending requests where AWS would.
pub fn bin_with_test_credentials() -> Command {
    let mut c = super::bin();
    for v in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_DEFAULT_REGION",
    ] {
        c.env_remove(v);
    }
    c.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // moto is started with S3_UPLOAD_PART_MIN_SIZE lowered, so many-part tests stay small.
        .env("INSPECTOR_REPORT_MIN_PART_SIZE", "1024");
    c
}

/// The largest request body a [`Seen`] keeps, so a log of uploaded parts stays small.
pub const KEPT_BODY_BYTES: usize = 1 << 20;

/// A request as [`Intercept`] saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body_len: usize,
    /// The request body, when it is at most [`KEPT_BODY_BYTES`] (API calls; not parts).
    pub body: Vec<u8>,
    /// The answer it got: the hook's status, or moto's.
    pub status: u16,
}

impl Seen {
    pub fn is_upload_part(&self) -> bool {
        self.method == "PUT" && self.target.contains("partNumber=")
    }
}

/// What a hook does with a request.
pub enum Answer {
    /// Send it on to moto.
    Forward,
    /// Send it on, and drop these headers from the answer.
    ForwardWithout(&'static [&'static str]),
    /// Answer with this status, content type and body.
    Reply(u16, &'static str, String),
}

type Hook = dyn Fn(&Seen) -> Answer + Send + Sync;

/// An HTTP server in front of moto (or alone, when every request is answered by the
/// hook): one request per connection, every request logged.
pub struct Intercept {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Intercept {
    pub fn start(
        upstream: Option<String>,
        hook: impl Fn(&Seen) -> Answer + Send + Sync + 'static,
    ) -> Intercept {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let hook: Arc<Hook> = Arc::new(hook);
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(conn) = conn else { continue };
                let (hook, log, upstream) = (Arc::clone(&hook), Arc::clone(&log), upstream.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, upstream.as_deref(), &*hook, &log);
                });
            }
        });
        Intercept { url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(
    conn: TcpStream,
    upstream: Option<&str>,
    hook: &Hook,
    log: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    let mut rd = BufReader::new(conn.try_clone()?);
    let mut conn = conn;
    // Keep-alive: serve requests until the client closes.
    loop {
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            if rd.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let done = line == "\r\n";
            head.push(line);
            if done {
                break;
            }
        }
        let first: Vec<&str> = head[0].trim_end().splitn(3, ' ').collect();
        let headers: Vec<(String, String)> = head[1..]
            .iter()
            .filter_map(|l| l.trim_end().split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let get = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
        };
        assert!(
            get("transfer-encoding").is_none(),
            "the test server reads Content-Length bodies only; got {headers:?}"
        );
        let len: usize = get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        rd.read_exact(&mut body)?;
        let mut seen = Seen {
            method: first[0].to_string(),
            target: first.get(1).unwrap_or(&"").to_string(),
            headers: headers.clone(),
            body_len: len,
            body: if len <= KEPT_BODY_BYTES {
                body.clone()
            } else {
                Vec::new()
            },
            status: 0,
        };
        let answer = hook(&seen);
        let (answer, drop_headers): (Answer, &[&str]) = match answer {
            Answer::ForwardWithout(h) => (Answer::Forward, h),
            a => (a, &[]),
        };
        let response = match (answer, upstream) {
            (Answer::Reply(status, ctype, text), _) => {
                seen.status = status;
                format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nx-amz-request-id: TEST\r\n\r\n{text}",
                    text.len()
                )
                .into_bytes()
            }
            (Answer::Forward, Some(up)) => {
                let mut u = TcpStream::connect(addr_of(up))?;
                let mut req = format!("{} {} HTTP/1.1\r\n", seen.method, seen.target);
                for (k, v) in &headers {
                    if !k.eq_ignore_ascii_case("connection") {
                        req.push_str(&format!("{k}: {v}\r\n"));
                    }
                }
                req.push_str("Connection: close\r\n\r\n");
                u.write_all(req.as_bytes())?;
                u.write_all(&body)?;
                let mut raw = Vec::new();
                u.read_to_end(&mut raw)?;
                let r = parse_response(&raw, seen.method == "HEAD");
                seen.status = r.status;
                let mut out = format!("HTTP/1.1 {} X\r\n", r.status);
                for (k, v) in &r.headers {
                    let k_l = k.to_ascii_lowercase();
                    let dropped = drop_headers.iter().any(|d| d.eq_ignore_ascii_case(k));
                    if !dropped
                        && k_l != "connection"
                        && k_l != "transfer-encoding"
                        && k_l != "content-length"
                    {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                }
                let n = if seen.method == "HEAD" {
                    r.header("content-length").unwrap_or("0").to_string()
                } else {
                    r.body.len().to_string()
                };
                out.push_str(&format!("Content-Length: {n}\r\n\r\n"));
                let mut out = out.into_bytes();
                out.extend_from_slice(&r.body);
                out
            }
            (Answer::ForwardWithout(_), _) => unreachable!(),
            (Answer::Forward, None) => {
                seen.status = 501;
                b"HTTP/1.1 501 X\r\nContent-Length: 0\r\n\r\n".to_vec()
            }
        };
        log.lock().unwrap().push(seen);
        conn.write_all(&response)?;
        if get("connection").is_some_and(|v| v.eq_ignore_ascii_case("close")) {
            return Ok(());
        }
    }
}

/// An S3 error document.
pub fn s3_error(code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>TEST</RequestId><HostId>TEST</HostId></Error>"
    )
}
