//! Fragments: parts of the page that rerun on their own. The page counts its
//! own runs, so you can see that clicking inside a fragment leaves it alone.
//! `?every=MS` sets the clock's interval (`0` turns the clock off).
use std::time::Duration;
use wasmlit::Ui;

/// Counts clicks in session state; its button reruns only this fragment.
fn tally(st: &Ui) {
    let state = st.session_state();
    let mut clicks: i64 = state.get("fragment_clicks").unwrap_or(0);
    if st.button("Add one") {
        clicks += 1;
        state.set("fragment_clicks", &clicks);
    }
    // Adds two: the second by running only this fragment again.
    let pending: bool = state.get("add_again").unwrap_or(false);
    if st.button("Add two") || pending {
        clicks += 1;
        state.set("fragment_clicks", &clicks);
        state.set("add_again", &!pending);
        if !pending {
            st.rerun_fragment();
        }
    }
    st.write(format!("fragment clicks: {clicks}"));
}

/// Redraws itself on a timer.
fn clock(st: &Ui) {
    let state = st.session_state();
    let ticks: u64 = state.get::<u64>("ticks").unwrap_or(0) + 1;
    state.set("ticks", &ticks);
    st.metric("Clock ticks", ticks, None);
}

/// One fragment per region, each with its own slider.
fn region(st: &Ui, name: String) {
    let days = st.slider(&format!("Days in {name}"), 1..=30, 7);
    st.write(format!("{name}: the last {days} days"));
}

#[wasmlit::page]
fn fragments(st: &Ui) {
    let state = st.session_state();
    let runs: u64 = state.get::<u64>("page_runs").unwrap_or(0) + 1;
    state.set("page_runs", &runs);

    st.title("Fragments");
    st.caption("Widgets inside a fragment rerun only the fragment; the page's run count stays.");
    st.write(format!("page runs: {runs}"));

    st.subheader("A fragment with a button");
    st.container(true).fragment(tally);

    let every = st
        .query_params()
        .get("every")
        .and_then(|ms| ms.parse::<u64>().ok())
        .unwrap_or(1000);
    if every > 0 {
        st.subheader("A fragment that reruns on a timer");
        st.fragment_every(Duration::from_millis(every), clock);
    }

    st.subheader("One fragment per region");
    let columns = st.columns(2);
    for (column, name) in columns.iter().zip(["North", "South"]) {
        column.fragment_with(region, name.to_string(), None);
    }

    st.divider();
    st.button("Rerun the whole page");
}
