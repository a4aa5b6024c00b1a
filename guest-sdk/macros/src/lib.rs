//! The `#[wasmlit::page]` attribute: turns a function into the page's `run` export.

use proc_macro::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

/// Marks the function that draws the page.
///
/// The function takes `&wasmlit::Ui` and returns `()` or a `Result<(), E>`
/// whose error is shown as the run's error. See the `wasmlit` crate docs.
#[proc_macro_attribute]
pub fn page(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        return compile_error("#[wasmlit::page] takes no arguments");
    }
    let name = match function_name(&item) {
        Some(name) => name,
        None => return compile_error("#[wasmlit::page] must be placed on a function"),
    };
    let generated: TokenStream = format!(
        "#[doc(hidden)]
        struct __WasmlitPage;
        impl ::wasmlit::__private::Guest for __WasmlitPage {{
            fn run() -> ::core::result::Result<(), ::std::string::String> {{
                ::wasmlit::__private::run_page({name})
            }}
            fn run_fragment(
                id: u64,
                args: ::std::vec::Vec<u8>,
                at: u32,
            ) -> ::core::result::Result<(), ::std::string::String> {{
                ::wasmlit::__private::run_fragment(id, args, at)
            }}
            fn run_job(
                job: u64,
                at: ::core::option::Option<u32>,
                input: ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<::std::vec::Vec<u8>, ::std::string::String> {{
                ::wasmlit::__private::run_job(job, at, input)
            }}
            fn build_resource(id: u64) -> ::core::result::Result<(), ::std::string::String> {{
                ::wasmlit::__private::build_resource(id)
            }}
            fn query_resource(
                id: u64,
                request: ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<::std::vec::Vec<u8>, ::std::string::String> {{
                ::wasmlit::__private::query_resource(id, request)
            }}
        }}
        ::wasmlit::__private::export_page!(__WasmlitPage);"
    )
    .parse()
    .expect("generated tokens parse");
    let mut out = item;
    out.extend(generated);
    out
}

/// The identifier that follows the first `fn` token at the top level of `item`.
fn function_name(item: &TokenStream) -> Option<String> {
    let mut tokens = item.clone().into_iter();
    while let Some(token) = tokens.next() {
        if let TokenTree::Ident(ident) = &token {
            if ident.to_string() == "fn" {
                if let Some(TokenTree::Ident(name)) = tokens.next() {
                    return Some(name.to_string());
                }
                return None;
            }
        }
    }
    None
}

fn compile_error(message: &str) -> TokenStream {
    let mut args = TokenStream::new();
    args.extend([TokenTree::Literal(proc_macro::Literal::string(message))]);
    TokenStream::from_iter([
        TokenTree::Ident(Ident::new("compile_error", Span::call_site())),
        TokenTree::Punct(Punct::new('!', Spacing::Alone)),
        TokenTree::Group(Group::new(Delimiter::Parenthesis, args)),
        TokenTree::Punct(Punct::new(';', Spacing::Alone)),
    ])
}
