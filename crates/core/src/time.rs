//! Wall-clock time as Unix milliseconds, the one representation the store uses.

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix milliseconds now; the one clock of the app (the CLI, the shell and the
/// runners use it too, so every stored time means the same thing).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The UTC calendar date of a Unix-millisecond time, as `YYYY-MM-DD`
/// (Howard Hinnant's days-to-civil algorithm; no calendar crate needed for this).
pub(crate) fn iso_date(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn iso_dates_of_known_instants() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400_000), "2000-02-29");
        assert_eq!(iso_date(1_735_689_599_999), "2024-12-31");
        assert_eq!(iso_date(-86_400_000), "1969-12-31");
    }
}
