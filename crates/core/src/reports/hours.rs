//! An account's time zone and business hours as a report needs them, read
//! strictly. Elsewhere (the away message, campaign pacing) settings that do
//! not read count as "no business hours": the safe side for sending. A
//! report would instead show wrong figures without a word (days cut at UTC's
//! midnight, working time as elapsed time), so here they are an error of
//! that account — and the agency's dashboard shows the other accounts and
//! names this one (`agency::agency`).

use jiff::tz::TimeZone;

use super::ReportError;
use crate::business_hours::{self, BusinessHours, Interval, Schedule};
use crate::{AccountId, Store};

/// How the week and holidays are stored (the `business_hours` column).
#[derive(serde::Deserialize)]
struct Stored {
    week: Vec<Vec<Interval>>,
    #[serde(default)]
    holidays: Vec<String>,
}

/// The account's time zone and, when its business hours are on, their
/// schedule. Refused: a time zone this desktop does not know, business
/// hours on whose stored week does not read or is not valid.
pub(crate) async fn hours(
    store: &Store,
    account: AccountId,
) -> Result<(TimeZone, Option<Schedule>), ReportError> {
    let row: Option<(String, Option<String>, bool)> = sqlx::query_as(
        "SELECT time_zone, business_hours, business_hours_enabled
         FROM automation_settings WHERE account_id = ?",
    )
    .bind(account)
    .fetch_optional(store.pool())
    .await?;
    let Some((zone, stored, enabled)) = row else {
        // Never saved: the defaults (off, São Paulo).
        let defaults = BusinessHours::default();
        let tz = TimeZone::get(&defaults.time_zone).unwrap_or(TimeZone::UTC);
        return Ok((tz, None));
    };
    let tz = TimeZone::get(zone.trim()).map_err(|_| {
        ReportError::BusinessHours(business_hours::BusinessHoursError::TimeZoneUnknown(
            zone.clone(),
        ))
    })?;
    if !enabled {
        return Ok((tz, None));
    }
    let stored: Stored = stored
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or(ReportError::HoursUnreadable)?;
    let hours = business_hours::validate(&BusinessHours {
        enabled: true,
        time_zone: zone,
        week: stored.week,
        holidays: stored.holidays,
        ..BusinessHours::default()
    })
    .map_err(ReportError::BusinessHours)?;
    // `validate` knew the zone: `new` answers `Some`.
    Ok((tz, Schedule::new(&hours)))
}
