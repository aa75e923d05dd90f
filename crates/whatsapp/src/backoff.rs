//! Exponential backoff with jitter for relaunching a browser that died, so a
//! number that crashes in a loop does not spin, and several numbers that died
//! together do not all restart in the same instant.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(500),
            max: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The delay before attempt `attempt` (0-based): `first · 2^attempt`,
    /// capped at `max`, then a random point in its upper half.
    pub fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let exp = self
            .first
            .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX));
        let capped = exp.min(self.max);
        let half = capped / 2;
        half + half.mul_f64(rng.random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn grows_caps_and_jitters_within_bounds() {
        let b = Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(30),
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for (attempt, full) in [(0, 1), (1, 2), (3, 8), (4, 16), (5, 30), (40, 30)] {
            let d = b.delay(attempt, &mut rng);
            let full = Duration::from_secs(full);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
    }
}
