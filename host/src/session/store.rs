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
use std::sync::Arc;
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
    /// The runtime the store's connections live on: blocking callers (the
    /// data cache's second level, on script threads) hand their requests
    /// to it.
    runtime: tokio::runtime::Handle,
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
            runtime: tokio::runtime::Handle::current(),
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

/// Stores a value of the data cache within the app's bound: drops the
/// entries that expired from the app's index first, refuses (0) a value
/// that would pass the bound, else stores it with its expiry (1).
/// KEYS: value, index (sorted by expiry), sizes (hash), total, functions
/// (hash). ARGV: member, bytes, ttl ms, bound, function identity.
const CACHE_PUT: &str = r"
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ms)
for _, member in ipairs(expired) do
  local size = tonumber(redis.call('HGET', KEYS[3], member) or '0')
  redis.call('HDEL', KEYS[3], member)
  redis.call('HDEL', KEYS[5], member)
  redis.call('DECRBY', KEYS[4], size)
end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ms) end
local size = string.len(ARGV[2])
local old = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
local total = tonumber(redis.call('GET', KEYS[4]) or '0')
if total - old + size > tonumber(ARGV[4]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ms + tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], size)
redis.call('HSET', KEYS[5], ARGV[1], ARGV[5])
redis.call('INCRBY', KEYS[4], size - old)
return 1
";

/// Drops an app's cached values: all (ARGV[1] empty), or those whose
/// function identity is ARGV[1] or starts with ARGV[1] .. '/'. KEYS: index,
/// sizes, total, functions; ARGV[2] is the values' key prefix.
const CACHE_CLEAR: &str = r"
local prefix = ARGV[1]
local entries = redis.call('HGETALL', KEYS[4])
for i = 1, #entries, 2 do
  local member, identity = entries[i], entries[i + 1]
  if prefix == '' or identity == prefix or string.sub(identity, 1, #prefix + 1) == prefix .. '/' then
    local size = tonumber(redis.call('HGET', KEYS[2], member) or '0')
    redis.call('DEL', ARGV[2] .. member)
    redis.call('ZREM', KEYS[1], member)
    redis.call('HDEL', KEYS[2], member)
    redis.call('HDEL', KEYS[4], member)
    redis.call('DECRBY', KEYS[3], size)
  end
end
return 1
";

/// Renews a lock this replica holds (ARGV[1]) for ARGV[2] ms, or lets it
/// go (ARGV[2] = 0).
const CACHE_LOCK: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
";

/// How long a replica's right to compute a cached value lasts without
/// renewal: another replica takes the computation over after it.
const CACHE_LOCK_TTL: Duration = Duration::from_secs(3);

/// How long a cached value without a ttl of its own is kept in the store.
const CACHE_DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// One app's data cache values in the shared store, as the cache's second
/// level: values one replica computed are read by the others, and one
/// replica at a time computes a key.
pub struct SharedCache {
    store: Arc<SharedStore>,
    app: String,
    /// Most bytes of the app's values the store keeps (its `cache_mib`).
    bound: usize,
}

impl SharedCache {
    /// The second level of `app`'s data cache, within `bound` bytes.
    pub fn new(store: Arc<SharedStore>, app: &str, bound: usize) -> SharedCache {
        SharedCache {
            store,
            app: app.to_owned(),
            bound,
        }
    }

    fn key(&self, part: &str) -> String {
        format!("wasmlit:c:{{{}}}:{part}", self.app)
    }

    /// The keys of the app's bookkeeping: the index by expiry, the sizes,
    /// the byte total and the function identities.
    fn bookkeeping(&self) -> [String; 4] {
        ["index", "sizes", "total", "functions"].map(|part| self.key(part))
    }

    /// Runs `request` on the store's runtime and waits for it here (a
    /// script thread), at most the store's timeout and a little more. On
    /// a thread of an async runtime (a session's task clearing the caches)
    /// it is not waited for: that thread must not block.
    fn wait<T: Send + 'static>(
        &self,
        request: impl std::future::Future<Output = Option<T>> + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.store.runtime.spawn(async move {
            let _ = tx.send(request.await);
        });
        if tokio::runtime::Handle::try_current().is_ok() {
            return None;
        }
        rx.recv_timeout(self.store.settings.timeout + Duration::from_millis(100))
            .ok()
            .flatten()
    }
}

impl crate::runtime::services::cache::SecondLevel for SharedCache {
    fn get(&self, key: &crate::runtime::services::cache::Key) -> Option<Vec<u8>> {
        if !self.store.worth_trying() {
            return None;
        }
        let store = self.store.clone();
        let name = self.key(&hex::encode(key));
        self.wait(async move {
            let mut link = store.link.clone();
            let mut cmd = redis::cmd("GET");
            cmd.arg(name);
            store
                .ask(cmd.query_async::<Option<Vec<u8>>>(&mut link))
                .await
                .flatten()
        })
    }

    fn put(
        &self,
        key: &crate::runtime::services::cache::Key,
        function: &str,
        bytes: &[u8],
        ttl: Option<Duration>,
    ) {
        if !self.store.worth_trying() || bytes.len() > self.bound {
            return;
        }
        let store = self.store.clone();
        let member = hex::encode(key);
        let value = self.key(&member);
        let [index, sizes, total, functions] = self.bookkeeping();
        let ttl = ttl.unwrap_or(CACHE_DEFAULT_TTL).as_millis().max(1) as u64;
        let (bytes, bound, function) = (bytes.to_vec(), self.bound, function.to_owned());
        self.wait(async move {
            let mut link = store.link.clone();
            let script = redis::Script::new(CACHE_PUT);
            let mut invocation = script.key(value);
            invocation
                .key(index)
                .key(sizes)
                .key(total)
                .key(functions)
                .arg(member)
                .arg(bytes)
                .arg(ttl)
                .arg(bound)
                .arg(function);
            store.ask(invocation.invoke_async::<i64>(&mut link)).await
        });
    }

    fn clear(&self, function: Option<&str>) {
        let store = self.store.clone();
        let [index, sizes, total, functions] = self.bookkeeping();
        let (prefix, values) = (function.unwrap_or("").to_owned(), self.key(""));
        self.wait(async move {
            let mut link = store.link.clone();
            let script = redis::Script::new(CACHE_CLEAR);
            let mut invocation = script.key(index);
            invocation
                .key(sizes)
                .key(total)
                .key(functions)
                .arg(prefix)
                .arg(values);
            store.ask(invocation.invoke_async::<i64>(&mut link)).await
        });
    }

    fn lock(&self, key: &crate::runtime::services::cache::Key) -> Option<Box<dyn Send>> {
        if !self.store.worth_trying() {
            // Without the store each replica computes for itself.
            return Some(Box::new(()));
        }
        let store = self.store.clone();
        let name = self.key(&format!("{}:lock", hex::encode(key)));
        let taken = {
            let (store, name) = (store.clone(), name.clone());
            self.wait(async move {
                let mut link = store.link.clone();
                let mut cmd = redis::cmd("SET");
                cmd.arg(&name)
                    .arg(&store.replica)
                    .arg("NX")
                    .arg("PX")
                    .arg(CACHE_LOCK_TTL.as_millis() as u64);
                store
                    .ask(cmd.query_async::<Option<String>>(&mut link))
                    .await
                    .map(|ok| ok.is_some())
            })
        };
        match taken {
            // The store did not answer: computed here.
            None => Some(Box::new(())),
            Some(false) => None,
            Some(true) => {
                // Renewed while the computation goes on; let go when the
                // guard is dropped (filled, abandoned, or the run ended).
                let (guard, stopped) = tokio::sync::oneshot::channel::<()>();
                self.store.runtime.spawn(async move {
                    let lock = redis::Script::new(CACHE_LOCK);
                    let mut stopped = stopped;
                    let mut renew = tokio::time::interval(CACHE_LOCK_TTL / 3);
                    renew.tick().await;
                    loop {
                        tokio::select! {
                            _ = &mut stopped => break,
                            _ = renew.tick() => {
                                let mut link = store.link.clone();
                                let mut invocation = lock.key(&name);
                                invocation.arg(&store.replica).arg(CACHE_LOCK_TTL.as_millis() as u64);
                                store.ask(invocation.invoke_async::<i64>(&mut link)).await;
                            }
                        }
                    }
                    let mut link = store.link.clone();
                    let mut invocation = lock.key(&name);
                    invocation.arg(&store.replica).arg(0);
                    store.ask(invocation.invoke_async::<i64>(&mut link)).await;
                });
                Some(Box::new(guard))
            }
        }
    }
}
