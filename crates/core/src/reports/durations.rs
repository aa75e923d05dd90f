//! Median and 90th percentile of a set of durations, by nearest rank: the
//! p-th percentile of n values is the ⌈p·n⌉-th smallest. So the median of
//! four values is the second, and one slow answer among ten is the p90 only
//! when it is the ninth or tenth — the figure is always a duration that
//! happened, never an average of two.

use serde::Serialize;

/// How long something took, over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct Durations {
    /// How many were measured.
    pub count: u32,
    /// Milliseconds; `None` when nothing was measured.
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

impl Durations {
    pub fn of(values: &[i64]) -> Durations {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        Durations {
            count: u32::try_from(sorted.len()).unwrap_or(u32::MAX),
            median_ms: nearest_rank(&sorted, 50),
            p90_ms: nearest_rank(&sorted, 90),
        }
    }
}

/// The `percent`-th percentile of `sorted` (ascending).
fn nearest_rank(sorted: &[i64], percent: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(Durations::of(&[]).median_ms, None);
        let d = Durations::of(&[40, 10, 30, 20]);
        assert_eq!((d.count, d.median_ms, d.p90_ms), (4, Some(20), Some(40)));
        let ten: Vec<i64> = (1..=10).collect();
        let d = Durations::of(&ten);
        assert_eq!((d.median_ms, d.p90_ms), (Some(5), Some(9)));
    }
}
