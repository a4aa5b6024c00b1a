//! The bindings generated from the contract, `wit/page.wit` inside this crate (kept identical to the
//! host's copy by a test); everything else in the SDK wraps them.
#![allow(missing_docs)]

wit_bindgen::generate!({
    world: "page",
    path: "wit",
    pub_export_macro: true,
    export_macro_name: "__export_page",
    default_bindings_module: "::wasmlit::__private::bindings",
    runtime_path: "::wasmlit::__private::wit_bindgen::rt",
});
