//! The shared session store: Redis (one server, or a Redis Cluster), from
//! which any replica resumes any session. Without one, sessions live in
//! this process only (parked in memory, `socket::ParkedSessions`).
//!
//! A session's snapshot is a hash, written when its runs end (only the
//! parts that changed, in one atomic script), with a version that a write
//! must name: a replica whose copy is stale cannot overwrite a newer one.
//! Versions are random tokens, never reused (a store that lost a session
//! and is written again does not repeat an old copy's version).
//! A lease names the replica serving the session; a replica holds its
//! leases while its own liveness key lives, so a killed replica's sessions
//! are taken over within [`StoreSettings::replica_lease`].
//!
//! The store is an accelerator of failover, never a dependency of a click:
//! when it does not answer, sessions go on in this replica's memory (the
//! degraded mode, logged once when it starts and once when it ends).

use parking_lot::Mutex;
use redis::aio::ConnectionLike;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Where the shared store is and how its leases behave.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    /// `redis://host:port[/db]`, `rediss://…` is not supported;
    /// `redis+cluster://host:port,host:port` for a Redis Cluster.
    pub url: String,
    /// How long a replica that stopped answering still holds its
    /// sessions: another replica takes them over after it.
    pub replica_lease: Duration,
    /// How long one request to the store may take before the store counts
    /// as down (and sessions go on in memory).
    pub timeout: Duration,
    /// How long a stored session outlives its last write or touch: the
    /// sessions' grace period.
    pub grace: Duration,
}

/// `url` with its password, if any, left out (for logs).
pub fn without_password(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://…@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// What a claim of a session found.
pub enum Claim {
    /// This replica now holds the session. `parts` is the stored snapshot
    /// when it is newer than the copy the claim named (`None`: that copy
    /// is current, or nothing is stored).
    Taken {
        /// The stored version (0: nothing stored).
        version: u64,
        /// The stored parts, when they should replace the local copy.
        parts: Option<HashMap<String, Vec<u8>>>,
    },
    /// Another replica, alive, serves it, or the store stopped answering
    /// half way through the claim: the session cannot be resumed here now
    /// (and a copy this replica has may be stale).
    Held,
    /// The store has no such session, and the claim named no copy of it:
    /// nothing was taken.
    Missing,
    /// The store did not answer.
    Unavailable,
}

/// A file uploaded to a stored session.
pub struct StoredUpload {
    /// Its id, as the uploader's value names it.
    pub id: String,
    /// The uploader it was sent to.
    pub widget: String,
    /// Its file name.
    pub name: String,
    /// Its type.
    pub mime: String,
    /// Its contents.
    pub bytes: bytes::Bytes,
}

/// What a save did.
pub enum Saved {
    /// Stored as this version.
    Stored(u64),
    /// Another replica took the session over, or stored a newer version:
    /// this copy is stale and must not go on.
    Stale,
    /// The store no longer has the session (it restarted empty, or the
    /// copy expired): nothing was written; write every part.
    Forgotten,
    /// The store did not answer; nothing was written.
    Unavailable,
}

/// A connection to a single Redis or to a cluster.
#[derive(Clone)]
enum Link {
    Single(redis::aio::ConnectionManager),
    Cluster(redis::cluster_async::ClusterConnection),
}

impl ConnectionLike for Link {
    fn req_packed_command<'a>(
        &'a mut self,
        cmd: &'a redis::Cmd,
    ) -> redis::RedisFuture<'a, redis::Value> {
        match self {
            Link::Single(c) => c.req_packed_command(cmd),
            Link::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        match self {
            Link::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Link::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Link::Single(c) => c.get_db(),
            Link::Cluster(c) => c.get_db(),
        }
    }
}

/// Takes the lease of a session that is free, this replica's, or held by
/// the replica the caller found dead; answers `{1, stored version}`, or
/// `{0, holder}` when someone else holds it, or `{2, ''}` (and takes
/// nothing) when nothing is stored and the caller has no copy (ARGV[4]).
const CLAIM: &str = r"
local version = redis.call('HGET', KEYS[1], 'version')
if not version and ARGV[4] == '0' then return {2, ''} end
local holder = redis.call('GET', KEYS[2]) or ''
if holder ~= '' and holder ~= ARGV[1] and holder ~= ARGV[3] then
  return {0, holder}
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {1, version or '0'}
";

/// Writes parts of a session as version ARGV[4] (a fresh random token) if
/// this replica holds its lease (or nobody does) and the stored version is
/// ARGV[3]: 1 when written, 0 when the copy is stale, 2 when nothing is
/// stored though the copy was stored before (the store lost it: write
/// every part).
const SAVE: &str = r"
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 0 end
local stored = redis.call('HGET', KEYS[1], 'version')
if stored and stored ~= ARGV[3] then return 0 end
if not stored and ARGV[3] ~= '0' then return 2 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[1], 'version', ARGV[4], unpack(ARGV, 5))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
";

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedStore")
            .field("url", &without_password(&self.settings.url))
            .field("replica", &self.replica)
            .finish_non_exhaustive()
    }
}

/// Drops the uploads of widget ARGV[1] whose ids are not among ARGV[2..]
/// (fields are `<16-digit id>:<widget>`).
const KEEP_UPLOADS: &str = r"
local keep = {}
for i = 2, #ARGV do keep[ARGV[i]] = true end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 18) == ARGV[1] and not keep[string.sub(field, 1, 16)] then
    redis.call('HDEL', KEYS[1], field)
  end
end
return 1
";

/// Lets go of a lease this replica holds.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
";

/// How often a claim looks again at a lease another live replica holds.
const CLAIM_POLL: Duration = Duration::from_millis(50);

/// Sessions whose expiry one touch renews at once.
const TOUCH_BATCH: usize = 256;

/// How long the store is left alone after it failed to answer, before the
/// next request tries it again.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);

/// A new version token: random, never 0 (which means "nothing stored").
fn new_version() -> u64 {
    rand::random::<u64>().max(1)
}

/// A shared session store.
pub struct SharedStore {
    link: Link,
    /// This process's name in leases: random, new at each start.
    replica: String,
    settings: StoreSettings,
    claim: redis::Script,
    save: redis::Script,
    release: redis::Script,
    keep_uploads: redis::Script,
    /// Since when the store has not answered, if it has not.
    down: Mutex<Option<Instant>>,
    /// Counts the times the store came back after not answering: a
    /// connected session then writes itself in full (the store may have
    /// restarted empty).
    came_back: tokio::sync::watch::Sender<u64>,
}

impl SharedStore {
    /// Connects to the store at `settings.url`. A single server is
    /// connected to lazily (and again after it restarts); a cluster's
    /// nodes must answer now.
    pub async fn connect(settings: StoreSettings) -> anyhow::Result<SharedStore> {
        let link = if let Some(nodes) = settings.url.strip_prefix("redis+cluster://") {
            let nodes: Vec<String> = nodes
                .split(',')
                .map(|node| format!("redis://{}", node.trim()))
                .collect();
            let client = redis::cluster::ClusterClientBuilder::new(nodes)
                .connection_timeout(settings.timeout)
                .response_timeout(settings.timeout)
                .build()
                .map_err(|e| anyhow::anyhow!("--session-store {}: {e}", settings.url))?;
            Link::Cluster(client.get_async_connection().await.map_err(|e| {
                anyhow::anyhow!(
                    "--session-store {}: the cluster did not answer: {e}",
                    settings.url
                )
            })?)
        } else if settings.url.starts_with("redis://") {
            let client = redis::Client::open(settings.url.as_str())
                .map_err(|e| anyhow::anyhow!("--session-store {}: {e}", settings.url))?;
            let config = redis::aio::ConnectionManagerConfig::new()
                .set_connection_timeout(Some(settings.timeout))
                .set_response_timeout(Some(settings.timeout))
                .set_number_of_retries(1)
                .set_max_delay(RETRY_AFTER);
            Link::Single(
                redis::aio::ConnectionManager::new_lazy_with_config(client, config)
                    .map_err(|e| anyhow::anyhow!("--session-store {}: {e}", settings.url))?,
            )
        } else {
            anyhow::bail!(
                "--session-store {}: expected redis://host:port or \
                 redis+cluster://host:port,host:port",
                settings.url
            );
        };
        let store = SharedStore {
            link,
            replica: format!("{:016x}", rand::random::<u64>()),
            settings,
            claim: redis::Script::new(CLAIM),
            save: redis::Script::new(SAVE),
            release: redis::Script::new(RELEASE),
            keep_uploads: redis::Script::new(KEEP_UPLOADS),
            down: Mutex::new(None),
            came_back: tokio::sync::watch::channel(0).0,
        };
        if store.heartbeat().await {
            tracing::info!(replica = %store.replica, "session store connected");
        }
        Ok(store)
    }

    /// This replica's name in leases.
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// How long this replica holds its sessions without renewing.
    pub fn replica_lease(&self) -> Duration {
        self.settings.replica_lease
    }

    /// This replica stops: its remaining leases may be taken at once.
    pub async fn retire(&self) {
        let mut link = self.link.clone();
        let mut cmd = redis::cmd("DEL");
        cmd.arg(Self::alive_key(&self.replica));
        self.ask(cmd.query_async::<i64>(&mut link)).await;
    }

    /// Whether the store answered its last request.
    pub fn up(&self) -> bool {
        self.down.lock().is_none()
    }

    /// Changes each time the store answers again after it did not.
    pub fn came_back(&self) -> tokio::sync::watch::Receiver<u64> {
        self.came_back.subscribe()
    }

    fn key(app: &str, id: &str, part: &str) -> String {
        // The braces make both keys of a session one cluster slot, so a
        // script may touch both.
        format!("wasmlit:{{{app}/{id}}}:{part}")
    }

    fn alive_key(replica: &str) -> String {
        format!("wasmlit:replica:{replica}")
    }

    /// Whether requests should be tried (the store answered lately, or
    /// long enough has passed to try again).
    fn worth_trying(&self) -> bool {
        match *self.down.lock() {
            Some(since) => since.elapsed() >= RETRY_AFTER,
            None => true,
        }
    }

    /// Runs one request with the store's timeout; records whether the
    /// store answered, logging when that changes.
    async fn ask<T>(
        &self,
        request: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Option<T> {
        let answer = match tokio::time::timeout(self.settings.timeout, request).await {
            Ok(Ok(answer)) => Ok(answer),
            // An answer that is an error (out of memory, a wrong type) is
            // not the store being away: that request fails, nothing more.
            Ok(Err(e))
                if !(e.is_io_error()
                    || e.is_timeout()
                    || e.is_connection_dropped()
                    || e.is_connection_refusal()
                    || e.is_cluster_error()) =>
            {
                tracing::warn!(error = %e, "the session store refused a request");
                return None;
            }
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!(
                "no answer within {}",
                crate::runtime::limits::human_duration(self.settings.timeout)
            )),
        };
        let mut down = self.down.lock();
        match answer {
            Ok(answer) => {
                if down.take().is_some() {
                    tracing::warn!("session store answers again: sessions are shared again");
                    self.came_back.send_modify(|n| *n += 1);
                }
                Some(answer)
            }
            Err(error) => {
                match *down {
                    None => tracing::warn!(
                        %error,
                        "session store does not answer: sessions go on in this replica's \
                         memory only until it does"
                    ),
                    Some(_) => tracing::debug!(%error, "session store still does not answer"),
                }
                *down = Some(Instant::now());
                None
            }
        }
    }

    /// Renews this replica's liveness, which keeps its leases; false when
    /// the store did not answer.
    pub async fn heartbeat(&self) -> bool {
        let mut link = self.link.clone();
        let ttl = self.settings.replica_lease.as_millis() as u64;
        let mut cmd = redis::cmd("SET");
        cmd.arg(Self::alive_key(&self.replica))
            .arg(1)
            .arg("PX")
            .arg(ttl.max(1));
        self.ask(cmd.query_async::<()>(&mut link)).await.is_some()
    }

    /// Keeps the stored copies and leases of the sessions `ids` (connected
    /// here) for another `ttl`, a batch at a time. A touch that fails or is
    /// slow is not a sign of the store being down (it may be large); the
    /// heartbeat and the saves tell that.
    pub async fn touch(&self, app: &str, ids: &[String], ttl: Duration) {
        if !self.up() {
            return;
        }
        let ttl = ttl.as_millis() as u64;
        for batch in ids.chunks(TOUCH_BATCH) {
            let requests = batch.iter().flat_map(|id| {
                ["s", "lease", "u"].map(|part| {
                    let mut link = self.link.clone();
                    let key = Self::key(app, id, part);
                    async move {
                        redis::cmd("PEXPIRE")
                            .arg(key)
                            .arg(ttl)
                            .query_async::<i64>(&mut link)
                            .await
                    }
                })
            });
            let all = futures_util::future::join_all(requests);
            if tokio::time::timeout(self.settings.timeout * 4, all)
                .await
                .is_err()
            {
                tracing::debug!("touching the stored sessions took longer than expected");
            }
        }
    }

    /// Takes session `id` of `app` for this replica, waiting up to `wait`
    /// for a live replica that holds it to let go. `local` is the version
    /// of the copy this replica has, if any; the stored parts come back
    /// only when they differ from it.
    pub async fn claim(&self, app: &str, id: &str, local: Option<u64>, wait: Duration) -> Claim {
        let (s, lease) = (Self::key(app, id, "s"), Self::key(app, id, "lease"));
        let ttl = self.settings_ttl();
        // A store that failed just now gets one try, not the whole wait.
        let wait = if self.worth_trying() {
            wait
        } else {
            Duration::ZERO
        };
        let deadline = Instant::now() + wait;
        let mut dead = String::new();
        loop {
            let mut link = self.link.clone();
            let mut invocation = self.claim.key(&s);
            invocation
                .key(&lease)
                .arg(&self.replica)
                .arg(ttl)
                .arg(&dead)
                .arg(if local.is_some() { "1" } else { "0" });
            let Some((taken, answer)) = self
                .ask(invocation.invoke_async::<(i64, String)>(&mut link))
                .await
            else {
                // A resume is worth waiting for: the store may be coming
                // back (a restart, a failover) within the wait.
                if Instant::now() + CLAIM_POLL >= deadline {
                    return Claim::Unavailable;
                }
                tokio::time::sleep(CLAIM_POLL).await;
                continue;
            };
            if taken == 2 {
                return Claim::Missing;
            }
            if taken == 1 {
                let version = answer.parse::<u64>().unwrap_or(0);
                if version == 0 || local == Some(version) {
                    return Claim::Taken {
                        version,
                        parts: None,
                    };
                }
                let mut link = self.link.clone();
                let mut cmd = redis::cmd("HGETALL");
                cmd.arg(&s);
                let Some(mut parts) = self
                    .ask(cmd.query_async::<HashMap<String, Vec<u8>>>(&mut link))
                    .await
                else {
                    // The store holds a newer copy than ours, unread.
                    self.release(app, id).await;
                    return Claim::Held;
                };
                parts.remove("version");
                return Claim::Taken {
                    version,
                    parts: Some(parts),
                };
            }
            // Held by another replica: taken over at once if that replica
            // is gone, else waited for.
            let mut link = self.link.clone();
            let mut cmd = redis::cmd("EXISTS");
            cmd.arg(Self::alive_key(&answer));
            let Some(alive) = self.ask(cmd.query_async::<bool>(&mut link)).await else {
                return Claim::Held;
            };
            if !alive {
                dead = answer;
                continue;
            }
            if Instant::now() >= deadline {
                return Claim::Held;
            }
            tokio::time::sleep(CLAIM_POLL).await;
        }
    }

    /// How long a stored session outlives its last write or touch, in ms.
    fn settings_ttl(&self) -> u64 {
        (self.settings.grace.as_millis() as u64).max(1)
    }

    /// Writes `parts` of session `id` as a new version, if this replica
    /// may: it holds the lease (or nobody does) and the store's version is
    /// `version`. Unless `patient`, nothing is tried
    /// for a moment after the store failed to answer (a click does not
    /// wait for a store that is down); a session leaving this replica is
    /// saved patiently.
    pub async fn save(
        &self,
        app: &str,
        id: &str,
        version: u64,
        parts: &[(&str, &[u8])],
        patient: bool,
    ) -> Saved {
        if !patient && !self.worth_trying() {
            return Saved::Unavailable;
        }
        let next = new_version();
        let mut link = self.link.clone();
        let mut invocation = self.save.key(Self::key(app, id, "s"));
        invocation
            .key(Self::key(app, id, "lease"))
            .arg(&self.replica)
            .arg(self.settings_ttl())
            .arg(version)
            .arg(next);
        for (name, bytes) in parts {
            invocation.arg(*name).arg(*bytes);
        }
        match self.ask(invocation.invoke_async::<i64>(&mut link)).await {
            None => Saved::Unavailable,
            Some(1) => Saved::Stored(next),
            Some(2) => Saved::Forgotten,
            Some(_) => Saved::Stale,
        }
    }

    /// Keeps a file uploaded to session `id` (as `upload`, its id) for as
    /// long as the session: a replica that resumes the session gets it.
    /// False when the store did not take it.
    pub async fn put_upload(
        &self,
        app: &str,
        id: &str,
        upload: &str,
        file: &crate::runtime::services::uploads::Upload,
    ) -> bool {
        let head = serde_json::json!({"name": file.name, "mime": file.mime}).to_string();
        let mut blob = Vec::with_capacity(head.len() + 1 + file.bytes.len());
        blob.extend_from_slice(head.as_bytes());
        blob.push(b'\n');
        blob.extend_from_slice(&file.bytes);
        let key = Self::key(app, id, "u");
        let mut link = self.link.clone();
        let mut pipe = redis::pipe();
        pipe.atomic()
            .hset(&key, format!("{upload}:{}", file.widget), blob)
            .ignore()
            .pexpire(&key, self.settings_ttl() as i64)
            .ignore();
        self.ask(pipe.query_async::<()>(&mut link)).await.is_some()
    }

    /// The files uploaded to session `id`: (upload id, widget, name, mime,
    /// bytes). Empty when there are none or the store does not answer.
    pub async fn uploads(&self, app: &str, id: &str) -> Vec<StoredUpload> {
        let mut link = self.link.clone();
        let mut cmd = redis::cmd("HGETALL");
        cmd.arg(Self::key(app, id, "u"));
        let Some(all) = self
            .ask(cmd.query_async::<HashMap<String, Vec<u8>>>(&mut link))
            .await
        else {
            return Vec::new();
        };
        all.into_iter()
            .filter_map(|(field, blob)| {
                let (upload, widget) = field.split_at_checked(16)?;
                let widget = widget.strip_prefix(':')?;
                let newline = blob.iter().position(|b| *b == b'\n')?;
                let head: serde_json::Value = serde_json::from_slice(&blob[..newline]).ok()?;
                Some(StoredUpload {
                    id: upload.to_owned(),
                    widget: widget.to_owned(),
                    name: head["name"].as_str()?.to_owned(),
                    mime: head["mime"].as_str()?.to_owned(),
                    bytes: bytes::Bytes::copy_from_slice(&blob[newline + 1..]),
                })
            })
            .collect()
    }

    /// The uploader `widget` of session `id` now lists only `keep`: the
    /// store lets the others go too.
    pub async fn keep_uploads(&self, app: &str, id: &str, widget: &str, keep: &[String]) {
        let mut link = self.link.clone();
        let mut invocation = self.keep_uploads.key(Self::key(app, id, "u"));
        invocation.arg(widget);
        for upload in keep {
            invocation.arg(upload);
        }
        self.ask(invocation.invoke_async::<i64>(&mut link)).await;
    }

    /// Lets go of session `id`'s lease, if this replica holds it.
    pub async fn release(&self, app: &str, id: &str) {
        let mut link = self.link.clone();
        let mut invocation = self.release.key(Self::key(app, id, "lease"));
        invocation.arg(&self.replica);
        self.ask(invocation.invoke_async::<i64>(&mut link)).await;
    }
}
