//! Jobs: functions of the page run concurrently on the app's worker pool,
//! each in a fresh instance, with their result joined by the run.
//!
//! This is the safe form of Streamlit's custom threads. A job gets its input
//! and returns its output (both `serde` types); it cannot draw, use widgets,
//! session state or store into caches, because its instance is not a run:
//! those calls fail with a message naming the rule. A job started with
//! [`Ui::spawn_in`] may draw into the one container it was started in.

use crate::bindings::wasmlit::page::jobs as host;
use crate::error::expect_ok;
use crate::Ui;
use serde::{de::DeserializeOwned, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// What the host calls back in the job's instance: decode, call, encode.
type Entry = fn(Option<u32>, &[u8]) -> Result<Vec<u8>, String>;

/// A job that was started and not yet joined. Joining it returns its
/// result; dropping it unjoined lets it run on until the run ends, when
/// every job of the run is cancelled.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// fn slow_sum(n: u64) -> u64 { (0..n).sum() }
/// let a = st.spawn(slow_sum, 1_000_000);
/// let b = st.spawn(slow_sum, 2_000_000);
/// let (a, b) = (a.join(), b.join());
/// # }
/// ```
#[must_use = "a job's result is only seen by joining it"]
pub struct JobHandle<R> {
    handle: u64,
    name: &'static str,
    _result: PhantomData<fn() -> R>,
    /// A handle belongs to the run that started it.
    _not_send: PhantomData<*const ()>,
}

/// Why a job produced no result: it panicked, hit a limit or was cancelled.
/// The message names the job.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// fn fails(_: ()) -> u32 { panic!("no data") }
/// if let Err(wasmlit::JobError(why)) = st.spawn(fails, ()).join() {
///     st.error(why);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError(pub String);

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JobError {}

impl<R: DeserializeOwned> JobHandle<R> {
    /// Waits for the job and returns its result. The run waits without
    /// using CPU, and is still stopped at once if the user reruns it.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn square(n: u64) -> u64 { n * n }
    /// let job = st.spawn(square, 12);
    /// match job.join() {
    ///     Ok(n) => st.write(n),
    ///     Err(e) => st.error(e.to_string()),
    /// }
    /// # }
    /// ```
    pub fn join(self) -> Result<R, JobError> {
        let bytes = expect_ok(host::join(self.handle)).map_err(JobError)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            JobError(format!(
                "job `{}` returned a value that does not decode: {e}",
                self.name
            ))
        })
    }

    /// The job's name (its function's path), as used in messages.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn work(n: u32) -> u32 { n + 1 }
    /// let job = st.spawn(work, 1);
    /// st.caption(format!("running {}", job.name()));
    /// # }
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl Ui {
    /// Starts `job(input)` on the app's worker pool and returns at once,
    /// like submitting to Streamlit's shared thread executor. `job` is a
    /// function (or a closure that captures nothing) of this page; it runs
    /// in a fresh instance, so it sees no globals of the run.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn slow_query(region: String) -> Vec<u32> {
    ///     vec![1, 2, 3] // a long computation
    /// }
    /// let eu = st.spawn(slow_query, "eu".to_string());
    /// let us = st.spawn(slow_query, "us".to_string());
    /// let (eu, us) = (eu.join(), us.join());
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn<F, Q, R>(&self, job: F, input: Q) -> JobHandle<R>
    where
        F: Fn(Q) -> R + Copy + 'static,
        Q: Serialize + DeserializeOwned,
        R: Serialize + DeserializeOwned,
    {
        let _ = job;
        let entry: Entry = plain_job::<F, Q, R>;
        start(None, entry, std::any::type_name::<F>(), &input)
    }

    /// Starts `job(ui, input)` where `ui` draws into this `Ui`'s container:
    /// the job's elements appear there, in order, while the run goes on
    /// (Streamlit's "copy the session context" pattern, made safe: the job
    /// can reach that one container and nothing else).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn report(ui: &wasmlit::Ui, n: u32) -> u32 {
    ///     for i in 0..n {
    ///         ui.write(format!("step {i} done"));
    ///     }
    ///     n
    /// }
    /// let progress = st.container(true);
    /// let job = progress.spawn_in(report, 3);
    /// let steps = job.join();
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_in<F, Q, R>(&self, job: F, input: Q) -> JobHandle<R>
    where
        F: Fn(&Ui, Q) -> R + Copy + 'static,
        Q: Serialize + DeserializeOwned,
        R: Serialize + DeserializeOwned,
    {
        let _ = job;
        let entry: Entry = drawing_job::<F, Q, R>;
        start(
            Some(self.container),
            entry,
            std::any::type_name::<F>(),
            &input,
        )
    }

    /// Runs `job` over every input on the worker pool and returns the
    /// results in input order (Streamlit's `executor.map`).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn score(seed: u64) -> u64 { seed.wrapping_mul(2654435761) % 1000 }
    /// let scores = st.parallel_map(score, 0..8u64);
    /// # }
    /// ```
    #[track_caller]
    pub fn parallel_map<F, Q, R>(
        &self,
        job: F,
        inputs: impl IntoIterator<Item = Q>,
    ) -> Vec<Result<R, JobError>>
    where
        F: Fn(Q) -> R + Copy + 'static,
        Q: Serialize + DeserializeOwned,
        R: Serialize + DeserializeOwned,
    {
        let handles: Vec<JobHandle<R>> = inputs
            .into_iter()
            .map(|input| self.spawn(job, input))
            .collect();
        handles.into_iter().map(JobHandle::join).collect()
    }

    /// Waits until one of `jobs` has finished and returns its index, so
    /// results can be shown as they arrive.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn fetch(n: u64) -> u64 { n }
    /// let mut pending: Vec<_> = (0..4).map(|n| st.spawn(fetch, n)).collect();
    /// while !pending.is_empty() {
    ///     let done = pending.swap_remove(st.wait_any(&pending));
    ///     st.write(format!("{:?}", done.join()));
    /// }
    /// # }
    /// ```
    pub fn wait_any<R>(&self, jobs: &[JobHandle<R>]) -> usize {
        let handles: Vec<u64> = jobs.iter().map(|j| j.handle).collect();
        let done = expect_ok(host::wait_any(&handles));
        handles.iter().position(|h| *h == done).unwrap_or(0)
    }
}

/// Pauses the run (or job) for `duration`, like `time.sleep`. The thread
/// is parked, not spinning, and a run that is cancelled meanwhile stops at
/// once. (`std::thread::sleep` behaves the same way here.)
///
/// ```no_run
/// wasmlit::sleep(std::time::Duration::from_millis(200));
/// ```
pub fn sleep(duration: std::time::Duration) {
    std::thread::sleep(duration);
}

#[track_caller]
fn start<R, Q: Serialize>(
    at: Option<u32>,
    entry: Entry,
    name: &'static str,
    input: &Q,
) -> JobHandle<R> {
    let input = match serde_json::to_vec(input) {
        Ok(bytes) => bytes,
        Err(e) => panic!("the input of job `{name}` does not serialize: {e}"),
    };
    // The entry's address in the function table is the same in every
    // instance of this page, so the host can hand it back to `run-job`.
    let id = entry as usize as u64;
    let handle = match at {
        None => expect_ok(host::spawn(id, name, &input)),
        Some(at) => expect_ok(host::spawn_in(at, id, name, &input)),
    };
    JobHandle {
        handle,
        name,
        _result: PhantomData,
        _not_send: PhantomData,
    }
}

/// The one value of a zero-sized function type: a function item, or a
/// closure that captures nothing.
pub(crate) fn function_value<F: Copy>() -> F {
    const {
        assert!(
            std::mem::size_of::<F>() == 0,
            "jobs and on_change callbacks must be functions or closures that capture nothing: \
             they run in another instance or run, where captured values do not exist"
        )
    };
    // SAFETY: `F` is zero-sized (checked at compile time) and callable, so it
    // is a function item or a capture-free closure: a type with exactly one
    // value and no invariants, which a read of zero bytes produces.
    unsafe { std::ptr::NonNull::<F>::dangling().as_ptr().read() }
}

fn decode<Q: DeserializeOwned>(input: &[u8]) -> Result<Q, String> {
    serde_json::from_slice(input).map_err(|e| format!("the job's input does not decode: {e}"))
}

fn encode<R: Serialize>(output: &R) -> Result<Vec<u8>, String> {
    serde_json::to_vec(output).map_err(|e| format!("the job's result does not serialize: {e}"))
}

fn plain_job<F, Q, R>(_at: Option<u32>, input: &[u8]) -> Result<Vec<u8>, String>
where
    F: Fn(Q) -> R + Copy + 'static,
    Q: DeserializeOwned,
    R: Serialize,
{
    let job: F = function_value();
    encode(&job(decode(input)?))
}

fn drawing_job<F, Q, R>(at: Option<u32>, input: &[u8]) -> Result<Vec<u8>, String>
where
    F: Fn(&Ui, Q) -> R + Copy + 'static,
    Q: DeserializeOwned,
    R: Serialize,
{
    let job: F = function_value();
    let ui = Ui::at(at.unwrap_or(0));
    encode(&job(&ui, decode(input)?))
}

/// The `run-job` export: calls the entry the host hands back.
pub(crate) fn run_job(job: u64, at: Option<u32>, input: &[u8]) -> Result<Vec<u8>, String> {
    let Ok(address) = usize::try_from(job) else {
        return Err(format!("job id {job} is not one this page gave out"));
    };
    // SAFETY: the SDK only ever gives the host addresses of `Entry`
    // functions of this component (see `start`), and the host hands them
    // back unchanged; every instance has the same function table. An id
    // forged by code that goes around the SDK can only hit this page's own
    // instance, where a bad table index traps (tested: `tests/jobs.rs`).
    let entry: Entry = unsafe { std::mem::transmute::<usize, Entry>(address) };
    entry(at, input)
}
