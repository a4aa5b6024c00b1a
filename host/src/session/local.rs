//! A session driven from the calling thread, without a socket: AppTest and
//! `host run`. It carries out the same [`Session`] rules as the WebSocket
//! task, one event at a time, until nothing is left to run.

use crate::model::delta::Delta;
use crate::model::protocol::ServerMessage;
use crate::runtime::run::RunReport;
use crate::runtime::runner::{RunHandle, RunRequest, Runner};
use crate::runtime::services::AppServices;
use crate::session::model::{Effect, Pages, Session, StartRun};
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use std::time::Instant;

/// What a local driver sees while its session settles.
pub enum Seen<'a> {
    /// A message the browser would have received.
    Message(ServerMessage),
    /// A run ended with this report (seen before the session takes it).
    Report(&'a RunReport),
}

enum Event {
    Delta(u64, Delta),
    Finished(u64, Box<RunReport>),
}

/// A session, the runner its runs go to and the pages it may run.
pub struct LocalSession<P: Pages> {
    /// The session's rules and state.
    pub session: Session,
    /// The pages.
    pub pages: P,
    runner: Arc<Runner>,
    /// The session id runs see (session-scoped caches and uploads).
    id: Arc<str>,
    services: Option<Arc<AppServices>>,
    run: Option<(u64, RunHandle)>,
    events: (Sender<Event>, Receiver<Event>),
    /// The request context its runs see (`st.context`); empty unless set.
    pub context: Arc<crate::model::context::RequestContext>,
}

impl<P: Pages> LocalSession<P> {
    /// A session `id` on `runner`, whose runs use `services` (or the
    /// runner's own when `None`).
    pub fn new(
        session: Session,
        pages: P,
        runner: Arc<Runner>,
        id: &str,
        services: Option<Arc<AppServices>>,
    ) -> Self {
        LocalSession {
            session,
            pages,
            runner,
            id: Arc::from(id),
            services,
            run: None,
            events: crossbeam_channel::unbounded(),
            context: Arc::default(),
        }
    }

    /// The services the session's runs use.
    pub fn services(&self) -> &Arc<AppServices> {
        self.services.as_ref().unwrap_or(self.runner.services())
    }

    /// The runner.
    pub fn runner(&self) -> &Arc<Runner> {
        &self.runner
    }

    /// Carries out the session's effects, waiting for each run to end,
    /// until nothing is left to run. `see` gets every message and report.
    pub fn settle(&mut self, see: &mut dyn FnMut(Seen<'_>)) {
        loop {
            let effects = self.session.take_effects();
            if effects.is_empty() {
                if self.run.is_none() {
                    return;
                }
                match self.events.1.recv() {
                    Ok(Event::Delta(run, delta)) => self.session.delta(run, delta),
                    Ok(Event::Finished(run, report)) => {
                        if self.run.as_ref().is_some_and(|(id, _)| *id == run) {
                            self.run = None;
                        }
                        see(Seen::Report(&report));
                        self.session
                            .finished(&self.pages, run, *report, false, Instant::now());
                    }
                    // The sender lives in `self`: never disconnected.
                    Err(_) => return,
                }
                continue;
            }
            for effect in effects {
                match effect {
                    Effect::Send(message) => see(Seen::Message(message)),
                    Effect::Start(start) => self.start(start),
                    Effect::Cancel(reason) => {
                        if let Some((_, handle)) = &self.run {
                            handle.cancel(reason);
                        }
                    }
                    Effect::KeepFiles { widget, files } => {
                        self.services()
                            .uploads
                            .keep_only(&self.id, widget.as_str(), &files)
                    }
                }
            }
        }
    }

    fn start(&mut self, start: StartRun) {
        let run = start.run;
        let deltas = self.events.0.clone();
        let finished = self.events.0.clone();
        let handle = self.runner.start(
            RunRequest {
                page: start.page,
                inputs: Arc::new(start.inputs),
                state: start.state,
                query: start.query,
                context: self.context.clone(),
                sink: Box::new(move |delta: Delta| {
                    let _ = deltas.send(Event::Delta(run, delta));
                }),
                app: self.services.clone(),
                session: Some(self.id.clone()),
                callbacks: start.callbacks,
                fragment: start.fragment,
            },
            move |report| {
                let _ = finished.send(Event::Finished(run, Box::new(report)));
            },
        );
        self.run = Some((run, handle));
    }
}

/// A catalog of one page, known by `name`: what `host run` and AppTest run.
pub struct OnePage {
    /// The page's name.
    pub name: String,
    /// The page.
    pub page: Arc<crate::runtime::page::Page>,
}

impl Pages for OnePage {
    fn lookup(&self, name: &str) -> crate::session::model::PageLookup {
        use crate::session::model::PageLookup;
        if name == self.name {
            PageLookup::Found(self.page.clone())
        } else {
            PageLookup::Missing
        }
    }

    fn enforces_navigation(&self) -> bool {
        false
    }

    fn listed(&self) -> Vec<crate::model::protocol::PageInfo> {
        vec![crate::model::protocol::PageInfo {
            name: self.name.clone(),
            title: crate::model::protocol::title_case(&self.name),
            icon: None,
            section: None,
            default: true,
        }]
    }
}
