//! What a session knows about who is looking (Streamlit's `st.context`):
//! the headers and address of the request that opened its WebSocket, what
//! the browser says of itself in its `hello`, and the operator's policy on
//! which headers and cookies a page may read.

use serde::Deserialize;

/// Headers a page never reads, whatever the operator allows: credentials,
/// and any header whose name says it carries one (see `HIDDEN_WORDS`), as
/// proxies in front of an app add them.
pub const ALWAYS_HIDDEN: [&str; 4] = [
    "cookie",
    "authorization",
    "proxy-authorization",
    "sec-websocket-key",
];

/// Words that hide a header whose name holds one.
const HIDDEN_WORDS: [&str; 8] = [
    "token", "secret", "password", "auth", "api-key", "jwt", "session", "oidc",
];

/// Cookies of the host itself, never given to a page.
pub const HOST_COOKIES: [&str; 2] = ["wasmlit_user", "wasmlit_login"];

/// Longest header value (and URL) kept, in bytes; longer ones are cut.
pub const MAX_CONTEXT_VALUE: usize = 4096;

/// Most headers kept.
pub const MAX_CONTEXT_HEADERS: usize = 64;

/// An operator's rules for what pages may read (`[context]` in app.toml).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContextPolicy {
    /// Cookies a page may read, by name; none by default.
    #[serde(default)]
    pub cookies: Vec<String>,
    /// More headers to hide (lower or any case), beyond cookie and
    /// authorization.
    #[serde(default)]
    pub hidden_headers: Vec<String>,
}

/// What the browser says about itself in its `hello`; every field is
/// checked and a bad one dropped, never trusted for more than display.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct BrowserContext {
    pub locale: Option<String>,
    pub timezone: Option<String>,
    pub timezone_offset: Option<i32>,
    pub url: Option<String>,
    pub theme: Option<String>,
}

/// Who logged in (OpenID Connect), as the ID token said, for
/// `st.user`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, Deserialize)]
pub struct User {
    /// The provider's subject identifier.
    pub sub: String,
    /// The e-mail address, if the provider gave one.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the provider verified it.
    #[serde(default)]
    pub email_verified: bool,
    /// The display name, if given.
    #[serde(default)]
    pub name: Option<String>,
}

/// A session's request context, as a page reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestContext {
    /// The logged-in user, if any.
    pub user: Option<User>,
    pub headers: Vec<(String, String)>,
    pub cookies: Vec<(String, String)>,
    pub ip_address: Option<String>,
    pub locale: Option<String>,
    pub timezone: Option<String>,
    pub timezone_offset: Option<i32>,
    pub url: String,
    pub theme: Option<String>,
}

impl RequestContext {
    /// The context of a session opened by a request with `headers` (names
    /// in any case) from `client`, whose browser said `browser`, under
    /// `policy`.
    pub fn new(
        headers: &[(String, String)],
        client: Option<std::net::IpAddr>,
        browser: BrowserContext,
        policy: &ContextPolicy,
    ) -> RequestContext {
        let hidden = |name: &str| {
            ALWAYS_HIDDEN.contains(&name)
                || HIDDEN_WORDS.iter().any(|w| name.contains(w))
                || name == "sec-websocket-protocol"
                || policy
                    .hidden_headers
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(name))
        };
        let kept = headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), cut(v)))
            .filter(|(n, _)| !hidden(n))
            .take(MAX_CONTEXT_HEADERS)
            .collect();
        let cookies = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                if HOST_COOKIES.contains(&name) {
                    return None;
                }
                policy
                    .cookies
                    .iter()
                    .any(|allowed| allowed == name)
                    .then(|| (name.to_owned(), cut(value)))
            })
            .collect();
        let word = |s: &str, max: usize, extra: &[char]| {
            !s.is_empty()
                && s.len() <= max
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
        };
        RequestContext {
            user: None,
            headers: kept,
            cookies,
            ip_address: client.map(|ip| ip.to_canonical().to_string()),
            locale: browser.locale.filter(|l| word(l, 35, &['-', '_'])),
            timezone: browser
                .timezone
                .filter(|z| word(z, 64, &['/', '_', '-', '+'])),
            timezone_offset: browser
                .timezone_offset
                .filter(|m| (-24 * 60..=24 * 60).contains(m)),
            url: browser
                .url
                .filter(|u| {
                    (u.starts_with("http://") || u.starts_with("https://"))
                        && u.len() <= MAX_CONTEXT_VALUE
                        && !u.chars().any(char::is_control)
                })
                .unwrap_or_default(),
            theme: browser
                .theme
                .filter(|t| matches!(t.as_str(), "light" | "dark")),
        }
    }
}

/// `value` cut to [`MAX_CONTEXT_VALUE`] bytes at a character boundary.
fn cut(value: &str) -> String {
    let mut end = value.len().min(MAX_CONTEXT_VALUE);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    value[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> Vec<(String, String)> {
        [
            ("Host", "apps.example.com"),
            ("User-Agent", "Chromium"),
            ("Cookie", "session=abc; theme=dark; other=1; wasmlit_user=x"),
            ("Authorization", "Bearer token"),
            ("X-Internal", "secret"),
            ("X-Forwarded-Access-Token", "eyJ"),
            ("Cf-Access-Jwt-Assertion", "eyJ"),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn cookies_and_credentials_are_hidden_unless_allowed() {
        let policy = ContextPolicy {
            cookies: vec!["theme".into(), "wasmlit_user".into()],
            hidden_headers: vec!["x-internal".into()],
        };
        let context = RequestContext::new(&headers(), None, BrowserContext::default(), &policy);
        let names: Vec<&str> = context.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["host", "user-agent"]);
        assert_eq!(
            context.cookies,
            vec![("theme".to_owned(), "dark".to_owned())]
        );
        let none = RequestContext::new(
            &headers(),
            None,
            BrowserContext::default(),
            &ContextPolicy::default(),
        );
        assert!(none.cookies.is_empty());
        assert!(none.headers.iter().any(|(n, _)| n == "x-internal"));
    }

    #[test]
    fn what_the_browser_says_is_checked() {
        let browser = BrowserContext {
            locale: Some("en-US".into()),
            timezone: Some("Europe/Oslo".into()),
            timezone_offset: Some(-60),
            url: Some("https://apps.example.com/sales?x=1".into()),
            theme: Some("dark".into()),
        };
        let good = RequestContext::new(
            &[],
            Some("::ffff:10.0.0.1".parse().unwrap()),
            browser,
            &ContextPolicy::default(),
        );
        assert_eq!(good.ip_address.as_deref(), Some("10.0.0.1"));
        assert_eq!(good.timezone.as_deref(), Some("Europe/Oslo"));
        assert_eq!(good.url, "https://apps.example.com/sales?x=1");
        let bad = BrowserContext {
            locale: Some("en<script>".into()),
            timezone: Some("x".repeat(65)),
            timezone_offset: Some(100_000),
            url: Some("javascript:alert(1)".into()),
            theme: Some("neon".into()),
        };
        let bad = RequestContext::new(&[], None, bad, &ContextPolicy::default());
        assert_eq!(bad, RequestContext::default());
    }
}
