"""A small sales dashboard, in Python: a cached data set, a filter in the
sidebar, metrics, a chart, a dataframe and a fragment that reruns alone."""
import math

import wasmlit as st

REGIONS = ["north", "south", "east", "west"]


@st.cache_data(ttl="10m")
def sales(days):
    """Daily sales per region (made up, deterministic); computed once per `days`."""
    return [
        {
            "day": day,
            **{region: round(100 + 40 * math.sin(day / 5 + i) + 3 * i * day, 1) for i, region in enumerate(REGIONS)},
        }
        for day in range(1, days + 1)
    ]


st.set_page_config(page_title="Sales dashboard", layout="wide")
st.title("Sales dashboard")

with st.sidebar:
    st.header("Filters")
    days = st.slider("Days", 7, 90, 30)
    chosen = st.multiselect("Regions", REGIONS, default=REGIONS[:2])

rows = sales(days)
if not chosen:
    st.warning("Pick at least one region.")
    st.stop()

columns = st.columns(len(chosen))
for column, region in zip(columns, chosen):
    total = sum(row[region] for row in rows)
    last, before = rows[-1][region], rows[-2][region]
    column.metric(region.title(), f"{total:,.0f}", f"{last - before:+.1f}")

st.line_chart(rows, x="day", y=chosen)
with st.expander("The numbers"):
    st.dataframe([{"day": row["day"], **{r: row[r] for r in chosen}} for row in rows])


@st.fragment
def best_day(region_rows):
    """Reruns alone when its radio changes: the rest of the page stays."""
    region = st.radio("Best day of", REGIONS, horizontal=True)
    best = max(region_rows, key=lambda row: row[region])
    st.write(f"{region}: day {best['day']} with {best[region]}")


best_day(rows)
