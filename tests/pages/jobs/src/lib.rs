//! Test page for jobs: the query parameter `case` picks what it does.
use std::time::Duration;
use wasmlit::Ui;

fn square(n: u64) -> u64 {
    n * n
}

fn count(bytes: Vec<u8>) -> usize {
    bytes.len()
}

fn boom(_: ()) -> u32 {
    panic!("boom in a job")
}

fn spin(_: ()) -> u64 {
    let mut x: u64 = 1;
    loop {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}

fn nap(seconds: u64) -> u64 {
    wasmlit::sleep(Duration::from_secs(seconds));
    seconds
}

/// Tries to draw through the raw contract, as code that got around the SDK would.
fn raw_draw(_: ()) -> String {
    use wasmlit::__private::bindings::wasmlit::page::ui;
    match ui::emit(0, &ui::Element::Text("from a job".into())) {
        Ok(()) => "drawn".into(),
        Err(ui::CallError::OutsideRun(message)) => message,
        Err(other) => format!("{other:?}"),
    }
}

fn press(ui: &Ui, _: ()) -> bool {
    ui.button("Press")
}

fn remember(ui: &Ui, _: ()) {
    ui.session_state().set("from_job", &1);
}

fn cached_in_job(ui: &Ui, _: ()) -> u64 {
    ui.cache_data(square, 3)
}

fn wander(ui: &Ui, _: ()) {
    ui.sidebar().write("in the sidebar");
}

fn lines(ui: &Ui, n: u32) -> u32 {
    for i in 0..n {
        ui.write(format!("line {i}"));
    }
    n
}

/// A resource that takes a while to build.
struct Table(Vec<u64>);

impl wasmlit::Resource for Table {
    type Query = usize;
    type Answer = u64;

    fn build() -> Result<Self, String> {
        wasmlit::sleep(Duration::from_millis(100));
        Ok(Table((0..100).map(|n| n * n).collect()))
    }

    fn query(&self, i: usize) -> u64 {
        self.0[i % 100]
    }
}

/// Runs in a job, which may query resources (but not draw).
fn look_up(i: usize) -> u64 {
    wasmlit::query_resource::<Table>(i).unwrap_or(u64::MAX)
}

#[wasmlit::page]
fn jobs(st: &Ui) {
    let case = st.query_params().get("case").unwrap_or_default();
    let show = |result: Result<String, wasmlit::JobError>| match result {
        Ok(text) => st.write(text),
        Err(e) => st.error(e.to_string()),
    };
    match case.as_str() {
        "map" => {
            let squares: Vec<u64> = st
                .parallel_map(square, 0..8u64)
                .into_iter()
                .map(|r| r.unwrap_or(u64::MAX))
                .collect();
            st.write(format!("{squares:?}"));
        }
        "panic" => show(st.spawn(boom, ()).join().map(|n| n.to_string())),
        "raw_draw" => show(st.spawn(raw_draw, ()).join()),
        "widget" => show(
            st.container(false)
                .spawn_in(press, ())
                .join()
                .map(|b| b.to_string()),
        ),
        "session_state" => show(
            st.container(false)
                .spawn_in(remember, ())
                .join()
                .map(|_| "set".into()),
        ),
        "cache" => show(
            st.container(false)
                .spawn_in(cached_in_job, ())
                .join()
                .map(|n| n.to_string()),
        ),
        "wander" => show(
            st.container(false)
                .spawn_in(wander, ())
                .join()
                .map(|_| "wandered".into()),
        ),
        "spawn_in" => {
            let area = st.container(true);
            let job = area.spawn_in(lines, 5);
            st.write("after the container");
            show(job.join().map(|n| format!("joined {n}")));
        }
        "spin" => {
            st.write("spinning in a job");
            let job = st.spawn(spin, ());
            show(job.join().map(|n| n.to_string()));
        }
        "unjoined" => {
            let _left = st.spawn(nap, 60);
            st.write("started a job and ended");
        }
        "any" => {
            let mut pending = vec![st.spawn(nap, 1), st.spawn(square, 7)];
            let first = pending.swap_remove(st.wait_any(&pending));
            show(first.join().map(|n| format!("first: {n}")));
        }
        "resource_jobs" => {
            let looked_up: Vec<u64> = st
                .parallel_map(look_up, 0..12usize)
                .into_iter()
                .map(|r| r.unwrap_or(u64::MAX))
                .collect();
            st.write(format!("{looked_up:?}"));
        }
        "big_input" => {
            let n = st.spawn(count, vec![7u8; 4000]).join();
            st.write(format!("{n:?}"));
        }
        "many" => {
            let jobs: Vec<_> = (0..5u64).map(|n| st.spawn(square, n)).collect();
            st.write(format!("started {}", jobs.len()));
        }
        "bad_calls" => {
            use wasmlit::__private::bindings::wasmlit::page::{cache, jobs};
            let outcomes = [
                format!("{:?}", jobs::join(999)),
                format!("{:?}", jobs::wait_any(&[])),
                format!("{:?}", jobs::spawn_in(77, 0, "nowhere", b"null")),
                format!("{:?}", cache::fill(12345, b"1")),
            ];
            for outcome in outcomes {
                st.text(outcome);
            }
            // A forged job id: the job's instance traps; the run goes on.
            let forged = jobs::spawn(0xdead_beef, "forged", b"null").map(jobs::join);
            st.text(format!("{forged:?}"));
        }
        other => st.write(format!("unknown case `{other}`")),
    }
}
