//! One ListFindings request with raw JSON both ways, around the SDK: the SDK signs, sends,
//! retries and classifies errors, while the bytes are the service's own.
//!
//! - **Request.** The body is this module's JSON (`filterCriteria`, `maxResults`,
//!   `nextToken`), put in place before the retry loop, so every attempt sends and signs
//!   it. The filter document goes out as the user wrote it (in wire form, see
//!   [`super::criteria`]), never through the SDK's typed `FilterCriteria`.
//! - **Response.** A successful response's body is read whole and kept as it came, for
//!   the pipeline: unknown members and number text stay exactly as in a saved page. The
//!   SDK is handed `{"nextToken":...}` in its place, so it does not decode 100 findings
//!   that would be dropped. Error responses are left to the SDK, which decides on retries.

use aws_sdk_inspector2::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_inspector2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_inspector2::error::BoxError;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body::{Body, Frame};
use serde_json::{Map, Value};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Findings per page: the API's largest `maxResults`.
pub const PAGE_FINDINGS: i32 = 100;

/// The first response buffer is sized by `Content-Length`, up to this; a larger page
/// grows the buffer as it arrives.
const PRESIZE_LIMIT: usize = 16 << 20;

/// The interceptor of one ListFindings call (one page, however many attempts).
#[derive(Debug)]
pub struct PageCapture {
    request: Bytes,
    page: Arc<Mutex<Option<Bytes>>>,
}

/// Where a [`PageCapture`] leaves the page it read.
#[derive(Clone, Debug, Default)]
pub struct PageSlot(Arc<Mutex<Option<Bytes>>>);

impl PageSlot {
    /// The page's bytes, once the call has succeeded.
    pub fn take(&self) -> Option<Bytes> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

impl PageCapture {
    /// The call for the page after `next_token` (the first page without one) of the
    /// query `criteria`; the page lands in the returned slot.
    pub fn new(criteria: &Map<String, Value>, next_token: Option<&str>) -> (PageCapture, PageSlot) {
        let mut body = Map::new();
        body.insert("filterCriteria".into(), Value::Object(criteria.clone()));
        body.insert("maxResults".into(), PAGE_FINDINGS.into());
        if let Some(t) = next_token {
            body.insert("nextToken".into(), t.into());
        }
        let slot = PageSlot::default();
        let capture = PageCapture {
            request: Bytes::from(Value::Object(body).to_string()),
            page: Arc::clone(&slot.0),
        };
        (capture, slot)
    }
}

impl Intercept for PageCapture {
    fn name(&self) -> &'static str {
        "inspector-report-page-capture"
    }

    fn modify_before_retry_loop(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        *request.body_mut() = SdkBody::from(self.request.clone());
        request
            .headers_mut()
            .insert("content-length", self.request.len().to_string());
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        if !response.status().is_success() {
            return Ok(());
        }
        let size = response
            .headers()
            .get("content-length")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let inner = std::mem::replace(response.body_mut(), SdkBody::taken());
        *response.body_mut() = SdkBody::from_body_1_x(PageBody {
            inner,
            buf: Vec::with_capacity(size.min(PRESIZE_LIMIT)),
            page: Arc::clone(&self.page),
            done: false,
        });
        // The SDK now reads the short body that replaces the page.
        response.headers_mut().remove("content-length");
        Ok(())
    }
}

/// A response body that reads the page whole, keeps it, and yields `{"nextToken":...}`.
struct PageBody {
    inner: SdkBody,
    buf: Vec<u8>,
    page: Arc<Mutex<Option<Bytes>>>,
    done: bool,
}

impl Body for PageBody {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        loop {
            match std::task::ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        this.buf.extend_from_slice(data);
                    }
                }
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => {
                    this.done = true;
                    let page = Bytes::from(std::mem::take(&mut this.buf));
                    let token = next_token(&page);
                    *this.page.lock().unwrap_or_else(|p| p.into_inner()) = Some(page);
                    let short = match token {
                        Some(t) => serde_json::json!({ "nextToken": t }).to_string(),
                        None => "{}".to_string(),
                    };
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from(short)))));
                }
            }
        }
    }
}

/// The page's top-level `nextToken` string, found in one pass that follows strings and
/// nesting only (no recursion, whatever the findings hold). `None` when there is none,
/// it is not a string, or the page is not well-formed JSON; the pipeline reports a page
/// that is not, so pagination stopping there loses nothing silently.
pub fn next_token(page: &[u8]) -> Option<String> {
    let mut depth = 0usize;
    let mut i = 0;
    // Whether the string that ends next is an object key at depth 1.
    let mut expect_key = false;
    while i < page.len() {
        match page[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < page.len() && page[i] != b'"' {
                    i += if page[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(page.len());
                if depth == 1 && expect_key {
                    expect_key = false;
                    if &page[start..end] == b"\"nextToken\"" {
                        return token_value(&page[end..]);
                    }
                }
            }
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => expect_key = depth == 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The string after a key: `: "..."`.
fn token_value(rest: &[u8]) -> Option<String> {
    let rest = rest
        .trim_ascii_start()
        .strip_prefix(b":")?
        .trim_ascii_start();
    serde_json::Deserializer::from_slice(rest)
        .into_iter::<String>()
        .next()?
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_the_top_level_one() {
        let page = br#"{"findings":[{"nextToken":"inner","title":"a \"nextToken\", x"}],
            "nextToken" : "abc\u0041\/=="}"#;
        assert_eq!(next_token(page).as_deref(), Some("abcA/=="));
        assert_eq!(
            next_token(br#"{"nextToken":"t","findings":[]}"#).as_deref(),
            Some("t")
        );
        assert_eq!(next_token(br#"{"findings":[{"nextToken":"inner"}]}"#), None);
        assert_eq!(next_token(br#"{"findings":[],"nextToken":null}"#), None);
        assert_eq!(
            next_token(br#"{"findings":[],"x":{"nextToken":"deep"}}"#),
            None
        );
        assert_eq!(next_token(br#"{"a":"nextToken","b":"nextToken"}"#), None);
        assert_eq!(
            next_token(b"{\"findings\":[\"\\\\\"],\"nextToken\":\"t\"}").as_deref(),
            Some("t")
        );
        assert_eq!(next_token(b""), None);
        assert_eq!(next_token(br#"{"nextToken":"unterminated"#), None);
    }

    #[test]
    fn the_request_body_carries_the_criteria_and_the_token() {
        let mut criteria = Map::new();
        criteria.insert(
            "severity".into(),
            serde_json::json!([{"comparison":"EQUALS","value":"HIGH"}]),
        );
        let (c, _) = PageCapture::new(&criteria, None);
        assert_eq!(
            c.request,
            r#"{"filterCriteria":{"severity":[{"comparison":"EQUALS","value":"HIGH"}]},"maxResults":100}"#
        );
        let (c, _) = PageCapture::new(&Map::new(), Some("t=="));
        assert_eq!(
            c.request,
            r#"{"filterCriteria":{},"maxResults":100,"nextToken":"t=="}"#
        );
    }
}
