//! `wasmlit:page/control`: `rerun` and `stop` end the instance with a trap
//! the runner reads back; `navigation` sets the session's pages.

use crate::model::delta::Icon;
use crate::model::protocol::{NavPosition, Navigation, PageInfo};
use crate::runtime::bindings::control::{self, NavPage, NavPosition as WitNavPosition};
use crate::runtime::bindings::types::CallError;
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::{RunTrap, StoreData};

/// Most pages one navigation may list.
pub const MAX_NAV_PAGES: usize = 100;

/// Longest title or section heading of a navigation entry, in bytes.
const MAX_NAV_LABEL: usize = 256;

impl control::Host for StoreData {
    fn rerun(&mut self) -> wasmtime::Result<()> {
        self.live("control.rerun").map_err(HostError::into_trap)?;
        Err(wasmtime::Error::new(RunTrap::Rerun))
    }

    fn rerun_fragment(&mut self) -> wasmtime::Result<()> {
        let run = self
            .live("control.rerun_fragment")
            .map_err(HostError::into_trap)?;
        run.rerun_fragment = true;
        Err(wasmtime::Error::new(RunTrap::Rerun))
    }

    fn stop(&mut self) -> wasmtime::Result<()> {
        self.live("control.stop").map_err(HostError::into_trap)?;
        Err(wasmtime::Error::new(RunTrap::Stop))
    }

    fn navigation(&mut self, pages: Vec<NavPage>, position: WitNavPosition) -> HostResult<()> {
        let run = self.live("control.navigation")?;
        let invalid = |why: String| HostError::from(CallError::InvalidArgument(why));
        if pages.is_empty() {
            return Err(invalid("navigation: give at least one page".into()));
        }
        if pages.len() > MAX_NAV_PAGES {
            return Err(invalid(format!(
                "navigation: at most {MAX_NAV_PAGES} pages; {} given",
                pages.len()
            )));
        }
        if pages.iter().filter(|p| p.default).count() > 1 {
            return Err(invalid(
                "navigation: only one page may be the default".into(),
            ));
        }
        let mut entries: Vec<PageInfo> = Vec::with_capacity(pages.len());
        for entry in pages {
            if entry.page.len() > MAX_NAV_LABEL {
                return Err(invalid(format!(
                    "navigation: a page name may have at most {MAX_NAV_LABEL} bytes"
                )));
            }
            if let Some(why) = run.app.unknown_page("navigation", &entry.page) {
                return Err(invalid(why));
            }
            if entries.iter().any(|e| e.name == entry.page) {
                return Err(invalid(format!(
                    "navigation: page {:?} is listed twice",
                    entry.page
                )));
            }
            for (what, text) in [("title", &entry.title), ("section", &entry.section)] {
                if text.as_ref().is_some_and(|t| t.len() > MAX_NAV_LABEL) {
                    return Err(invalid(format!(
                        "navigation: page {:?}: the {what} may have at most {MAX_NAV_LABEL} bytes",
                        entry.page
                    )));
                }
            }
            let icon = entry
                .icon
                .as_deref()
                .map(Icon::parse)
                .transpose()
                .map_err(|e| invalid(format!("navigation: page {:?}: {e}", entry.page)))?;
            entries.push(PageInfo {
                // None: the session fills in the app's own title.
                title: entry.title.unwrap_or_default(),
                name: entry.page,
                icon,
                section: entry.section,
                default: entry.default,
            });
        }
        if !entries.iter().any(|e| e.default) {
            entries[0].default = true;
        }
        run.navigation = Some(Navigation {
            pages: entries,
            position: match position {
                WitNavPosition::Sidebar => NavPosition::Sidebar,
                WitNavPosition::Top => NavPosition::Top,
                WitNavPosition::Hidden => NavPosition::Hidden,
            },
        });
        Ok(())
    }
}
