//! Outbound HTTP, the one way out of the sandbox: an app's allow list
//! (`allowed_outbound_hosts`), the checks a page's request passes before
//! anything is sent, and the client that sends it.
//!
//! The host alone decides where a request goes. The URL is parsed once, with
//! the same parser the client uses, and the parsed URL is what is checked and
//! what is sent, so no second reading can disagree with the check. A URL
//! without a host is refused rather than completed from anything else (no
//! "current host", no incoming `Host` header); user names in URLs are refused
//! (`allowed@evil` names `evil`); the page may not set `Host` or the headers
//! proxies route by; and every redirect is checked like the first request.

use crate::runtime::limits::{human_bytes, human_duration, Limits};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Redirects one request may follow (within one origin).
pub const MAX_REDIRECTS: usize = 10;

/// The longest URL the HTTP stack can carry.
const MAX_URL_BYTES: usize = u16::MAX as usize - 1;

/// Headers a page may not set: the host sets them from the checked URL and
/// the body, or they would steer the request past the check (routing
/// headers that proxies and virtual hosts obey).
const HOST_SET_HEADERS: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-real-ip",
    "x-original-url",
    "x-rewrite-url",
];

/// Which hosts an entry of the allow list matches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostRule {
    /// `*`: any host.
    Any,
    /// One host name or IP address, as the URL parser writes it.
    Exact(String),
    /// `*.example.com`: every subdomain of `example.com`, not itself.
    Subdomains(String),
}

/// Which ports an entry matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortRule {
    Any,
    Exact(u16),
}

/// One entry: `scheme://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    scheme: &'static str,
    host: HostRule,
    port: PortRule,
}

/// The hosts an app may reach: entries `scheme://host[:port]`, where the
/// scheme is `http` or `https`, the host is a name, an IP address, `*.name`
/// (its subdomains) or `*` (any), and the port is a number or `*` (the
/// scheme's default port if left out).
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    rules: Vec<Rule>,
    /// The entries as written, for messages.
    written: Vec<String>,
}

impl AllowList {
    /// Parses the entries; an error names the entry and what is wrong.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> anyhow::Result<AllowList> {
        let mut list = AllowList::default();
        for entry in entries {
            let entry = entry.as_ref();
            let rule = parse_rule(entry)
                .map_err(|e| anyhow::anyhow!("allowed outbound host `{entry}`: {e}"))?;
            list.rules.push(rule);
            list.written.push(entry.trim().to_owned());
        }
        Ok(list)
    }

    /// Whether nothing is allowed.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether `url` (already parsed) may be reached: its scheme, host and
    /// port match an entry. User names and passwords are checked elsewhere.
    pub fn permits(&self, url: &Url) -> bool {
        let Some(host) = url.host() else {
            return false;
        };
        let Some(port) = url.port_or_known_default() else {
            return false;
        };
        let (name, is_domain) = match &host {
            url::Host::Domain(d) => (without_root_dot(d), true),
            _ => (url.host_str().unwrap_or(""), false),
        };
        self.rules.iter().any(|rule| {
            rule.scheme == url.scheme()
                && match rule.port {
                    PortRule::Any => true,
                    PortRule::Exact(p) => p == port,
                }
                && match &rule.host {
                    HostRule::Any => true,
                    HostRule::Exact(h) => h == name,
                    HostRule::Subdomains(parent) => {
                        is_domain
                            && name.len() > parent.len() + 1
                            && name.ends_with(parent.as_str())
                            && name.as_bytes()[name.len() - parent.len() - 1] == b'.'
                    }
                }
        })
    }

    /// The entries as written, comma-separated.
    pub fn describe(&self) -> String {
        self.written.join(", ")
    }
}

/// `example.com.` and `example.com` are one host.
fn without_root_dot(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

fn parse_rule(entry: &str) -> Result<Rule, String> {
    let entry = entry.trim();
    let (scheme, rest) = entry
        .split_once("://")
        .ok_or("give the scheme: `https://host` or `http://host:port`")?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => "http",
        "https" => "https",
        other => return Err(format!("the scheme must be http or https, not `{other}`")),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#', '@', '\\']) {
        return Err("give only scheme, host and port (no path, query or user name)".into());
    }
    let (host, port) = split_port(rest)?;
    let default_port = if scheme == "https" { 443 } else { 80 };
    let port = match port {
        None => PortRule::Exact(default_port),
        Some("*") => PortRule::Any,
        Some(p) => PortRule::Exact(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("`{p}` is not a port (1 to 65535, or `*`)"))?,
        ),
    };
    let host = if host == "*" {
        HostRule::Any
    } else if let Some(parent) = host.strip_prefix("*.") {
        match normalize_host(scheme, parent)? {
            (name, true) => HostRule::Subdomains(name),
            (_, false) => return Err("`*.` goes before a domain name, not an IP address".into()),
        }
    } else {
        HostRule::Exact(normalize_host(scheme, host)?.0)
    };
    Ok(Rule { scheme, host, port })
}

/// Splits `host[:port]`, minding IPv6 brackets.
fn split_port(rest: &str) -> Result<(&str, Option<&str>), String> {
    if rest.starts_with('[') {
        let end = rest
            .find(']')
            .ok_or("an IPv6 address needs its closing `]`")?;
        let (host, after) = rest.split_at(end + 1);
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(format!("unexpected `{after}` after the address")),
            },
        };
    }
    Ok(match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    })
}

/// The host as the URL parser writes it (lower case, punycode, canonical
/// IP addresses), and whether it is a domain name.
fn normalize_host(scheme: &str, host: &str) -> Result<(String, bool), String> {
    if host.is_empty() || host.contains('*') {
        return Err(
            "`*` may stand only for the whole host or its first labels (`*.example.com`)".into(),
        );
    }
    if !host.starts_with('[') && host.contains(':') {
        return Err("give one host and at most one port".into());
    }
    let url = Url::parse(&format!("{scheme}://{host}/")).map_err(|e| format!("{e}"))?;
    if url.port().is_some() {
        return Err("give one host and at most one port".into());
    }
    match url.host() {
        Some(url::Host::Domain(d)) => Ok((without_root_dot(d).to_owned(), true)),
        Some(_) => Ok((url.host_str().unwrap_or_default().to_owned(), false)),
        None => Err("no host".into()),
    }
}

/// Why a request was not sent or did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The request is malformed or asks for what pages may not do.
    Invalid(String),
    /// The target is not on the allow list (or nothing is granted).
    Denied(String),
    /// A limit was reached; the text names the setting.
    Limit(String),
    /// The network, TLS or the other side failed.
    Failed(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Invalid(m) | Refusal::Denied(m) | Refusal::Limit(m) | Refusal::Failed(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for Refusal {}

/// A page's request, as it came over the contract.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What the page gets back.
#[derive(Debug, Clone)]
pub struct PageResponse {
    pub status: u16,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How outbound requests ended, as the metrics name them.
pub const OUTCOMES: [&str; 5] = ["ok", "denied", "invalid", "limit", "failed"];

/// An app's outbound HTTP: its allow list and its own client (connection
/// pool), so no connection is ever shared with another app.
pub struct Outbound {
    allow: Arc<AllowList>,
    client: reqwest::Client,
    /// Requests by outcome, in the order of [`OUTCOMES`].
    counts: [AtomicU64; OUTCOMES.len()],
}

impl fmt::Debug for Outbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outbound")
            .field("allow", &self.allow.describe())
            .finish()
    }
}

impl Outbound {
    /// A client that reaches only `allow`, following redirects only to it.
    pub fn new(allow: AllowList) -> anyhow::Result<Outbound> {
        let allow = Arc::new(allow);
        let for_redirects = allow.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                let refusal = Refusal::Failed(format!(
                    "more than {MAX_REDIRECTS} redirects, last to {}",
                    attempt.url().origin().ascii_serialization()
                ));
                return attempt.error(refusal);
            }
            if let Err(refusal) = check_target(attempt.url(), &for_redirects) {
                return attempt.error(refusal);
            }
            // Within one origin a redirect is followed. To another (allowed)
            // origin it is handed to the page as the 3xx it is: the page's
            // headers and body must not travel to a host it did not name.
            let same_origin = attempt
                .previous()
                .last()
                .is_some_and(|from| from.origin() == attempt.url().origin());
            if same_origin {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let client = reqwest::Client::builder()
            // Requests go straight to the checked host, whatever the
            // server's environment says about proxies.
            .no_proxy()
            .redirect(policy)
            .referer(false)
            .user_agent(concat!("wasmlit/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(4)
            .build()?;
        Ok(Outbound {
            allow,
            client,
            counts: Default::default(),
        })
    }

    /// Counts a request: answered (`None`) or refused.
    pub fn record(&self, refusal: Option<&Refusal>) {
        let at = match refusal {
            None => 0,
            Some(Refusal::Denied(_)) => 1,
            Some(Refusal::Invalid(_)) => 2,
            Some(Refusal::Limit(_)) => 3,
            Some(Refusal::Failed(_)) => 4,
        };
        self.counts[at].fetch_add(1, Ordering::Relaxed);
    }

    /// Requests so far by outcome (named as in [`OUTCOMES`]).
    pub fn counts(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        OUTCOMES
            .iter()
            .zip(&self.counts)
            .map(|(name, n)| (*name, n.load(Ordering::Relaxed)))
    }

    /// The app's allow list.
    pub fn allow_list(&self) -> &AllowList {
        &self.allow
    }

    /// Checks a page's request against the allow list and `limits`, and
    /// builds what will be sent. Nothing leaves the host if this fails.
    pub fn prepare(
        &self,
        request: PageRequest,
        limits: &Limits,
    ) -> Result<reqwest::Request, Refusal> {
        let size = request.url.len()
            + request.body.len()
            + request
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len())
                .sum::<usize>();
        if size > limits.outbound_request_bytes {
            return Err(Refusal::Limit(format!(
                "the request is {} bytes with its URL and headers, more than \
                 outbound_request_bytes ({})",
                size,
                human_bytes(limits.outbound_request_bytes as u64)
            )));
        }
        if request.url.len() > MAX_URL_BYTES {
            return Err(Refusal::Invalid(format!(
                "the URL is {} bytes; at most {MAX_URL_BYTES} are sent",
                request.url.len()
            )));
        }
        let method = Method::from_bytes(request.method.as_bytes()).map_err(|_| {
            Refusal::Invalid(format!(
                "`{}` is not an HTTP method",
                shorten(&request.method)
            ))
        })?;
        if request.method.eq_ignore_ascii_case("CONNECT") {
            return Err(Refusal::Invalid(
                "CONNECT is refused: it would open a tunnel the allow list cannot see into".into(),
            ));
        }
        let url = Url::parse(&request.url).map_err(|e| {
            Refusal::Invalid(format!(
                "`{}` is not an absolute URL ({e}): give the scheme and the host, \
                 as in `https://api.example.com/path`",
                shorten(&request.url)
            ))
        })?;
        check_target(&url, &self.allow)?;
        let mut headers = HeaderMap::with_capacity(request.headers.len());
        for (name, value) in request.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Refusal::Invalid(format!("`{}` is not a header name", shorten(&name)))
            })?;
            if HOST_SET_HEADERS.contains(&name.as_str()) || name.as_str().starts_with("proxy-") {
                return Err(Refusal::Invalid(format!(
                    "the `{name}` header is the host's to set: a request goes to the host \
                     of its URL and nowhere else"
                )));
            }
            let value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| {
                Refusal::Invalid(format!(
                    "the value of header `{name}` has a character headers may not carry \
                     (a line break or other control character)"
                ))
            })?;
            headers.append(name, value);
        }
        let mut prepared = reqwest::Request::new(method, url);
        *prepared.headers_mut() = headers;
        if !request.body.is_empty() {
            *prepared.body_mut() = Some(request.body.into());
        }
        Ok(prepared)
    }

    /// Sends a prepared request and reads the whole response, at most
    /// `limits.outbound_response_bytes` of body. Time limits are the
    /// caller's: dropping the future drops the request.
    pub async fn send(
        &self,
        request: reqwest::Request,
        limits: &Limits,
    ) -> Result<PageResponse, Refusal> {
        let origin = request.url().origin().ascii_serialization();
        let max = limits.outbound_response_bytes;
        let too_large = || {
            Refusal::Limit(format!(
                "the response from {origin} is larger than outbound_response_bytes ({})",
                human_bytes(max as u64)
            ))
        };
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|e| failure(&origin, &e))?;
        if response
            .content_length()
            .is_some_and(|len| len > max as u64)
        {
            return Err(too_large());
        }
        let status = response.status().as_u16();
        let url = response.url().to_string();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        let expected = response.content_length().unwrap_or(0) as usize;
        let mut body = Vec::with_capacity(expected.min(max));
        while let Some(chunk) = response.chunk().await.map_err(|e| failure(&origin, &e))? {
            if body.len() + chunk.len() > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(PageResponse {
            status,
            url,
            headers,
            body,
        })
    }
}

/// The message when a request outlives `outbound_timeout`.
pub fn timed_out(limits: &Limits) -> Refusal {
    Refusal::Limit(format!(
        "the request did not complete within outbound_timeout ({})",
        human_duration(limits.outbound_timeout)
    ))
}

/// Checks where a URL (a page's, or a redirect's) points.
fn check_target(url: &Url, allow: &AllowList) -> Result<(), Refusal> {
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(Refusal::Invalid(format!(
            "`{}:` URLs are refused: only http and https",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Invalid(
            "URLs with a user name or password are refused (in `a@b`, the host is `b`); \
             send credentials in an `authorization` header"
                .into(),
        ));
    }
    if url.host().is_none() {
        return Err(Refusal::Invalid("the URL has no host".into()));
    }
    if !allow.permits(url) {
        let origin = url.origin().ascii_serialization();
        return Err(Refusal::Denied(if allow.is_empty() {
            format!("{origin}: this app may not make outbound requests")
        } else {
            format!(
                "{origin} is not on this app's allow list (allowed_outbound_hosts: {})",
                allow.describe()
            )
        }));
    }
    Ok(())
}

/// A client error as the page sees it: a redirect the allow list refused
/// keeps its own refusal; anything else is a failure with its causes.
fn failure(origin: &str, error: &reqwest::Error) -> Refusal {
    let mut causes = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(refusal) = e.downcast_ref::<Refusal>() {
            return match refusal {
                Refusal::Denied(m) => Refusal::Denied(format!("a redirect was refused: {m}")),
                Refusal::Invalid(m) => Refusal::Invalid(format!("a redirect was refused: {m}")),
                other => other.clone(),
            };
        }
        causes.push(e.to_string());
        source = e.source();
    }
    causes.dedup();
    Refusal::Failed(format!("request to {origin} failed: {}", causes.join(": ")))
}

/// At most 200 characters of a page's string, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> AllowList {
        AllowList::parse(entries).expect("valid allow list")
    }

    fn permits(list: &AllowList, url: &str) -> bool {
        list.permits(&Url::parse(url).expect("valid url"))
    }

    #[test]
    fn entries_match_scheme_host_and_port() {
        let allow = list(&["https://api.example.com", "http://127.0.0.1:8080"]);
        assert!(permits(&allow, "https://api.example.com/v1?q=1"));
        assert!(permits(&allow, "https://API.Example.COM./v1"));
        assert!(permits(&allow, "https://api.example.com:443/"));
        assert!(!permits(&allow, "http://api.example.com/"));
        assert!(!permits(&allow, "https://api.example.com:8443/"));
        assert!(!permits(&allow, "https://example.com/"));
        assert!(!permits(&allow, "https://api.example.com.evil.net/"));
        assert!(permits(&allow, "http://127.0.0.1:8080/x"));
        assert!(!permits(&allow, "http://127.0.0.1:8081/x"));
        assert!(!permits(&allow, "http://localhost:8080/x"));
        // Other spellings of the same address are the same address.
        assert!(permits(&allow, "http://2130706433:8080/"));
        assert!(permits(&allow, "http://0x7f.1:8080/"));
    }

    #[test]
    fn wildcards_cover_subdomains_ports_or_any_host() {
        let allow = list(&["https://*.example.com", "http://localhost:*"]);
        assert!(permits(&allow, "https://a.example.com/"));
        assert!(permits(&allow, "https://a.b.example.com/"));
        assert!(!permits(&allow, "https://example.com/"));
        assert!(!permits(&allow, "https://badexample.com/"));
        assert!(permits(&allow, "http://localhost:1234/"));
        assert!(permits(&allow, "http://localhost/"));
        assert!(!permits(&allow, "https://localhost/"));
        let any = list(&["https://*"]);
        assert!(permits(&any, "https://anything.test/"));
        assert!(!permits(&any, "http://anything.test/"));
    }

    #[test]
    fn bad_entries_are_refused_by_name() {
        for (entry, says) in [
            ("api.example.com", "scheme"),
            ("ftp://example.com", "http or https"),
            ("https://example.com/path", "no path"),
            ("https://user@example.com", "no path"),
            ("https://example.com:0", "port"),
            ("https://example.com:99999", "port"),
            ("https://ex*mple.com", "`*`"),
            ("https://*.10.0.0.1", "IP address"),
            ("https://[::1", "`]`"),
            ("https://api.example.com:8080:*", "one host"),
            ("https://a:1:443", "one host"),
        ] {
            let error = AllowList::parse(&[entry]).expect_err(entry).to_string();
            assert!(
                error.contains(entry) && error.contains(says),
                "{entry}: {error}"
            );
        }
    }

    fn prepare(
        allow: &[&str],
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<reqwest::Request, Refusal> {
        let outbound = Outbound::new(list(allow)).expect("client");
        outbound.prepare(
            PageRequest {
                method: "GET".into(),
                url: url.into(),
                headers: headers
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                    .collect(),
                body: Vec::new(),
            },
            &Limits::default(),
        )
    }

    #[test]
    fn requests_without_a_host_or_with_user_info_are_refused() {
        let allow = ["http://allowed.test"];
        for url in [
            "/relative",
            "//evil.test/x",
            "allowed.test/x",
            "",
            "data:text/plain,x",
            "file:///etc/passwd",
        ] {
            assert!(
                matches!(prepare(&allow, url, &[]), Err(Refusal::Invalid(_))),
                "{url}"
            );
        }
        let user = prepare(&allow, "http://allowed.test@evil.test/", &[]);
        assert!(matches!(user, Err(Refusal::Invalid(m)) if m.contains("user name")));
        let user = prepare(&allow, "http://x:y@allowed.test/", &[]);
        assert!(matches!(user, Err(Refusal::Invalid(_))));
        // Backslashes and missing slashes are read as the client reads them:
        // the host checked is the host connected to.
        let sent = prepare(&allow, "http:\\\\allowed.test\\@evil.test/", &[]).expect("allowed");
        assert_eq!(sent.url().host_str(), Some("allowed.test"));
        assert!(matches!(
            prepare(&allow, "http:evil.test/", &[]),
            Err(Refusal::Denied(_))
        ));
    }

    #[test]
    fn routing_headers_are_the_hosts_to_set() {
        let allow = ["http://allowed.test"];
        for name in [
            "Host",
            "host",
            "X-Forwarded-Host",
            "Forwarded",
            "Proxy-Authorization",
            "Transfer-Encoding",
        ] {
            let refused = prepare(&allow, "http://allowed.test/", &[(name, "evil.test")]);
            assert!(
                matches!(refused, Err(Refusal::Invalid(m)) if m.contains("host's to set")),
                "{name}"
            );
        }
        let split = prepare(
            &allow,
            "http://allowed.test/",
            &[("x-a", "1\r\nHost: evil.test")],
        );
        assert!(matches!(split, Err(Refusal::Invalid(_))));
        let ok = prepare(
            &allow,
            "http://allowed.test/",
            &[("authorization", "Bearer t"), ("accept", "a/b")],
        )
        .expect("ordinary headers pass");
        assert_eq!(ok.headers().len(), 2);
    }

    #[test]
    fn nothing_granted_denies_everything() {
        let refused = prepare(&[], "https://example.com/", &[]);
        assert!(matches!(refused, Err(Refusal::Denied(m)) if m.contains("may not make outbound")));
    }
}
