"""The counter, in Python: a button that counts in session state, and a slider.

Written as for Streamlit; only the import line differs."""
import wasmlit as st

st.title("Counter")

if "count" not in st.session_state:
    st.session_state.count = 0
if st.button("Increment"):
    st.session_state.count += 1
st.write(f"count: {st.session_state.count}")

n = st.slider("n", 0, 100, 0)
st.write(f"square: {n * n}")
