//! The one place the host generates bindings from the contract, `wit/page.wit`
//! (the host crate carries it in `host/wit/`, as the SDK does in
//! `guest-sdk/wit/`, so each packages on its own).
//!
//! Every import may trap (that is how cancellation, `rerun` and `stop` end a
//! run), so all of them return `wasmtime::Result`.

wasmtime::component::bindgen!({
    world: "page",
    path: "wit",
    imports: { default: trappable },
    trappable_error_type: {
        "wasmlit:page/types.call-error" => crate::runtime::capabilities::HostError,
    },
});

pub use self::wasmlit::page::{
    cache, context, control, http, jobs, query_params, secrets, session_state, sql, types, ui,
    widgets,
};

#[cfg(test)]
mod tests {
    /// The SDK and the host each carry the contract inside their crate, so
    /// each packages on its own; both must be the repository's text, or pages
    /// and host would disagree on the contract while claiming one version.
    #[test]
    fn the_sdks_contract_is_the_hosts() {
        let repo = include_str!("../../../wit/page.wit");
        let host = include_str!("../../wit/page.wit");
        let sdk = include_str!("../../../guest-sdk/wit/page.wit");
        assert!(host == repo, "host/wit/page.wit differs from wit/page.wit");
        assert!(
            sdk == repo,
            "guest-sdk/wit/page.wit differs from wit/page.wit"
        );
        let version = format!(
            "package wasmlit:page@{};",
            super::super::page::CONTRACT_VERSION
        );
        assert!(
            repo.contains(&version),
            "the contract's package line is not `{version}`"
        );
    }
}
