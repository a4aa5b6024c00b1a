//! `wasmlit:page/jobs`: start jobs on the app's worker pool and wait for them.

use crate::runtime::bindings::jobs;
use crate::runtime::bindings::types::CallError;
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::StoreData;
use crate::runtime::services::jobs::{reserve, submit, JobContext, JobServices, JobSlot, JobTask};
use std::sync::Arc;

impl jobs::Host for StoreData {
    fn spawn(&mut self, job: u64, name: String, input: Vec<u8>) -> HostResult<u64> {
        self.start_job("jobs.spawn", None, job, name, input)
    }

    fn spawn_in(&mut self, at: u32, job: u64, name: String, input: Vec<u8>) -> HostResult<u64> {
        self.start_job("jobs.spawn_in", Some(at), job, name, input)
    }

    fn join(&mut self, handle: u64) -> HostResult<Result<Vec<u8>, String>> {
        let deadline = self.deadline();
        let run = self.live("jobs.join")?;
        let Some(slot) = run.jobs.open.remove(&handle) else {
            return Err(HostError::from(unknown(handle)));
        };
        let (control, done) = (run.control.clone(), run.jobs.done.clone());
        if let Err(end) = control.block_until(&done, deadline, || slot.is_done()) {
            return Err(self.wait_trap(end).into());
        }
        Ok(slot
            .take()
            .unwrap_or_else(|| Err("the job's result was already taken".into())))
    }

    fn wait_any(&mut self, handles: Vec<u64>) -> HostResult<u64> {
        let deadline = self.deadline();
        let run = self.live("jobs.wait_any")?;
        if handles.is_empty() {
            return Err(HostError::from(CallError::InvalidArgument(
                "jobs.wait_any: the list of handles is empty".into(),
            )));
        }
        let mut slots: Vec<(u64, Arc<JobSlot>)> = Vec::with_capacity(handles.len());
        for handle in handles {
            match run.jobs.open.get(&handle) {
                Some(slot) => slots.push((handle, slot.clone())),
                None => return Err(HostError::from(unknown(handle))),
            }
        }
        let (control, done) = (run.control.clone(), run.jobs.done.clone());
        let first_done = || slots.iter().find(|(_, s)| s.is_done()).map(|(h, _)| *h);
        if let Err(end) = control.block_until(&done, deadline, || first_done().is_some()) {
            return Err(self.wait_trap(end).into());
        }
        first_done().ok_or_else(|| unknown(0).into())
    }
}

fn unknown(handle: u64) -> CallError {
    CallError::InvalidArgument(format!(
        "no job with handle {handle} in this run: it was never started here or was already joined"
    ))
}

impl StoreData {
    fn start_job(
        &mut self,
        call: &str,
        at: Option<u32>,
        job: u64,
        name: String,
        input: Vec<u8>,
    ) -> HostResult<u64> {
        let limit = self.limits.jobs_per_run;
        let run = self.live(call)?;
        if run.jobs.started >= u64::from(limit) {
            return Err(HostError::from(CallError::LimitExceeded(format!(
                "a run may start at most {limit} jobs (jobs_per_run)"
            ))));
        }
        if let Some(at) = at {
            if !run.output.has_container(at) {
                return Err(HostError::from(CallError::InvalidArgument(format!(
                    "{call}: container {at} does not exist in this run"
                ))));
            }
        }
        if !reserve(&run.jobs.bytes_left, input.len()) {
            return Err(HostError::from(CallError::LimitExceeded(format!(
                "{call}: an input of {} is more than the run may hold of job data \
                 (job_bytes_per_run)",
                crate::runtime::limits::human_bytes(input.len() as u64)
            ))));
        }
        run.jobs.started += 1;
        let handle = run.jobs.started;
        let slot = JobSlot::new(
            run.jobs.done.clone(),
            run.jobs.bytes_left.clone(),
            input.len(),
        );
        let task = JobTask {
            page: run.page.clone(),
            job,
            input,
            context: JobContext {
                name: format!("job `{name}`"),
                draw: at.map(|at| (run.output.clone(), at)),
                services: Some(JobServices {
                    app: run.app.clone(),
                    page: run.page.clone(),
                    session: run.session.clone(),
                }),
            },
            control: run.control.jobs(),
            slot: slot.clone(),
        };
        run.jobs.open.insert(handle, slot);
        submit(&run.app, &run.session, task);
        Ok(handle)
    }
}
