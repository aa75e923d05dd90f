//! Automation (keyword replies, flows): the operations that are more than
//! one call of the core (and the AI key, kept in this computer's password
//! store), and the tables each write changes, so the shell's one-line
//! commands and `serve`'s future API report the same changes.

use std::path::Path;

use serde::Serialize;
use zapdesk_automation::{KeyRefused, SecretError};
use zapdesk_core::AccountId;
use zapdesk_core::automation::AutomationError;
use zapdesk_core::automation::files::{self, AutomationFile};
use zapdesk_core::automation::{flows, settings};
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
/// What deleting a flow changes: its versions and sessions go with it,
/// campaigns that started it on a reply stop doing so, and the bot's
/// messages still waiting in the conversations it was running in fail.
pub const FLOW_DELETE_TABLES: &[Table] = &[
    Table::Flows,
    Table::FlowVersions,
    Table::FlowSessions,
    Table::Campaigns,
    Table::Messages,
];

/// What keeping or forgetting the AI key reports: no row changes (the key
/// is in this computer's password store, not the database), but the bot's
/// settings are where the screens show whether a key is kept, so their
/// readers look again.
pub const AI_KEY_TABLES: &[Table] = &[Table::AutomationSettings];

/// Whether this computer keeps an AI key for the account, and whether the
/// bot sends it to the account's AI address as the settings name it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AiKeyStatus {
    /// This computer keeps a key for the account.
    pub kept: bool,
    /// Where the kept key is sent: the origin of the address it was kept
    /// for (`https://api.openai.com:443`). `None` when no key is kept, or
    /// for a key kept by an older ZapDesk.
    pub origin: Option<String>,
    /// Why the kept key is not sent to the account's AI address now (the
    /// AI node fails and hands off until the key is kept again); `None`
    /// when it is sent, or when no key or no address is set.
    pub refused: Option<AiKeyRefused>,
}

/// Why a kept key is not sent ([`AiKeyStatus::refused`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AiKeyRefused {
    /// Kept by an older ZapDesk, without the address it was for.
    OriginUnknown,
    /// The AI address changed (scheme, host or port) since the key was kept
    /// on this computer.
    OtherAddress,
    /// The address is plain `http://` on another computer.
    PlainHttp,
}

impl From<KeyRefused> for AiKeyRefused {
    fn from(refused: KeyRefused) -> AiKeyRefused {
        match refused {
            KeyRefused::OriginUnknown => AiKeyRefused::OriginUnknown,
            KeyRefused::OtherOrigin => AiKeyRefused::OtherAddress,
            KeyRefused::PlainHttp => AiKeyRefused::PlainHttp,
        }
    }
}

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
    /// logged. A key is kept for the account's AI address as saved now, and
    /// sent to that address's origin only: refused when the settings name
    /// no address, or a plain `http://` one on another computer.
    pub async fn automation_ai_key_set(
        &self,
        account: AccountId,
        key: Option<String>,
    ) -> Result<(), AppError> {
        let forget = key.is_none();
        let kept = async move {
            let Some(key) = key else {
                keyring(move || zapdesk_automation::forget_ai_key(account)).await?;
                return Ok::<(), AppError>(());
            };
            // The address as stored now (the settings' own rules made it an
            // http(s) URL): the one the bot would send the key to.
            let Some(base_url) = settings::get(self.store(), account).await?.ai_base_url else {
                return Err(SecretError::NoEndpoint.into());
            };
            keyring(move || zapdesk_automation::keep_ai_key(account, &key, &base_url)).await?;
            Ok(())
        };
        self.wrote(Some(account), AI_KEY_TABLES, kept).await?;
        if forget {
            tracing::info!(%account, "AI key forgotten on this computer");
        } else {
            tracing::info!(%account, "AI key kept on this computer");
        }
        Ok(())
    }

    /// Whether this computer keeps an AI key for the account, the origin it
    /// is sent to, and why it is not sent to the account's AI address now.
    pub async fn automation_ai_key_status(
        &self,
        account: AccountId,
    ) -> Result<AiKeyStatus, AppError> {
        let base_url = settings::get(self.store(), account).await?.ai_base_url;
        let key = keyring(move || zapdesk_automation::ai_key(account)).await?;
        Ok(match key {
            None => AiKeyStatus {
                kept: false,
                origin: None,
                refused: None,
            },
            Some(key) => AiKeyStatus {
                kept: true,
                origin: key.origin().map(str::to_owned),
                refused: base_url
                    .as_deref()
                    .and_then(|url| key.refusal(url))
                    .map(AiKeyRefused::from),
            },
        })
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
