//! Search across an account's messages (SQLite FTS5, case- and
//! accent-insensitive: `acao` finds `ação`), best matches first, with the
//! matching words marked so the UI can highlight them.

use serde::Serialize;

use super::InboxError;
use crate::domain::Direction;
use crate::{AccountId, ConversationId, MessageId, Store};

/// Marks the start of a matched word in [`Hit::snippet`] (never in message text).
pub const MARK_START: char = '\u{2}';
/// Marks the end of a matched word.
pub const MARK_END: char = '\u{3}';

/// One message that matches.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, specta::Type)]
pub struct Hit {
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
    pub contact_name: Option<String>,
    pub contact_phone: String,
    pub direction: Direction,
    /// Part of the message around the match, matches between [`MARK_START`] and [`MARK_END`].
    pub snippet: String,
    pub created_at: i64,
}

/// Turns what a person typed into an FTS5 query: every word must appear, as
/// the start of a word (`pao` finds `pão` and `pãozinho`). Quotes and
/// operators typed by the person are plain text, never query syntax.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The account's messages matching `text`, best first.
pub async fn messages(
    store: &Store,
    account: AccountId,
    text: &str,
    limit: u32,
) -> Result<Vec<Hit>, InboxError> {
    let Some(query) = fts_query(text) else {
        return Ok(Vec::new());
    };
    Ok(sqlx::query_as(
        "SELECT m.id AS message_id, m.conversation_id, c.name AS contact_name, c.phone AS contact_phone,
                m.direction, snippet(messages_fts, 0, char(2), char(3), '…', 12) AS snippet, m.created_at
         FROM messages_fts
         JOIN messages m ON m.rowid = messages_fts.rowid
         JOIN conversations v ON v.account_id = m.account_id AND v.id = m.conversation_id
         JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
         WHERE messages_fts MATCH ?1 AND m.account_id = ?2
         ORDER BY rank, m.created_at DESC
         LIMIT ?3",
    )
    .bind(query)
    .bind(account)
    .bind(limit.clamp(1, 200))
    .fetch_all(store.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn queries_are_words_as_prefixes_never_syntax() {
        assert_eq!(
            fts_query("  pão de   queijo ").as_deref(),
            Some("\"pão\"* \"de\"* \"queijo\"*")
        );
        assert_eq!(
            fts_query("\"a\" OR b*").as_deref(),
            Some("\"a\"* \"OR\"* \"b\"*")
        );
        assert_eq!(fts_query(" -- ** "), None);
    }
}
