//! Caching: `cache_data` for computed values shared by every session, and
//! `cache_resource` for an object built once and queried by every run.
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use wasmlit::{CacheData, Resource, Ui};

/// A day of (simulated) sales for one region.
#[derive(Serialize, Deserialize)]
struct Sales {
    region: String,
    orders: u32,
    revenue: f64,
}

/// The slow part: a second of "database time", then a computation.
fn load_sales(region: String) -> Sales {
    wasmlit::sleep(Duration::from_secs(1));
    let seed = region.bytes().map(u32::from).sum::<u32>();
    Sales {
        orders: 900 + seed % 400,
        revenue: f64::from(seed) * 123.45,
        region,
    }
}

/// An index of many words, slow to build: loaded once per app.
struct WordIndex {
    words: Vec<String>,
}

impl Resource for WordIndex {
    type Query = String;
    type Answer = Vec<String>;

    fn build() -> Result<Self, String> {
        // Stands in for loading a model or a large file.
        let words = (0..200_000u32)
            .map(|i| {
                let mut x = i.wrapping_mul(2_654_435_761);
                (0..6)
                    .map(|_| {
                        x = x.rotate_left(5) ^ 0x5bd1_e995;
                        char::from(b'a' + (x % 26) as u8)
                    })
                    .collect()
            })
            .collect();
        Ok(WordIndex { words })
    }

    fn query(&self, prefix: String) -> Vec<String> {
        self.words
            .iter()
            .filter(|w| w.starts_with(&prefix))
            .take(10)
            .cloned()
            .collect()
    }
}

#[wasmlit::page]
fn caching(st: &Ui) {
    st.title("Caching");

    st.header("cache_data");
    st.caption(
        "`load_sales` takes a second. Its result is kept for ten minutes and shared by every \
         session: pick a region twice, or open a second tab.",
    );
    let regions = ["north", "south", "east", "west"];
    let region = st
        .selectbox("Region", &regions, 0)
        .copied()
        .unwrap_or("north");
    let started = Instant::now();
    let options = CacheData::new()
        .ttl(Duration::from_secs(600))
        .spinner(format!("Loading sales for {region}…"));
    let sales = st.cache_data_with(&options, load_sales, region.to_string());
    let took = started.elapsed();
    st.write(format!(
        "{}: {} orders, revenue {:.2}",
        sales.region, sales.orders, sales.revenue
    ));
    st.caption(if took > Duration::from_millis(500) {
        format!("computed in {} ms", took.as_millis())
    } else {
        format!("from the cache in {:.2} ms", took.as_secs_f64() * 1e3)
    });

    st.header("cache_resource");
    st.caption(
        "The word index is built once per app, in an instance of its own; runs send it \
         queries instead of rebuilding it.",
    );
    let prefix = st.text_input("Words starting with", "ab");
    let started = Instant::now();
    let words = st.cache_resource::<WordIndex>().query(prefix);
    st.write(words.join(", "));
    st.caption(format!(
        "answered in {:.2} ms",
        started.elapsed().as_secs_f64() * 1e3
    ));
    st.info(
        "“Clear cache” at the top right (or the C key) drops both caches; the next run \
         computes them again.",
    );
}
