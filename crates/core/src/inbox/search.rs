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
    let recent: Vec<(i64, f64)> = sqlx::query_as(
        "SELECT rowid, bm25(messages_fts) FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
    )
    .bind(&query)
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

/// The words typed, folded like the index folds them.
fn query_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(crate::text::fold)
        .collect()
}

/// Marks the words of `body` that start with a typed word (case and accents
/// ignored), and keeps about 120 characters around the first one.
fn mark(body: &str, words: &[String]) -> String {
    let mut out = String::with_capacity(body.len() + 8);
    let mut first = None;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, first: &mut Option<usize>| {
        if word.is_empty() {
            return;
        }
        let folded = crate::text::fold(word);
        if words.iter().any(|w| folded.starts_with(w.as_str())) {
            first.get_or_insert(out.chars().count());
            out.push(MARK_START);
            out.push_str(word);
            out.push(MARK_END);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in body.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out, &mut first);
            out.push(c);
        }
    }
    flush(&mut word, &mut out, &mut first);
    // Long messages: a window around the first match, like a search snippet.
    let chars: Vec<char> = out.chars().collect();
    if chars.len() <= 140 {
        return out;
    }
    let start = first.unwrap_or(0).saturating_sub(40);
    let end = (start + 140).min(chars.len());
    let mut window: String = chars[start..end].iter().collect();
    // Never cut inside a mark: close an open one.
    if window.matches(MARK_START).count() > window.matches(MARK_END).count() {
        window.push(MARK_END);
    }
    let window = window.trim_start_matches(MARK_END).to_owned();
    format!(
        "{}{window}{}",
        if start > 0 { "…" } else { "" },
        if end < chars.len() { "…" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn marks_words_by_prefix_ignoring_case_and_accents() {
        let words = super::query_words("promocao PÃO");
        assert_eq!(
            super::mark("Qual a PROMOÇÃO do pãozinho?", &words),
            "Qual a \u{2}PROMOÇÃO\u{3} do \u{2}pãozinho\u{3}?"
        );
        let long = format!("{} promoção {}", "a ".repeat(100), "b ".repeat(100));
        let snip = super::mark(&long, &words);
        assert!(
            snip.starts_with('…') && snip.ends_with('…') && snip.contains("\u{2}promoção\u{3}"),
            "{snip}"
        );
    }

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
