//! Automation (keyword replies, flows): the operations that are more than
//! one call of the core, and the tables each write changes, so the shell's
//! one-line commands and `serve`'s future API report the same changes.

use std::path::Path;

use zapdesk_core::AccountId;
use zapdesk_core::automation::AutomationError;
use zapdesk_core::automation::files::{self, AutomationFile};
use zapdesk_core::automation::flows;
use zapdesk_core::changes::Table;
use zapdesk_core::export;
use zapdesk_core::ids::FlowId;
use zapdesk_core::inbox::attachments::{self, FileInput};

use crate::{App, AppError};

/// What a write of the account's automation settings changes.
pub const SETTINGS_TABLES: &[Table] = &[Table::AutomationSettings];
/// What a keyword write changes.
pub const KEYWORD_TABLES: &[Table] = &[Table::Keywords];
/// What a write of a flow's draft, name, triggers or state changes.
pub const FLOW_TABLES: &[Table] = &[Table::Flows];
/// What publishing changes: a new version, and the flow pointing at it.
pub const PUBLISH_TABLES: &[Table] = &[Table::Flows, Table::FlowVersions];
/// What deleting a flow changes: its versions and sessions go with it, and
/// campaigns that started it on a reply stop doing so.
pub const FLOW_DELETE_TABLES: &[Table] = &[
    Table::Flows,
    Table::FlowVersions,
    Table::FlowSessions,
    Table::Campaigns,
];

impl App {
    /// Stores a file the UI read (bytes in base64) for keywords and flows:
    /// checked by the inbox's rules (size, blocked types) before anything is
    /// written.
    pub async fn automation_files_upload(
        &self,
        account: AccountId,
        file: &FileInput,
    ) -> Result<AutomationFile, AppError> {
        let decoded = attachments::decode(&file.name, &file.mime, &file.data)?;
        let stored = async {
            let id = files::upload(
                self.store(),
                account,
                &decoded.name,
                &decoded.mime,
                &decoded.bytes,
            )
            .await?;
            files::get(self.store(), account, id).await
        };
        Ok(self
            .wrote(Some(account), &[Table::AutomationFiles], stored)
            .await?)
    }

    /// The flow's draft (or its version numbered `version`) as JSON, written
    /// whole at `path` (the shell's save dialog chose it).
    pub async fn flows_export(
        &self,
        account: AccountId,
        id: FlowId,
        version: Option<i64>,
        path: &Path,
    ) -> Result<(), AppError> {
        let json = flows::export(self.store(), account, id, version).await?;
        export::save(path, json.as_bytes())?;
        Ok(())
    }

    /// The file name a flow is exported under: its name, folder-safe.
    pub async fn flows_export_name(
        &self,
        account: AccountId,
        id: FlowId,
    ) -> Result<String, AutomationError> {
        let flow = flows::get(self.store(), account, id).await?;
        // Letters, digits and single dashes: no separator or character a
        // file system refuses.
        let mut stem = String::new();
        for c in flow.name.chars() {
            if c.is_alphanumeric() || c == '_' {
                stem.push(c);
            } else if !stem.is_empty() && !stem.ends_with('-') {
                stem.push('-');
            }
        }
        let stem = stem.trim_end_matches('-');
        Ok(format!(
            "{}.json",
            if stem.is_empty() { "fluxo" } else { stem }
        ))
    }
}
