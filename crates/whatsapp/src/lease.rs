//! What this desktop knows of a running number's lease (docs/sync.md,
//! "Numbers"): the fleet's keeper writes it after each answer of the
//! [`LeaseGate`](zapdesk_core::lease::LeaseGate), and every claim of a row to
//! send reads it, so nothing is claimed for a number once its lease may have
//! passed to another desktop, even while the keeper still waits for the server.
//!
//! The expiry is kept on this machine's monotonic clock, counted from the
//! moment the question was *asked*: the server started its `left` no earlier
//! than that, so the local expiry is never later than the server's (the
//! network's delay only makes it earlier), and a wall clock set back or
//! forward changes nothing.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hold {
    /// The account is not shared: no lease is needed (until an answer says
    /// otherwise).
    NotNeeded,
    /// This desktop holds the lease up to this instant (local clock).
    Until(Instant),
}

/// A running number's lease as this desktop knows it.
#[derive(Debug)]
pub(crate) struct LeaseState {
    hold: Mutex<Hold>,
}

impl LeaseState {
    pub(crate) fn not_needed() -> LeaseState {
        LeaseState {
            hold: Mutex::new(Hold::NotNeeded),
        }
    }

    /// A lease held for `left` from `asked`, the moment its question was sent.
    pub(crate) fn held(asked: Instant, left: Duration) -> LeaseState {
        LeaseState {
            hold: Mutex::new(Hold::Until(asked + left)),
        }
    }

    fn get(&self) -> Hold {
        *self.hold.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, hold: Hold) {
        *self.hold.lock().unwrap_or_else(|p| p.into_inner()) = hold;
    }

    pub(crate) fn renewed(&self, asked: Instant, left: Duration) {
        self.set(Hold::Until(asked + left));
    }

    pub(crate) fn set_not_needed(&self) {
        self.set(Hold::NotNeeded);
    }

    /// Whether this desktop may send for the number now.
    pub(crate) fn live(&self) -> bool {
        match self.get() {
            Hold::NotNeeded => true,
            Hold::Until(until) => Instant::now() < until,
        }
    }

    /// Resolves when the lease runs out; never while none is needed. Read
    /// once: call again after a renewal.
    pub(crate) async fn expiry(&self) {
        match self.get() {
            Hold::NotNeeded => std::future::pending().await,
            Hold::Until(until) => tokio::time::sleep_until(until).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_is_live_up_to_its_local_expiry_and_not_after() {
        let now = Instant::now();
        let long_ago = now.checked_sub(Duration::from_secs(30)).unwrap_or(now);
        let ran_out = LeaseState::held(long_ago, Duration::from_secs(20));
        assert_eq!(!ran_out.live(), long_ago < now);
        ran_out.renewed(Instant::now(), Duration::from_secs(3600));
        assert!(ran_out.live());

        let lease = LeaseState::held(Instant::now(), Duration::ZERO);
        assert!(!lease.live(), "a lease of no time left is not held");
        lease.set_not_needed();
        assert!(lease.live(), "an account not shared needs no lease");
    }
}
