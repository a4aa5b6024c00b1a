//! Who may open an app: its `[auth]` settings (an OpenID Connect provider,
//! a `viewers` list of e-mail addresses and domains), and the signed
//! cookies that carry a login: one per app, bound to the app's name, so a
//! cookie of one app means nothing to another.

use crate::model::context::User;
use anyhow::{bail, Context as _};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Default `session_hours`.
pub const DEFAULT_SESSION_HOURS: u64 = 24;

/// How long a login may take at the provider, in seconds.
pub const LOGIN_SECONDS: u64 = 600;

/// The app's `[auth]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Who may open the app: e-mail addresses (`alice@example.com`) and
    /// domains (`@example.com`). Empty: anyone, and pages may offer a
    /// login (`st.login`).
    #[serde(default)]
    pub viewers: Vec<String>,
    /// How long a login lasts, in hours; default 24.
    pub session_hours: Option<u64>,
    /// The OpenID Connect provider.
    pub oidc: Option<OidcConfig>,
}

/// An OpenID Connect provider. Its client secret and the key that signs
/// login cookies are secrets: `client_secret` and `cookie_secret` under
/// `[auth]` in the app's secrets file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer (its discovery document is at
    /// `<issuer>/.well-known/openid-configuration`).
    pub issuer: String,
    /// The app's client id at the provider.
    pub client_id: String,
    /// Where the provider sends the browser back:
    /// `<the app's URL>/_/auth/callback`, registered at the provider.
    pub redirect_uri: String,
    /// Scopes asked for; default `openid`, `email`, `profile`.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// One entry of `viewers`.
#[derive(Debug, Clone, PartialEq)]
enum Viewer {
    Email(String),
    Domain(String),
}

/// An app's access rules and login settings.
pub struct Access {
    /// The app's name, bound into its cookies.
    app: String,
    viewers: Vec<Viewer>,
    /// The provider, with its client secret.
    pub oidc: Option<(OidcConfig, Option<String>)>,
    key: Vec<u8>,
    session: Duration,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("app", &self.app)
            .field("viewers", &self.viewers)
            .finish_non_exhaustive()
    }
}

/// What a login carries through the provider: its state, nonce and PKCE
/// verifier, and where to go after.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LoginState {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    pub next: String,
}

/// A signed cookie's payload.
#[derive(Serialize, Deserialize)]
struct Signed<T> {
    /// The app it is for.
    app: String,
    /// What it says.
    what: String,
    /// Seconds since the epoch when it expires.
    exp: u64,
    body: T,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Access {
    /// The rules of app `app` from `config`, with the secrets
    /// `client_secret` and `cookie_secret` (none: a random key, so logins
    /// end when the server restarts).
    pub fn new(
        app: &str,
        config: &AuthConfig,
        client_secret: Option<String>,
        cookie_secret: Option<String>,
    ) -> anyhow::Result<Access> {
        let mut viewers = Vec::with_capacity(config.viewers.len());
        for entry in &config.viewers {
            let entry = entry.trim().to_ascii_lowercase();
            let viewer = match entry.strip_prefix('@') {
                Some(domain) if !domain.is_empty() && !domain.contains('@') => {
                    Viewer::Domain(domain.to_owned())
                }
                None if entry.split('@').count() == 2
                    && !entry.starts_with('@')
                    && !entry.ends_with('@') =>
                {
                    Viewer::Email(entry)
                }
                _ => bail!("[auth] viewers: {entry:?} is neither an e-mail address nor @domain"),
            };
            viewers.push(viewer);
        }
        if !viewers.is_empty() && config.oidc.is_none() {
            bail!("[auth] viewers needs a login provider: add [auth.oidc] with issuer, client_id and redirect_uri");
        }
        if let Some(oidc) = &config.oidc {
            for (name, url) in [
                ("issuer", &oidc.issuer),
                ("redirect_uri", &oidc.redirect_uri),
            ] {
                let parsed = url::Url::parse(url).with_context(|| format!("[auth.oidc] {name}"))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    bail!("[auth.oidc] {name} must be an http or https URL");
                }
            }
            if !oidc.redirect_uri.ends_with("/_/auth/callback") {
                bail!(
                    "[auth.oidc] redirect_uri must be the app's URL followed by /_/auth/callback"
                );
            }
        }
        let hours = config.session_hours.unwrap_or(DEFAULT_SESSION_HOURS);
        if hours == 0 {
            bail!("[auth] session_hours must be more than 0");
        }
        let key = match cookie_secret {
            Some(secret) if secret.len() >= 32 => secret.into_bytes(),
            Some(_) => {
                bail!("[auth] cookie_secret in the secrets file must have at least 32 characters")
            }
            None => {
                use rand::RngCore;
                let mut key = vec![0u8; 32];
                rand::rng().fill_bytes(&mut key);
                key
            }
        };
        // A cookie is bound to the app and to its provider and client: a
        // deployment with the same app name and secret but another
        // provider refuses it.
        let binding = match &config.oidc {
            Some(o) => format!("{app}\n{}\n{}", o.issuer, o.client_id),
            None => app.to_owned(),
        };
        Ok(Access {
            app: binding,
            viewers,
            oidc: config.oidc.clone().map(|o| (o, client_secret)),
            key,
            session: Duration::from_secs(hours.saturating_mul(3600)),
        })
    }

    /// Whether only listed viewers may open the app.
    pub fn required(&self) -> bool {
        !self.viewers.is_empty()
    }

    /// Whether `user` may open the app: anyone when there is no list, else
    /// a verified e-mail address on it or in a listed domain.
    pub fn allows(&self, user: &User) -> bool {
        if self.viewers.is_empty() {
            return true;
        }
        let Some(email) = user.email.as_deref().filter(|_| user.email_verified) else {
            return false;
        };
        let email = email.to_ascii_lowercase();
        let domain = email.rsplit_once('@').map(|(_, d)| d);
        self.viewers.iter().any(|v| match v {
            Viewer::Email(e) => *e == email,
            Viewer::Domain(d) => domain == Some(d.as_str()),
        })
    }

    /// How long a login lasts.
    pub fn session(&self) -> Duration {
        self.session
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC accepts any key length")
    }

    /// `body` as a cookie value this app alone accepts, as `what`, until
    /// `exp` (seconds since the epoch).
    fn sign<T: Serialize>(&self, what: &str, body: &T, exp: u64) -> String {
        let payload = serde_json::to_vec(&Signed {
            app: self.app.clone(),
            what: what.to_owned(),
            exp,
            body,
        })
        .unwrap_or_default();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut mac = self.mac();
        mac.update(&payload);
        let tag = mac.finalize().into_bytes();
        format!("{}.{}", b64.encode(&payload), b64.encode(tag))
    }

    /// What `value` says as `what`, if this app signed it and it has not
    /// expired.
    fn verify<T: for<'de> Deserialize<'de>>(&self, what: &str, value: &str) -> Option<T> {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (payload, tag) = value.split_once('.')?;
        let payload = b64.decode(payload).ok()?;
        let tag = b64.decode(tag).ok()?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_slice(&tag).ok()?;
        let signed: Signed<T> = serde_json::from_slice(&payload).ok()?;
        (signed.app == self.app && signed.what == what && signed.exp > now()).then_some(signed.body)
    }

    /// The login cookie for `user`, valid for the session length.
    pub fn sign_user(&self, user: &User) -> String {
        self.sign_user_until(user, now().saturating_add(self.session.as_secs()))
    }

    /// The login cookie for `user`, valid until `exp` (seconds since the
    /// epoch): for tests of expired logins.
    pub fn sign_user_until(&self, user: &User, exp: u64) -> String {
        self.sign("user", user, exp)
    }

    /// The user a login cookie names, if it is valid for this app.
    pub fn user(&self, cookie: &str) -> Option<User> {
        self.verify("user", cookie)
    }

    /// The cookie that carries `state` through the provider.
    pub fn sign_login(&self, state: &LoginState) -> String {
        self.sign("login", state, now().saturating_add(LOGIN_SECONDS))
    }

    /// The login a login-state cookie carries, if valid.
    pub fn login(&self, cookie: &str) -> Option<LoginState> {
        self.verify("login", cookie)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(app: &str, viewers: &[&str]) -> Access {
        let config = AuthConfig {
            viewers: viewers.iter().map(|v| v.to_string()).collect(),
            session_hours: None,
            oidc: Some(OidcConfig {
                issuer: "https://id.example.com".into(),
                client_id: "wasmlit".into(),
                redirect_uri: format!("https://apps.example.com/{app}/_/auth/callback"),
                scopes: Vec::new(),
            }),
        };
        Access::new(app, &config, None, Some("k".repeat(32))).unwrap()
    }

    fn user(email: &str, verified: bool) -> User {
        User {
            sub: "1".into(),
            email: Some(email.into()),
            email_verified: verified,
            name: None,
        }
    }

    #[test]
    fn viewers_are_addresses_and_domains_with_verified_mail() {
        let a = access("sales", &["Alice@Example.com", "@corp.example"]);
        assert!(a.allows(&user("alice@example.com", true)));
        assert!(a.allows(&user("bob@corp.example", true)));
        assert!(!a.allows(&user("bob@corp.example", false)));
        assert!(!a.allows(&user("bob@evil.corp.example", true)));
        assert!(!a.allows(&user("mallory@example.com", true)));
        assert!(access("open", &[]).allows(&user("anyone@x.y", false)));
    }

    #[test]
    fn a_cookie_is_good_for_its_app_only_and_until_it_expires() {
        let sales = access("sales", &["@example.com"]);
        let other = access("other", &["@example.com"]);
        let alice = user("alice@example.com", true);
        let cookie = sales.sign_user(&alice);
        assert_eq!(sales.user(&cookie), Some(alice.clone()));
        // Same key, other app: refused.
        assert_eq!(other.user(&cookie), None);
        assert_eq!(sales.login(&cookie).map(|l| l.state), None);
        assert_eq!(sales.user(&sales.sign_user_until(&alice, now() - 1)), None);
        let (payload, _) = cookie.split_once('.').unwrap();
        assert_eq!(sales.user(&format!("{payload}.AAAA")), None);
    }

    #[test]
    fn bad_settings_are_refused() {
        let no_provider = AuthConfig {
            viewers: vec!["a@b.c".into()],
            ..AuthConfig::default()
        };
        assert!(Access::new("a", &no_provider, None, None).is_err());
        for bad in ["nobody", "@", "a@b@c"] {
            let config = AuthConfig {
                viewers: vec![bad.into()],
                ..AuthConfig::default()
            };
            assert!(Access::new("a", &config, None, None).is_err(), "{bad}");
        }
    }
}
