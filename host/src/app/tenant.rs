//! Apps as tenants: a server started on an apps root (`<root>/<app>/app.toml`
//! plus `<root>/<app>/pages/`) serves each app under `/<app>/`, with its own
//! limits, share of the server's threads, caches, sessions and capabilities.
//! `app.toml` is where an operator sets them; every key is optional.

use crate::model::context::ContextPolicy;
use crate::runtime::engine::Grants;
use crate::runtime::limits::Limits;
use crate::runtime::services::databases::{ConnectionConfig, Databases};
use crate::runtime::services::outbound::{AllowList, Outbound};
use crate::runtime::services::secrets::{Secrets, SECRETS_FILE};
use anyhow::{bail, Context as _};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file that makes a directory an app of an apps root.
pub const APP_FILE: &str = "app.toml";

/// The optional file of an apps root with what its apps share: `[auth]`, a
/// login provider every app uses unless it names its own (its
/// `redirect_uri` holds `{app}`, each app's name), and the viewers and
/// session length of apps that set none. Its secrets (`client_secret`,
/// `cookie_secret` under `[auth]`) are in the root's `secrets.toml`, which
/// no page reads.
pub const SERVER_FILE: &str = "server.toml";

/// An apps root's `server.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The login every app shares.
    #[serde(default)]
    pub auth: crate::app::access::AuthConfig,
}

/// The login an apps root's `server.toml` gives its apps, with its secrets.
#[derive(Debug, Clone, Default)]
pub struct SharedAuth {
    config: crate::app::access::AuthConfig,
    client_secret: Option<String>,
    cookie_secret: Option<String>,
}

impl SharedAuth {
    /// Reads `<root>/server.toml` and the `[auth]` secrets of
    /// `<root>/secrets.toml`; none when there is no `server.toml`.
    pub fn load(root: &Path) -> anyhow::Result<Option<SharedAuth>> {
        let file = root.join(SERVER_FILE);
        if !file.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let config: ServerConfig = toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "not a valid {} {}: {}",
                file.display(),
                crate::runtime::services::secrets::place(&text, &e),
                e.message()
            )
        })?;
        if let Some(oidc) = &config.auth.oidc {
            if !oidc.redirect_uri.contains("{app}") {
                bail!(
                    "in {}: [auth.oidc] redirect_uri is every app's callback: write `{{app}}` where                      the app's name goes (https://apps.example.com/{{app}}/_/auth/callback)",
                    file.display()
                );
            }
        }
        let secrets_path = root.join(SECRETS_FILE);
        let secrets = if secrets_path.is_file() {
            Some(Secrets::load(&secrets_path)?)
        } else {
            None
        };
        let secret = |key: &str| {
            let json = secrets.as_ref()?.get(key)?;
            serde_json::from_str::<String>(&json).ok()
        };
        Ok(Some(SharedAuth {
            client_secret: secret("auth.client_secret"),
            cookie_secret: secret("auth.cookie_secret"),
            config: config.auth,
        }))
    }
}

/// One app's settings, from its `app.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    /// Shown in the apps index; the directory name otherwise.
    pub title: Option<String>,
    /// Most runs of the app at once (script threads it may hold).
    pub concurrent_runs: Option<usize>,
    /// Most of the app's jobs running at once (worker threads it may hold).
    pub worker_share: Option<usize>,
    /// Memory for the app's `cache_data` values, in MiB.
    pub cache_mib: Option<u64>,
    /// Largest message one of the app's browsers may send, in bytes.
    pub message_bytes: Option<usize>,
    /// Session state all the app's sessions may hold, in MiB; default: the
    /// server's `--session-state-app-mib`.
    pub session_state_app_mib: Option<u64>,
    /// Whether the app's browsers may clear its caches ("Clear cache");
    /// default true.
    pub cache_clear: Option<bool>,
    /// Shortest time between two clears of the app's caches, in seconds,
    /// whichever session asks; default 10.
    pub cache_clear_interval: Option<u64>,
    /// Any of the run limits (`host/src/limits.rs`), overriding the
    /// server's: `memory_bytes`, `cpu_time` (seconds), `elements_per_run`,
    /// `session_state_bytes`, …
    #[serde(default)]
    pub limits: toml::Table,
    /// What the app's pages may reach beyond the contract. All off unless
    /// granted here.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// SQL connections its pages may query by name (`wasmlit::sql`).
    #[serde(default)]
    pub connections: std::collections::BTreeMap<String, ConnectionConfig>,
    /// Which request headers and cookies its pages may read
    /// (`st.context`).
    #[serde(default)]
    pub context: ContextPolicy,
    /// Login (OpenID Connect) and who may open the app.
    #[serde(default)]
    pub auth: crate::app::access::AuthConfig,
}

/// Capabilities an operator grants an app.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// A directory (relative to the app's directory) its pages may read,
    /// never write, mounted at `/data`.
    pub data_dir: Option<PathBuf>,
    /// Hosts its pages may send HTTP requests to (`wasmlit::http`):
    /// entries `scheme://host[:port]`, such as `https://api.example.com`,
    /// `https://*.example.com` (its subdomains) or `http://10.0.0.5:*`.
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    /// Raw HTML in its pages' Markdown (`markdown_unsafe`) is kept, cleaned
    /// of script, instead of refused: Streamlit's `unsafe_allow_html`.
    #[serde(default)]
    pub unsafe_allow_html: bool,
}

/// An app found in an apps root.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// Its directory name: its URL prefix.
    pub name: String,
    /// Its directory.
    pub dir: PathBuf,
    /// Its settings.
    pub config: TenantConfig,
    /// The server's limits with the app's overrides.
    pub limits: Limits,
    /// What it was granted: the data directory (resolved) and outbound
    /// hosts.
    pub grants: Grants,
    /// Why its `app.toml` was refused, if it was: the app is reported and
    /// serves no pages.
    pub failure: Option<String>,
    /// Who may open it and how they log in, if it says.
    pub access: Option<Arc<crate::app::access::Access>>,
}

impl Tenant {
    /// The directory of the app's pages.
    pub fn pages(&self) -> PathBuf {
        self.dir.join("pages")
    }

    /// The name shown for it.
    pub fn title(&self) -> String {
        self.config
            .title
            .clone()
            .unwrap_or_else(|| crate::model::protocol::title_case(&self.name))
    }
}

/// Whether `dir` is an apps root: some directory in it has an `app.toml`.
pub fn is_apps_root(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().any(|e| e.path().join(APP_FILE).is_file()))
        .unwrap_or(false)
}

/// Reads every app of the apps root `root` (directories with an
/// `app.toml`), sorted by name; `server` are the server's limits, which an
/// app's `[limits]` override. Errors name the file and the setting; the
/// first app that fails to read fails the whole call (see [`discover_all`]
/// for a server that serves the others).
pub fn discover(
    root: &Path,
    server: &Limits,
    script_threads: usize,
) -> anyhow::Result<Vec<Tenant>> {
    let tenants = discover_all(root, server, script_threads)?;
    if let Some(error) = tenants.iter().find_map(|t| t.failure.as_ref()) {
        bail!("{error}");
    }
    Ok(tenants)
}

/// Like [`discover`], but an app whose `app.toml` cannot be read or is
/// refused is returned with the server's settings, no grants and its
/// [`Tenant::failure`], so the server reports it and serves the others.
/// Directories whose names cannot be URL segments are skipped with an error
/// in the log.
pub fn discover_all(
    root: &Path,
    server: &Limits,
    script_threads: usize,
) -> anyhow::Result<Vec<Tenant>> {
    let mut tenants = Vec::new();
    let shared = SharedAuth::load(root)?;
    let entries =
        std::fs::read_dir(root).with_context(|| format!("reading apps root {}", root.display()))?;
    for entry in entries.flatten() {
        let dir = entry.path();
        let file = dir.join(APP_FILE);
        if !file.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Err(e) = check_name(&name) {
            tracing::error!(dir = %dir.display(), error = %e, "skipping an app whose name cannot be a URL segment");
            continue;
        }
        let parsed = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))
            .and_then(|text| {
                parse_shared(&name, &dir, &text, server, script_threads, shared.as_ref())
                    .with_context(|| format!("in {}", file.display()))
            });
        tenants.push(parsed.unwrap_or_else(|e| Tenant {
            name: name.clone(),
            dir: dir.clone(),
            config: TenantConfig::default(),
            limits: server.clone(),
            grants: Grants::default(),
            failure: Some(format!("{e:#}")),
            access: None,
        }));
    }
    if tenants.is_empty() {
        bail!(
            "{} holds no app (a directory with an {APP_FILE})",
            root.display()
        );
    }
    tenants.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tenants)
}

/// The settings of a single app served from `dir` (`host serve pages/`):
/// its `app.toml` and `secrets.toml` there, if it has either. Its
/// `[limits]`, `[capabilities]`, `[connections]` and `[context]` apply as
/// in an apps root; the keys about sharing a server do not matter.
pub fn single(
    dir: &Path,
    server: &Limits,
    script_threads: usize,
) -> anyhow::Result<Option<Tenant>> {
    let file = dir.join(APP_FILE);
    if !file.is_file() && !dir.join(SECRETS_FILE).is_file() {
        return Ok(None);
    }
    let text = if file.is_file() {
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?
    } else {
        String::new()
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "app".into());
    parse(&name, dir, &text, server, script_threads)
        .with_context(|| format!("in {}", file.display()))
        .map(Some)
}

/// What one app of an apps root may hold of the shared pools at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FairShare {
    /// Script threads (its `concurrent_runs`).
    pub runs: usize,
    /// Worker threads (its `worker_share`).
    pub workers: usize,
    /// Instances of the engine's pool: runs, jobs, resources and builds.
    pub instances: usize,
}

/// Each app's share of `script_threads`, `worker_threads` and instances: its
/// `app.toml` settings, else a fair fraction (the pool divided by the
/// number of apps, rounded up), never the whole pool when there are others.
pub fn fair_shares(
    tenants: &[Tenant],
    script_threads: usize,
    worker_threads: usize,
) -> Vec<FairShare> {
    let apps = tenants.len().max(1);
    tenants
        .iter()
        .map(|tenant| {
            let runs = tenant
                .config
                .concurrent_runs
                .unwrap_or_else(|| script_threads.div_ceil(apps))
                .max(1);
            let workers = tenant
                .config
                .worker_share
                .unwrap_or_else(|| worker_threads.div_ceil(apps))
                .max(1);
            FairShare {
                runs,
                workers,
                instances: crate::runtime::services::instances_needed(runs, workers),
            }
        })
        .collect()
}

/// Parses one app's `app.toml` and checks every value.
pub fn parse(
    name: &str,
    dir: &Path,
    text: &str,
    server: &Limits,
    script_threads: usize,
) -> anyhow::Result<Tenant> {
    parse_shared(name, dir, text, server, script_threads, None)
}

/// [`parse`] for an app of an apps root whose `server.toml` gives a login:
/// the app's own `[auth]` keys win, key by key (its `oidc` with the secrets
/// in its own `secrets.toml`, its `viewers`, its `session_hours`).
pub fn parse_shared(
    name: &str,
    dir: &Path,
    text: &str,
    server: &Limits,
    script_threads: usize,
    shared: Option<&SharedAuth>,
) -> anyhow::Result<Tenant> {
    // The parser's message quotes the line, which may hold a database
    // password: the message is kept, the quote is not.
    let config: TenantConfig = toml::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "not a valid app.toml {}: {}",
            crate::runtime::services::secrets::place(text, &e),
            e.message()
        )
    })?;
    let limits = overlay(server, &config.limits)?;
    if let Some(runs) = config.concurrent_runs {
        if runs == 0 || runs > script_threads {
            bail!("concurrent_runs must be 1 to {script_threads} (the server's script threads), not {runs}");
        }
    }
    if config.worker_share == Some(0) {
        bail!("worker_share must be at least 1");
    }
    if config.cache_mib == Some(0) {
        bail!("cache_mib must be at least 1");
    }
    if let Some(bytes) = config.message_bytes {
        if !(1024..=16 << 20).contains(&bytes) {
            bail!("message_bytes must be 1024 to 16777216, not {bytes}");
        }
    }
    check_limits(&limits, server)?;
    let unsafe_allow_html = config.capabilities.unsafe_allow_html;
    let data_dir = match &config.capabilities.data_dir {
        None => None,
        Some(relative) => {
            let path = dir.join(relative);
            let resolved = path.canonicalize().with_context(|| {
                format!("capabilities.data_dir: {} does not exist", path.display())
            })?;
            if !resolved.is_dir() {
                bail!(
                    "capabilities.data_dir: {} is not a directory",
                    path.display()
                );
            }
            Some(resolved)
        }
    };
    let secrets_path = dir.join(SECRETS_FILE);
    let secrets = if secrets_path.exists() {
        Some(Arc::new(Secrets::load(&secrets_path)?))
    } else {
        None
    };
    if let (Some(data), Ok(app_dir)) = (&data_dir, dir.canonicalize()) {
        // What the pages may read must not hold what only the host may.
        if app_dir.starts_with(data) {
            bail!(
                "capabilities.data_dir: {} holds the app's own directory (its app.toml and {SECRETS_FILE}); grant a directory inside it",
                data.display()
            );
        }
    }
    let databases = if config.connections.is_empty() {
        None
    } else {
        let secret_url = |name: &str| {
            let json = secrets.as_ref()?.get(&format!("connections.{name}.url"))?;
            serde_json::from_str::<String>(&json).ok()
        };
        Some(Arc::new(Databases::new(
            dir,
            &config.connections,
            secret_url,
        )?))
    };
    let context = Arc::new(config.context.clone());
    let secret = |key: &str| {
        let json = secrets.as_ref()?.get(key)?;
        serde_json::from_str::<String>(&json).ok()
    };
    let mut auth = config.auth.clone();
    let (mut client_secret, mut cookie_secret) =
        (secret("auth.client_secret"), secret("auth.cookie_secret"));
    if let Some(shared) = shared {
        if auth.oidc.is_none() {
            if let Some(oidc) = &shared.config.oidc {
                auth.oidc = Some(crate::app::access::OidcConfig {
                    redirect_uri: oidc.redirect_uri.replace("{app}", name),
                    ..oidc.clone()
                });
                client_secret = client_secret.or_else(|| shared.client_secret.clone());
            }
        }
        cookie_secret = cookie_secret.or_else(|| shared.cookie_secret.clone());
        if auth.viewers.is_empty() {
            auth.viewers = shared.config.viewers.clone();
        }
        auth.session_hours = auth.session_hours.or(shared.config.session_hours);
    }
    let access = if auth == crate::app::access::AuthConfig::default() {
        None
    } else {
        Some(Arc::new(crate::app::access::Access::new(
            name,
            &auth,
            client_secret,
            cookie_secret,
        )?))
    };
    let allow = AllowList::parse(&config.capabilities.allowed_outbound_hosts)
        .context("capabilities.allowed_outbound_hosts")?;
    let outbound = if allow.is_empty() {
        None
    } else {
        Some(Arc::new(
            Outbound::new(allow).context("the outbound HTTP client")?,
        ))
    };
    Ok(Tenant {
        name: name.to_owned(),
        dir: dir.to_owned(),
        config,
        limits,
        grants: Grants {
            data_dir,
            outbound,
            unsafe_allow_html,
            secrets,
            databases,
            context,
            login_provider: access.as_ref().is_some_and(|a| a.oidc.is_some()),
        },
        failure: None,
        access,
    })
}

/// `server`'s limits with the keys of `table` replaced.
fn overlay(server: &Limits, table: &toml::Table) -> anyhow::Result<Limits> {
    let mut merged = toml::Table::try_from(server).context("the server's limits")?;
    for (key, value) in table {
        merged.insert(key.clone(), value.clone());
    }
    Limits::deserialize(toml::Value::Table(merged)).map_err(|e| anyhow::anyhow!("[limits]: {e}"))
}

/// Values an app may not choose: zeros that would make every run fail, and
/// more memory than the server's instance slots hold.
fn check_limits(limits: &Limits, server: &Limits) -> anyhow::Result<()> {
    if limits.memory_bytes > server.memory_bytes {
        bail!(
            "[limits] memory_bytes is {}, more than the server's {} (--memory-mib)",
            limits.memory_bytes,
            server.memory_bytes
        );
    }
    if limits.wasm_stack_bytes != server.wasm_stack_bytes {
        bail!("[limits] wasm_stack_bytes is set for the whole server, not per app");
    }
    let positive = [
        ("memory_bytes", limits.memory_bytes),
        ("elements_per_run", limits.elements_per_run.into()),
        ("element_bytes", limits.element_bytes as u64),
        ("run_output_bytes", limits.run_output_bytes as u64),
        ("session_state_bytes", limits.session_state_bytes as u64),
        ("cpu_time", limits.cpu_time.as_millis() as u64),
        ("wall_time", limits.wall_time.as_millis() as u64),
        (
            "outbound_timeout",
            limits.outbound_timeout.as_millis() as u64,
        ),
        (
            "upload_concurrent_per_session",
            limits.upload_concurrent_per_session.into(),
        ),
        (
            "upload_body_timeout",
            limits.upload_body_timeout.as_millis() as u64,
        ),
        ("table_cells", limits.table_cells as u64),
    ];
    for (name, value) in positive {
        if value == 0 {
            bail!("[limits] {name} must be more than 0");
        }
    }
    Ok(())
}

/// App names are URL path segments: letters, digits, `-` and `_`, and not
/// `_` alone (the server's own paths start with `/_/`).
fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = !name.is_empty()
        && name != "_"
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        bail!("`{name}` cannot be an app name: use letters, digits, `-` and `_`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> anyhow::Result<Tenant> {
        parse(
            "sales",
            Path::new("/nonexistent"),
            text,
            &Limits::default(),
            8,
        )
    }

    #[test]
    fn an_empty_file_takes_the_servers_settings() {
        let tenant = parse_text("").unwrap();
        assert_eq!(
            tenant.limits.elements_per_run,
            Limits::default().elements_per_run
        );
        assert_eq!(tenant.title(), "Sales");
        assert!(tenant.grants.data_dir.is_none());
        assert!(tenant.grants.outbound.is_none());
    }

    #[test]
    fn limits_override_only_their_keys() {
        let tenant =
            parse_text("concurrent_runs = 2\n[limits]\nelements_per_run = 50\ncpu_time = 2\n")
                .unwrap();
        assert_eq!(tenant.limits.elements_per_run, 50);
        assert_eq!(tenant.limits.cpu_time, std::time::Duration::from_secs(2));
        assert_eq!(
            tenant.limits.session_state_bytes,
            Limits::default().session_state_bytes
        );
    }

    #[test]
    fn bad_values_are_refused_by_name() {
        for (text, expected) in [
            ("bogus = 1", "bogus"),
            ("[limits]\nelements_per_rn = 5", "elements_per_rn"),
            ("[limits]\nelements_per_run = -5", "elements_per_run"),
            (
                "[limits]\nelements_per_run = 0",
                "elements_per_run must be more than 0",
            ),
            (
                "[limits]\nmemory_bytes = 1099511627776",
                "more than the server's",
            ),
            ("concurrent_runs = 9", "concurrent_runs must be 1 to 8"),
            (
                "[limits]\nupload_concurrent_per_session = 0",
                "upload_concurrent_per_session must be more than 0",
            ),
            ("cache_clear_interval = -1", "cache_clear_interval"),
            ("worker_share = 0", "worker_share"),
            ("message_bytes = 10", "message_bytes"),
            ("[capabilities]\nhttp = [\"example.com\"]", "http"),
            ("[capabilities]\ndata_dir = \"missing\"", "data_dir"),
            (
                "[capabilities]\nallowed_outbound_hosts = [\"example.com\"]",
                "allowed_outbound_hosts",
            ),
            (
                "[capabilities]\nallowed_outbound_hosts = [\"https://example.com/api\"]",
                "no path",
            ),
        ] {
            let error = format!("{:#}", parse_text(text).unwrap_err());
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn an_error_never_quotes_the_line_and_data_dir_cannot_hold_the_app() {
        let error =
            parse_text("[connections.db]\nurl = \"postgres://app:hunter2@db/app\"\nbogus = 1\n")
                .map(|_| ())
                .unwrap_err();
        let text = format!("{error:#}");
        assert!(text.contains("line 3") && text.contains("bogus"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let app = tempfile::tempdir().unwrap();
        std::fs::create_dir(app.path().join("data")).unwrap();
        let parse_in = |text: &str| parse("sales", app.path(), text, &Limits::default(), 8);
        assert!(parse_in("[capabilities]\ndata_dir = \"data\"\n").is_ok());
        let error = format!(
            "{:#}",
            parse_in("[capabilities]\ndata_dir = \".\"\n")
                .map(|_| ())
                .unwrap_err()
        );
        assert!(error.contains("holds the app's own directory"), "{error}");
    }

    #[test]
    fn app_names_are_url_segments() {
        assert!(check_name("sales-2026").is_ok());
        for bad in ["_", "", "a/b", "..", "a b", "é"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_server_wide_login_names_every_apps_callback() {
        let root = tempfile::tempdir().expect("a directory");
        let write =
            |text: &str| std::fs::write(root.path().join(SERVER_FILE), text).expect("write");
        write(
            "[auth.oidc]\nissuer = \"https://id.example\"\nclient_id = \"c\"\n\
             redirect_uri = \"https://apps.example/_/auth/callback\"\n",
        );
        let error = format!("{:#}", SharedAuth::load(root.path()).expect_err("no {app}"));
        assert!(error.contains("{app}"), "{error}");
        write("[auth]\nviewerz = []\n");
        assert!(
            SharedAuth::load(root.path()).is_err(),
            "unknown keys are refused"
        );
        write(
            "[auth]\nviewers = [\"@example.com\"]\n[auth.oidc]\nissuer = \"https://id.example\"\n\
             client_id = \"c\"\nredirect_uri = \"https://apps.example/{app}/_/auth/callback\"\n",
        );
        let shared = SharedAuth::load(root.path()).expect("valid").expect("some");
        // An app without [auth] takes the provider with its own callback
        // and the server's viewers; one with viewers keeps its own.
        let plain = parse_shared(
            "sales",
            root.path(),
            "",
            &Limits::default(),
            4,
            Some(&shared),
        )
        .expect("parses");
        let access = plain.access.expect("a login");
        let (oidc, _) = access.oidc.as_ref().expect("the provider");
        assert_eq!(
            oidc.redirect_uri,
            "https://apps.example/sales/_/auth/callback"
        );
        assert!(access.required());
        let own = parse_shared(
            "ops",
            root.path(),
            "[auth]\nviewers = [\"bob@other.example\"]\n",
            &Limits::default(),
            4,
            Some(&shared),
        )
        .expect("parses");
        let access = own.access.expect("a login");
        let bob = crate::model::context::User {
            sub: "b".into(),
            email: Some("bob@other.example".into()),
            email_verified: true,
            name: None,
        };
        assert!(access.allows(&bob));
        assert_eq!(
            access.oidc.as_ref().map(|(o, _)| o.redirect_uri.as_str()),
            Some("https://apps.example/ops/_/auth/callback")
        );
    }
}
