//! `wasmlit:page/cache`: `cache_data` lookups and fills, and queries to
//! `cache_resource` instances.

use crate::model::delta::Element;
use crate::runtime::bindings::cache::{self, CacheOptions, Lookup as WitLookup, Scope as WitScope};
use crate::runtime::bindings::types::CallError;
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::{RunTrap, StoreData};
use crate::runtime::run_output::LimitError;
use crate::runtime::services::cache::{DataCache, EntryOptions, Lookup};
use crate::runtime::services::resource::{Asker, QueryEnd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Longest function name a page may cache under.
const MAX_FUNCTION_NAME: usize = 1024;

/// Tickets handed out by this process.
static NEXT_TICKET: AtomicU64 = AtomicU64::new(1);

impl cache::Host for StoreData {
    fn get(
        &mut self,
        at: u32,
        function: String,
        args: Vec<u8>,
        options: CacheOptions,
    ) -> HostResult<WitLookup> {
        let deadline = self.deadline();
        let limits = self.limits.clone();
        let run = self.live("cache.get")?;
        if function.len() > MAX_FUNCTION_NAME {
            return Err(HostError::from(CallError::InvalidArgument(format!(
                "cache.get: a function name may have at most {MAX_FUNCTION_NAME} bytes; this one has {}",
                function.len()
            ))));
        }
        if run.tickets.len() >= limits.open_cache_tickets as usize {
            return Err(HostError::from(CallError::LimitExceeded(format!(
                "a run may compute at most {} cached values at once (open_cache_tickets)",
                limits.open_cache_tickets
            ))));
        }
        let session = match options.scope {
            WitScope::Global => None,
            WitScope::Session => Some(run.session.clone()),
        };
        let key = DataCache::key(&run.page.module_hash, &function, &args, session.as_deref());
        if let Some(value) = run.app.data.peek(&key) {
            return Ok(WitLookup::Hit(value));
        }
        let spinner = match options.spinner {
            Some(body) => match run.output.place(&limits, at, Element::Spinner { body }) {
                Ok(path) => Some(path),
                Err(e) => return super::place_result(Err(e)),
            },
            None => None,
        };
        let entry_options = EntryOptions {
            ttl: options.ttl_ms.map(Duration::from_millis),
            max_entries: options.max_entries,
        };
        // `max_entries` counts per function, and per session when scoped.
        let identity = match &session {
            None => format!("{}/{function}", hex::encode(run.page.module_hash)),
            Some(s) => format!("{}/{function}/{s}", hex::encode(run.page.module_hash)),
        };
        let (app, control) = (run.app.clone(), run.control.clone());
        let found =
            app.data
                .get_or_wait(key, &identity, session, entry_options, &control, deadline);
        let run = match self.role.run_mut() {
            Some(run) => run,
            None => return Err(HostError::from(CallError::OutsideRun("cache.get".into()))),
        };
        match found {
            Err(end) => Err(self.wait_trap(end).into()),
            Ok(Lookup::Hit(value)) => {
                if let Some(path) = spinner {
                    clear_spinner(run.output.replace(path, Element::Empty))?;
                }
                Ok(WitLookup::Hit(value))
            }
            Ok(Lookup::Miss(mut ticket)) => {
                ticket.spinner = spinner;
                let id = NEXT_TICKET.fetch_add(1, Ordering::Relaxed);
                run.tickets.insert(id, ticket);
                Ok(WitLookup::Miss(id))
            }
        }
    }

    fn fill(&mut self, ticket: u64, value: Vec<u8>) -> HostResult<()> {
        let run = self.live("cache.fill")?;
        let Some(mut ticket) = run.tickets.remove(&ticket) else {
            return Err(HostError::from(CallError::InvalidArgument(format!(
                "cache.fill: no computation with ticket {ticket} in this run (each ticket is \
                 filled once)"
            ))));
        };
        let spinner = ticket.spinner.take();
        ticket.fill(value);
        if let Some(path) = spinner {
            clear_spinner(run.output.replace(path, Element::Empty))?;
        }
        Ok(())
    }

    fn abandon(&mut self, ticket: u64) -> HostResult<()> {
        let run = self.live("cache.abandon")?;
        let Some(mut ticket) = run.tickets.remove(&ticket) else {
            return Err(HostError::from(CallError::InvalidArgument(format!(
                "cache.abandon: no computation with ticket {ticket} in this run"
            ))));
        };
        let spinner = ticket.spinner.take();
        // Dropped unfilled: the runs waiting for it compute it themselves.
        drop(ticket);
        if let Some(path) = spinner {
            clear_spinner(run.output.replace(path, Element::Empty))?;
        }
        Ok(())
    }

    fn clear(&mut self, function: Option<String>) -> HostResult<()> {
        let run = self.live("cache.clear")?;
        match function {
            Some(function) => {
                if function.len() > MAX_FUNCTION_NAME {
                    return Err(HostError::from(CallError::InvalidArgument(format!(
                        "cache.clear: a function name may have at most {MAX_FUNCTION_NAME} bytes"
                    ))));
                }
                let identity = format!("{}/{function}", hex::encode(run.page.module_hash));
                run.app.data.clear_function(&identity);
            }
            None => run.app.data.clear(),
        }
        Ok(())
    }

    fn clear_resources(&mut self, id: Option<u64>) -> HostResult<()> {
        let run = self.live("cache.clear_resources")?;
        match id {
            Some(id) => run.app.resources.clear_one(run.page.module_hash, id),
            None => {
                run.app.resources.clear();
            }
        }
        Ok(())
    }

    fn resource_query(
        &mut self,
        resource: u64,
        name: String,
        request: Vec<u8>,
    ) -> HostResult<Vec<u8>> {
        let (app, page) = if self.role.is_run() {
            let run = self.live("cache.resource_query")?;
            (run.app.clone(), run.page.clone())
        } else {
            match self.role.job().and_then(|job| job.services.as_ref()) {
                Some(s) => (s.app.clone(), s.page.clone()),
                None => {
                    return Err(HostError::from(CallError::OutsideRun(
                        "`cache.resource_query` was called outside a run or job (a resource \
                         cannot use other resources while it is being built or queried)"
                            .into(),
                    )))
                }
            }
        };
        if name.len() > MAX_FUNCTION_NAME {
            return Err(HostError::from(CallError::InvalidArgument(format!(
                "cache.resource_query: a resource name may have at most {MAX_FUNCTION_NAME} bytes"
            ))));
        }
        let control = self.control.clone();
        let asker = Asker {
            control: &control,
            cpu_start: self.cpu_start,
            started: self.started,
        };
        let answer = app
            .resources
            .query(&app.engine, &page, resource, &name, &request, asker);
        match answer {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(message)) => Err(CallError::Failed(message).into()),
            Err(QueryEnd::Wait(end)) => Err(self.wait_trap(end).into()),
            Err(QueryEnd::Trap(error)) => Err(error.into()),
        }
    }
}

/// A spinner is removed, or the run was cancelled meanwhile (a trap).
fn clear_spinner(removed: Result<(), LimitError>) -> HostResult<()> {
    match removed {
        Err(LimitError::Cancelled(reason)) => Err(HostError::from(RunTrap::Cancelled(reason))),
        _ => Ok(()),
    }
}
