//! The one place the host generates bindings from `wit/page.wit`.
//!
//! Every import may trap (that is how cancellation, `rerun` and `stop` end a
//! run), so all of them return `wasmtime::Result`.

wasmtime::component::bindgen!({
    world: "page",
    path: "../wit",
    imports: { default: trappable },
    trappable_error_type: {
        "wasmlit:page/types.call-error" => crate::runtime::capabilities::HostError,
    },
});

pub use self::wasmlit::page::{
    cache, control, http, jobs, query_params, session_state, types, ui, widgets,
};
