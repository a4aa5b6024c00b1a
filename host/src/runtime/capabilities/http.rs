//! `wasmlit:page/http`: outbound requests, for apps granted hosts. The
//! checks are `crate::runtime::services::outbound`'s; this module adds the per-instance count,
//! the time limits and cancellation.

use crate::runtime::bindings::http;
use crate::runtime::bindings::types::CallError;
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::{RunTrap, StoreData, WaitEnd};
use crate::runtime::services::outbound::{timed_out, PageRequest, Refusal};

/// What a page is told when its app was granted no outbound hosts.
const NOT_GRANTED: &str = "this app may not make outbound HTTP requests: an operator grants \
     hosts with `allowed_outbound_hosts` under `[capabilities]` in the app's app.toml (or \
     `--allow-outbound-host` for a single app)";

impl From<Refusal> for CallError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Invalid(m) => CallError::InvalidArgument(format!("http.fetch: {m}")),
            Refusal::Denied(m) => CallError::Denied(format!("http.fetch: {m}")),
            Refusal::Limit(m) => CallError::LimitExceeded(format!("http.fetch: {m}")),
            Refusal::Failed(m) => CallError::Failed(format!("http.fetch: {m}")),
        }
    }
}

impl http::Host for StoreData {
    fn fetch(&mut self, request: http::Request) -> HostResult<http::Response> {
        if let Some(reason) = self.control.cancelled() {
            return Err(HostError::from(RunTrap::Cancelled(reason)));
        }
        let Some(outbound) = self.outbound.clone() else {
            return Err(HostError::from(CallError::Denied(format!(
                "http.fetch: {NOT_GRANTED}"
            ))));
        };
        if self.outbound_sent >= self.limits.outbound_requests_per_run {
            let refusal = Refusal::Limit(format!(
                "this instance already sent {} requests (outbound_requests_per_run)",
                self.outbound_sent
            ));
            outbound.record(Some(&refusal));
            return Err(CallError::from(refusal).into());
        }
        let request = PageRequest {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
        };
        let prepared = match outbound.prepare(request, &self.limits) {
            Ok(prepared) => prepared,
            Err(refusal) => {
                outbound.record(Some(&refusal));
                return Err(CallError::from(refusal).into());
            }
        };
        self.outbound_sent += 1;
        let limits = self.limits.clone();
        let control = self.control.clone();
        let deadline = tokio::time::Instant::from_std(self.deadline());
        let started = std::time::Instant::now();
        let target = prepared.url().origin().ascii_serialization();
        let outcome = wasmtime_wasi::runtime::in_tokio(async {
            tokio::select! {
                sent = outbound.send(prepared, &limits) => Ok(sent),
                () = tokio::time::sleep(limits.outbound_timeout) => Ok(Err(timed_out(&limits))),
                () = control.cancelled_wait() => {
                    Err(control.cancelled().map_or(WaitEnd::Deadline, WaitEnd::Cancelled))
                }
                () = tokio::time::sleep_until(deadline) => Err(WaitEnd::Deadline),
            }
        });
        let sent = match outcome {
            Ok(sent) => sent,
            Err(end) => return Err(self.wait_trap(end).into()),
        };
        outbound.record(sent.as_ref().err());
        tracing::debug!(
            target = %target,
            status = sent.as_ref().map_or(0, |r| r.status),
            ms = started.elapsed().as_millis() as u64,
            "outbound request"
        );
        let response = sent.map_err(CallError::from)?;
        Ok(http::Response {
            status: response.status,
            url: response.url,
            headers: response.headers,
            body: response.body,
        })
    }
}
