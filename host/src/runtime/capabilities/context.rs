//! `wasmlit:page/context`: the request context of the run's session.

use crate::runtime::bindings::context;
use crate::runtime::capabilities::HostResult;
use crate::runtime::run::StoreData;

impl context::Host for StoreData {
    fn get(&mut self) -> HostResult<context::RequestContext> {
        let run = self.live("context.get")?;
        let c = &*run.request;
        Ok(context::RequestContext {
            user: c.user.as_ref().map(|u| context::UserInfo {
                subject: u.sub.clone(),
                email: u.email.clone(),
                email_verified: u.email_verified,
                name: u.name.clone(),
            }),
            headers: c.headers.clone(),
            cookies: c.cookies.clone(),
            ip_address: c.ip_address.clone(),
            locale: c.locale.clone(),
            timezone: c.timezone.clone(),
            timezone_offset: c.timezone_offset,
            url: c.url.clone(),
            theme: c.theme.clone(),
        })
    }
}
