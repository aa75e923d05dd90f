//! How the bot behaves in one account. Until an operator saves them, the
//! defaults of migrations/sqlite/0018 hold (São Paulo time, `atendente`
//! hands off, a waiting session expires after a day, private addresses
//! refused, no AI endpoint).

use serde::{Deserialize, Serialize};

use super::AutomationError;
use crate::{AccountId, Store};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AutomationSettings {
    /// Off: nothing answers on its own in this account.
    pub enabled: bool,
    /// IANA name (`America/Sao_Paulo`).
    pub time_zone: String,
    /// Words a contact writes to leave any flow for a person.
    pub handoff_words: Vec<String>,
    /// Sent when a contact asks for a person with one of those words.
    pub handoff_reply: String,
    pub session_expiry_minutes: u32,
    /// HTTP nodes may call private, loopback and link-local addresses.
    pub allow_private_http: bool,
    pub ai_base_url: Option<String>,
    pub ai_model: Option<String>,
    pub ai_instructions: String,
}

impl Default for AutomationSettings {
    fn default() -> AutomationSettings {
        AutomationSettings {
            enabled: true,
            time_zone: "America/Sao_Paulo".into(),
            handoff_words: vec!["atendente".into()],
            handoff_reply: "Certo! Uma pessoa da nossa equipe vai continuar a conversa.".into(),
            session_expiry_minutes: 1440,
            allow_private_http: false,
            ai_base_url: None,
            ai_model: None,
            ai_instructions: String::new(),
        }
    }
}

type Row = (
    bool,
    String,
    String,
    String,
    i64,
    bool,
    Option<String>,
    Option<String>,
    String,
);

/// The account's settings, or the defaults when none were saved.
pub async fn get(store: &Store, account: AccountId) -> Result<AutomationSettings, AutomationError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT enabled, time_zone, handoff_words, handoff_reply, session_expiry_minutes,
                allow_private_http, ai_base_url, ai_model, ai_instructions
         FROM automation_settings WHERE account_id = ?",
    )
    .bind(account)
    .fetch_optional(store.pool())
    .await?;
    let Some((enabled, tz, words, reply, expiry, private, url, model, instructions)) = row else {
        return Ok(AutomationSettings::default());
    };
    Ok(AutomationSettings {
        enabled,
        time_zone: tz,
        handoff_words: serde_json::from_str(&words)
            .map_err(|e| AutomationError::Database(sqlx::Error::Decode(Box::new(e))))?,
        handoff_reply: reply,
        session_expiry_minutes: u32::try_from(expiry).unwrap_or(1440),
        allow_private_http: private,
        ai_base_url: url,
        ai_model: model,
        ai_instructions: instructions,
    })
}
