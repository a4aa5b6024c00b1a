"""Parallel queries, in Python: several slow queries run as jobs on the app's
worker pool; each result is shown as soon as it arrives, then the total time.

Streamlit's "run no Streamlit code in custom threads" pattern: the jobs only
fetch data and return it; the run draws everything."""
import time

import wasmlit as st

TABLES = ["orders", "customers", "invoices", "shipments", "returns", "reviews"]


def run_query(table, latency_ms):
    """Runs in a job: waits like a network call would, then "counts rows"."""
    started = time.monotonic()
    time.sleep(latency_ms / 1000)
    rows = 7
    for byte in table.encode():
        rows = (rows * 31 + byte) % 1_000_003
    return {"table": table, "rows": rows % 10_000, "took_ms": int((time.monotonic() - started) * 1000)}


st.title("Parallel queries")
st.caption(
    "Each query runs as a job on the app's worker pool. Results appear as they arrive; "
    "the jobs never touch the page, they return data and this run draws it."
)
count = st.slider("Queries", 1, len(TABLES), 4)
started = time.monotonic()
queries = [(table, 300 + (i * 370) % 900) for i, table in enumerate(TABLES[:count])]
one_after_another = sum(latency for _, latency in queries)
pending = [st.spawn(run_query, table, latency) for table, latency in queries]
while pending:
    job = pending.pop(st.wait_any(pending))
    try:
        answer = job.join()
        st.success(f"{answer['table']}: {answer['rows']} rows in {answer['took_ms']} ms")
    except st.JobError as e:
        st.error(str(e))
elapsed = int((time.monotonic() - started) * 1000)
st.markdown(f"**All {count} queries took {elapsed} ms** (one after another: {one_after_another} ms).")

st.subheader("A job that draws into one container")
progress = st.container(border=True)


def report(steps):
    """Runs in a job started with spawn_in: it may draw into its container only."""
    for i in range(steps):
        st.write(f"step {i} done")
    return steps


job = progress.spawn_in(report, 3)
st.write("the run keeps drawing below")
st.write(f"the job reported {job.join()} steps")
