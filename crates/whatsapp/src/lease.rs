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
    /// How much of the lease a claim needs left: a row claimed goes out
    /// afterwards, and must not go out after the lease could be another's.
    margin: Duration,
}

impl LeaseState {
    pub(crate) fn not_needed(margin: Duration) -> LeaseState {
        LeaseState {
            hold: Mutex::new(Hold::NotNeeded),
            margin,
        }
    }

    /// A lease held for `left` from `asked`, the moment its question was sent.
    pub(crate) fn held(asked: Instant, left: Duration, margin: Duration) -> LeaseState {
        LeaseState {
            hold: Mutex::new(Hold::Until(asked + left)),
            margin,
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

    /// Whether a row may be claimed now: no lease is needed, or the one held
    /// lasts more than `margin` longer.
    pub(crate) fn may_claim(&self) -> bool {
        match self.get() {
            Hold::NotNeeded => true,
            Hold::Until(until) => Instant::now() + self.margin < until,
        }
    }

    /// Whether the lease may be another desktop's by now.
    pub(crate) fn ran_out(&self) -> bool {
        match self.get() {
            Hold::NotNeeded => false,
            Hold::Until(until) => Instant::now() >= until,
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
    fn a_claim_needs_the_lease_to_last_past_the_margin() {
        let margin = Duration::from_secs(5);
        let now = Instant::now();
        let long_ago = now.checked_sub(Duration::from_secs(30)).unwrap_or(now);
        let lease = LeaseState::held(long_ago, Duration::from_secs(20), margin);
        assert_eq!(lease.ran_out(), long_ago < now);
        assert!(!lease.may_claim());

        lease.renewed(Instant::now(), Duration::from_secs(3600));
        assert!(lease.may_claim() && !lease.ran_out());
        lease.renewed(Instant::now(), Duration::from_secs(4));
        assert!(!lease.may_claim(), "4 s left, 5 s needed");
        assert!(!lease.ran_out(), "still held");

        lease.set_not_needed();
        assert!(
            lease.may_claim() && !lease.ran_out(),
            "an account not shared needs no lease"
        );
        let local = LeaseState::not_needed(margin);
        assert!(local.may_claim() && !local.ran_out());
    }
}
