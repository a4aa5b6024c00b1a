//! Widget ids: the key a page gave, or a hash of the kind, label and parameters.

use super::WidgetSpec;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::hash::Hasher;
use std::sync::Arc;

/// What a keyed widget's id starts with.
const KEY_PREFIX: &str = "key:";

/// The id the browser reports a widget's value under. With a key it is the
/// key (so the widget keeps its value when its label or parameters change);
/// without one it is derived from the kind, label and parameters, like
/// Streamlit's. Stable across processes and versions of the host.
///
/// Cheap to clone: a run records each drawn widget's id in several places.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WidgetId(Arc<str>);

impl Serialize for WidgetId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for WidgetId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(WidgetId::from)
    }
}

impl WidgetId {
    /// The id of the widget a page drew, from its kind, label and key.
    pub fn of(spec: &WidgetSpec, label: &str, key: Option<&str>) -> WidgetId {
        match key {
            Some(key) => WidgetId::keyed(key),
            None => {
                let mut h = Fnv1a::default();
                h.write(label.as_bytes());
                h.write_u8(0xff);
                spec.hash_identity(&mut h);
                WidgetId(format!("{}:{:016x}", spec.kind(), h.finish()).into())
            }
        }
    }

    /// The id of the widget a page drew with `key`, whatever its kind.
    pub fn keyed(key: &str) -> WidgetId {
        WidgetId(format!("{KEY_PREFIX}{key}").into())
    }

    /// The page's key, for a keyed widget: its value is also session state
    /// under that key.
    pub fn key(&self) -> Option<&str> {
        self.0.strip_prefix(KEY_PREFIX)
    }

    /// The id as the browser knows it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for WidgetId {
    fn from(id: &str) -> Self {
        WidgetId(id.into())
    }
}

impl From<String> for WidgetId {
    fn from(id: String) -> Self {
        WidgetId(id.into())
    }
}

impl Borrow<str> for WidgetId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for WidgetId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for WidgetId {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<String> for WidgetId {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<&str> for WidgetId {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl fmt::Display for WidgetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for WidgetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// The id of a widget: see [`WidgetId::of`].
pub fn widget_id(spec: &WidgetSpec, label: &str, key: Option<&str>) -> WidgetId {
    WidgetId::of(spec, label, key)
}

/// Feeds a kind's parameters as the JSON of its tagged spec
/// (`{"widget":"radio",…}`): how kinds without hand-written identities have
/// always been hashed, so their ids stay as they were.
pub fn hash_json(kind: &str, params: &impl Serialize, h: &mut dyn Hasher) {
    let inner = serde_json::to_vec(params).unwrap_or_default();
    let tag = serde_json::to_vec(kind).unwrap_or_default();
    h.write(b"{\"widget\":");
    h.write(&tag);
    match inner.get(1..) {
        Some(rest) if rest != b"}" => {
            h.write(b",");
            h.write(rest);
        }
        _ => h.write(b"}"),
    }
}

/// 64-bit FNV-1a: a fixed, seedless hash, so ids are the same in every process.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
