//! Chatter: draws a line about every millisecond, forever, to test that a
//! cancelled run's output stops at the cancel.
use wasmlit::Ui;

#[wasmlit::page]
fn chatter(st: &Ui) {
    st.title("Chatter");
    let mut x: u64 = 1;
    for i in 0u64.. {
        st.text(format!("line {i}"));
        for _ in 0..1_000_000 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
}
