//! Session state storage: one session's JSON values by key, bounded in bytes
//! per session, and over all sessions by its app's and the server's budgets.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

/// Default bytes of session state all sessions of one app may hold.
pub const SESSION_STATE_APP_BYTES: usize = 256 << 20;

/// Default bytes of session state all sessions of the server may hold.
pub const SESSION_STATE_TOTAL_BYTES: usize = 1 << 30;

/// Bytes held against one limit.
#[derive(Debug)]
pub struct Budget {
    /// Most bytes at once.
    pub limit: usize,
    /// The setting that sets the limit, named in refusals.
    setting: &'static str,
    used: AtomicUsize,
}

impl Budget {
    /// A budget of `limit` bytes, set by `setting`.
    pub fn new(limit: usize, setting: &'static str) -> Arc<Budget> {
        Arc::new(Budget {
            limit,
            setting,
            used: AtomicUsize::new(0),
        })
    }

    /// Bytes held now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// Takes `bytes` if they fit; whether they did.
    pub(crate) fn take(&self, bytes: usize) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(bytes).filter(|total| *total <= self.limit)
            })
            .is_ok()
    }

    /// Gives `bytes` back.
    pub(crate) fn give(&self, bytes: usize) {
        self.used.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// Something that can give session-state bytes back by dropping the oldest
/// idle session: an app's parked sessions.
pub trait Evict: Send + Sync {
    /// Drops the oldest idle session; whether there was one.
    fn evict_oldest(&self) -> bool;
}

/// What the session states of one app are charged to: the app's budget and
/// the server's. Past either, the oldest idle sessions of the app are
/// dropped first; if that is not enough, the `set` is refused by name.
pub struct StateBudget {
    app: Arc<Budget>,
    server: Arc<Budget>,
    idle: parking_lot::RwLock<Option<Weak<dyn Evict>>>,
}

impl std::fmt::Debug for StateBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateBudget")
            .field("app", &self.app)
            .field("server", &self.server)
            .finish()
    }
}

impl StateBudget {
    /// Charges to `app` (this app's sessions) and `server` (all apps').
    pub fn new(app: Arc<Budget>, server: Arc<Budget>) -> Arc<StateBudget> {
        Arc::new(StateBudget {
            app,
            server,
            idle: parking_lot::RwLock::new(None),
        })
    }

    /// A budget that never refuses (a single run, a test).
    pub fn unbounded() -> Arc<StateBudget> {
        Self::new(
            Budget::new(usize::MAX, "none"),
            Budget::new(usize::MAX, "none"),
        )
    }

    /// Where idle sessions are dropped to make room.
    pub fn evict_from(&self, idle: Weak<dyn Evict>) {
        *self.idle.write() = Some(idle);
    }

    /// The app's budget.
    pub fn app(&self) -> &Arc<Budget> {
        &self.app
    }

    fn take(&self, bytes: usize) -> Result<(), String> {
        loop {
            let refused = if !self.app.take(bytes) {
                &self.app
            } else if !self.server.take(bytes) {
                self.app.give(bytes);
                &self.server
            } else {
                return Ok(());
            };
            let idle = self.idle.read().as_ref().and_then(Weak::upgrade);
            if !idle.is_some_and(|idle| idle.evict_oldest()) {
                return Err(format!(
                    "session state is full: this would pass the {} bytes that all sessions \
                     may hold ({}); no idle session was left to drop",
                    refused.limit, refused.setting
                ));
            }
        }
    }

    fn give(&self, bytes: usize) {
        self.app.give(bytes);
        self.server.give(bytes);
    }
}

/// Session state shared by a session and its runs. A std-style (parking_lot)
/// lock: held only for a map operation, never across an await or a guest call.
pub type SharedState = Arc<Mutex<SessionState>>;

/// One session's state: JSON documents by key, like `st.session_state`.
#[derive(Debug, Default)]
pub struct SessionState {
    values: BTreeMap<String, String>,
    /// Bytes of keys plus values, checked against the session's limit.
    bytes: usize,
    /// Where its bytes are also counted; none for a state of its own.
    budget: Option<Arc<StateBudget>>,
}

impl Drop for SessionState {
    fn drop(&mut self) {
        if let Some(budget) = &self.budget {
            budget.give(self.bytes);
        }
    }
}

impl SessionState {
    /// A new, shared, empty state counted against no budget but its own limit.
    pub fn shared() -> SharedState {
        Arc::new(Mutex::new(SessionState::default()))
    }

    /// A new, shared, empty state whose bytes count against `budget`.
    pub fn shared_in(budget: &Arc<StateBudget>) -> SharedState {
        Arc::new(Mutex::new(SessionState {
            values: BTreeMap::new(),
            bytes: 0,
            budget: Some(budget.clone()),
        }))
    }

    /// Builds a state from JSON values (used by `host run --state`).
    pub fn from_json_object(object: serde_json::Map<String, serde_json::Value>) -> SessionState {
        let mut state = SessionState::default();
        for (key, value) in object {
            let json = value.to_string();
            state.bytes += key.len() + json.len();
            state.values.insert(key, json);
        }
        state
    }

    /// The JSON stored under `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Stores `json` under `key` unless the total would pass `limit` bytes.
    pub fn set(&mut self, key: &str, json: String, limit: usize) -> Result<(), String> {
        let old = self.values.get(key).map_or(0, |v| key.len() + v.len());
        let new_total = self.bytes - old + key.len() + json.len();
        if new_total > limit {
            return Err(format!(
                "session state would hold {new_total} bytes; the limit is {limit} (session_state_bytes)"
            ));
        }
        if let Some(budget) = &self.budget {
            if new_total > self.bytes {
                budget.take(new_total - self.bytes)?;
            } else {
                budget.give(self.bytes - new_total);
            }
        }
        self.bytes = new_total;
        self.values.insert(key.to_owned(), json);
        Ok(())
    }

    /// Removes `key`; whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        match self.values.remove(key) {
            Some(v) => {
                let freed = key.len() + v.len();
                self.bytes -= freed;
                if let Some(budget) = &self.budget {
                    budget.give(freed);
                }
                true
            }
            None => false,
        }
    }

    /// Every key and its JSON, in key order.
    pub fn entries(&self) -> Vec<(&str, &str)> {
        self.values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// All keys in order.
    pub fn keys(&self) -> Vec<String> {
        self.values.keys().cloned().collect()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The whole state as a JSON object (values that fail to parse are skipped).
    pub fn to_json(&self) -> serde_json::Value {
        let map = self
            .values
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), serde_json::from_str(v).ok()?)))
            .collect();
        serde_json::Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_past_the_limit_is_refused_and_keeps_the_old_value() {
        let mut s = SessionState::default();
        s.set("a", "1".into(), 10).unwrap();
        let err = s.set("a", "12345678901".into(), 10).unwrap_err();
        assert!(err.contains("limit is 10"), "{err}");
        assert_eq!(s.get("a"), Some("1"));
        assert_eq!(s.bytes(), 2);
        assert!(s.remove("a"));
        assert_eq!(s.bytes(), 0);
    }

    /// Idle sessions the budget may drop: states held until evicted.
    struct Idle(Mutex<Vec<SharedState>>);

    impl Evict for Idle {
        fn evict_oldest(&self) -> bool {
            let mut idle = self.0.lock();
            if idle.is_empty() {
                return false;
            }
            drop(idle.remove(0));
            true
        }
    }

    #[test]
    fn the_apps_budget_drops_idle_sessions_first_then_refuses_by_name() {
        let server = Budget::new(1000, "--session-state-total-mib");
        let budget = StateBudget::new(Budget::new(100, "session_state_app_bytes"), server.clone());
        let idle = Arc::new(Idle(Mutex::new(Vec::new())));
        let evict: Arc<dyn Evict> = idle.clone();
        budget.evict_from(Arc::downgrade(&evict));
        // Two idle sessions hold 80 bytes.
        for _ in 0..2 {
            let state = SessionState::shared_in(&budget);
            state.lock().set("k", "x".repeat(39), 1000).unwrap();
            idle.0.lock().push(state);
        }
        assert_eq!(budget.app().used(), 80);
        // An active session needs 50: the oldest idle one is dropped.
        let active = SessionState::shared_in(&budget);
        active.lock().set("k", "y".repeat(49), 1000).unwrap();
        assert_eq!(idle.0.lock().len(), 1, "one idle session was dropped");
        assert_eq!(budget.app().used(), 90);
        // More than dropping every idle session frees: refused by name,
        // keeping what it had.
        let err = active.lock().set("k", "z".repeat(120), 1000).unwrap_err();
        assert!(err.contains("session_state_app_bytes"), "{err}");
        assert!(idle.0.lock().is_empty());
        assert_eq!(active.lock().get("k").map(str::len), Some(49));
        assert_eq!(server.used(), 50, "the server's budget follows");
        drop(active);
        assert_eq!(
            budget.app().used(),
            0,
            "a dropped session gives its bytes back"
        );
        assert_eq!(server.used(), 0);
    }

    #[test]
    fn the_servers_budget_holds_over_apps() {
        let server = Budget::new(60, "--session-state-total-mib");
        let one = StateBudget::new(Budget::new(100, "session_state_app_bytes"), server.clone());
        let two = StateBudget::new(Budget::new(100, "session_state_app_bytes"), server.clone());
        let a = SessionState::shared_in(&one);
        a.lock().set("k", "x".repeat(49), 1000).unwrap();
        let b = SessionState::shared_in(&two);
        let err = b.lock().set("k", "x".repeat(49), 1000).unwrap_err();
        assert!(err.contains("--session-state-total-mib"), "{err}");
        assert_eq!(one.app().used(), 50);
        assert_eq!(two.app().used(), 0, "a refused set holds nothing");
        a.lock().remove("k");
        b.lock().set("k", "x".repeat(49), 1000).unwrap();
    }
}
