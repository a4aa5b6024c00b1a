"""Python SDK features the tests drive with AppTest: callbacks, the data
cache, layout blocks, a fragment with arguments, rerun, stop and errors."""
import dataclasses

import wasmlit as st

case = st.query_params.get("case", "")


@dataclasses.dataclass
class Point:
    """A class of the script: its instances pickle into caches and jobs."""

    x: int
    y: int


@st.cache_data
def origin_shifted(dx):
    return Point(dx, 0)


def mirror(point):
    """A job: takes and returns the script's own class."""
    return Point(point.y, point.x)


def add(amount, label="clicks"):
    """An on_click callback: runs before the next run's script."""
    st.session_state[label] = st.session_state.get(label, 0) + amount


@st.cache_data
def square(n):
    """Counts its own calls: a cached call does not run it."""
    st.session_state.calls = st.session_state.get("calls", 0) + 1
    return {"n": n, "square": n * n}


st.title("Features")
st.button("Add 5", on_click=add, args=(5,))
st.write(f"clicks: {st.session_state.get('clicks', 0)}")
n = st.number_input("n", 0, 100, 4)
result = square(n)
st.write(f"square: {result['square']}, computed {st.session_state.get('calls', 0)} times")
name = st.text_input("Name", "Ada")
flavour = st.selectbox("Flavour", ["vanilla", "chocolate", "mint"], index=1)
loud = st.checkbox("Loud")
greeting = f"Hello {name}, {flavour}"
st.write(greeting.upper() if loud else greeting)

left, right = st.columns([2, 1])
with left:
    st.text("in left")
right.text("in right")
with st.expander("More"):
    st.text("inside expander")
tab_a, tab_b = st.tabs(["A", "B"])
tab_b.text("in tab B")
with st.sidebar:
    st.text("in sidebar")


@st.fragment
def tally(step):
    """Reruns alone when its button is clicked, with the same `step`."""
    if st.button("Tally"):
        st.session_state.tally = st.session_state.get("tally", 0) + step
    st.text(f"tally: {st.session_state.get('tally', 0)}")


tally(2)

if case == "nested_job":

    def inner(x):
        return x

    st.spawn(inner, 1)
elif case == "rerun":
    reruns = st.session_state.get("reruns", 0)
    if reruns < 2:
        st.session_state.reruns = reruns + 1
        st.rerun()
    st.text(f"reruns: {reruns}")
elif case == "stop":
    st.text("before stop")
    st.stop()
    st.text("after stop")
elif case == "error":
    st.text(f"ratio: {1 / (n - n)}")
elif case == "classes":
    cached = origin_shifted(3)
    again = origin_shifted(3)
    mirrored = st.spawn(mirror, Point(1, 2)).join()
    st.text(f"classes: {cached} {again == cached} {mirrored}")
elif case == "defaults":
    plain = st.number_input("Plain")
    fraction = st.slider("Fraction", value=0.25)
    nothing = st.selectbox("Nothing", [])
    st.text(f"defaults: {plain!r} {fraction!r} {nothing!r}")
elif case == "strptime":
    import datetime

    st.text(datetime.datetime.strptime("2026-12-02", "%Y-%m-%d").strftime("%d.%m.%Y"))
