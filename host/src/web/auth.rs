//! Login with OpenID Connect (authorization code with PKCE) and the gate
//! in front of every route of an app with `viewers`: `/_/auth/login`,
//! `/_/auth/callback` and `/_/auth/logout`, and [`gate`], which refuses a
//! request without a valid login for this app before any handler (the
//! page, the WebSocket, uploads, media) sees it.

use crate::app::access::{Access, LoginState};
use crate::model::context::User;
use crate::web::server::ServerState;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;
use std::sync::Arc;

/// The cookie that carries a login, per app (its path is the app's).
pub const USER_COOKIE: &str = "wasmlit_user";
/// The cookie that carries a login in progress through the provider.
pub const LOGIN_COOKIE: &str = "wasmlit_login";

/// The value of cookie `name` in `headers`.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (n, v) = pair.trim().split_once('=')?;
            (n == name).then_some(v)
        })
}

/// The logged-in user of a request, if its login cookie is valid for this
/// app.
pub fn user_of(access: &Access, headers: &HeaderMap) -> Option<User> {
    access.user(cookie(headers, USER_COOKIE)?)
}

/// The app's path: `/sales` covers `/sales`, `/sales/…` and never
/// `/sales2` (a cookie's path matches whole segments).
fn cookie_path(state: &ServerState) -> String {
    if state.base.is_empty() {
        "/".to_owned()
    } else {
        state.base.clone()
    }
}

/// A `Set-Cookie` value: HTTP only, same-site lax, under the app's path,
/// secure when the app is reached over https.
fn set_cookie(
    state: &ServerState,
    access: &Access,
    name: &str,
    value: &str,
    max_age: u64,
) -> HeaderValue {
    let secure = access
        .oidc
        .as_ref()
        .is_some_and(|(o, _)| o.redirect_uri.starts_with("https://"));
    let text = format!(
        "{name}={value}; Path={}; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        cookie_path(state),
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Every request to an app with access rules passes here first: its auth
/// routes pass; a request with a valid login for this app passes with its
/// user; without one, a page is sent to the login and anything else is
/// refused (401), and a user not on `viewers` is refused (403).
pub async fn gate(
    State(state): State<Arc<ServerState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(access) = state.settings.access.clone() else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    if path.starts_with("/_/auth/") {
        return next.run(request).await;
    }
    let user = user_of(&access, request.headers());
    match user {
        Some(user) if access.allows(&user) => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        Some(user) => not_allowed(&state, &user),
        None if !access.required() => next.run(request).await,
        None => {
            let is_page = request.method() == axum::http::Method::GET && !path.starts_with("/_/");
            if is_page {
                let query = request
                    .uri()
                    .query()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default();
                let here = format!("{}{path}{query}", state.base);
                let to = format!(
                    "{}/_/auth/login?next={}",
                    state.base,
                    form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
                );
                Redirect::to(&to).into_response()
            } else {
                (StatusCode::UNAUTHORIZED, "log in to open this app").into_response()
            }
        }
    }
}

fn not_allowed(state: &ServerState, user: &User) -> Response {
    let who = user.email.as_deref().unwrap_or(&user.sub);
    let page = format!(
        "<!doctype html><meta charset=utf-8><title>Not allowed</title>\
         <p>{} may not open this app.</p><p><a href=\"{}/_/auth/logout\">Log out</a></p>",
        html_escape(who),
        state.base
    );
    (StatusCode::FORBIDDEN, Html(page)).into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An HTTP client for the provider that follows no redirects (so a
/// provider's answer can never send the host elsewhere).
fn http_client() -> Result<openidconnect::reqwest::Client, String> {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .map_err(|e| format!("the HTTP client: {e}"))
}

/// How long the provider's metadata (and signing keys) are kept before
/// they are fetched again.
pub const METADATA_SECONDS: u64 = 3600;

/// How long a failed discovery is remembered: logins meanwhile fail at once
/// instead of each asking the provider again.
pub const DISCOVERY_RETRY_SECONDS: u64 = 10;

/// The provider's metadata: discovered by one request at a time, kept for
/// [`METADATA_SECONDS`] (so rotated keys are picked up), a failure kept
/// for [`DISCOVERY_RETRY_SECONDS`].
async fn metadata(state: &ServerState, access: &Access) -> Result<CoreProviderMetadata, String> {
    let fresh =
        |at: &std::time::Instant, secs: u64| at.elapsed() < std::time::Duration::from_secs(secs);
    let mut slot = state.oidc_metadata.lock().await;
    match &*slot {
        Some((at, Ok(found))) if fresh(at, METADATA_SECONDS) => return Ok(found.clone()),
        Some((at, Err(why))) if fresh(at, DISCOVERY_RETRY_SECONDS) => return Err(why.clone()),
        _ => {}
    }
    let (oidc, _) = access
        .oidc
        .as_ref()
        .ok_or("this app has no login provider")?;
    let issuer = IssuerUrl::new(oidc.issuer.clone()).map_err(|e| format!("issuer: {e}"))?;
    let client = http_client()?;
    let found = CoreProviderMetadata::discover_async(issuer, &client)
        .await
        .map_err(|e| format!("discovering the provider: {e}"));
    *slot = Some((std::time::Instant::now(), found.clone()));
    found
}

fn failure(message: &str) -> Response {
    tracing::warn!(error = message, "login failed");
    (
        StatusCode::BAD_GATEWAY,
        Html(format!(
            "<!doctype html><meta charset=utf-8><title>Login failed</title><p>Login failed: {}</p>",
            html_escape(message)
        )),
    )
        .into_response()
}

/// Where to go after a login: a path of this app, nothing else (no other
/// site, no `//host`).
fn local_next(base: &str, next: Option<&str>) -> String {
    let home = format!("{base}/");
    match next {
        Some(n)
            if (n.starts_with(&home) || (base.is_empty() && n.starts_with('/')))
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => home,
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    /// Ask the provider for a fresh login (after a logout), not its
    /// remembered one.
    fresh: Option<String>,
}

/// `GET /_/auth/login?next=…`: off to the provider, with a fresh state,
/// nonce and PKCE challenge kept in a signed cookie.
pub async fn login(
    State(state): State<Arc<ServerState>>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let Some(access) = state.settings.access.clone() else {
        return (StatusCode::NOT_FOUND, "this app has no login").into_response();
    };
    let Some((oidc, secret)) = access.oidc.clone() else {
        return (StatusCode::NOT_FOUND, "this app has no login provider").into_response();
    };
    let metadata = match metadata(&state, &access).await {
        Ok(m) => m,
        Err(e) => return failure(&e),
    };
    let redirect = match RedirectUrl::new(oidc.redirect_uri.clone()) {
        Ok(r) => r,
        Err(e) => return failure(&format!("redirect_uri: {e}")),
    };
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(oidc.client_id.clone()),
        secret.map(ClientSecret::new),
    )
    .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    let scopes = if oidc.scopes.is_empty() {
        vec!["email".to_owned(), "profile".to_owned()]
    } else {
        oidc.scopes
            .iter()
            .filter(|s| *s != "openid")
            .cloned()
            .collect()
    };
    for scope in scopes {
        request = request.add_scope(Scope::new(scope));
    }
    if query.fresh.is_some() {
        request = request.add_prompt(openidconnect::core::CoreAuthPrompt::Login);
    }
    let (url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
    let carried = LoginState {
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        next: local_next(&state.base, query.next.as_deref()),
    };
    let mut response = Redirect::to(url.as_str()).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            &state,
            &access,
            LOGIN_COOKIE,
            &access.sign_login(&carried),
            crate::app::access::LOGIN_SECONDS,
        ),
    );
    response
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Constant-time equality of two strings.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `GET /_/auth/callback?code&state`: the provider's answer. The state must
/// match the login cookie's; the code is exchanged with the PKCE verifier;
/// the ID token's signature, issuer, audience, expiry and nonce are
/// checked; the user must be allowed; then the login cookie is set.
pub async fn callback(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(access) = state.settings.access.clone() else {
        return (StatusCode::NOT_FOUND, "this app has no login").into_response();
    };
    let Some((oidc, secret)) = access.oidc.clone() else {
        return (StatusCode::NOT_FOUND, "this app has no login provider").into_response();
    };
    if let Some(error) = &query.error {
        // What the provider (or anyone crafting this URL) wrote goes to
        // the log, not onto the app's page.
        tracing::warn!(
            error = %error.chars().take(200).collect::<String>(),
            description = %query.error_description.as_deref().unwrap_or("").chars().take(500).collect::<String>(),
            "the login provider answered with an error"
        );
        return failure("the login provider refused the login");
    }
    let Some(carried) = cookie(&headers, LOGIN_COOKIE).and_then(|c| access.login(c)) else {
        return failure("no login in progress for this app (or it took too long): start again");
    };
    let (Some(code), Some(returned)) = (query.code, query.state) else {
        return failure("the provider's answer has no code or state");
    };
    if !same(&returned, &carried.state) {
        return failure("the provider's answer is for another login");
    }
    let metadata = match metadata(&state, &access).await {
        Ok(m) => m,
        Err(e) => return failure(&e),
    };
    let user = match exchange(metadata, &oidc, secret, code, &carried).await {
        Ok(user) => user,
        Err(e) => return failure(&e),
    };
    if !access.allows(&user) {
        return not_allowed(&state, &user);
    }
    let mut response = Redirect::to(&carried.next).into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(
            &state,
            &access,
            USER_COOKIE,
            &access.sign_user(&user),
            access.session().as_secs(),
        ),
    );
    headers.append(
        header::SET_COOKIE,
        set_cookie(&state, &access, LOGIN_COOKIE, "", 0),
    );
    response
}

/// The code exchanged for tokens, and the user the verified ID token names.
async fn exchange(
    metadata: CoreProviderMetadata,
    oidc: &crate::app::access::OidcConfig,
    secret: Option<String>,
    code: String,
    carried: &LoginState,
) -> Result<User, String> {
    let redirect =
        RedirectUrl::new(oidc.redirect_uri.clone()).map_err(|e| format!("redirect_uri: {e}"))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(oidc.client_id.clone()),
        secret.map(ClientSecret::new),
    )
    .set_redirect_uri(redirect);
    let http = http_client()?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| format!("the provider has no token endpoint: {e}"))?
        .set_pkce_verifier(PkceCodeVerifier::new(carried.verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|e| format!("exchanging the code: {e}"))?;
    let id_token = tokens.id_token().ok_or("the provider sent no ID token")?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(carried.nonce.clone()))
        .map_err(|e| format!("the ID token was refused: {e}"))?;
    if let Some(expected) = claims.access_token_hash() {
        let algorithm = id_token
            .signing_alg()
            .map_err(|e| format!("the ID token: {e}"))?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(|e| format!("the ID token: {e}"))?;
        let actual = AccessTokenHash::from_token(tokens.access_token(), algorithm, key)
            .map_err(|e| format!("the access token: {e}"))?;
        if actual != *expected {
            return Err("the access token does not match the ID token".into());
        }
    }
    Ok(User {
        sub: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned()),
    })
}

/// `GET /_/auth/logout`: forgets the login and says so on a page of its
/// own (not the app, whose gate would send a viewer straight back to the
/// provider), with a link to log in again as anyone (`prompt=login`).
pub async fn logout(State(state): State<Arc<ServerState>>) -> Response {
    let page = format!(
        "<!doctype html><meta charset=utf-8><title>Logged out</title>\
         <p>You are logged out.</p><p><a href=\"{}/_/auth/login?fresh=1\">Log in</a></p>\
         <script>for (const k of Object.keys(sessionStorage)) if (k.startsWith(\"wasmlit\")) sessionStorage.removeItem(k);</script>",
        state.base
    );
    let mut response = Html(page).into_response();
    if let Some(access) = &state.settings.access {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, access, USER_COOKIE, "", 0),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_login_the_browser_goes_only_to_a_page_of_the_app() {
        assert_eq!(
            local_next("/sales", Some("/sales/report?x=1")),
            "/sales/report?x=1"
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/sales/",
            "/other/page",
            "/sales/\\evil",
            "/sales/\r\nSet-Cookie: x",
            "/salesman",
        ] {
            assert_eq!(local_next("/sales", Some(bad)), "/sales/", "{bad:?}");
        }
        assert_eq!(local_next("", Some("/counter")), "/counter");
        assert_eq!(local_next("", Some("//evil.example")), "/");
        assert_eq!(local_next("/sales", None), "/sales/");
    }

    #[test]
    fn states_are_compared_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "ab") && !same("", "a"));
    }
}
