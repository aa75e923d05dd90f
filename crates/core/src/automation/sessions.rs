//! Flow sessions as stored (`flow_sessions`): one flow running in one
//! conversation, on the version it started on. This module starts, reads,
//! saves and ends them, writes the bot's log (`automation_log`), and holds
//! what an operator does to them in a conversation: the contact panel's view,
//! "Parar o bot" ([`stop`]) and "Iniciar fluxo" ([`start_by_hand`]).
//!
//! At most one session is active per conversation: starting one ends the
//! other (`replaced`) in the same transaction, and the older of two that
//! sync brought together is ended when the conversation is next handled.
//!
//! The log's `what` is one of: `started` (detail: the flow and what started
//! it), `path` (the nodes a turn ran, `a → b → c`), `note` (a branch taken,
//! a value refused: the engine's notes), `keyword` (the keyword and word
//! that fired), `ended` (the reason), `handoff`, `handed_back` (a hand start
//! gave a person's conversation back to the bot), `skipped` (a tag, field,
//! file or operator the bot could not use), `dropped` (a message not
//! answered, and why), `call` (an outside call left or answered),
//! `set_aside` (a message or a session the bot failed on again and again,
//! and the error). Details are for people reading the panel; nothing parses
//! them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};

use super::AutomationError;
use super::engine::{EndReason, Session, Wait};
use super::flow;
use crate::ids::{CampaignId, FlowId, FlowVersionId, KeywordId, SessionId, TagId};
use crate::time::now_ms;
use crate::{AccountId, ConversationId, Store, UserId};

/// What started a session (`flow_sessions.started_by`, JSON: the names are
/// part of the stored format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum StartedBy {
    /// A keyword's "start a flow" action.
    Keyword { keyword: KeywordId },
    /// The contact's first message on the number.
    FirstMessage,
    /// A message nothing else answered.
    NoMatch,
    /// A reply to this campaign.
    Campaign { campaign: CampaignId },
    /// A person added this tag to the contact.
    Tag { tag: TagId },
    /// An operator, from the conversation ("Iniciar fluxo").
    Manual { operator: Option<UserId> },
    /// Another flow's `go to flow` node.
    Flow { from: FlowId },
}

/// A session row as the runner uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub id: SessionId,
    pub conversation: ConversationId,
    pub flow: FlowId,
    pub version: FlowVersionId,
    pub state: Session,
    pub active: bool,
    pub wake_at: Option<i64>,
    pub started_by: StartedBy,
    pub started_at: i64,
    pub updated_at: i64,
}

type Row = (
    SessionId,
    ConversationId,
    FlowId,
    FlowVersionId,
    String,
    String,
    Option<i64>,
    String,
    i64,
    i64,
);

const COLUMNS: &str = "id, conversation_id, flow_id, version_id, state, status, wake_at, started_by, started_at, updated_at";

fn decode(e: impl std::error::Error + Send + Sync + 'static) -> AutomationError {
    AutomationError::Database(sqlx::Error::Decode(Box::new(e)))
}

fn from_row(row: Row) -> Result<Stored, AutomationError> {
    let (id, conversation, flow, version, state, status, wake_at, started_by, started_at, updated) =
        row;
    Ok(Stored {
        id,
        conversation,
        flow,
        version,
        state: serde_json::from_str(&state).map_err(decode)?,
        active: status == "active",
        wake_at,
        started_by: serde_json::from_str(&started_by).map_err(decode)?,
        started_at,
        updated_at: updated,
    })
}

/// A value as stored JSON; plain sqlx errors, so that the inbox's own
/// writes (a person taking a conversation) can end a session.
fn json<T: Serialize>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// One session, active or not.
pub(crate) async fn get_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    session: SessionId,
) -> Result<Option<Stored>, AutomationError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flow_sessions WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(session)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(from_row).transpose()
}

/// The conversation's active session. Two active ones (sync brought
/// together sessions two desktops started) leave one: the newer; the older
/// ends as `replaced`. One whose state does not read here (written by a
/// newer ZapDesk, or damaged) ends as `broken` with a log line instead of
/// failing every message of the contact: an unreadable row must not keep
/// the bot (keywords, hand-off words) from the contact for good.
pub(crate) async fn active_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conversation: ConversationId,
    now: i64,
) -> Result<Option<Stored>, AutomationError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flow_sessions WHERE account_id = ? AND conversation_id = ? AND status = 'active'
         ORDER BY started_at DESC, id DESC"
    ))
    .bind(account)
    .bind(conversation)
    .fetch_all(&mut **tx)
    .await?;
    let mut rows = rows.into_iter();
    let Some(newest) = rows.next() else {
        return Ok(None);
    };
    for (older, ..) in rows {
        end_in(tx, account, conversation, older, &EndReason::Replaced, now).await?;
    }
    let (id, state) = (newest.0, newest.4.clone());
    match from_row(newest) {
        Ok(session) => Ok(Some(session)),
        Err(e) => {
            log_in(
                tx,
                account,
                conversation,
                Some(id),
                "skipped",
                &format!("the session's state does not read: {e}"),
                now,
            )
            .await?;
            let node = serde_json::from_str::<serde_json::Value>(&state)
                .ok()
                .and_then(|v| v.get("node").and_then(|n| n.as_str()).map(str::to_owned))
                .unwrap_or_default();
            end_in(
                tx,
                account,
                conversation,
                id,
                &EndReason::Broken { node },
                now,
            )
            .await?;
            Ok(None)
        }
    }
}

/// Starts a session on `version` in `conversation`, ending the active one
/// (`replaced`). `state` is where it begins (`Session::starting`, with the
/// variables a `go to flow` carries); its `wake_at` follows from its wait
/// (now, for a session that has to run its first node).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn start_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conversation: ConversationId,
    id: SessionId,
    (flow, version): (FlowId, FlowVersionId),
    state: &Session,
    started_by: &StartedBy,
    now: i64,
) -> Result<Stored, AutomationError> {
    if let Some(active) = active_in(tx, account, conversation, now).await? {
        end_in(
            tx,
            account,
            conversation,
            active.id,
            &EndReason::Replaced,
            now,
        )
        .await?;
    }
    let wake_at = state.wait.wake_at(now);
    sqlx::query(
        "INSERT INTO flow_sessions (id, account_id, conversation_id, flow_id, version_id, state, status, wake_at,
                                    started_by, started_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(account)
    .bind(conversation)
    .bind(flow)
    .bind(version)
    .bind(json(state)?)
    .bind(wake_at)
    .bind(json(started_by)?)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM flows WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(flow)
            .fetch_optional(&mut **tx)
            .await?;
    log_in(
        tx,
        account,
        conversation,
        Some(id),
        "started",
        &format!(
            "{} ({})",
            name.unwrap_or_else(|| flow.to_string()),
            json(started_by)?
        ),
        now,
    )
    .await?;
    Ok(Stored {
        id,
        conversation,
        flow,
        version,
        state: state.clone(),
        active: true,
        wake_at,
        started_by: started_by.clone(),
        started_at: now,
        updated_at: now,
    })
}

/// Keeps the session's state after a turn; `wake_at` follows from what it
/// waits for. Returns that `wake_at`.
pub(crate) async fn save_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    session: SessionId,
    state: &Session,
    now: i64,
) -> Result<Option<i64>, AutomationError> {
    let wake_at = state.wait.wake_at(now);
    sqlx::query(
        "UPDATE flow_sessions SET state = ?, wake_at = ?, updated_at = ?
         WHERE account_id = ? AND id = ? AND status = 'active'",
    )
    .bind(json(state)?)
    .bind(wake_at)
    .bind(now)
    .bind(account)
    .bind(session)
    .execute(&mut **tx)
    .await?;
    Ok(wake_at)
}

/// Ends a session with its reason, and logs it. An ended one stays ended.
pub(crate) async fn end_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conversation: ConversationId,
    session: SessionId,
    reason: &EndReason,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE flow_sessions SET status = 'ended', ended_reason = ?, ended_at = ?, updated_at = ?, wake_at = NULL
         WHERE account_id = ? AND id = ? AND status = 'active'",
    )
    .bind(json(reason)?)
    .bind(now)
    .bind(now)
    .bind(account)
    .bind(session)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    log_in(
        tx,
        account,
        conversation,
        Some(session),
        "ended",
        &json(reason)?,
        now,
    )
    .await?;
    Ok(true)
}

/// Ends the conversation's active session, if any (a person took the
/// conversation, the contact opted out or asked for a person).
pub(crate) async fn end_active_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conversation: ConversationId,
    reason: &EndReason,
    now: i64,
) -> Result<Option<SessionId>, sqlx::Error> {
    let active: Vec<SessionId> = sqlx::query_scalar(
        "SELECT id FROM flow_sessions WHERE account_id = ? AND conversation_id = ? AND status = 'active'",
    )
    .bind(account)
    .bind(conversation)
    .fetch_all(&mut **tx)
    .await?;
    let mut ended = None;
    for id in active {
        if end_in(tx, account, conversation, id, reason, now).await? {
            ended = Some(id);
        }
    }
    Ok(ended)
}

/// Appends a line to the conversation's bot log.
pub(crate) async fn log_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conversation: ConversationId,
    session: Option<SessionId>,
    what: &str,
    detail: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO automation_log (account_id, conversation_id, session_id, at, what, detail)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(account)
    .bind(conversation)
    .bind(session)
    .bind(at)
    .bind(what)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a session waits for, as the contact panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "for", rename_all = "snake_case")]
pub enum Waiting {
    /// To run its node (just started; the runner steps it).
    Start,
    /// The contact's reply; past `timeout_at`, the question's time limit.
    Reply { timeout_at: Option<i64> },
    /// A delay, until `at`.
    Timer { at: i64 },
    /// An outside call (HTTP, AI); `started`: it left.
    Call { started: bool },
}

impl From<&Wait> for Waiting {
    fn from(wait: &Wait) -> Waiting {
        match wait {
            Wait::Start => Waiting::Start,
            Wait::Reply { timeout_at } => Waiting::Reply {
                timeout_at: *timeout_at,
            },
            Wait::Timer { at } => Waiting::Timer { at: *at },
            Wait::Call { started, .. } => Waiting::Call { started: *started },
        }
    }
}

/// The conversation's running flow, for the contact panel.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SessionView {
    pub id: SessionId,
    pub flow_id: FlowId,
    pub flow_name: String,
    pub version_id: FlowVersionId,
    /// v1, v2, … of the flow.
    pub version_number: i64,
    /// The node it is on.
    pub node: String,
    /// That node's kind (`menu`, `ask`, `delay`, `http`, …); `None` when the
    /// version has no such node (the session ends at its next step).
    pub node_kind: Option<String>,
    pub waiting: Waiting,
    /// What the contact answered, by question, and `ultima_resposta`.
    pub vars: BTreeMap<String, String>,
    pub started_by: StartedBy,
    pub started_at: i64,
    pub updated_at: i64,
}

/// The conversation's active session, or `None`.
pub async fn active_session(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Option<SessionView>, AutomationError> {
    let row: Option<(Row, String, i64, String)> = sqlx::query_as(
        "SELECT s.id, s.conversation_id, s.flow_id, s.version_id, s.state, s.status, s.wake_at, s.started_by,
                s.started_at, s.updated_at, f.name, v.number, v.document
         FROM flow_sessions s
         JOIN flows f ON f.account_id = s.account_id AND f.id = s.flow_id
         JOIN flow_versions v ON v.account_id = s.account_id AND v.id = s.version_id
         WHERE s.account_id = ? AND s.conversation_id = ? AND s.status = 'active'
         ORDER BY s.started_at DESC, s.id DESC LIMIT 1",
    )
    .bind(account)
    .bind(conversation)
    .fetch_optional(store.pool())
    .await
    .map(|row| {
        row.map(
            |(id, conv, flow, version, state, status, wake, by, started, updated, name, number, doc)| {
                (
                    (id, conv, flow, version, state, status, wake, by, started, updated),
                    name,
                    number,
                    doc,
                )
            },
        )
    })?;
    let Some((row, flow_name, version_number, document)) = row else {
        return Ok(None);
    };
    let stored = from_row(row)?;
    let node_kind = flow::parse(&document).ok().and_then(|doc| {
        let node = doc.nodes.into_iter().find(|n| n.id == stored.state.node)?;
        serde_json::to_value(&node.kind)
            .ok()?
            .get("type")?
            .as_str()
            .map(str::to_owned)
    });
    Ok(Some(SessionView {
        id: stored.id,
        flow_id: stored.flow,
        flow_name,
        version_id: stored.version,
        version_number,
        node: stored.state.node.clone(),
        node_kind,
        waiting: Waiting::from(&stored.state.wait),
        vars: stored.state.vars,
        started_by: stored.started_by,
        started_at: stored.started_at,
        updated_at: stored.updated_at,
    }))
}

/// The conversation's most recent session, active or ended, as stored:
/// where it is (or stopped), what it waits for, what the contact answered,
/// and why it ended. For `zapdesk-cli flows simulate`, which shows the
/// session after the contact's last message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Latest {
    pub id: SessionId,
    pub flow_id: FlowId,
    pub node: String,
    pub waiting: Waiting,
    pub vars: BTreeMap<String, String>,
    /// `None` while it runs.
    pub ended: Option<EndReason>,
}

pub async fn latest(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Option<Latest>, AutomationError> {
    let row: Option<(Row, Option<String>)> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, ended_reason FROM flow_sessions WHERE account_id = ? AND conversation_id = ?
         ORDER BY started_at DESC, rowid DESC LIMIT 1"
    ))
    .bind(account)
    .bind(conversation)
    .fetch_optional(store.pool())
    .await
    .map(|row| {
        row.map(|(id, conv, flow, version, state, status, wake, by, started, updated, ended)| {
            (
                (id, conv, flow, version, state, status, wake, by, started, updated),
                ended,
            )
        })
    })?;
    let Some((row, ended)) = row else {
        return Ok(None);
    };
    let stored = from_row(row)?;
    let ended = match (stored.active, ended) {
        (false, Some(reason)) => Some(serde_json::from_str(&reason).map_err(decode)?),
        _ => None,
    };
    Ok(Some(Latest {
        id: stored.id,
        flow_id: stored.flow,
        waiting: Waiting::from(&stored.state.wait),
        node: stored.state.node,
        vars: stored.state.vars,
        ended,
    }))
}

/// The flow a session runs; `None` when the account has no such session.
/// The simulator tells the path of the flow it plays from that of a flow it
/// went to (`go to flow`), whose log lines land in the same conversation.
pub async fn flow_of(
    store: &Store,
    account: AccountId,
    session: SessionId,
) -> Result<Option<FlowId>, AutomationError> {
    Ok(
        sqlx::query_scalar("SELECT flow_id FROM flow_sessions WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(session)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// One line of the bot's log.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, specta::Type)]
pub struct LogLine {
    pub seq: i64,
    pub session_id: Option<SessionId>,
    pub at: i64,
    /// See the module docs for the words.
    pub what: String,
    pub detail: String,
}

/// The conversation's last `limit` log lines, oldest first.
pub async fn log(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    limit: u32,
) -> Result<Vec<LogLine>, AutomationError> {
    Ok(sqlx::query_as(
        "SELECT seq, session_id, at, what, detail FROM (
             SELECT seq, session_id, at, what, detail FROM automation_log
             WHERE account_id = ? AND conversation_id = ? ORDER BY seq DESC LIMIT ?
         ) ORDER BY seq",
    )
    .bind(account)
    .bind(conversation)
    .bind(limit.clamp(1, 1000))
    .fetch_all(store.pool())
    .await?)
}

/// "Parar o bot": ends the conversation's session (`stopped`). The
/// conversation stays the bot's: its next message goes through keywords and
/// triggers again. Whether a session was running.
pub async fn stop(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<bool, AutomationError> {
    let mut tx = store.write().await?;
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM conversations WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(conversation)
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        return Err(AutomationError::ConversationUnknown);
    }
    let ended = end_active_in(
        &mut tx,
        account,
        conversation,
        &EndReason::Stopped,
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(ended.is_some())
}

/// "Iniciar fluxo": starts `flow`'s published version in the conversation
/// (a session that runs its first node as soon as the runner of the
/// conversation's number looks: `wake_at` now), ending the running one.
///
/// Starting a flow is asking the bot to talk: a conversation a person owns
/// (owner `human`: taken over, or assigned) is handed back to the bot (owner
/// `bot`; the assignee stays, as "Devolver ao bot" leaves it), or the flow
/// would never hear the contact's replies. Refused:
/// a flow never published, a contact who opted out, an account whose bot is
/// off. A flow switched off still starts by hand (off stops its triggers).
pub async fn start_by_hand(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    flow: FlowId,
    operator: Option<UserId>,
) -> Result<SessionId, AutomationError> {
    let started = start_by_hand_as(
        store,
        account,
        conversation,
        flow,
        operator,
        SessionId::new(),
    )
    .await?;
    Ok(started.session)
}

/// What [`start_by_hand_as`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandStart {
    pub session: SessionId,
    /// Where it runs: the conversation asked for, or, for a session started
    /// before, the one it was started in.
    pub conversation: ConversationId,
    /// `false`: the account already had a session with that id (started
    /// before, on this desktop or on another one and synced): nothing was done.
    pub started: bool,
}

/// [`start_by_hand`] under an id the caller chose (derived from what asked
/// for it: a cloud command executed again after a crash, or by another
/// desktop, must not start the flow twice). Idempotent: when the account
/// already has a session with this id, active or ended, nothing is checked
/// or written and it is returned as is.
pub async fn start_by_hand_as(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    flow: FlowId,
    operator: Option<UserId>,
    session: SessionId,
) -> Result<HandStart, AutomationError> {
    let already = |conversation| HandStart {
        session,
        conversation,
        started: false,
    };
    let existing = "SELECT conversation_id FROM flow_sessions WHERE account_id = ? AND id = ?";
    // Before the checks: a session started, then the bot switched off, is
    // still the one asked for.
    let found: Option<ConversationId> = sqlx::query_scalar(existing)
        .bind(account)
        .bind(session)
        .fetch_optional(store.pool())
        .await?;
    if let Some(conversation) = found {
        return Ok(already(conversation));
    }
    let settings = super::settings::get(store, account).await?;
    if !settings.enabled {
        return Err(AutomationError::AutomationOff);
    }
    let now = now_ms();
    let mut tx = store.write().await?;
    // Again under the write lock: two callers with the same id start one.
    let found: Option<ConversationId> = sqlx::query_scalar(existing)
        .bind(account)
        .bind(session)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(conversation) = found {
        return Ok(already(conversation));
    }
    let conv: Option<(String, Option<i64>)> = sqlx::query_as(
        "SELECT v.owner, c.opted_out_at FROM conversations v
         JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
         WHERE v.account_id = ? AND v.id = ?",
    )
    .bind(account)
    .bind(conversation)
    .fetch_optional(&mut *tx)
    .await?;
    let (owner, opted_out) = conv.ok_or(AutomationError::ConversationUnknown)?;
    if opted_out.is_some() {
        return Err(AutomationError::ContactOptedOut);
    }
    let published: Option<Option<FlowVersionId>> = sqlx::query_scalar(
        "SELECT published_version_id FROM flows WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(flow)
    .fetch_optional(&mut *tx)
    .await?;
    let version = published
        .ok_or(AutomationError::FlowUnknown)?
        .ok_or(AutomationError::FlowNotPublished)?;
    let document: Option<String> =
        sqlx::query_scalar("SELECT document FROM flow_versions WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
    let document = document.ok_or(AutomationError::FlowNotPublished)?;
    let doc = flow::parse(&document).map_err(AutomationError::FlowMalformed)?;
    if owner == "human" {
        sqlx::query(
            "UPDATE conversations SET owner = 'bot', updated_at = ? WHERE account_id = ? AND id = ?",
        )
        .bind(now)
        .bind(account)
        .bind(conversation)
        .execute(&mut *tx)
        .await?;
        log_in(
            &mut tx,
            account,
            conversation,
            None,
            "handed_back",
            "a flow was started by hand",
            now,
        )
        .await?;
    }
    start_in(
        &mut tx,
        account,
        conversation,
        session,
        (flow, version),
        &Session::starting(&doc.start),
        &StartedBy::Manual { operator },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(HandStart {
        session,
        conversation,
        started: true,
    })
}
