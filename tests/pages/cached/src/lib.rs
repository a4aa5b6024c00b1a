//! Test page for caching. Query parameters: `key` (the argument),
//! `delay_ms` (how long computing takes), `ttl_ms`, `scope=session`,
//! `resource=<offset>` (query the big resource instead), `source=down|up`
//! (a cached loader that fails while its source is down), `named=KEY` with
//! `clear=one|all|resource|resources` (clearing from code).
use std::time::{Duration, Instant};
use wasmlit::{CacheData, Resource, Ui};

fn slow_value(key: String, delay_ms: u64) -> String {
    wasmlit::sleep(Duration::from_millis(delay_ms));
    format!("value of {key}")
}

fn named_value(key: String) -> String {
    format!("named {key}")
}

/// Ten megabytes, built in (at least) half a second.
struct Big {
    data: Vec<u8>,
}

impl Resource for Big {
    type Query = usize;
    type Answer = u64;

    fn build() -> Result<Self, String> {
        let started = Instant::now();
        let mut x: u32 = 12345;
        let data = (0..10 << 20)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        if let Some(rest) = Duration::from_millis(500).checked_sub(started.elapsed()) {
            wasmlit::sleep(rest);
        }
        Ok(Big { data })
    }

    fn query(&self, offset: usize) -> u64 {
        let start = offset.min(self.data.len());
        let end = (start + 4096).min(self.data.len());
        self.data[start..end].iter().map(|b| u64::from(*b)).sum()
    }
}

#[wasmlit::page]
fn cached(st: &Ui) {
    let params = st.query_params();
    if let Some(offset) = params.get("resource") {
        let offset = offset.parse().unwrap_or(0);
        let sum = st.cache_resource::<Big>().query(offset);
        st.write(format!("sum {sum}"));
        return;
    }
    // `source=down|up`: a data source that fails while down; its failure
    // must not be cached.
    if let Some(source) = params.get("source") {
        let key = params.get("key").unwrap_or_default();
        let down = source == "down";
        let loaded: Result<String, String> = st.cache_data(
            |key| {
                if down {
                    Err(format!("source down for {key}"))
                } else {
                    Ok(format!("loaded {key}"))
                }
            },
            key,
        );
        match loaded {
            Ok(value) => st.write(value),
            Err(e) => st.write(format!("failed: {e}")),
        }
        return;
    }
    // `named=KEY`: a named function; `clear=one|all|resource|resources`
    // clears first.
    if let Some(key) = params.get("named") {
        match params.get("clear").as_deref() {
            Some("one") => st.clear_cache_data(named_value),
            Some("all") => st.clear_all_cache_data(),
            Some("resource") => st.cache_resource::<Big>().clear(),
            Some("resources") => st.clear_all_resources(),
            _ => {}
        }
        let value = st.cache_data(named_value, key);
        st.write(value);
        return;
    }
    let key = params.get("key").unwrap_or_default();
    let delay = params
        .get("delay_ms")
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    let mut options = CacheData::new().spinner("computing");
    if let Some(ttl) = params.get("ttl_ms").and_then(|t| t.parse().ok()) {
        options = options.ttl(Duration::from_millis(ttl));
    }
    if params.get("scope").as_deref() == Some("session") {
        options = options.session_scoped();
    }
    // The delay is not part of the key: runs asking with different delays
    // share the entry.
    let value = st.cache_data_with(&options, |key| slow_value(key, delay), key);
    st.write(value);
}
