//! Keyword replies: words that fire actions when a contact writes them. The
//! matching rules are `matching.rs`; this file is what is stored, what a
//! keyword does, and the editor's operations: every one checked (words,
//! numbers, reply, tags, field, flow, operator) and written in one
//! transaction, and refused when another enabled keyword of the same
//! priority on a shared number would fire on the same message ([`check`]
//! shows such conflicts while the person types).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::flow::Content;
use super::matching::{self, Candidate, MatchKind, Matcher};
use super::{AutomationError, known};
use crate::campaigns::template::{MESSAGE_MAX, Template};
use crate::error::{ErrorCode, UserError};
use crate::ids::{AutomationFileId, FlowId, KeywordId};
use crate::text::{NameProblem, clean_name, fold};
use crate::time::now_ms;
use crate::{AccountId, InstanceId, Lang, Store, UserId, account_open};

/// Longest keyword name, in characters.
pub const NAME_MAX: usize = 80;

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
    rows(store, account)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

async fn rows(store: &Store, account: AccountId) -> Result<Vec<Row>, AutomationError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM keywords WHERE account_id = ? ORDER BY priority DESC, created_at, id"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?)
}

/// [`list`] as the bot reads it: a keyword that does not read here (written
/// by a newer ZapDesk, or damaged) is left out, instead of failing every
/// message of the account; the screen's [`list`] still shows the error.
pub(crate) async fn readable(
    store: &Store,
    account: AccountId,
) -> Result<Vec<Keyword>, AutomationError> {
    let rows = rows(store, account).await?;
    Ok(rows.into_iter().filter_map(|r| from_row(r).ok()).collect())
}

/// One keyword.
pub async fn get(
    store: &Store,
    account: AccountId,
    id: KeywordId,
) -> Result<Keyword, AutomationError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM keywords WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    from_row(row.ok_or(AutomationError::KeywordUnknown)?)
}

/// What a person fills in for a keyword: everything but its id and times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct KeywordInput {
    pub name: String,
    pub match_kind: MatchKind,
    pub words: Vec<String>,
    /// Empty: every number of the account.
    pub numbers: Vec<InstanceId>,
    pub priority: i32,
    pub enabled: bool,
    pub cooldown_minutes: u32,
    pub actions: Actions,
}

impl From<&Keyword> for KeywordInput {
    fn from(k: &Keyword) -> KeywordInput {
        KeywordInput {
            name: k.name.clone(),
            match_kind: k.match_kind,
            words: k.words.clone(),
            numbers: k.numbers.clone(),
            priority: k.priority,
            enabled: k.enabled,
            cooldown_minutes: k.cooldown_minutes,
            actions: k.actions.clone(),
        }
    }
}

/// The part of the keyword form a problem is about, so the editor shows it
/// beside that input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum KeywordPart {
    Name,
    Words,
    Numbers,
    Actions,
    Reply,
    Tags,
    Field,
    Flow,
    Handoff,
}

/// A problem that would refuse saving, in the interface's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct KeywordProblem {
    pub part: KeywordPart,
    pub code: ErrorCode,
    pub message: String,
}

/// Another keyword that would fire on the same message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct KeywordConflict {
    pub other: KeywordId,
    pub other_name: String,
    /// A message both would fire on.
    pub example: String,
}

/// What the editor shows while a keyword is typed: every problem, and the
/// conflicts with the account's other enabled keywords of the same priority
/// on a shared number. Saving is refused while either list has anything
/// (conflicts only when the keyword is on).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct KeywordCheck {
    pub conflicts: Vec<KeywordConflict>,
    pub problems: Vec<KeywordProblem>,
}

/// A keyword as it will be stored: trimmed, words without blanks or
/// repeats, tags by their stored names.
struct Clean {
    name: String,
    words: Vec<String>,
    numbers: Vec<InstanceId>,
    actions: Actions,
    matcher: Option<Matcher>,
}

/// Every problem of `input` (not stopping at the first), and the keyword
/// cleaned.
async fn examine(
    conn: &mut SqliteConnection,
    account: AccountId,
    input: &KeywordInput,
) -> Result<(Clean, Vec<(KeywordPart, AutomationError)>), sqlx::Error> {
    use KeywordPart as P;
    let mut problems: Vec<(KeywordPart, AutomationError)> = Vec::new();
    let name = match clean_name(&input.name, NAME_MAX) {
        Ok(name) => name,
        Err(NameProblem::Empty) => {
            problems.push((P::Name, AutomationError::NameEmpty));
            String::new()
        }
        Err(NameProblem::TooLong) => {
            problems.push((P::Name, AutomationError::NameTooLong));
            String::new()
        }
    };

    let mut seen = HashSet::new();
    let words: Vec<String> = input
        .words
        .iter()
        .map(|w| w.trim().to_owned())
        .filter(|w| !w.is_empty() && seen.insert(fold(w)))
        .collect();
    let matcher = if words.is_empty() {
        problems.push((P::Words, AutomationError::NoWords));
        None
    } else {
        match Matcher::new(input.match_kind, &words) {
            Ok(m) => Some(m),
            Err(e) => {
                problems.push((P::Words, AutomationError::Words(e)));
                None
            }
        }
    };

    let mut numbers = Vec::new();
    for number in &input.numbers {
        if numbers.contains(number) {
            continue;
        }
        if !known::number_exists(&mut *conn, account, *number).await? {
            problems.push((P::Numbers, AutomationError::NumberUnknown));
            break;
        }
        numbers.push(*number);
    }

    let mut actions = input.actions.clone();
    if actions.is_empty() {
        problems.push((P::Actions, AutomationError::NoActions));
    }
    let fields = known::fields(&mut *conn, account).await?;
    let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
    // A text the campaign editor's rules accept (variables of the contact and
    // the account's fields; a keyword has no session, so no flow variables).
    let text_problem = |text: &str, may_be_empty: bool| -> Option<AutomationError> {
        if text.trim().is_empty() {
            return (!may_be_empty).then_some(AutomationError::ReplyEmpty);
        }
        if text.chars().count() > MESSAGE_MAX {
            return Some(AutomationError::ReplyTooLong);
        }
        Template::parse(text, &keys)
            .err()
            .map(AutomationError::from)
    };
    match &mut actions.reply {
        None => {}
        Some(Content::Text { text }) => {
            *text = text.trim().to_owned();
            if let Some(p) = text_problem(text, false) {
                problems.push((P::Reply, p));
            }
        }
        Some(Content::File { file, caption }) => {
            *caption = caption.trim().to_owned();
            let exists = match file.parse::<AutomationFileId>() {
                Ok(id) => known::file_exists(&mut *conn, account, id).await?,
                Err(_) => false,
            };
            if !exists {
                problems.push((P::Reply, AutomationError::FileUnknown));
            }
            if let Some(p) = text_problem(caption, true) {
                problems.push((P::Reply, p));
            }
        }
    }

    let tags = known::tags(&mut *conn, account).await?;
    let mut tag_problem = None;
    let mut by_stored_name = |list: &[String]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in list.iter().filter(|n| !n.trim().is_empty()) {
            match known::tag_named(&tags, name) {
                Some(stored) if !out.iter().any(|o| o == stored) => out.push(stored.to_owned()),
                Some(_) => {}
                None => {
                    tag_problem.get_or_insert_with(|| name.trim().to_owned());
                }
            }
        }
        out
    };
    actions.add_tags = by_stored_name(&actions.add_tags);
    actions.remove_tags = by_stored_name(&actions.remove_tags);
    if let Some(name) = tag_problem {
        problems.push((P::Tags, AutomationError::TagMissing(name)));
    }

    if let Some(set) = &mut actions.set_field {
        set.field = set.field.trim().to_owned();
        match fields.iter().find(|f| f.key == set.field) {
            None => problems.push((P::Field, AutomationError::FieldUnknown(set.field.clone()))),
            Some(field) => {
                set.value = set.value.trim().to_owned();
                if set.value.contains('{') {
                    if let Err(e) = Template::parse(&set.value, &keys) {
                        problems.push((P::Field, e.into()));
                    }
                } else if let Err(e) = field.parse(&set.value) {
                    // No variables: the value is what will be stored, so
                    // it must fit the field's type now.
                    problems.push((P::Field, AutomationError::FieldValue(e)));
                }
            }
        }
    }

    if let Some(flow) = actions.start_flow {
        match known::flow_published(&mut *conn, account, flow).await? {
            None => problems.push((P::Flow, AutomationError::FlowUnknown)),
            Some(false) => problems.push((P::Flow, AutomationError::FlowNotPublished)),
            Some(true) => {}
        }
    }
    if let Some(handoff) = &mut actions.handoff {
        handoff.note = handoff.note.trim().to_owned();
        if let Some(user) = handoff.assign
            && !known::operator_exists(&mut *conn, user).await?
        {
            problems.push((P::Handoff, AutomationError::OperatorUnknown));
        }
    }
    if actions.start_flow.is_some() && actions.handoff.is_some() {
        problems.push((P::Actions, AutomationError::FlowAndHandoff));
    }
    Ok((
        Clean {
            name,
            words,
            numbers,
            actions,
            matcher,
        },
        problems,
    ))
}

/// Whether two keywords answer on a number in common (empty: every number).
fn numbers_overlap(a: &[InstanceId], b: &[InstanceId]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|n| b.contains(n))
}

/// The enabled keywords other than `editing` that would fire on a message
/// `clean` fires on, at the same priority on a shared number.
async fn conflicts_of(
    conn: &mut SqliteConnection,
    account: AccountId,
    clean: &Clean,
    priority: i32,
    editing: Option<KeywordId>,
) -> Result<Vec<KeywordConflict>, AutomationError> {
    let Some(matcher) = &clean.matcher else {
        return Ok(Vec::new());
    };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM keywords
         WHERE account_id = ? AND enabled = 1 AND priority = ?
         ORDER BY created_at, id"
    ))
    .bind(account)
    .bind(i64::from(priority))
    .fetch_all(&mut *conn)
    .await?;
    let mut others = Vec::new();
    let mut names = Vec::new();
    for row in rows {
        let other = from_row(row)?;
        if Some(other.id) == editing || !numbers_overlap(&clean.numbers, &other.numbers) {
            continue;
        }
        // A saved keyword whose words no longer compile (rules changed, a
        // row from another desktop) fires on nothing.
        let Ok(compiled) = Matcher::new(other.match_kind, &other.words) else {
            continue;
        };
        names.push((other.id, other.name.clone()));
        others.push((
            Candidate {
                key: other.id,
                matcher: compiled,
                priority: other.priority,
                created_at: other.created_at,
            },
            other.words,
        ));
    }
    let candidate = Candidate {
        key: editing.unwrap_or_default(),
        matcher: matcher.clone(),
        priority,
        created_at: now_ms(),
    };
    Ok(matching::conflicts(&candidate, &clean.words, &others)
        .into_iter()
        .map(|c| KeywordConflict {
            other: c.second,
            other_name: names
                .iter()
                .find(|(id, _)| *id == c.second)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            example: c.example,
        })
        .collect())
}

/// Every problem of `input` and its conflicts, for the editor to show as the
/// person types; `editing` is the keyword being changed (left out of the
/// conflicts), `None` for a new one. Saving refuses the same things.
pub async fn check(
    store: &Store,
    account: AccountId,
    input: &KeywordInput,
    editing: Option<KeywordId>,
    lang: Lang,
) -> Result<KeywordCheck, AutomationError> {
    let mut conn = store.pool().acquire().await?;
    let (clean, problems) = examine(&mut conn, account, input).await?;
    let conflicts = conflicts_of(&mut conn, account, &clean, input.priority, editing).await?;
    Ok(KeywordCheck {
        conflicts,
        problems: problems
            .into_iter()
            .map(|(part, e)| KeywordProblem {
                part,
                code: e.code(),
                message: e.message(lang),
            })
            .collect(),
    })
}

/// The keyword ready to write, or the first reason it is refused.
async fn accepted(
    conn: &mut SqliteConnection,
    account: AccountId,
    input: &KeywordInput,
    editing: Option<KeywordId>,
) -> Result<Clean, AutomationError> {
    account_open::check(&mut *conn, account).await??;
    let (clean, problems) = examine(&mut *conn, account, input).await?;
    if let Some((_, first)) = problems.into_iter().next() {
        return Err(first);
    }
    if input.enabled {
        let found = conflicts_of(&mut *conn, account, &clean, input.priority, editing).await?;
        if let Some(c) = found.into_iter().next() {
            return Err(AutomationError::Conflict {
                other: c.other_name,
                example: c.example,
            });
        }
    }
    Ok(clean)
}

fn kind_text(kind: MatchKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Creates a keyword; refused, with nothing written, on any problem
/// [`check`] lists or a conflict with an enabled keyword.
pub async fn create(
    store: &Store,
    account: AccountId,
    input: &KeywordInput,
) -> Result<Keyword, AutomationError> {
    let mut tx = store.write().await?;
    let clean = accepted(&mut tx, account, input, None).await?;
    let now = now_ms();
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO keywords (id, account_id, name, match_kind, words, numbers, priority, enabled,
                               cooldown_minutes, actions, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    ))
    .bind(KeywordId::new())
    .bind(account)
    .bind(&clean.name)
    .bind(kind_text(input.match_kind))
    .bind(serde_json::to_string(&clean.words).unwrap_or_default())
    .bind(serde_json::to_string(&clean.numbers).unwrap_or_default())
    .bind(i64::from(input.priority))
    .bind(input.enabled)
    .bind(i64::from(input.cooldown_minutes))
    .bind(serde_json::to_string(&clean.actions).unwrap_or_default())
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    from_row(row)
}

/// Replaces a keyword's settings; the same checks as [`create`], the
/// keyword itself left out of the conflicts.
pub async fn update(
    store: &Store,
    account: AccountId,
    id: KeywordId,
    input: &KeywordInput,
) -> Result<Keyword, AutomationError> {
    let mut tx = store.write().await?;
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM keywords WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        return Err(AutomationError::KeywordUnknown);
    }
    let clean = accepted(&mut tx, account, input, Some(id)).await?;
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE keywords SET name = ?, match_kind = ?, words = ?, numbers = ?, priority = ?,
                enabled = ?, cooldown_minutes = ?, actions = ?, updated_at = ?
         WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(&clean.name)
    .bind(kind_text(input.match_kind))
    .bind(serde_json::to_string(&clean.words).unwrap_or_default())
    .bind(serde_json::to_string(&clean.numbers).unwrap_or_default())
    .bind(i64::from(input.priority))
    .bind(input.enabled)
    .bind(i64::from(input.cooldown_minutes))
    .bind(serde_json::to_string(&clean.actions).unwrap_or_default())
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let row = row.ok_or(AutomationError::KeywordUnknown)?;
    tx.commit().await?;
    from_row(row)
}

/// Turns a keyword on or off. Turning one on is refused when it conflicts
/// with another enabled keyword, as saving it on would be.
pub async fn set_enabled(
    store: &Store,
    account: AccountId,
    id: KeywordId,
    enabled: bool,
) -> Result<Keyword, AutomationError> {
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM keywords WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let keyword = from_row(row.ok_or(AutomationError::KeywordUnknown)?)?;
    if enabled && !keyword.enabled {
        let clean = Clean {
            name: keyword.name.clone(),
            matcher: Matcher::new(keyword.match_kind, &keyword.words).ok(),
            words: keyword.words.clone(),
            numbers: keyword.numbers.clone(),
            actions: keyword.actions.clone(),
        };
        let found = conflicts_of(&mut tx, account, &clean, keyword.priority, Some(id)).await?;
        if let Some(c) = found.into_iter().next() {
            return Err(AutomationError::Conflict {
                other: c.other_name,
                example: c.example,
            });
        }
    }
    let row: Row = sqlx::query_as(&format!(
        "UPDATE keywords SET enabled = ?, updated_at = ? WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(enabled)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    from_row(row)
}

/// Deletes a keyword, and this desktop's cooldown marks of it.
pub async fn delete(
    store: &Store,
    account: AccountId,
    id: KeywordId,
) -> Result<(), AutomationError> {
    let mut tx = store.write().await?;
    let done = sqlx::query("DELETE FROM keywords WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AutomationError::KeywordUnknown);
    }
    sqlx::query("DELETE FROM automation_marks WHERE account_id = ? AND what = ?")
        .bind(account)
        .bind(format!("keyword:{id}"))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
