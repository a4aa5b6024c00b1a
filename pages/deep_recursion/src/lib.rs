//! Deep recursion: recurses without bound until the stack limit stops it.
use wasmlit::Ui;

fn depth(n: u64) -> u64 {
    if n == u64::MAX {
        return 0;
    }
    std::hint::black_box(depth(std::hint::black_box(n + 1))) + 1
}

#[wasmlit::page]
fn deep_recursion(st: &Ui) {
    st.title("Deep recursion");
    st.write(depth(0));
}
