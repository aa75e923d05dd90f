//! How the bot behaves in one account. Until an operator saves them, the
//! defaults of migrations/sqlite/0018 hold (São Paulo time, `atendente`
//! hands off, a waiting session expires after a day, private addresses
//! refused, no AI endpoint). [`save`] checks everything a person could get
//! wrong and writes the account's row; [`handoff_word`] is the one rule for
//! "the contact asked for a person", for the runner and the keyword screen's
//! "test a message" alike.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::AutomationError;
use super::error::EXPIRY_MINUTES;
use super::matching::{MatchKind, Matcher};
use crate::campaigns::template::MESSAGE_MAX;
use crate::domain::Role;
use crate::text::fold;
use crate::time::now_ms;
use crate::users::{self, UserErrorKind};
use crate::{AccountId, Store, account_open};

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
    /// HTTP and AI nodes may call private and loopback addresses (never
    /// link-local ones: `zapdesk_automation::address`).
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
        // A list that does not read (damaged, or a shape of a newer
        // ZapDesk) falls back to the default words rather than failing every
        // message of the account: one bad column must not silence the bot.
        handoff_words: serde_json::from_str(&words)
            .unwrap_or_else(|_| AutomationSettings::default().handoff_words),
        handoff_reply: reply,
        session_expiry_minutes: u32::try_from(expiry).unwrap_or(1440),
        allow_private_http: private,
        ai_base_url: url,
        ai_model: model,
        ai_instructions: instructions,
    })
}

/// Checks `settings` and writes them as the account's, in one transaction;
/// the settings as stored (words and addresses trimmed, an empty address or
/// model as none). Refused, with nothing written: a time zone that is no
/// IANA name, no hand-off word or one given twice (folded: `Atendente` and
/// `atendente` are one), an empty or too long hand-off reply, an expiry
/// outside 5 minutes..30 days, an AI address that is not http(s), an AI
/// address without a model, and a change of the security settings
/// ([`may_change_security`]) by an operator who is not an owner or admin.
pub async fn save(
    store: &Store,
    account: AccountId,
    settings: &AutomationSettings,
) -> Result<AutomationSettings, AutomationError> {
    let clean = validate(settings)?;
    let may_change_security = may_change_security(store).await?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    if !may_change_security {
        // Compared with the row as it is in this transaction: a change
        // pulled from another desktop meanwhile is not undone by a form
        // that still shows the old value.
        let stored: Option<(bool, Option<String>)> = sqlx::query_as(
            "SELECT allow_private_http, ai_base_url FROM automation_settings
             WHERE account_id = ?",
        )
        .bind(account)
        .fetch_optional(&mut *tx)
        .await?;
        let defaults = AutomationSettings::default();
        let (private, url) = stored.unwrap_or((defaults.allow_private_http, defaults.ai_base_url));
        if private != clean.allow_private_http || url != clean.ai_base_url {
            return Err(AutomationError::SecuritySettingsForbidden);
        }
    }
    sqlx::query(
        "INSERT INTO automation_settings (account_id, enabled, time_zone, handoff_words, handoff_reply,
                                          session_expiry_minutes, allow_private_http, ai_base_url,
                                          ai_model, ai_instructions, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET
            enabled = excluded.enabled, time_zone = excluded.time_zone,
            handoff_words = excluded.handoff_words, handoff_reply = excluded.handoff_reply,
            session_expiry_minutes = excluded.session_expiry_minutes,
            allow_private_http = excluded.allow_private_http, ai_base_url = excluded.ai_base_url,
            ai_model = excluded.ai_model, ai_instructions = excluded.ai_instructions,
            updated_at = excluded.updated_at",
    )
    .bind(account)
    .bind(clean.enabled)
    .bind(&clean.time_zone)
    .bind(serde_json::to_string(&clean.handoff_words).unwrap_or_default())
    .bind(&clean.handoff_reply)
    .bind(i64::from(clean.session_expiry_minutes))
    .bind(clean.allow_private_http)
    .bind(&clean.ai_base_url)
    .bind(&clean.ai_model)
    .bind(&clean.ai_instructions)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(clean)
}

/// Whether the operator using this desktop may change the settings that
/// decide where the bot's outside calls go — the AI address (the key kept on
/// each desktop is sent there) and `allow_private_http` (which opens the
/// agency's own network to flows): an owner or an admin (`users::me`).
///
/// A desktop where no operator is chosen may: it is a desktop without a
/// team (no sync, one person), whose only user is its owner; an operator
/// is chosen as soon as a team shares the desktop or its accounts. This is
/// a rule of this desktop only: the agency's server does not check it
/// (docs/automation.md, Security).
async fn may_change_security(store: &Store) -> Result<bool, AutomationError> {
    match users::me(store).await {
        Ok(None) => Ok(true),
        Ok(Some(me)) => Ok(matches!(me.role, Role::Owner | Role::Admin)),
        Err(UserErrorKind::Database(e)) => Err(AutomationError::Database(e)),
        // `me` answers nothing else; were it to, the stricter answer.
        Err(_) => Ok(false),
    }
}

fn validate(input: &AutomationSettings) -> Result<AutomationSettings, AutomationError> {
    let time_zone = input.time_zone.trim().to_owned();
    if jiff::tz::TimeZone::get(&time_zone).is_err() {
        return Err(AutomationError::TimeZoneUnknown(input.time_zone.clone()));
    }
    let words: Vec<String> = input
        .handoff_words
        .iter()
        .map(|w| w.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Err(AutomationError::HandoffWordsEmpty);
    }
    let mut seen = HashSet::new();
    for word in &words {
        if !seen.insert(fold(word)) {
            return Err(AutomationError::HandoffWordTwice(word.clone()));
        }
    }
    Matcher::new(HANDOFF_MATCH, &words).map_err(AutomationError::HandoffWord)?;
    let reply = input.handoff_reply.trim().to_owned();
    if reply.is_empty() {
        return Err(AutomationError::HandoffReplyEmpty);
    }
    if reply.chars().count() > MESSAGE_MAX {
        return Err(AutomationError::HandoffReplyTooLong);
    }
    if !EXPIRY_MINUTES.contains(&input.session_expiry_minutes) {
        return Err(AutomationError::ExpiryOutOfRange);
    }
    let some = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let ai_base_url = some(&input.ai_base_url);
    let ai_model = some(&input.ai_model);
    if let Some(url) = &ai_base_url {
        if !is_http_url(url) {
            return Err(AutomationError::UrlInvalid(url.clone()));
        }
        if ai_model.is_none() {
            return Err(AutomationError::AiModelMissing);
        }
    }
    Ok(AutomationSettings {
        enabled: input.enabled,
        time_zone,
        handoff_words: words,
        handoff_reply: reply,
        session_expiry_minutes: input.session_expiry_minutes,
        allow_private_http: input.allow_private_http,
        ai_base_url,
        ai_model,
        ai_instructions: input.ai_instructions.trim().to_owned(),
    })
}

/// `http://` or `https://` followed by a host, and no white space: what an
/// OpenAI-compatible endpoint's base URL looks like (`http://localhost:11434/v1`).
fn is_http_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !host.starts_with(':') && !url.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// How hand-off words are found in a message: as whole words anywhere in it,
/// folded, so "Quero falar com um ATENDENTE!" asks for a person as
/// "atendente" does (a contact rarely writes the word alone).
pub const HANDOFF_MATCH: MatchKind = MatchKind::Contains;

/// The hand-off word `text` contains, as the account wrote it; `None` when
/// the message does not ask for a person.
pub fn handoff_word<'a>(settings: &'a AutomationSettings, text: &str) -> Option<&'a str> {
    // Saved words compile (`save` checked them); a word that does not (a row
    // synced from a desktop with other rules) is left out rather than failing
    // every message.
    settings
        .handoff_words
        .iter()
        .find(|w| {
            Matcher::new(HANDOFF_MATCH, std::slice::from_ref(*w))
                .is_ok_and(|m| m.find(text).is_some())
        })
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_http_or_https_with_a_host() {
        for ok in [
            "http://localhost:11434/v1",
            "https://api.openai.com/v1",
            "HTTPS://Example.com",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "ftp://x",
            "localhost:11434",
            "http://",
            "https:///v1",
            "http://:80",
            "http://a b",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn a_handoff_word_is_found_anywhere_as_a_whole_word() {
        let settings = AutomationSettings {
            handoff_words: vec!["atendente".into(), "falar com humano".into()],
            ..AutomationSettings::default()
        };
        assert_eq!(handoff_word(&settings, "ATENDENTE"), Some("atendente"));
        assert_eq!(
            handoff_word(&settings, "quero falar com humano, por favor"),
            Some("falar com humano")
        );
        assert_eq!(handoff_word(&settings, "atendentes"), None);
        assert_eq!(handoff_word(&settings, "oi"), None);
    }
}
