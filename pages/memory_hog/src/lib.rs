//! Memory hog: allocates and touches memory until the host's limit stops it.
use wasmlit::Ui;

#[wasmlit::page]
fn memory_hog(st: &Ui) {
    st.title("Memory hog");
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    loop {
        chunks.push(vec![1u8; 1 << 20]);
        std::hint::black_box(&chunks);
    }
}
