//! Session state storage: one session's JSON values by key, bounded in bytes.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Session state shared by a session and its runs. A std-style (parking_lot)
/// lock: held only for a map operation, never across an await or a guest call.
pub type SharedState = Arc<Mutex<SessionState>>;

/// One session's state: JSON documents by key, like `st.session_state`.
#[derive(Debug, Default, Clone)]
pub struct SessionState {
    values: BTreeMap<String, String>,
    /// Bytes of keys plus values, checked against the session's limit.
    bytes: usize,
}

impl SessionState {
    /// A new, shared, empty state.
    pub fn shared() -> SharedState {
        Arc::new(Mutex::new(SessionState::default()))
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
        self.bytes = new_total;
        self.values.insert(key.to_owned(), json);
        Ok(())
    }

    /// Removes `key`; whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        match self.values.remove(key) {
            Some(v) => {
                self.bytes -= key.len() + v.len();
                true
            }
            None => false,
        }
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
}
