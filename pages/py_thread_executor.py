"""The shared executor, in Python: a CPU-bound function mapped over inputs,
once in a loop in the run and once with parallel_map on the app's worker pool.

Streamlit's guide shares one ThreadPoolExecutor through st.cache_resource;
here the pool is the host's own, bounded per app and shared fairly by its
sessions."""
import time

import wasmlit as st

MASK = (1 << 64) - 1


def crunch(seed):
    """Deliberately CPU-bound: rounds of xorshift."""
    x = seed ^ 0x9E3779B97F4A7C15
    for _ in range(50_000):
        x ^= (x << 13) & MASK
        x ^= x >> 7
        x ^= (x << 17) & MASK
    return x % 1000


st.title("Thread executor")
st.caption("The same CPU-bound work, in a loop and spread over the app's worker pool.")
inputs = st.slider("Inputs", 1, 16, 8)
mode = st.selectbox("Run", ["both", "parallel only", "sequential only"])

sequential_ms = None
if mode != "parallel only":
    started = time.monotonic()
    results = [crunch(seed) for seed in range(inputs)]
    sequential_ms = (time.monotonic() - started) * 1000
    st.write(f"Sequential loop: {sequential_ms:.0f} ms → {results}")
if mode != "sequential only":
    started = time.monotonic()
    try:
        results = st.parallel_map(crunch, range(inputs))
    except st.JobError as e:
        st.error(str(e))
        st.stop()
    ms = (time.monotonic() - started) * 1000
    st.write(f"parallel_map: {ms:.0f} ms → {results}")
    if sequential_ms is not None:
        st.success(f"Speed-up: {sequential_ms / ms:.2f}×")
