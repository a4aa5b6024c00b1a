//! Login and viewers end to end, against a real, certified OpenID provider
//! (`oidc-provider` under Node, `tests/oidc/provider.mjs`): the
//! authorization code flow with PKCE through the provider's own login and
//! consent forms; an app with `viewers` refusing everyone else on every
//! route; bad ID tokens (expired, forged, for another client, another
//! login's nonce) refused; and login cookies that are forged, expired or
//! made for another app refused.

use host::app::access::{Access, AuthConfig, OidcConfig};
use host::model::context::User;
use reqwest::cookie::CookieStore;
use std::sync::Arc;
use tests::{OidcProvider, TestApps, WsClient};

const COOKIE_SECRET: &str = "a cookie secret of at least thirty-two characters";

/// A server with `sales` (login at the provider, viewers alice and anyone
/// at corp.example) and `open` (no login), both serving the `database`
/// page, and a provider that returns to it (tampering as `tamper` says).
struct Setup {
    apps: TestApps,
    /// The provider's port.
    port: u16,
    _provider: OidcProvider,
}

async fn setup(tamper: Option<&str>) -> Setup {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let port = OidcProvider::free_port();
    let callback = format!("http://{addr}/sales/_/auth/callback");
    let root = tempfile::tempdir().unwrap();
    let sales = format!(
        "[auth]\nviewers = [\"alice@example.com\", \"@corp.example\"]\n\
         [auth.oidc]\nissuer = \"http://127.0.0.1:{port}\"\nclient_id = \"wasmlit\"\nredirect_uri = \"{callback}\"\n"
    );
    // An app whose provider is down (nothing listens at its issuer).
    let down = format!(
        "[auth]\nviewers = [\"@example.com\"]\n[auth.oidc]\nissuer = \"http://127.0.0.1:{}\"\n\
         client_id = \"wasmlit\"\nredirect_uri = \"http://{addr}/down/_/auth/callback\"\n",
        OidcProvider::free_port()
    );
    for (name, config) in [
        ("sales", sales.as_str()),
        ("open", ""),
        ("down", down.as_str()),
    ] {
        let pages = root.path().join(name).join("pages");
        std::fs::create_dir_all(&pages).unwrap();
        std::fs::copy(tests::page_wasm("database"), pages.join("database.wasm")).unwrap();
        std::fs::write(root.path().join(name).join("app.toml"), config).unwrap();
    }
    std::fs::write(
        root.path().join("sales/secrets.toml"),
        format!(
            "[auth]\nclient_secret = \"{}\"\ncookie_secret = \"{COOKIE_SECRET}\"\n",
            OidcProvider::CLIENT_SECRET
        ),
    )
    .unwrap();
    let provider = OidcProvider::start(port, &[callback], tamper);
    let apps = TestApps::serve_on(root, 2, listener).await;
    Setup {
        apps,
        port,
        _provider: provider,
    }
}

/// A browser without JavaScript: cookies kept, redirects followed.
struct Browser {
    client: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
}

impl Browser {
    fn new() -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .build()
            .unwrap();
        Browser { client, jar }
    }

    /// Opens `url` and, while the provider shows a form, fills it in as
    /// `who` (its login form) or accepts it (its consent form). Returns the
    /// last status, URL and body.
    async fn login(&self, url: &str, who: &str) -> (u16, String, String) {
        let mut response = self.client.get(url).send().await.unwrap();
        for _ in 0..6 {
            let status = response.status().as_u16();
            let at = response.url().clone();
            let body = response.text().await.unwrap();
            let Some(action) = form_action(&body) else {
                return (status, at.to_string(), body);
            };
            let target = at.join(&action).unwrap();
            let fields: Vec<(&str, &str)> = if body.contains("name=\"login\"") {
                vec![
                    ("prompt", "login"),
                    ("login", who),
                    ("password", "any password"),
                ]
            } else {
                vec![("prompt", "consent")]
            };
            response = self.client.post(target).form(&fields).send().await.unwrap();
        }
        panic!("the provider kept showing forms");
    }

    /// The cookies the browser sends to `url`.
    fn cookies(&self, url: &str) -> String {
        self.jar
            .cookies(&url.parse().unwrap())
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

/// The action of the first form in `html`.
fn form_action(html: &str) -> Option<String> {
    let form = &html[html.find("<form")?..];
    let start = form.find("action=\"")? + "action=\"".len();
    let end = form[start..].find('"')?;
    Some(form[start..start + end].replace("&amp;", "&"))
}

/// What the `database` page says of its user over a WebSocket that sends
/// `cookie`.
async fn user_line(apps: &TestApps, app: &str, cookie: &str) -> String {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = apps.ws_url(app, None).into_client_request().unwrap();
    if !cookie.is_empty() {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    let mut client = WsClient::open_request(request, serde_json::json!({"type": "hello"})).await;
    let seen = client
        .rerun_query("database", serde_json::json!({}), "user=1")
        .await;
    seen.iter()
        .filter_map(|m| m["element"]["body"].as_str())
        .find(|b| b.starts_with("user "))
        .unwrap_or_else(|| panic!("{seen:?}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_logs_in_at_the_provider_and_the_page_knows_them() {
    let s = setup(None).await;
    let addr = s.apps.addr;
    let browser = Browser::new();
    let (status, at, body) = browser
        .login(
            &format!("http://{addr}/sales/database?x=1"),
            "alice@example.com",
        )
        .await;
    assert_eq!(status, 200, "{at}: {body}");
    assert_eq!(
        at,
        format!("http://{addr}/sales/database?x=1"),
        "back where the login began"
    );
    let cookies = browser.cookies(&format!("http://{addr}/sales/"));
    assert!(cookies.contains("wasmlit_user="), "{cookies}");
    assert_eq!(
        user_line(&s.apps, "sales", &cookies).await,
        "user alice@example.com verified=true name=alice"
    );
    // The app's own start (`/sales`) is covered by the cookie too.
    let home = browser
        .client
        .get(format!("http://{addr}/sales"))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status().as_u16(), 200);
    assert_eq!(home.url().path(), "/sales");
    // The cookie is scoped to the app: the open app never receives it.
    assert!(!browser
        .cookies(&format!("http://{addr}/open/"))
        .contains("wasmlit_user"));
    assert_eq!(user_line(&s.apps, "open", "").await, "user none");
    // A session is resumed only by the user who opened it: another user
    // (another subject) with a valid login gets one of their own.
    {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut first = {
            let mut request = s.apps.ws_url("sales", None).into_client_request().unwrap();
            request
                .headers_mut()
                .insert("cookie", cookies.parse().unwrap());
            WsClient::open_request(request, serde_json::json!({"type": "hello"})).await
        };
        let _ = first
            .rerun_query("database", serde_json::json!({}), "user=1")
            .await;
        let id = first.session.clone();
        drop(first);
        let stranger = User {
            sub: "bob@example.com".into(),
            email: Some("alice@example.com".into()),
            email_verified: true,
            name: None,
        };
        let bob = format!(
            "wasmlit_user={}",
            sales_access("sales", s.port).sign_user(&stranger)
        );
        let mut request = s.apps.ws_url("sales", None).into_client_request().unwrap();
        request.headers_mut().insert("cookie", bob.parse().unwrap());
        let other =
            WsClient::open_request(request, serde_json::json!({"type": "hello", "session": id}))
                .await;
        assert_eq!(other.hello["resumed"], false, "{}", other.hello);
        assert_ne!(other.session, id);
        // Its owner still resumes it.
        let mut request = s.apps.ws_url("sales", None).into_client_request().unwrap();
        request
            .headers_mut()
            .insert("cookie", cookies.parse().unwrap());
        let again =
            WsClient::open_request(request, serde_json::json!({"type": "hello", "session": id}))
                .await;
        assert_eq!(again.hello["resumed"], true, "{}", again.hello);
    }
    // Logging out shows a page of its own and forgets the login.
    let out = browser
        .client
        .get(format!("http://{addr}/sales/_/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 200);
    assert!(out.text().await.unwrap().contains("logged out"));
    assert!(!browser
        .cookies(&format!("http://{addr}/sales/"))
        .contains("wasmlit_user"));

    // A domain viewer gets in; someone else, or an unverified address,
    // is refused and gets no login.
    let (status, _, _) = Browser::new()
        .login(
            &format!("http://{addr}/sales/database"),
            "carol@corp.example",
        )
        .await;
    assert_eq!(status, 200);
    for who in ["mallory@example.org", "unverified@corp.example"] {
        let stranger = Browser::new();
        let (status, _, body) = stranger
            .login(&format!("http://{addr}/sales/database"), who)
            .await;
        assert_eq!(status, 403, "{who}: {body}");
        assert!(body.contains("may not open this app"), "{body}");
        assert!(!stranger
            .cookies(&format!("http://{addr}/sales/"))
            .contains("wasmlit_user"));
    }
    s.apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_login_every_route_of_a_viewers_only_app_is_refused() {
    let s = setup(None).await;
    let addr = s.apps.addr;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = plain
        .get(format!("http://{addr}/sales/database"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 303, "a page goes to the login");
    let to = page.headers()["location"].to_str().unwrap();
    assert!(to.starts_with("/sales/_/auth/login?next="), "{to}");
    for path in ["_/app.js", "_/media/x", "_/ws", "_/health"] {
        let status = plain
            .get(format!("http://{addr}/sales/{path}"))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 401, "{path}");
    }
    let upload = plain
        .post(format!("http://{addr}/sales/_/upload?widget=w&name=a.txt"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status().as_u16(), 401);
    // The WebSocket is refused before any session starts.
    let refused = tokio_tungstenite::connect_async(s.apps.ws_url("sales", None)).await;
    assert!(refused.is_err(), "a WebSocket without a login was accepted");
    // A provider's error text never reaches the app's page; an answer
    // without a login in progress, or for another login, is refused.
    let crafted = plain
        .get(format!("http://{addr}/sales/_/auth/callback?error=access_denied&error_description=Call+555-0100+now"))
        .send()
        .await
        .unwrap();
    assert_eq!(crafted.status().as_u16(), 502);
    assert!(!crafted.text().await.unwrap().contains("555-0100"));
    let stray = plain
        .get(format!(
            "http://{addr}/sales/_/auth/callback?code=abc&state=def"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(stray.status().as_u16(), 502);
    assert!(stray.text().await.unwrap().contains("no login in progress"));
    // A provider that is down fails the login at once, twice (the failure
    // is remembered), and the server goes on.
    for _ in 0..2 {
        let login = plain
            .get(format!("http://{addr}/down/_/auth/login"))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status().as_u16(), 502);
        assert!(login.text().await.unwrap().contains("Login failed"));
    }
    // The app without login on the same server is open.
    let open = plain
        .get(format!("http://{addr}/open/database"))
        .send()
        .await
        .unwrap();
    assert_eq!(open.status().as_u16(), 200);
    s.apps.shutdown().await;
}

/// The access rules of `app` as the server has them (same provider, client
/// and cookie secret), to sign cookies with.
fn sales_access(app: &str, port: u16) -> Access {
    let config = AuthConfig {
        viewers: vec!["alice@example.com".into()],
        session_hours: None,
        oidc: Some(OidcConfig {
            issuer: format!("http://127.0.0.1:{port}"),
            client_id: "wasmlit".into(),
            redirect_uri: format!("http://127.0.0.1:1/{app}/_/auth/callback"),
            scopes: Vec::new(),
        }),
    };
    Access::new(app, &config, None, Some(COOKIE_SECRET.into())).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_expired_and_other_apps_cookies_are_refused() {
    let s = setup(None).await;
    let addr = s.apps.addr;
    let alice = User {
        sub: "alice@example.com".into(),
        email: Some("alice@example.com".into()),
        email_verified: true,
        name: None,
    };
    let good = format!(
        "wasmlit_user={}",
        sales_access("sales", s.port).sign_user(&alice)
    );
    let expired = format!(
        "wasmlit_user={}",
        sales_access("sales", s.port).sign_user_until(&alice, 1_000_000)
    );
    // Signed with the very same secret, but for another app.
    let other_app = format!(
        "wasmlit_user={}",
        sales_access("open", s.port).sign_user(&alice)
    );
    let (payload, _) = good.split_once('.').unwrap();
    let forged = format!("{payload}.{}", "A".repeat(43));
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let status = |cookie: String| {
        let plain = plain.clone();
        async move {
            plain
                .get(format!("http://{addr}/sales/_/app.js"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(status(good.clone()).await, 200, "the control");
    for (what, cookie) in [
        ("expired", expired),
        ("other app", other_app),
        ("forged", forged),
    ] {
        assert_eq!(status(cookie).await, 401, "{what}");
    }
    assert_eq!(
        user_line(&s.apps, "sales", &good).await,
        "user alice@example.com verified=true name="
    );
    // The same secret and app name at another provider: refused.
    let other_provider = format!(
        "wasmlit_user={}",
        sales_access("sales", 1).sign_user(&alice)
    );
    assert_eq!(status(other_provider).await, 401);
    s.apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_id_tokens_from_the_provider_are_refused() {
    for tamper in ["expired", "forged", "audience", "nonce"] {
        let s = setup(Some(tamper)).await;
        let addr = s.apps.addr;
        let browser = Browser::new();
        let (status, at, body) = browser
            .login(
                &format!("http://{addr}/sales/database"),
                "alice@example.com",
            )
            .await;
        assert_eq!(status, 502, "{tamper}: {at} {body}");
        assert!(body.contains("Login failed"), "{tamper}: {body}");
        assert!(
            !browser
                .cookies(&format!("http://{addr}/sales/"))
                .contains("wasmlit_user"),
            "{tamper}: a login cookie was set"
        );
        s.apps.shutdown().await;
    }
}

/// One login provider for every app of an apps root (`server.toml`): apps
/// without an `[auth]` of their own use it, each with its own callback and
/// its own login cookie; an app's own `viewers` replace the server's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_configured_for_the_server_serves_every_app_each_with_its_own_cookie() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let port = OidcProvider::free_port();
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("server.toml"),
        format!(
            "[auth]\nviewers = [\"alice@example.com\"]\n[auth.oidc]\n\
             issuer = \"http://127.0.0.1:{port}\"\nclient_id = \"wasmlit\"\n\
             redirect_uri = \"http://{addr}/{{app}}/_/auth/callback\"\n"
        ),
    )
    .unwrap();
    let secrets = root.path().join("secrets.toml");
    std::fs::write(
        &secrets,
        format!(
            "[auth]\nclient_secret = \"{}\"\ncookie_secret = \"{COOKIE_SECRET}\"\n",
            OidcProvider::CLIENT_SECRET
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    for (name, config) in [
        ("one", ""),
        ("two", ""),
        ("bobs", "[auth]\nviewers = [\"bob@example.com\"]\n"),
    ] {
        let pages = root.path().join(name).join("pages");
        std::fs::create_dir_all(&pages).unwrap();
        std::fs::copy(tests::page_wasm("database"), pages.join("database.wasm")).unwrap();
        std::fs::write(root.path().join(name).join("app.toml"), config).unwrap();
    }
    let callbacks: Vec<String> = ["one", "two", "bobs"]
        .iter()
        .map(|app| format!("http://{addr}/{app}/_/auth/callback"))
        .collect();
    let _provider = OidcProvider::start(port, &callbacks, None);
    let apps = TestApps::serve_on(root, 2, listener).await;

    // Every app is behind the server's login.
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for app in ["one", "two", "bobs"] {
        let page = plain
            .get(format!("http://{addr}/{app}/database"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), 303, "{app}");
    }
    // Alice logs in to `one`; the page knows her.
    let browser = Browser::new();
    let (status, at, body) = browser
        .login(&format!("http://{addr}/one/database"), "alice@example.com")
        .await;
    assert_eq!(status, 200, "{at}: {body}");
    let one = browser.cookies(&format!("http://{addr}/one/"));
    assert_eq!(
        user_line(&apps, "one", &one).await,
        "user alice@example.com verified=true name=alice"
    );
    // `one`'s cookie does not open `two`: it logs in on its own (the
    // provider remembers her), through its own callback.
    let replayed = plain
        .get(format!("http://{addr}/two/database"))
        .header("cookie", &one)
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status().as_u16(), 303, "another app's cookie");
    let (status, at, _) = browser
        .login(&format!("http://{addr}/two/database"), "alice@example.com")
        .await;
    assert_eq!(status, 200, "{at}");
    assert_eq!(at, format!("http://{addr}/two/database"));
    // `bobs` has viewers of its own: Alice logs in and is refused.
    let (status, _, body) = browser
        .login(&format!("http://{addr}/bobs/database"), "alice@example.com")
        .await;
    assert_eq!(status, 403, "{body}");
    apps.shutdown().await;
}
