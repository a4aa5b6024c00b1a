//! `cache_data`: values pages compute, kept by the host as bytes and shared
//! by the app's runs (Streamlit's `st.cache_data`).
//!
//! An entry's key hashes the function's identity (its name and the page
//! build's hash, so a new build starts afresh), its serialized arguments and,
//! for session-scoped entries, the session. Storage is a size-bounded moka
//! cache (bytes, per app) with a time to live per entry; on top of it a
//! table of computations in flight makes concurrent misses on one key
//! compute once while the others wait.

use crate::runtime::run::{RunControl, WaitEnd};
use moka::notification::RemovalCause;
use moka::sync::Cache;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// An entry's key: a SHA-256 over everything that identifies it.
pub type Key = [u8; 32];

/// A second level shared by an app's replicas (the session store's
/// Redis): values another replica computed, and a lock so that one
/// replica at a time computes a key. Its calls block (they are made on
/// script threads) for at most the store's timeout; a level that does not
/// answer is a miss, never an error.
pub trait SecondLevel: Send + Sync {
    /// The value stored under `key`, if any.
    fn get(&self, key: &Key) -> Option<Vec<u8>>;
    /// Stores `bytes` under `key` for `ttl` (the level's default without
    /// one), within the level's bound for the app; `function` is the
    /// entry's function identity, for [`SecondLevel::clear`].
    fn put(&self, key: &Key, function: &str, bytes: &[u8], ttl: Option<Duration>);
    /// Drops the app's values: all of them, or those of the functions
    /// whose identity is `function` or starts with `function/`.
    fn clear(&self, function: Option<&str>);
    /// The right to compute `key` across replicas: a guard that keeps it
    /// (renewed while it lives, released when dropped), or `None` while
    /// another replica holds it.
    fn lock(&self, key: &Key) -> Option<Box<dyn Send>>;
}

/// How often a run waiting for another replica's computation looks again.
const SECOND_LEVEL_POLL: Duration = Duration::from_millis(50);

/// One stored value.
pub struct Entry {
    bytes: Vec<u8>,
    ttl: Option<Duration>,
    /// The function (page build + name) it belongs to, for `max_entries`.
    function: Arc<str>,
    /// The session it belongs to, if session-scoped.
    session: Option<Arc<str>>,
}

/// Who shares an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every session of the app.
    Global,
    /// The session that stored it; dropped when the session ends.
    Session,
}

/// How one function's entries are kept.
#[derive(Debug, Clone)]
pub struct EntryOptions {
    /// Time to live.
    pub ttl: Option<Duration>,
    /// Most entries kept for the function (oldest dropped first).
    pub max_entries: Option<u32>,
}

/// What a lookup found.
pub enum Lookup {
    /// A copy of the stored value.
    Hit(Vec<u8>),
    /// Nothing stored: the caller computes the value and fills the ticket.
    /// Others asking meanwhile wait for it.
    Miss(Ticket),
}

/// The right, and duty, to compute one entry. Dropping it unfilled (the run
/// failed or was cancelled) lets a waiting run take over.
pub struct Ticket {
    inner: Arc<Inner>,
    key: Key,
    flight: Arc<Flight>,
    function: Arc<str>,
    session: Option<Arc<str>>,
    options: EntryOptions,
    filled: bool,
    /// Where the run drew a spinner for this computation.
    pub(crate) spinner: Option<Vec<u32>>,
    /// This replica's right to compute the key, when a second level is
    /// shared: released when the ticket goes (filled or not).
    shared_lock: Option<Box<dyn Send>>,
}

#[derive(Default)]
struct Flight {
    state: Mutex<FlightState>,
    done: Notify,
}

#[derive(Default)]
enum FlightState {
    #[default]
    Pending,
    Filled(Arc<Entry>),
    Abandoned,
}

struct Inner {
    entries: Cache<Key, Arc<Entry>>,
    flights: Mutex<HashMap<Key, Arc<Flight>>>,
    /// Keys of functions with `max_entries`, oldest first.
    per_function: Arc<Mutex<HashMap<Arc<str>, VecDeque<Key>>>>,
    /// The keys of each session's session-scoped entries, dropped when the
    /// session ends.
    sessions: Arc<Mutex<HashMap<Arc<str>, HashSet<Key>>>>,
    computed: AtomicU64,
    /// The level shared with other replicas, if any (app-wide entries only).
    second: std::sync::OnceLock<Arc<dyn SecondLevel>>,
}

/// The app's data cache.
pub struct DataCache {
    inner: Arc<Inner>,
}

struct TtlPerEntry;

impl moka::Expiry<Key, Arc<Entry>> for TtlPerEntry {
    fn expire_after_create(
        &self,
        _key: &Key,
        value: &Arc<Entry>,
        _created_at: Instant,
    ) -> Option<Duration> {
        value.ttl
    }
}

/// Bytes an entry is charged beyond its value (key, bookkeeping).
const ENTRY_OVERHEAD: usize = 128;

impl DataCache {
    /// A cache holding at most `max_bytes` of values.
    pub fn new(max_bytes: u64) -> DataCache {
        let per_function: Arc<Mutex<HashMap<Arc<str>, VecDeque<Key>>>> = Arc::default();
        let index = per_function.clone();
        let sessions: Arc<Mutex<HashMap<Arc<str>, HashSet<Key>>>> = Arc::default();
        let by_session = sessions.clone();
        let entries = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|_key: &Key, entry: &Arc<Entry>| {
                let bytes = entry.bytes.len() + entry.function.len() + ENTRY_OVERHEAD;
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .expire_after(TtlPerEntry)
            .support_invalidation_closures()
            .eviction_listener(move |key: Arc<Key>, entry: Arc<Entry>, cause| {
                if cause == RemovalCause::Replaced {
                    return;
                }
                if let Some(session) = &entry.session {
                    let mut by_session = by_session.lock();
                    if let Some(keys) = by_session.get_mut(session) {
                        keys.remove(&*key);
                        if keys.is_empty() {
                            by_session.remove(session);
                        }
                    }
                }
                let mut index = index.lock();
                if let Some(keys) = index.get_mut(&entry.function) {
                    if let Some(at) = keys.iter().position(|k| k == &*key) {
                        keys.remove(at);
                    }
                    if keys.is_empty() {
                        index.remove(&entry.function);
                    }
                }
            })
            .build();
        DataCache {
            inner: Arc::new(Inner {
                entries,
                flights: Mutex::new(HashMap::new()),
                per_function,
                sessions,
                computed: AtomicU64::new(0),
                second: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Most bytes of values this cache keeps.
    pub fn capacity(&self) -> u64 {
        self.inner.entries.policy().max_capacity().unwrap_or(0)
    }

    /// Shares the app-wide entries with other replicas through `level`
    /// (set once, at start).
    pub fn share_through(&self, level: Arc<dyn SecondLevel>) {
        let _ = self.inner.second.set(level);
    }

    /// The key of `function`'s entry for `args`.
    pub fn key(page_hash: &[u8; 32], function: &str, args: &[u8], session: Option<&str>) -> Key {
        let mut hash = Sha256::new();
        hash.update(page_hash);
        for part in [function.as_bytes(), args, session.unwrap_or("").as_bytes()] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
        hash.update([u8::from(session.is_some())]);
        hash.finalize().into()
    }

    /// The stored value, if any, without waiting for a computation.
    pub fn peek(&self, key: &Key) -> Option<Vec<u8>> {
        self.inner.entries.get(key).map(|e| e.bytes.clone())
    }

    /// The stored value; or, if another run is computing it, that value once
    /// it is there (waiting as `control` allows); or a ticket to compute it.
    pub fn get_or_wait(
        &self,
        key: Key,
        function: &str,
        session: Option<Arc<str>>,
        options: EntryOptions,
        control: &RunControl,
        deadline: Instant,
    ) -> Result<Lookup, WaitEnd> {
        loop {
            if let Some(value) = self.peek(&key) {
                return Ok(Lookup::Hit(value));
            }
            let flight = {
                let mut flights = self.inner.flights.lock();
                // Checked again under the lock: a computation that finished
                // since has stored its value before leaving the table.
                if let Some(value) = self.peek(&key) {
                    return Ok(Lookup::Hit(value));
                }
                match flights.get(&key) {
                    Some(flight) => flight.clone(),
                    None => {
                        let flight = Arc::new(Flight::default());
                        flights.insert(key, flight.clone());
                        let ticket = Ticket {
                            inner: self.inner.clone(),
                            key,
                            flight,
                            function: Arc::from(function),
                            session,
                            options,
                            filled: false,
                            spinner: None,
                            shared_lock: None,
                        };
                        drop(flights);
                        return self.ask_second_level(ticket, control, deadline);
                    }
                }
            };
            control.block_until(&flight.done, deadline, || {
                !matches!(*flight.state.lock(), FlightState::Pending)
            })?;
            let state = flight.state.lock();
            if let FlightState::Filled(entry) = &*state {
                return Ok(Lookup::Hit(entry.bytes.clone()));
            }
            // Abandoned: try again, perhaps computing it ourselves.
        }
    }

    /// This replica computes `ticket`'s key, unless the level shared with
    /// other replicas has its value, or another replica is computing it
    /// (then its value is waited for, and the key taken over if that
    /// replica lets go without one). Session-scoped entries stay here.
    fn ask_second_level(
        &self,
        mut ticket: Ticket,
        control: &RunControl,
        deadline: Instant,
    ) -> Result<Lookup, WaitEnd> {
        let Some(level) = self.inner.second.get().filter(|_| ticket.session.is_none()) else {
            return Ok(Lookup::Miss(ticket));
        };
        // Other runs of this replica wait on the ticket's flight meanwhile.
        let never = Notify::new();
        loop {
            if let Some(bytes) = level.get(&ticket.key) {
                ticket.keep(bytes.clone(), false);
                return Ok(Lookup::Hit(bytes));
            }
            if let Some(lock) = level.lock(&ticket.key) {
                ticket.shared_lock = Some(lock);
                return Ok(Lookup::Miss(ticket));
            }
            let step = deadline.min(Instant::now() + SECOND_LEVEL_POLL);
            match control.block_until(&never, step, || false) {
                Err(WaitEnd::Deadline) if step < deadline => {}
                Err(end) => return Err(end),
                Ok(()) => {}
            }
        }
    }

    /// Drops every entry (the "Clear cache" command).
    pub fn clear(&self) {
        self.inner.entries.invalidate_all();
        self.inner.per_function.lock().clear();
        self.inner.sessions.lock().clear();
        if let Some(level) = self.inner.second.get() {
            level.clear(None);
        }
    }

    /// Drops the entries scoped to `session` (it ended).
    pub fn drop_session(&self, session: &str) {
        let keys = self.inner.sessions.lock().remove(session);
        for key in keys.into_iter().flatten() {
            self.inner.entries.invalidate(&key);
        }
    }

    /// Entries stored now (after pending maintenance).
    pub fn entries(&self) -> u64 {
        self.inner.entries.run_pending_tasks();
        self.inner.entries.entry_count()
    }

    /// Bytes charged for the entries stored now.
    pub fn bytes(&self) -> u64 {
        self.inner.entries.run_pending_tasks();
        self.inner.entries.weighted_size()
    }

    /// Drops the entries of the functions whose identity is `function` or
    /// starts with `function/` (its per-session entries).
    pub fn clear_function(&self, function: &str) {
        let matches = |name: &str| {
            name.strip_prefix(function)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        for (key, entry) in self.inner.entries.iter() {
            if matches(&entry.function) {
                self.inner.entries.invalidate(&*key);
            }
        }
        if let Some(level) = self.inner.second.get() {
            level.clear(Some(function));
        }
    }

    /// Values computed and stored since the start (misses filled).
    pub fn computed(&self) -> u64 {
        self.inner.computed.load(Ordering::Relaxed)
    }
}

impl Ticket {
    /// Stores the computed value, here and in the level shared with other
    /// replicas, and wakes the runs waiting for it.
    pub fn fill(self, bytes: Vec<u8>) {
        if self.shared_lock.is_some() {
            if let Some(level) = self.inner.second.get() {
                level.put(&self.key, &self.function, &bytes, self.options.ttl);
            }
        }
        self.keep(bytes, true);
    }

    /// Stores the value here and wakes the runs waiting for it; `computed`
    /// when this replica computed it (not read it from the shared level).
    fn keep(mut self, bytes: Vec<u8>, computed: bool) {
        let entry = Arc::new(Entry {
            bytes,
            ttl: self.options.ttl,
            function: self.function.clone(),
            session: self.session.clone(),
        });
        let inner = &self.inner;
        if let Some(session) = &self.session {
            inner
                .sessions
                .lock()
                .entry(session.clone())
                .or_default()
                .insert(self.key);
        }
        inner.entries.insert(self.key, entry.clone());
        if computed {
            inner.computed.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(max) = self.options.max_entries {
            let evict: Vec<Key> = {
                let mut index = inner.per_function.lock();
                let keys = index.entry(self.function.clone()).or_default();
                // A refilled key (its entry had expired) is the newest again.
                if let Some(at) = keys.iter().position(|k| *k == self.key) {
                    keys.remove(at);
                }
                keys.push_back(self.key);
                let excess = keys.len().saturating_sub(max.max(1) as usize);
                keys.drain(..excess).collect()
            };
            for key in evict {
                inner.entries.invalidate(&key);
            }
        }
        self.filled = true;
        self.finish(FlightState::Filled(entry));
    }

    fn finish(&self, state: FlightState) {
        self.inner.flights.lock().remove(&self.key);
        *self.flight.state.lock() = state;
        self.flight.done.notify_waiters();
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.filled {
            self.finish(FlightState::Abandoned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> EntryOptions {
        EntryOptions {
            ttl: None,
            max_entries: None,
        }
    }

    fn lookup(cache: &DataCache, key: Key) -> Lookup {
        let control = RunControl::default();
        let deadline = Instant::now() + Duration::from_secs(5);
        cache
            .get_or_wait(key, "f", None, options(), &control, deadline)
            .unwrap_or_else(|_| panic!("lookup waited"))
    }

    #[test]
    fn a_filled_ticket_is_a_hit_and_a_dropped_one_lets_another_compute() {
        let cache = DataCache::new(1 << 20);
        let key = DataCache::key(&[0; 32], "f", b"1", None);
        let Lookup::Miss(ticket) = lookup(&cache, key) else {
            panic!("expected a miss")
        };
        drop(ticket);
        let Lookup::Miss(ticket) = lookup(&cache, key) else {
            panic!("an abandoned computation must be retried")
        };
        ticket.fill(b"42".to_vec());
        assert!(matches!(lookup(&cache, key), Lookup::Hit(v) if v == b"42"));
        assert_eq!(cache.computed(), 1);
    }

    #[test]
    fn keys_differ_by_function_args_build_and_session() {
        let base = DataCache::key(&[0; 32], "f", b"1", None);
        assert_ne!(base, DataCache::key(&[1; 32], "f", b"1", None));
        assert_ne!(base, DataCache::key(&[0; 32], "g", b"1", None));
        assert_ne!(base, DataCache::key(&[0; 32], "f", b"2", None));
        assert_ne!(base, DataCache::key(&[0; 32], "f", b"1", Some("s")));
        // Length prefixes keep the parts apart.
        assert_ne!(
            DataCache::key(&[0; 32], "ab", b"c", None),
            DataCache::key(&[0; 32], "a", b"bc", None)
        );
    }

    #[test]
    fn max_entries_drops_the_oldest_of_a_function() {
        let cache = DataCache::new(1 << 20);
        let control = RunControl::default();
        let deadline = Instant::now() + Duration::from_secs(5);
        let limited = EntryOptions {
            ttl: None,
            max_entries: Some(2),
        };
        let keys: Vec<Key> = (0..3u8)
            .map(|i| DataCache::key(&[0; 32], "f", &[i], None))
            .collect();
        for key in &keys {
            let Ok(Lookup::Miss(t)) =
                cache.get_or_wait(*key, "f", None, limited.clone(), &control, deadline)
            else {
                panic!("expected a miss")
            };
            t.fill(vec![1]);
        }
        assert!(cache.peek(&keys[0]).is_none());
        assert!(cache.peek(&keys[1]).is_some());
        assert!(cache.peek(&keys[2]).is_some());
    }

    #[test]
    fn size_bound_evicts() {
        let cache = DataCache::new(64 << 10);
        for i in 0..64u32 {
            let key = DataCache::key(&[0; 32], "f", &i.to_le_bytes(), None);
            let Lookup::Miss(t) = lookup(&cache, key) else {
                panic!("expected a miss")
            };
            t.fill(vec![0; 4096]);
        }
        assert!(cache.bytes() <= 64 << 10, "{} bytes kept", cache.bytes());
        assert!(cache.entries() < 64);
    }
}
