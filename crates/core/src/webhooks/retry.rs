//! When a failed delivery is tried again, and when the sender gives up.

use rand::Rng;

/// The sender's timing. Times in milliseconds; the app's tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; each further failure may double it.
    pub base_ms: i64,
    /// The longest wait between two attempts.
    pub cap_ms: i64,
    /// How long after its event a delivery is still tried.
    pub window_ms: i64,
    /// A webhook failing (no 2xx since its first failure) this long is
    /// turned off.
    pub disable_after_ms: i64,
}

impl Default for RetryPolicy {
    /// 10 s doubling up to 1 h, for 24 h; off after a day of failures.
    fn default() -> RetryPolicy {
        RetryPolicy {
            base_ms: 10_000,
            cap_ms: 3_600_000,
            window_ms: 86_400_000,
            disable_after_ms: 86_400_000,
        }
    }
}

impl RetryPolicy {
    /// The range the wait after the `failures`th failure in a row is drawn
    /// from: from `base` to `base × 2^(failures−1)`, at most `cap`. The full
    /// range ("full jitter") spreads the retries of many deliveries that
    /// failed together (a receiver that was down) instead of sending them
    /// back at the same instant; the floor keeps a retry from following its
    /// failure at once.
    pub fn wait_range(&self, failures: i64) -> (i64, i64) {
        let base = self.base_ms.max(0);
        let doublings = u32::try_from(failures.saturating_sub(1).clamp(0, 62)).unwrap_or(62);
        let top = base
            .checked_mul(1_i64.checked_shl(doublings).unwrap_or(i64::MAX))
            .unwrap_or(i64::MAX)
            .min(self.cap_ms.max(base));
        (base, top.max(base))
    }

    /// The longest quiet spell between two failed attempts of a webhook
    /// that still counts as one run of failures: retries come at most
    /// `cap` apart (plus the request's own time), so a longer gap means
    /// nothing was being tried (no events, the app closed) and the next
    /// failure starts a new run (`failing_since`).
    pub fn failing_gap_ms(&self) -> i64 {
        self.cap_ms.max(self.base_ms).max(0).saturating_mul(2)
    }

    /// A wait drawn from [`RetryPolicy::wait_range`].
    pub fn wait(&self, failures: i64, rng: &mut impl Rng) -> i64 {
        let (low, high) = self.wait_range(failures);
        rng.random_range(low..=high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_the_base_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.wait_range(1), (10_000, 10_000));
        assert_eq!(policy.wait_range(2), (10_000, 20_000));
        assert_eq!(policy.wait_range(4), (10_000, 80_000));
        assert_eq!(policy.wait_range(9), (10_000, 2_560_000));
        assert_eq!(policy.wait_range(10), (10_000, 3_600_000));
        assert_eq!(policy.wait_range(500), (10_000, 3_600_000));
        assert_eq!(policy.wait_range(0), (10_000, 10_000));
        let mut rng = rand::rng();
        for failures in 1..20 {
            let (low, high) = policy.wait_range(failures);
            let wait = policy.wait(failures, &mut rng);
            assert!((low..=high).contains(&wait), "{failures}: {wait}");
        }
    }
}
