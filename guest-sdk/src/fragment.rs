//! Fragments: parts of a page that rerun on their own, like `@st.fragment`.
//! A widget drawn inside a fragment reruns only the fragment, and a
//! fragment with `run_every` redraws itself on a timer.

use crate::bindings::wasmlit::page::ui::{self as host, Block, FragmentBlock};
use crate::callbacks::{entry_id, plain_entry_id};
use crate::error::expect_ok;
use crate::Ui;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

impl Ui {
    /// Draws `function` here as a fragment, like a function decorated with
    /// `@st.fragment`: it draws now, as part of the page, and when a widget
    /// inside it changes only the fragment reruns — in a fresh instance,
    /// redrawing only its own container — while the rest of the page stays
    /// as it is. `function` is a function (or a closure that captures
    /// nothing); pass data with [`fragment_with`](Ui::fragment_with).
    ///
    /// A fragment's rerun draws only into the `Ui` it is given. Calling
    /// [`rerun`](Ui::rerun) from it reruns the whole page.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn dice(st: &wasmlit::Ui) {
    ///     if st.button("Roll") {
    ///         st.write("Only this part of the page was redrawn.");
    ///     }
    /// }
    /// st.title("A slow page");
    /// st.fragment(dice);
    /// # }
    /// ```
    pub fn fragment<F>(&self, function: F)
    where
        F: Fn(&Ui) + Copy + 'static,
    {
        let ui = self.open_fragment(plain_entry_id::<F>(), Vec::new(), None);
        function(&ui);
    }

    /// A fragment that also reruns every `every` while the session is open
    /// and no other run is going, like `@st.fragment(run_every=…)`: a live
    /// clock, a feed, a metric that polls. The host refuses intervals below
    /// its `run_every_min_ms` setting (100 ms unless changed).
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # fn page(st: &wasmlit::Ui) {
    /// fn clock(st: &wasmlit::Ui) {
    ///     let now = std::time::SystemTime::now()
    ///         .duration_since(std::time::UNIX_EPOCH)
    ///         .map(|d| d.as_secs())
    ///         .unwrap_or(0);
    ///     st.metric("Seconds since 1970", now, None);
    /// }
    /// st.fragment_every(Duration::from_secs(1), clock);
    /// # }
    /// ```
    pub fn fragment_every<F>(&self, every: Duration, function: F)
    where
        F: Fn(&Ui) + Copy + 'static,
    {
        let ui = self.open_fragment(plain_entry_id::<F>(), Vec::new(), Some(every));
        function(&ui);
    }

    /// A fragment whose function takes arguments: `args` is serialized and
    /// handed back on each of its reruns. `run_every` as in
    /// [`fragment_every`](Ui::fragment_every).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn region_chart(st: &wasmlit::Ui, region: String) {
    ///     let days = st.slider(&format!("Days of {region}"), 1..=30, 7);
    ///     st.write(format!("{region}: the last {days} days"));
    /// }
    /// for region in ["north", "south"] {
    ///     st.fragment_with(region_chart, region.to_string(), None);
    /// }
    /// # }
    /// ```
    pub fn fragment_with<F, A>(&self, function: F, args: A, run_every: Option<Duration>)
    where
        F: Fn(&Ui, A) + Copy + 'static,
        A: Serialize + DeserializeOwned,
    {
        let bytes = match serde_json::to_vec(&args) {
            Ok(bytes) => bytes,
            Err(e) => panic!("the arguments of a fragment do not serialize: {e}"),
        };
        let ui = self.open_fragment(entry_id::<F, A>(), bytes, run_every);
        function(&ui, args);
    }

    fn open_fragment(&self, id: u64, args: Vec<u8>, every: Option<Duration>) -> Ui {
        let run_every_ms = every.map(|d| u32::try_from(d.as_millis()).unwrap_or(u32::MAX));
        let block = Block::Fragment(FragmentBlock {
            id,
            args,
            run_every_ms,
        });
        let opened = expect_ok(host::open_block(self.container, &block));
        match opened.first() {
            Some(&container) => Ui::at(container),
            None => panic!("the host opened no container for a fragment"),
        }
    }
}
