//! The inbox's search box, "Buscar mensagens e contatos": an account's
//! messages (SQLite FTS5, case- and accent-insensitive: `acao` finds `ação`),
//! best matches first, its contacts by name or phone (in any form the app
//! accepts), and its internal notes, with the matching words marked so the
//! UI can highlight them ([`super::snippet`]).

use serde::Serialize;

use super::InboxError;
use super::snippet::{mark, matches_all, query_words};
use crate::contacts::{self, ContactQuery};
use crate::domain::Direction;
use crate::filter::ContactFilter;
use crate::{AccountId, ContactId, ConversationId, MessageId, Store};

pub use super::snippet::{MARK_END, MARK_START};

/// Everything the search box found, each kind best or newest first.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SearchResults {
    pub contacts: Vec<ContactHit>,
    pub messages: Vec<Hit>,
    pub notes: Vec<NoteHit>,
}

/// A contact whose name or phone matches, with the conversation to open.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ContactHit {
    pub contact_id: ContactId,
    pub name: Option<String>,
    pub phone: String,
    /// Their most recent conversation; `None` when no one has talked yet.
    pub conversation_id: Option<ConversationId>,
}

/// An internal note that matches.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, specta::Type)]
pub struct NoteHit {
    /// Notes have message-like ids (inbox/work.rs `Note`).
    pub note_id: MessageId,
    pub conversation_id: ConversationId,
    pub contact_name: Option<String>,
    pub contact_phone: String,
    /// Part of the note around the match, matches between [`MARK_START`] and [`MARK_END`].
    pub snippet: String,
    pub created_at: i64,
}

/// Contacts, messages and notes of the account matching `text`.
pub async fn everything(
    store: &Store,
    account: AccountId,
    text: &str,
) -> Result<SearchResults, InboxError> {
    Ok(SearchResults {
        contacts: contacts_matching(store, account, text, 20).await?,
        messages: messages(store, account, text, 50).await?,
        notes: notes(store, account, text, 20).await?,
    })
}

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

/// How many of the newest matches are ranked. Ranking every match of a word
/// found in a fifth of a million messages took ~150 ms; the newest 1 000 took
/// 25 ms (p95) for one word and 57 ms for two, so 500. An operator looks for
/// recent talk far more than old. See docs/benchmarks.md.
const RANKED: i64 = 500;

/// The account's messages matching `text`: among the newest matches, best first (BM25).
pub async fn messages(
    store: &Store,
    account: AccountId,
    text: &str,
    limit: u32,
) -> Result<Vec<Hit>, InboxError> {
    let Some(query) = fts_query(text) else {
        return Ok(Vec::new());
    };
    // FTS5 walks its index newest first and stops; bm25() only for those rows.
    // Only this account's rows count towards RANKED: another account's busy
    // numbers must not push this account's matches out of the newest ones.
    let recent: Vec<(i64, f64)> = sqlx::query_as(
        "SELECT f.rowid, bm25(messages_fts) FROM messages_fts f
         JOIN messages m ON m.rowid = f.rowid
         WHERE messages_fts MATCH ? AND m.account_id = ?
         ORDER BY f.rowid DESC LIMIT ?",
    )
    .bind(&query)
    .bind(account)
    .bind(RANKED)
    .fetch_all(store.pool())
    .await?;
    if recent.is_empty() {
        return Ok(Vec::new());
    }
    let rowids = serde_json::to_string(&recent.iter().map(|(r, _)| r).collect::<Vec<_>>())
        .unwrap_or_default();
    let rows: Vec<(i64, Hit)> = sqlx::query_as::<_, HitRow>(
        "SELECT m.rowid AS rid, m.id AS message_id, m.conversation_id, c.name AS contact_name, c.phone AS contact_phone,
                m.direction, m.body AS snippet, m.created_at
         FROM json_each(?1) j
         JOIN messages m ON m.rowid = j.value
         JOIN conversations v ON v.account_id = m.account_id AND v.id = m.conversation_id
         JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
         WHERE m.account_id = ?2",
    )
    .bind(rowids)
    .bind(account)
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|r| (r.rid, r.hit))
    .collect();
    let score: std::collections::HashMap<i64, f64> = recent.into_iter().collect();
    let mut hits: Vec<(f64, Hit)> = rows
        .into_iter()
        .map(|(rid, hit)| (score.get(&rid).copied().unwrap_or(0.0), hit))
        .collect();
    // bm25() is lower for better matches; ties go to the newer message.
    hits.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(b.1.created_at.cmp(&a.1.created_at))
    });
    let words = query_words(text);
    Ok(hits
        .into_iter()
        .take(limit.clamp(1, 200) as usize)
        .map(|(_, mut hit)| {
            hit.snippet = mark(&hit.snippet, &words);
            hit
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct HitRow {
    rid: i64,
    #[sqlx(flatten)]
    hit: Hit,
}

/// How many of the newest notes are looked through. Notes are typed by
/// operators, a few per conversation, and have no full-text index: folding
/// the newest few thousand in Rust is a few milliseconds.
const NOTES_SCANNED: i64 = 5_000;

/// The account's internal notes in which every typed word starts a word,
/// newest first.
pub async fn notes(
    store: &Store,
    account: AccountId,
    text: &str,
    limit: u32,
) -> Result<Vec<NoteHit>, InboxError> {
    let words = query_words(text);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<NoteHit> = sqlx::query_as(
        "SELECT n.id AS note_id, n.conversation_id, c.name AS contact_name, c.phone AS contact_phone,
                n.body AS snippet, n.created_at
         FROM notes n
         JOIN conversations v ON v.account_id = n.account_id AND v.id = n.conversation_id
         JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
         WHERE n.account_id = ?
         ORDER BY n.created_at DESC, n.rowid DESC LIMIT ?",
    )
    .bind(account)
    .bind(NOTES_SCANNED)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter(|n| matches_all(&n.snippet, &words))
        .take(limit.clamp(1, 200) as usize)
        .map(|mut n| {
            n.snippet = mark(&n.snippet, &words);
            n
        })
        .collect())
}

/// The account's contacts whose name (case and accents ignored) or phone
/// matches, as the Contacts screen's search finds them, each with their
/// latest conversation.
pub async fn contacts_matching(
    store: &Store,
    account: AccountId,
    text: &str,
    limit: u32,
) -> Result<Vec<ContactHit>, InboxError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let query = ContactQuery {
        filter: ContactFilter {
            search: Some(text.to_owned()),
            ..ContactFilter::default()
        },
        offset: 0,
        limit: limit.clamp(1, 200),
    };
    // A plain search filter names no tag or field: only the database can fail.
    let page = contacts::list(store, account, &query)
        .await
        .map_err(|e| match e {
            contacts::ContactError::Database(e) => InboxError::Database(e),
            other => InboxError::Database(sqlx::Error::Protocol(other.to_string())),
        })?;
    let mut hits = Vec::with_capacity(page.items.len());
    for item in page.items {
        let c = item.contact;
        let conversation_id: Option<ConversationId> = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE account_id = ? AND contact_id = ?
             ORDER BY last_message_at IS NULL, last_message_at DESC, rowid DESC LIMIT 1",
        )
        .bind(account)
        .bind(c.id)
        .fetch_optional(store.pool())
        .await?;
        hits.push(ContactHit {
            contact_id: c.id,
            name: c.name,
            phone: c.phone,
            conversation_id,
        });
    }
    Ok(hits)
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
