//! An app's secrets: the operator's `secrets.toml`, read by its pages
//! through `wasmlit:page/secrets`, and the redactor that replaces every
//! secret string in what the host sends a browser or writes to its log.

use aho_corasick::{AhoCorasick, MatchKind};
use anyhow::{bail, Context as _};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::path::Path;

/// The name of an app's secrets file, beside its `app.toml`.
pub const SECRETS_FILE: &str = "secrets.toml";

/// What a secret is replaced with.
pub const REDACTED: &str = "[secret]";

/// Secret strings shorter than this are not redacted (a secret `on` would
/// blank every `on` of the page); documented in SECURITY.md.
pub const MIN_REDACTED_BYTES: usize = 6;

/// Tables of the secrets file only the host reads: connection URLs and the
/// login provider's secrets. Pages get neither (they are still redacted).
pub const HOST_ONLY: [&str; 2] = ["connections", "auth"];

/// Largest secrets file, in bytes.
pub const MAX_SECRETS_BYTES: u64 = 1 << 20;

/// One app's secrets.
pub struct Secrets {
    /// The file as JSON.
    root: Value,
    /// Every leaf's dotted key, sorted.
    keys: Vec<String>,
    /// Finds any secret string (as written, JSON-escaped or HTML-escaped).
    redactor: Option<AhoCorasick>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the values, whoever prints this.
        f.debug_struct("Secrets")
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl Secrets {
    /// Reads the secrets file at `path`, refusing one that others than its
    /// owner may write (anyone who can change it can change what the app
    /// connects to) or that is not valid TOML. Errors name the file, never
    /// a value.
    pub fn load(path: &Path) -> anyhow::Result<Secrets> {
        let meta =
            std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
        if meta.len() > MAX_SECRETS_BYTES {
            bail!(
                "{} is larger than {MAX_SECRETS_BYTES} bytes",
                path.display()
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode();
            if mode & 0o022 != 0 {
                bail!(
                    "{} may be written by other users (mode {:o}); only its owner may write a secrets file (chmod go-w)",
                    path.display(),
                    mode & 0o777
                );
            }
        }
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Secrets::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Secrets from TOML text. A syntax error is reported by line and
    /// column only: the parser's message could quote a value.
    pub fn parse(text: &str) -> anyhow::Result<Secrets> {
        let table: toml::Table = match toml::from_str(text) {
            Ok(table) => table,
            Err(e) => bail!("not valid TOML {}", place(text, &e)),
        };
        let root = to_json(toml::Value::Table(table));
        let mut keys = Vec::new();
        let mut strings = Vec::new();
        leaves(&root, &mut String::new(), &mut keys, &mut strings);
        keys.sort();
        let mut patterns: Vec<String> = Vec::new();
        for s in strings
            .into_iter()
            .filter(|s| s.len() >= MIN_REDACTED_BYTES)
        {
            let quoted = serde_json::to_string(&s).unwrap_or_default();
            let json = quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or(&s)
                .to_owned();
            let html = crate::model::markdown::escape(&s);
            // Markdown's text escapes only `&`, `<` and `>`.
            let text = s
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            // As Rust's `{:?}` (a panic's message quotes values so).
            let debug = format!("{s:?}");
            let debug = debug
                .strip_prefix('"')
                .and_then(|d| d.strip_suffix('"'))
                .unwrap_or(&s)
                .to_owned();
            // JSON inside JSON (a JSON column, a chart's data).
            let nested = serde_json::to_string(&json).unwrap_or_default();
            let nested = nested
                .strip_prefix('"')
                .and_then(|d| d.strip_suffix('"'))
                .unwrap_or(&s)
                .to_owned();
            for form in [json, html, text, debug, nested] {
                if form != s && !patterns.contains(&form) {
                    patterns.push(form);
                }
            }
            if !patterns.contains(&s) {
                patterns.push(s);
            }
        }
        let redactor = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .context("building the secrets redactor")?,
            )
        };
        Ok(Secrets {
            root,
            keys,
            redactor,
        })
    }

    /// The value at dotted `key` as JSON, for the host; `""` is the whole
    /// file.
    pub fn get(&self, key: &str) -> Option<String> {
        serde_json::to_string(self.at(key)?).ok()
    }

    fn at(&self, key: &str) -> Option<&Value> {
        let mut at = &self.root;
        if !key.is_empty() {
            for part in key.split('.') {
                at = at.as_object()?.get(part)?;
            }
        }
        Some(at)
    }

    /// The value at dotted `key` as JSON, as a page may read it: nothing
    /// of the [`HOST_ONLY`] tables; `""` is the rest of the file.
    pub fn page_get(&self, key: &str) -> Option<String> {
        let first = key.split('.').next().unwrap_or("");
        if HOST_ONLY.contains(&first) {
            return None;
        }
        if key.is_empty() {
            let mut all = self.root.as_object()?.clone();
            all.retain(|k, _| !HOST_ONLY.contains(&k.as_str()));
            return serde_json::to_string(&all).ok();
        }
        serde_json::to_string(self.at(key)?).ok()
    }

    /// Every leaf's dotted key a page may read, sorted.
    pub fn page_keys(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter(|k| !HOST_ONLY.contains(&k.split('.').next().unwrap_or("")))
            .cloned()
            .collect()
    }

    /// `text` with every secret string replaced by [`REDACTED`].
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.redactor {
            Some(finder) if finder.is_match(text) => {
                Cow::Owned(finder.replace_all(text, &vec![REDACTED; finder.patterns_len()]))
            }
            _ => Cow::Borrowed(text),
        }
    }

    /// [`Secrets::redact`] in place.
    pub fn redact_in_place(&self, text: &mut String) {
        if let Cow::Owned(clean) = self.redact(text) {
            *text = clean;
        }
    }

    /// Whether `text` holds a secret anywhere.
    pub fn appears_in(&self, text: &str) -> bool {
        self.redactor.as_ref().is_some_and(|r| r.is_match(text))
    }

    /// Every string value of `value` redacted, keys and the protocol's tags
    /// (the values of `type`, `kind`, `widget` and `status`) left as they
    /// are, so a message stays a valid message of the protocol.
    pub fn redact_json(&self, value: &mut Value) {
        match value {
            Value::String(s) => self.redact_in_place(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if matches!(key.as_str(), "type" | "kind" | "widget" | "status")
                        && v.is_string()
                    {
                        continue;
                    }
                    self.redact_json(v);
                }
            }
            _ => {}
        }
    }
}

/// Where a TOML error is, as `at line L, column C`, without the parser's
/// quote of the line (which could hold a password).
pub fn place(text: &str, error: &toml::de::Error) -> String {
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before.len() - start + 1;
            // The key of that line, never its value.
            let key = text[start..]
                .lines()
                .next()
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim())
                .filter(|k| !k.is_empty() && k.len() <= 64);
            match key {
                Some(key) => format!("at line {line}, column {column} (`{key}`)"),
                None => format!("at line {line}, column {column}"),
            }
        }
        None => String::new(),
    }
}

/// A TOML value as JSON: dates and times as their TOML text.
fn to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.into_iter()
                .map(|(k, v)| (k, to_json(v)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// Collects every leaf's dotted key and every string in `value`.
fn leaves(value: &Value, prefix: &mut String, keys: &mut Vec<String>, strings: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let len = prefix.len();
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(k);
                leaves(v, prefix, keys, strings);
                prefix.truncate(len);
            }
        }
        other => {
            if !prefix.is_empty() {
                keys.push(prefix.clone());
            }
            collect_strings(other, strings);
        }
    }
}

fn collect_strings(value: &Value, strings: &mut Vec<String>) {
    match value {
        Value::String(s) => strings.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| collect_strings(v, strings)),
        Value::Object(o) => o.values().for_each(|v| collect_strings(v, strings)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
api_key = "sk-live-123456"
short = "on"
[database]
password = 'p"a<ss&word'
port = 5432
hosts = ["db-one.internal", "db-two.internal"]
"#;

    #[test]
    fn values_are_read_by_dotted_key_as_json() {
        let s = Secrets::parse(FILE).unwrap();
        assert_eq!(s.get("api_key").as_deref(), Some("\"sk-live-123456\""));
        let hidden = Secrets::parse("a = \"1\"\n[connections.db]\nurl = \"postgres://u:p@h/d\"\n[auth]\ncookie_secret = \"x\"\n").unwrap();
        assert_eq!(hidden.page_get("connections.db.url"), None);
        assert_eq!(hidden.page_get("auth"), None);
        assert_eq!(hidden.page_get("").as_deref(), Some("{\"a\":\"1\"}"));
        assert_eq!(hidden.page_keys(), ["a"]);
        assert!(hidden.get("connections.db.url").is_some());
        assert_eq!(s.get("database.port").as_deref(), Some("5432"));
        assert_eq!(s.get("database.missing"), None);
        assert_eq!(s.get("api_key.deeper"), None);
        assert!(s.get("database").unwrap().contains("\"port\":5432"));
        assert_eq!(
            s.page_keys(),
            [
                "api_key",
                "database.hosts",
                "database.password",
                "database.port",
                "short"
            ]
        );
    }

    #[test]
    fn every_form_of_a_secret_string_is_redacted() {
        let s = Secrets::parse(FILE).unwrap();
        let json = serde_json::to_string("key p\"a<ss&word").unwrap();
        for (text, expected) in [
            ("the key is sk-live-123456.", "the key is [secret]."),
            (json.as_str(), "\"key [secret]\""),
            ("<p>p&quot;a&lt;ss&amp;word</p>", "<p>[secret]</p>"),
            ("<p>p\"a&lt;ss&amp;word</p>", "<p>[secret]</p>"),
            ("panicked: \"p\\\"a<ss&word\"", "panicked: \"[secret]\""),
            ("host db-two.internal", "host [secret]"),
            ("turned on", "turned on"),
        ] {
            assert_eq!(s.redact(text), expected, "{text}");
        }
        assert!(!format!("{s:?}").contains("sk-live"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_may_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(SECRETS_FILE);
        std::fs::write(&file, "token = \"abcdefgh\"\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Secrets::load(&file).is_ok());
        for mode in [0o620, 0o602] {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
            let error = format!("{:#}", Secrets::load(&file).unwrap_err());
            assert!(error.contains("may be written by other users"), "{error}");
        }
    }

    #[test]
    fn a_syntax_error_names_the_place_not_the_value() {
        let error = Secrets::parse("token = \"abcdefgh\nother = 1\n").unwrap_err();
        let text = format!("{error:#}");
        assert!(text.contains("line"), "{text}");
        assert!(!text.contains("abcdefgh"), "{text}");
    }
}
