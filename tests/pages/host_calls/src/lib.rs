//! Benchmark page: makes `calls` session-state lookups (a host call that
//! copies one string in and nothing out), for the per-call cost.
use wasmlit::Ui;

#[wasmlit::page]
fn host_calls(st: &Ui) {
    let calls: u32 = st.session_state().get("calls").unwrap_or(0);
    let state = st.session_state();
    let mut found = 0u32;
    for _ in 0..calls {
        found += u32::from(state.contains("absent"));
    }
    std::hint::black_box(found);
}
