//! Keyword replies: words that fire actions when a contact writes them. The
//! matching rules are `matching.rs`; this file is what is stored and what a
//! keyword does.

use serde::{Deserialize, Serialize};

use super::AutomationError;
use super::flow::Content;
use super::matching::MatchKind;
use crate::ids::{FlowId, KeywordId};
use crate::{AccountId, InstanceId, Store, UserId};

/// A keyword reply as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Keyword {
    pub id: KeywordId,
    pub account_id: AccountId,
    pub name: String,
    pub match_kind: MatchKind,
    /// Each fires the keyword on its own.
    pub words: Vec<String>,
    /// The numbers it answers on; empty: every number of the account.
    pub numbers: Vec<InstanceId>,
    /// Higher fires first; at equal priority the older one.
    pub priority: i32,
    pub enabled: bool,
    /// After firing for a contact, it does not fire for them again for this long.
    pub cooldown_minutes: u32,
    pub actions: Actions,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a keyword does, in this order: reply, tags, field, then either start
/// a flow or hand off to a person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Actions {
    /// Text with the campaign editor's variables and spintax, or a file with
    /// a caption.
    pub reply: Option<Content>,
    /// Tag names.
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    pub set_field: Option<SetField>,
    pub start_flow: Option<FlowId>,
    pub handoff: Option<Handoff>,
}

impl Actions {
    pub fn is_empty(&self) -> bool {
        self.reply.is_none()
            && self.add_tags.is_empty()
            && self.remove_tags.is_empty()
            && self.set_field.is_none()
            && self.start_flow.is_none()
            && self.handoff.is_none()
    }
}

/// A custom field set by a keyword: `value` as a person would type it (read
/// the Brazilian way, as in the contact form), with variables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SetField {
    pub field: String,
    pub value: String,
}

/// Hand the conversation to a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Handoff {
    /// An operator, or nobody (the conversation waits unassigned).
    pub assign: Option<UserId>,
    /// The internal note saying why.
    pub note: String,
}

type Row = (
    KeywordId,
    AccountId,
    String,
    String,
    String,
    String,
    i64,
    bool,
    i64,
    String,
    i64,
    i64,
);

const COLUMNS: &str = "id, account_id, name, match_kind, words, numbers, priority, enabled, cooldown_minutes, actions, created_at, updated_at";

fn from_row(row: Row) -> Result<Keyword, AutomationError> {
    let (id, account_id, name, kind, words, numbers, priority, enabled, cooldown, actions, c, u) =
        row;
    let json = |e: serde_json::Error| AutomationError::Database(sqlx::Error::Decode(Box::new(e)));
    Ok(Keyword {
        id,
        account_id,
        name,
        match_kind: serde_json::from_value(serde_json::Value::String(kind)).map_err(json)?,
        words: serde_json::from_str(&words).map_err(json)?,
        numbers: serde_json::from_str(&numbers).map_err(json)?,
        priority: i32::try_from(priority).unwrap_or(0),
        enabled,
        cooldown_minutes: u32::try_from(cooldown).unwrap_or(0),
        actions: serde_json::from_str(&actions).map_err(json)?,
        created_at: c,
        updated_at: u,
    })
}

/// The account's keywords, the first to fire first (priority, then age).
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<Keyword>, AutomationError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM keywords WHERE account_id = ? ORDER BY priority DESC, created_at, id"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    rows.into_iter().map(from_row).collect()
}
