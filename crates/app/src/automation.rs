//! Automation (keyword replies, flows): the operations that are more than
//! one call of the core (and the AI key, kept in this computer's password
//! store), and the tables each write changes, so the shell's one-line
//! commands and `serve`'s future API report the same changes.

use std::path::Path;

use zapdesk_automation::SecretError;
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

/// What keeping or forgetting the AI key reports: no row changes (the key
/// is in this computer's password store, not the database), but the bot's
/// settings are where the screens show whether a key is kept, so their
/// readers look again.
pub const AI_KEY_TABLES: &[Table] = &[Table::AutomationSettings];

/// Runs a keyring call (it may block: a D-Bus round trip on Linux) off the
/// async threads.
async fn keyring<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    match tokio::task::spawn_blocking(call).await {
        Ok(result) => result,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(SecretError::Interrupted),
        },
    }
}

impl App {
    /// Keeps (`Some`) or forgets (`None`) the account's AI key in this
    /// computer's password store. Each desktop that runs the account's
    /// numbers needs its own: the key never syncs, and is never returned or
    /// logged.
    pub async fn automation_ai_key_set(
        &self,
        account: AccountId,
        key: Option<String>,
    ) -> Result<(), AppError> {
        let forget = key.is_none();
        let kept = async move {
            keyring(move || zapdesk_automation::set_ai_key(account, key.as_deref())).await
        };
        self.wrote(Some(account), AI_KEY_TABLES, kept).await?;
        if forget {
            tracing::info!(%account, "AI key forgotten on this computer");
        } else {
            tracing::info!(%account, "AI key kept on this computer");
        }
        Ok(())
    }

    /// Whether this computer keeps an AI key for the account.
    pub async fn automation_ai_key_status(&self, account: AccountId) -> Result<bool, AppError> {
        let key = keyring(move || zapdesk_automation::ai_key(account)).await?;
        Ok(key.is_some())
    }

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
