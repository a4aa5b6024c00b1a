//! Long runs yield to short ones. A run (or job, or resource build) that has
//! computed for [`LONG_RUN`] moves its thread to Linux's `SCHED_BATCH`
//! policy until its instance is dropped: the kernel then lets a newly woken
//! thread — a counter's click, another app's rerun — preempt it at once,
//! instead of waiting for the long run's time slice to end. The long run
//! still gets its fair share of the CPU when nothing else wants it.
//!
//! Switching between the normal policies needs no privilege.

use std::time::Duration;

/// CPU time after which a run counts as long.
pub const LONG_RUN: Duration = Duration::from_millis(20);

/// A thread moved to `SCHED_BATCH`; dropping it moves the thread back.
/// Only ever held by the store of the thread it moved.
#[derive(Debug)]
pub struct Demoted(());

impl Demoted {
    /// Moves the calling thread to `SCHED_BATCH`.
    pub fn now() -> Demoted {
        set_policy(libc::SCHED_BATCH);
        Demoted(())
    }
}

impl Drop for Demoted {
    fn drop(&mut self) {
        set_policy(libc::SCHED_OTHER);
    }
}

fn set_policy(policy: libc::c_int) {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `param` is a valid sched_param; pid 0 is the calling thread.
    let rc = unsafe { libc::sched_setscheduler(0, policy, &param) };
    if rc != 0 {
        tracing::debug!(
            policy,
            error = %std::io::Error::last_os_error(),
            "could not change the thread's scheduling policy"
        );
    }
}
