//! The dashboard and reports with what only the running app knows: each
//! number's live status from the fleet over the one the store last
//! recorded; and their CSV files, written where the person chose.

use std::path::Path;

use serde::Serialize;
use zapdesk_core::export;
use zapdesk_core::reports::csv::{self, ReportTable};
use zapdesk_core::reports::{self, DateRange, Report};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, InstanceId, Lang};
use zapdesk_whatsapp::status::Status;

use crate::{App, AppError};

/// A number's status right now, as the fleet sees it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LiveStatus {
    pub instance_id: InstanceId,
    pub status: Status,
}

/// A report with its numbers' live status.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReportView {
    pub report: Report,
    pub live: Vec<LiveStatus>,
}

impl App {
    fn with_live(&self, report: Report) -> ReportView {
        let fleet = self.fleet();
        let live = report
            .numbers
            .iter()
            .map(|n| LiveStatus {
                instance_id: n.instance_id,
                status: fleet.status(n.instance_id),
            })
            .collect();
        ReportView { report, live }
    }

    /// One account's dashboard over `range`.
    pub async fn report_account(
        &self,
        account: AccountId,
        range: &DateRange,
    ) -> Result<ReportView, AppError> {
        let report = reports::account(self.store(), account, range, now_ms()).await?;
        Ok(self.with_live(report))
    }

    /// The agency's dashboard over `range`: every account the operator here
    /// may see.
    pub async fn report_agency(&self, range: &DateRange) -> Result<ReportView, AppError> {
        let report = reports::agency(self.store(), range, now_ms()).await?;
        Ok(self.with_live(report))
    }

    /// Writes one account's `table` as CSV to `path`.
    pub async fn report_account_export(
        &self,
        account: AccountId,
        range: &DateRange,
        table: ReportTable,
        lang: Lang,
        path: &Path,
    ) -> Result<(), AppError> {
        let bytes =
            csv::table_csv(self.store(), Some(account), range, table, lang, now_ms()).await?;
        export::save(path, &bytes)?;
        Ok(())
    }

    /// Writes the agency's `table` as CSV to `path`.
    pub async fn report_agency_export(
        &self,
        range: &DateRange,
        table: ReportTable,
        lang: Lang,
        path: &Path,
    ) -> Result<(), AppError> {
        let bytes = csv::table_csv(self.store(), None, range, table, lang, now_ms()).await?;
        export::save(path, &bytes)?;
        Ok(())
    }
}
