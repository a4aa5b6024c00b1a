//! The `#[wasmlit::page]` attribute, which turns a function into the page's
//! `run` export, and `echo!`, which shows a block's source and runs it.

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

/// Shows a block's source as code, then runs it, like Streamlit's
/// `with st.echo():`. `echo!(st, { … })` evaluates to the block's value.
#[proc_macro]
pub fn echo(input: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let comma = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','));
    let (ui, block) = match comma {
        Some(at) if at > 0 => (&tokens[..at], &tokens[at + 1..]),
        _ => return compile_error("echo!(st, { … }): give the `Ui` and a block"),
    };
    let group = match block {
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Brace => g,
        _ => return compile_error("echo!(st, { … }): the second argument is a block in braces"),
    };
    // The block as written, without its braces and with its common indent
    // taken off; its tokens when the source is not available.
    let source = group
        .span()
        .source_text()
        .map(|text| dedent(text.trim_start_matches('{').trim_end_matches('}')))
        .unwrap_or_else(|| group.stream().to_string());
    let ui: TokenStream = ui.iter().cloned().collect();
    let mut out = TokenStream::new();
    out.extend("let __wasmlit_echo: &::wasmlit::Ui = &".parse::<TokenStream>());
    out.extend(ui);
    out.extend(
        format!(
            "; __wasmlit_echo.code({}, ::core::option::Option::Some(\"rust\"));",
            proc_macro::Literal::string(&source)
        )
        .parse::<TokenStream>(),
    );
    out.extend([TokenTree::Group(group.clone())]);
    TokenStream::from_iter([TokenTree::Group(Group::new(Delimiter::Brace, out))])
}

/// `text` without its blank first and last lines and the indent its lines
/// share.
fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(start, |e| e + 1);
    let body = &lines[start..end];
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
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
