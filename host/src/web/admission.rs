//! Admission: who may connect and how fast a client may talk. A bounded
//! number of TCP connections (in all and per client address, each held by
//! a [`Ticket`] from accept to close, WebSockets included), a rate of new
//! connections and uploads per address, and a rate of messages per
//! session, each a token bucket. Refusals are clean: HTTP 503 or 429 with a
//! message naming the setting, or an `error` message on the session.

use crate::session::rate::Bucket;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The admission settings, shared by every app of a server.
#[derive(Debug, Clone)]
pub struct AdmissionSettings {
    /// Open TCP connections in all (plain HTTP and WebSocket alike, from
    /// accept to close); past it new ones get 503.
    pub max_connections: usize,
    /// Open TCP connections from one client address; past it 503.
    pub max_connections_per_ip: usize,
    /// New TCP connections and uploads one client address may make per
    /// second (sustained); past it 429.
    pub connects_per_ip_per_second: f64,
    /// How many it may make at once before the rate applies.
    pub connects_per_ip_burst: f64,
    /// Addresses of load balancers in front of this server: every client
    /// reaches it from one of them, so they are not limited per address
    /// (only by `max_connections`); limit clients at the balancer.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Messages one session may send per second (sustained); past it the
    /// message is refused with an `error` and the session goes on.
    pub session_messages_per_second: f64,
    /// How many it may send at once before the rate applies.
    pub session_messages_burst: f64,
}

impl Default for AdmissionSettings {
    fn default() -> Self {
        AdmissionSettings {
            max_connections: 10_000,
            max_connections_per_ip: 200,
            connects_per_ip_per_second: 20.0,
            connects_per_ip_burst: 100.0,
            trusted_proxies: Vec::new(),
            session_messages_per_second: 100.0,
            session_messages_burst: 200.0,
        }
    }
}

/// Why a client was refused, with the HTTP status to answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// 503 (the server is full) or 429 (too fast).
    pub status: u16,
    /// Names the setting.
    pub message: String,
}

/// The server's connections and per-address buckets.
pub struct Admission {
    settings: AdmissionSettings,
    open: AtomicUsize,
    by_ip: Mutex<HashMap<IpAddr, PerAddress>>,
}

struct PerAddress {
    open: usize,
    bucket: Bucket,
}

/// Most client addresses remembered; idle ones are forgotten past it.
const MAX_ADDRESSES: usize = 100_000;

impl std::fmt::Debug for Admission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admission")
            .field("open", &self.open.load(Ordering::Relaxed))
            .finish()
    }
}

impl Default for Admission {
    fn default() -> Self {
        Self::new(AdmissionSettings::default())
    }
}

impl Admission {
    /// Admission under `settings`.
    pub fn new(settings: AdmissionSettings) -> Admission {
        Admission {
            settings,
            open: AtomicUsize::new(0),
            by_ip: Mutex::new(HashMap::new()),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &AdmissionSettings {
        &self.settings
    }

    /// Open TCP connections now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Lets `ip` make one request (an upload) if its rate allows.
    pub fn request(&self, ip: IpAddr) -> Result<(), Refusal> {
        if self.is_proxy(ip) {
            return Ok(());
        }
        let mut by_ip = self.by_ip.lock();
        self.take_token(&mut by_ip, ip)
    }

    /// Lets `ip` open a connection if the server, the address's share and
    /// its rate allow; the ticket closes it when dropped.
    pub fn connect(self: &Arc<Self>, ip: IpAddr) -> Result<Ticket, Refusal> {
        let s = &self.settings;
        let mut by_ip = self.by_ip.lock();
        if self.open.load(Ordering::Relaxed) >= s.max_connections {
            return Err(Refusal {
                status: 503,
                message: format!(
                    "the server has its most connections open ({}, max_connections); try again later",
                    s.max_connections
                ),
            });
        }
        let proxy = self.is_proxy(ip);
        if !proxy
            && by_ip
                .get(&ip)
                .is_some_and(|a| a.open >= s.max_connections_per_ip)
        {
            return Err(Refusal {
                status: 503,
                message: format!(
                    "this address has its most connections open ({}, max_connections_per_ip)",
                    s.max_connections_per_ip
                ),
            });
        }
        if !proxy {
            self.take_token(&mut by_ip, ip)?;
            if let Some(address) = by_ip.get_mut(&ip) {
                address.open += 1;
            }
        }
        self.open.fetch_add(1, Ordering::Relaxed);
        Ok(Ticket {
            admission: self.clone(),
            ip,
        })
    }

    /// Whether `ip` is a trusted load balancer's.
    fn is_proxy(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.settings
            .trusted_proxies
            .iter()
            .any(|net| net.contains(&ip))
    }

    fn take_token(
        &self,
        by_ip: &mut HashMap<IpAddr, PerAddress>,
        ip: IpAddr,
    ) -> Result<(), Refusal> {
        let s = &self.settings;
        if by_ip.len() >= MAX_ADDRESSES && !by_ip.contains_key(&ip) {
            by_ip.retain(|_, a| a.open > 0);
        }
        let address = by_ip.entry(ip).or_insert_with(|| PerAddress {
            open: 0,
            bucket: Bucket::full(s.connects_per_ip_burst),
        });
        if address
            .bucket
            .take(s.connects_per_ip_per_second, s.connects_per_ip_burst)
        {
            Ok(())
        } else {
            Err(Refusal {
                status: 429,
                message: format!(
                    "too many connections or uploads from this address: at most {} a second \
                     (connects_per_ip_per_second)",
                    s.connects_per_ip_per_second
                ),
            })
        }
    }
}

/// An open connection; dropping it frees its place.
pub struct Ticket {
    admission: Arc<Admission>,
    ip: IpAddr,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut by_ip = self.admission.by_ip.lock();
        if let Some(address) = by_ip.get_mut(&self.ip) {
            address.open = address.open.saturating_sub(1);
        }
        self.admission.open.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(max: usize, per_ip: usize, burst: f64) -> Arc<Admission> {
        Arc::new(Admission::new(AdmissionSettings {
            max_connections: max,
            max_connections_per_ip: per_ip,
            connects_per_ip_per_second: 0.001,
            connects_per_ip_burst: burst,
            ..AdmissionSettings::default()
        }))
    }

    #[test]
    fn connections_are_bounded_per_address_and_in_all() {
        let a = admission(3, 2, 100.0);
        let one: IpAddr = "10.0.0.1".parse().unwrap();
        let two: IpAddr = "10.0.0.2".parse().unwrap();
        let t1 = a.connect(one).unwrap();
        let _t2 = a.connect(one).unwrap();
        let refused = a.connect(one).err().unwrap();
        assert_eq!(refused.status, 503);
        assert!(refused.message.contains("max_connections_per_ip"));
        let _t3 = a.connect(two).unwrap();
        let full = a.connect(two).err().unwrap();
        assert!(full.message.contains("max_connections"), "{}", full.message);
        drop(t1);
        assert!(
            a.connect(one).is_ok(),
            "a closed connection frees its place"
        );
    }

    /// A load balancer's address carries every client: it is limited
    /// only by `max_connections`, not per address or by rate.
    #[test]
    fn a_trusted_proxy_is_limited_only_in_all() {
        let a = Arc::new(Admission::new(AdmissionSettings {
            max_connections: 5,
            max_connections_per_ip: 2,
            connects_per_ip_per_second: 0.001,
            connects_per_ip_burst: 2.0,
            trusted_proxies: vec!["10.1.0.0/16".parse().unwrap()],
            ..AdmissionSettings::default()
        }));
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let tickets: Vec<Ticket> = (0..5).map(|_| a.connect(proxy).unwrap()).collect();
        let full = a.connect(proxy).err().unwrap();
        assert!(
            full.message.contains("(5, max_connections)"),
            "{}",
            full.message
        );
        drop(tickets);
        for _ in 0..10 {
            assert!(a.request(proxy).is_ok());
        }
        // Others still are limited per address.
        let client: IpAddr = "10.2.0.1".parse().unwrap();
        let _c = (0..2)
            .map(|_| a.connect(client).unwrap())
            .collect::<Vec<_>>();
        assert_eq!(a.connect(client).err().unwrap().status, 503);
    }

    #[test]
    fn an_address_that_connects_too_fast_is_slowed() {
        let a = admission(100, 100, 3.0);
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        let tickets: Vec<Ticket> = (0..3).map(|_| a.connect(ip).unwrap()).collect();
        let slow = a.connect(ip).err().unwrap();
        assert_eq!(slow.status, 429);
        assert!(slow.message.contains("connects_per_ip_per_second"));
        assert!(
            a.request("10.0.0.10".parse().unwrap()).is_ok(),
            "others are not slowed"
        );
        drop(tickets);
    }
}
