//! The HTTP side: octocrab's raw requests over our own service stack, our own retry, and the cleaning of
//! everything the server says before it reaches a message.
//!
//! The stack is hyper-util's client with rustls on ring (no aws-lc-rs, so musl builds stay fully static),
//! octocrab's `BaseUriLayer` and `ExtraHeadersLayer`, and `AuthState::AccessToken` (which sends
//! `Authorization: Bearer <token>`, marked sensitive). It is built by hand rather than with
//! `Octocrab::builder()` because that one always adds `User-Agent: octocrab` and a retry layer.
//! Bearer on Gitea/Forgejo: their token parser accepts both `token` and `bearer` (both documented by Gitea and Forgejo for API tokens).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, USER_AGENT};
use http::{Method, StatusCode, Uri};
use http_body_util::{BodyExt, Limited};
use octocrab::service::middleware::base_uri::BaseUriLayer;
use octocrab::service::middleware::extra_headers::ExtraHeadersLayer;
use octocrab::{AuthState, Octocrab, OctocrabBuilder};

use super::sanitize::sanitize;
use super::{Kind, Settings};

use static_build_core::limits::MAX_FORGE_RESPONSE as MAX_RESPONSE;

/// Why a request did not succeed, in words that are safe to print.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    /// The server answered with a non-success status; `message` is sanitized.
    Status { status: u16, message: String },
    /// No answer: connection, TLS or timeout problem (sanitized).
    Transport(String),
    /// A success status with a body we could not use.
    Response(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Status { status, message } => write!(f, "HTTP {status}: {message}"),
            Failure::Transport(e) => write!(f, "no answer from the API: {e}"),
            Failure::Response(e) => write!(f, "unexpected answer from the API: {e}"),
        }
    }
}

/// A successful response.
pub(crate) struct Reply {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Result<serde_json::Value, Failure> {
        serde_json::from_slice(&self.body)
            .map_err(|e| Failure::Response(format!("the body is not JSON ({e})")))
    }
}

/// A client without octocrab's layers, for the one request that must carry no token: the download from
/// the storage host an artifact redirects to.
type PlainClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Empty<Bytes>,
>;

pub(crate) struct Client {
    crab: Octocrab,
    plain: PlainClient,
    pub kind: Kind,
    /// Path prefix of the API URL, e.g. "" (api.github.com), "/api/v3" (GHES), "/api/v1" (Gitea).
    base_path: String,
    /// Scheme and authority of the API URL; links elsewhere are not followed (the token would go along).
    origin: (String, String),
    token: String,
    settings: Settings,
}

impl Client {
    pub fn new(
        kind: Kind,
        api_url: &str,
        token: &str,
        settings: Settings,
    ) -> Result<Client, String> {
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "the token contains characters that cannot go into an HTTP header".to_string(),
            );
        }
        let base: Uri = api_url
            .trim_end_matches('/')
            .parse()
            .map_err(|_| format!("the API URL {:?} is not a URL", sanitize(api_url, token)))?;
        let (Some(scheme), Some(authority)) = (base.scheme_str(), base.authority()) else {
            return Err(format!(
                "the API URL {:?} needs a scheme and a host",
                sanitize(api_url, token)
            ));
        };
        if scheme != "https" && scheme != "http" {
            return Err(format!(
                "the API URL {:?} is neither http nor https",
                sanitize(api_url, token)
            ));
        }
        let origin = (scheme.to_string(), authority.as_str().to_ascii_lowercase());
        let base_path = base.path().trim_end_matches('/').to_string();

        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        http.enforce_http(false);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        // The system's roots (runner images have them; GHES may use a private CA), else the bundled ones
        // (minimal job containers may have no CA store at all).
        let tls = match hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider.clone())
        {
            Ok(builder) => builder,
            Err(_) => hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_webpki_roots(provider)
                .map_err(|e| format!("cannot set up TLS: {e}"))?,
        };
        let connector = tls.https_or_http().enable_http1().wrap_connector(http);
        let plain =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(connector.clone());
        let service =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(connector);

        let user_agent = concat!("static-build/", env!("CARGO_PKG_VERSION"));
        let mut headers: Vec<(HeaderName, HeaderValue)> =
            vec![(USER_AGENT, HeaderValue::from_static(user_agent))];
        match kind {
            Kind::GitHub => {
                // octocrab's build_request adds `X-GitHub-Api-Version: 2022-11-28` to every request itself.
                headers.push((
                    ACCEPT,
                    HeaderValue::from_static("application/vnd.github+json"),
                ));
            }
            Kind::Gitea | Kind::Forgejo => {
                headers.push((ACCEPT, HeaderValue::from_static("application/json")));
            }
        }
        let crab = OctocrabBuilder::new_empty()
            .with_service(service)
            .with_layer(&BaseUriLayer::new(base.clone()))
            .with_layer(&ExtraHeadersLayer::new(Arc::new(headers)))
            .with_auth(AuthState::AccessToken {
                token: token.to_string().into(),
            })
            .build();
        let crab = match crab {
            Ok(crab) => crab,
            Err(never) => match never {},
        };
        Ok(Client {
            crab,
            plain,
            kind,
            base_path,
            origin,
            token: token.to_string(),
            settings,
        })
    }

    /// The request path for an API route such as `/repos/o/r/statuses/sha`.
    pub fn path(&self, route: &str) -> String {
        format!("{}{route}", self.base_path)
    }

    /// A `Link: <…>; rel="next"` target on our own API origin, as a path and query; None to stop paging.
    pub fn next_link(&self, headers: &HeaderMap) -> Option<String> {
        for value in headers.get_all(http::header::LINK) {
            let Ok(value) = value.to_str() else { continue };
            for link in value.split(',') {
                let mut parts = link.split(';');
                let target = parts.next()?.trim();
                let is_next = parts.any(|p| {
                    let p = p.trim();
                    p == "rel=\"next\"" || p == "rel=next"
                });
                if !is_next {
                    continue;
                }
                let target = target.strip_prefix('<')?.strip_suffix('>')?;
                let uri: Uri = target.parse().ok()?;
                let same_origin = uri.scheme_str() == Some(self.origin.0.as_str())
                    && uri.authority().map(|a| a.as_str().to_ascii_lowercase())
                        == Some(self.origin.1.clone());
                let pq = uri.path_and_query()?.as_str();
                if !same_origin || !pq.starts_with(&self.base_path) {
                    return None;
                }
                return Some(pq.to_string());
            }
        }
        None
    }

    /// Send with retries; a success status gives the reply, anything else a sanitized failure.
    pub async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply, Failure> {
        self.send_with(method, path_and_query, body, MAX_RESPONSE, false)
            .await
            .map(|(_, headers, body)| Reply { headers, body })
    }

    /// GET a download: a success status gives the body (at most `limit` bytes), a redirect its target
    /// (absolute http(s), no user information), to be fetched with [`Client::fetch_plain`].
    pub async fn download(&self, path_and_query: &str, limit: usize) -> Result<Download, Failure> {
        let (status, headers, body) = self
            .send_with(Method::GET, path_and_query, None, limit, true)
            .await?;
        if status.is_success() {
            return Ok(Download::Body(body));
        }
        let location = headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                Failure::Response(format!("HTTP {} without a Location", status.as_u16()))
            })?;
        Ok(Download::Redirect(plain_target(location)?))
    }

    /// GET `uri` with nothing but a User-Agent (no Authorization: the token is for the API alone), following
    /// at most three further redirects the same way; the body is cut off at `limit` bytes. Messages name the
    /// host only, never the (signed) address.
    pub async fn fetch_plain(&self, uri: Uri, limit: usize) -> Result<Bytes, Failure> {
        let mut uri = uri;
        for _ in 0..4 {
            let host = uri.host().unwrap_or("?").to_string();
            let answer = self
                .retrying(
                    || self.plain_attempt(&uri, limit),
                    |result, attempt| {
                        let retry = match result {
                            Ok((status, _, _)) => status.is_server_error(),
                            Err((retryable, _)) => *retryable,
                        };
                        retry.then(|| self.backoff(attempt))
                    },
                )
                .await;
            let (status, headers, body) =
                answer.map_err(|(_, e)| Failure::Transport(format!("{host}: {e}")))?;
            if status.is_success() {
                return Ok(body);
            }
            if status.is_redirection() {
                let location = headers
                    .get(http::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        Failure::Response(format!(
                            "{host}: HTTP {} without a Location",
                            status.as_u16()
                        ))
                    })?;
                uri = plain_target(location)?;
                continue;
            }
            return Err(Failure::Status {
                status: status.as_u16(),
                message: format!("from {host}"),
            });
        }
        Err(Failure::Response("too many redirects".to_string()))
    }

    /// One plain GET; Err((retryable, message)).
    async fn plain_attempt(
        &self,
        uri: &Uri,
        limit: usize,
    ) -> Result<(StatusCode, HeaderMap, Bytes), (bool, String)> {
        let exchange = async {
            let request = http::Request::get(uri.clone())
                .header(
                    USER_AGENT,
                    concat!("static-build/", env!("CARGO_PKG_VERSION")),
                )
                .body(http_body_util::Empty::<Bytes>::new())
                .map_err(|e| (false, sanitize(&e.to_string(), &self.token)))?;
            let response = self
                .plain
                .request(request)
                .await
                .map_err(|e| (true, self.error_chain(&e)))?;
            let (parts, body) = response.into_parts();
            let bytes =
                read_limited(parts.status, &parts.headers, body, limit, &self.token).await?;
            Ok((parts.status, parts.headers, bytes))
        };
        match tokio::time::timeout(self.settings.download_timeout(), exchange).await {
            Ok(result) => result,
            Err(_) => Err((
                true,
                format!(
                    "no complete answer within {} s",
                    self.settings.download_timeout().as_secs()
                ),
            )),
        }
    }

    /// Send with retries. A success status (and, for a `download`, a 3xx) is the answer; anything else a
    /// sanitized failure. A body over `limit` bytes is a failure that is not retried. Downloads get the
    /// longer download timeout.
    async fn send_with(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&serde_json::Value>,
        limit: usize,
        download: bool,
    ) -> Result<(StatusCode, HeaderMap, Bytes), Failure> {
        let answer =
            |status: StatusCode| status.is_success() || (download && status.is_redirection());
        let result = self
            .retrying(
                || self.attempt(&method, path_and_query, body, limit, download),
                |result, attempt| match result {
                    Ok((status, _, _)) if answer(*status) => None,
                    Ok((status, headers, _)) => self.retry_wait(*status, headers, attempt),
                    Err((true, _)) => Some(self.backoff(attempt)),
                    Err((false, _)) => None,
                },
            )
            .await;
        match result {
            Ok((status, headers, body)) if answer(status) => Ok((status, headers, body)),
            Ok((status, _, body)) => Err(Failure::Status {
                status: status.as_u16(),
                message: self.error_message(status, &body),
            }),
            Err((_, e)) => Err(Failure::Transport(e)),
        }
    }

    /// Run `once` until `wait` (given the result and the attempt number, from 1) says not to retry or the
    /// attempts are used up, sleeping the wait it gives in between; the last result is the answer.
    async fn retrying<T, Fut>(
        &self,
        mut once: impl FnMut() -> Fut,
        wait: impl Fn(&T, u32) -> Option<Duration>,
    ) -> T
    where
        Fut: std::future::Future<Output = T>,
    {
        let mut attempt = 1;
        loop {
            let result = once().await;
            match wait(&result, attempt) {
                Some(pause) if attempt < self.settings.max_attempts => {
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                _ => return result,
            }
        }
    }

    /// One request, bounded by the per-request timeout; Err((retryable, message)) is a transport problem
    /// or a body over `limit` (already sanitized).
    async fn attempt(
        &self,
        method: &Method,
        path_and_query: &str,
        body: Option<&serde_json::Value>,
        limit: usize,
        download: bool,
    ) -> Result<(StatusCode, HeaderMap, Bytes), (bool, String)> {
        let exchange = async {
            let uri = path_and_query;
            let response = match *method {
                Method::GET => self.crab._get(uri).await,
                Method::POST => self.crab._post(uri, body).await,
                Method::PATCH => self.crab._patch(uri, body).await,
                _ => return Err((false, "unsupported method".to_string())),
            }
            .map_err(|e| (true, self.error_chain(&e)))?;
            let (parts, body) = response.into_parts();
            let bytes =
                read_limited(parts.status, &parts.headers, body, limit, &self.token).await?;
            Ok((parts.status, parts.headers, bytes))
        };
        let timeout = if download {
            self.settings.download_timeout()
        } else {
            self.settings.timeout
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err((
                true,
                format!("no complete answer within {} s", timeout.as_secs()),
            )),
        }
    }

    /// 5xx, 429, and 403 from a rate limit are retried; the wait honours `retry-after` and
    /// `x-ratelimit-reset` (capped), else it is the exponential backoff.
    fn retry_wait(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        attempt: u32,
    ) -> Option<Duration> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let retry_after = header("retry-after").and_then(|v| v.parse::<u64>().ok());
        let exhausted = header("x-ratelimit-remaining") == Some("0");
        let retryable = status.is_server_error()
            || status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::FORBIDDEN && (exhausted || header("retry-after").is_some()));
        if !retryable {
            return None;
        }
        if let Some(seconds) = retry_after {
            return Some(Duration::from_secs(seconds).min(self.settings.max_wait));
        }
        if exhausted {
            if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok()) {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                return Some(
                    Duration::from_secs(reset.saturating_sub(now)).min(self.settings.max_wait),
                );
            }
        }
        Some(self.backoff(attempt))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.settings
            .retry_base
            .saturating_mul(factor)
            .min(self.settings.max_wait)
    }

    /// The server's `message` (GitHub and Gitea both use that field), else the start of the body.
    fn error_message(&self, status: StatusCode, body: &[u8]) -> String {
        let from_json = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            });
        let text = match from_json {
            Some(message) if !message.trim().is_empty() => message,
            _ => String::from_utf8_lossy(body).into_owned(),
        };
        let text = sanitize(&text, &self.token);
        if text.is_empty() {
            status
                .canonical_reason()
                .unwrap_or("no message")
                .to_string()
        } else {
            text
        }
    }

    /// An error and its sources on one line, sanitized.
    fn error_chain(&self, e: &(dyn std::error::Error + 'static)) -> String {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        sanitize(&text, &self.token)
    }
}

/// What a download request gave.
pub(crate) enum Download {
    Body(Bytes),
    Redirect(Uri),
}

/// A redirect target we are willing to fetch without the token: absolute http(s), a host, no user
/// information.
fn plain_target(location: &str) -> Result<Uri, Failure> {
    let refuse = |why: &str| Failure::Response(format!("a redirect {why}"));
    let uri: Uri = location
        .trim()
        .parse()
        .map_err(|_| refuse("to something that is not a URL"))?;
    match uri.scheme_str() {
        Some("https") | Some("http") => {}
        _ => return Err(refuse("that is not to an absolute http(s) address")),
    }
    let Some(authority) = uri.authority() else {
        return Err(refuse("without a host"));
    };
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return Err(refuse("with user information"));
    }
    Ok(uri)
}

/// A response body, at most `limit` bytes: a larger Content-Length is refused before reading, a longer
/// body when it gets there. Err((retryable, message)).
async fn read_limited<B>(
    status: StatusCode,
    headers: &HeaderMap,
    body: B,
    limit: usize,
    token: &str,
) -> Result<Bytes, (bool, String)>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let too_big = || {
        (
            false,
            format!(
                "the answer (HTTP {}) is larger than {} MiB",
                status.as_u16(),
                limit >> 20
            ),
        )
    };
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_big());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_big())
        }
        Err(e) => Err((true, sanitize(&format!("reading the response: {e}"), token))),
    }
}
