//! Spin: a tight loop that never calls the host; only epoch interruption can stop it.
use wasmlit::Ui;

#[wasmlit::page]
fn spin(st: &Ui) {
    st.title("Spin");
    st.text("Spinning forever; press Stop or interact to cancel.");
    let mut x: u64 = 1;
    loop {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}
