//! One turn of a session: the engine steps it on the version it runs, and
//! what the turn decided is applied in the caller's transaction. A `go to
//! flow` continues in that flow's published version in the same turn, with
//! what is left of the turn's budget.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use sqlx::{Sqlite, Transaction};

use super::apply::{self, Content, Outcome, Send};
use super::config::{Config, Conv, Person, contact_seed, turn_seed};
use crate::automation::AutomationError;
use crate::automation::engine::{
    self, Budget, Context, Effect, EndReason, Input, Next, Note, Outgoing, Session,
};
use crate::automation::flow::{self, FlowDocument};
use crate::automation::sessions::{self, StartedBy, Stored, end_in, log_in, save_in};
use crate::domain::BotSource;
use crate::ids::{FlowId, FlowVersionId, SessionId, bot_message};
use crate::{AccountId, MessageId, Store};

/// Published versions read so far, parsed, by account and id. A version
/// never changes once published, and one is gone only with its flow, whose
/// sessions go with it (the foreign keys cascade): each is read and parsed
/// once per process instead of at every turn (a round trip and a parse of
/// the whole document each time; docs/benchmarks.md, issue 15).
static VERSIONS: LazyLock<Mutex<Versions>> = LazyLock::new(Mutex::default);

type Versions = HashMap<(AccountId, FlowVersionId), Arc<FlowDocument>>;

/// Versions kept parsed; past it the cache starts again (cheap: a version
/// is read again at its next turn).
const VERSIONS_KEPT: usize = 512;

/// A published version's document; `None` when it is not here (not pulled
/// yet) or does not read.
pub(super) async fn version_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    version: FlowVersionId,
) -> Result<Option<Arc<FlowDocument>>, AutomationError> {
    let kept = |versions: &Versions| versions.get(&(account, version)).cloned();
    if let Some(doc) = kept(&VERSIONS.lock().unwrap_or_else(PoisonError::into_inner)) {
        return Ok(Some(doc));
    }
    let document: Option<String> =
        sqlx::query_scalar("SELECT document FROM flow_versions WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(version)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(doc) = document.and_then(|d| flow::parse(&d).ok()).map(Arc::new) else {
        return Ok(None);
    };
    let mut versions = VERSIONS.lock().unwrap_or_else(PoisonError::into_inner);
    if versions.len() >= VERSIONS_KEPT {
        versions.clear();
    }
    versions.insert((account, version), Arc::clone(&doc));
    Ok(Some(doc))
}

/// The flow's published version and its document, or why there is none.
pub(super) async fn published_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    flow: FlowId,
) -> Result<Result<(FlowVersionId, Arc<FlowDocument>), &'static str>, AutomationError> {
    let published: Option<Option<FlowVersionId>> = sqlx::query_scalar(
        "SELECT published_version_id FROM flows WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(flow)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(published) = published else {
        return Ok(Err("no such flow"));
    };
    let Some(version) = published else {
        return Ok(Err("not published"));
    };
    Ok(match version_in(tx, account, version).await? {
        Some(doc) => Ok((version, doc)),
        None => Err("its published version is not here"),
    })
}

/// Starts `flow` in the conversation (ending the active session) and runs
/// its first turn now. A flow without a published version here starts
/// nothing (logged).
#[allow(clippy::too_many_arguments)]
pub(super) async fn start_and_run(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    config: &Config,
    conv: &Conv,
    person: &Person,
    flow: FlowId,
    started_by: StartedBy,
    now: i64,
) -> Result<(), AutomationError> {
    let account = out.account;
    let (version, doc) = match published_in(tx, account, flow).await? {
        Ok(found) => found,
        Err(why) => {
            log_in(
                tx,
                account,
                conv.id,
                None,
                "skipped",
                &format!("flow {flow}: {why}"),
                now,
            )
            .await?;
            return Ok(());
        }
    };
    let session = sessions::start_in(
        tx,
        account,
        conv.id,
        SessionId::new(),
        (flow, version),
        &Session::starting(&doc.start),
        &started_by,
        now,
    )
    .await?;
    run(
        store,
        tx,
        out,
        config,
        conv,
        person,
        session,
        Input::Start,
        now,
    )
    .await
}

/// Steps `session` with `input` and applies the turn, following `go to
/// flow` within the turn's budget.
#[allow(clippy::too_many_arguments)]
pub(super) async fn run(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    config: &Config,
    conv: &Conv,
    person: &Person,
    mut session: Stored,
    mut input: Input<'_>,
    now: i64,
) -> Result<(), AutomationError> {
    let account = out.account;
    let mut budget = Budget::default();
    let mut contact = person.for_engine(&config.fields);
    loop {
        let Some(doc) = version_in(tx, account, session.version).await? else {
            log_in(
                tx,
                account,
                conv.id,
                Some(session.id),
                "skipped",
                "the session's flow version is not here",
                now,
            )
            .await?;
            end_in(
                tx,
                account,
                conv.id,
                session.id,
                &EndReason::Broken {
                    node: session.state.node.clone(),
                },
                now,
            )
            .await?;
            return Ok(());
        };
        let turn_no = session.state.turn;
        let mut ctx = Context {
            now,
            tz: &config.tz,
            hours: config.business.as_ref(),
            contact: contact.clone(),
            fields: &config.fields,
            contact_seed: contact_seed(conv.contact),
            seed: turn_seed(session.id, turn_no),
            budget,
        };
        let mut turn = engine::step(&doc, session.state.clone(), input, &mut ctx);
        contact = turn.contact.clone();
        if !turn.path.is_empty() {
            log_in(
                tx,
                account,
                conv.id,
                Some(session.id),
                "path",
                &turn.path.join(" → "),
                now,
            )
            .await?;
        }
        for note in &turn.notes {
            if matches!(note, Note::Took { .. }) {
                continue;
            }
            let detail = serde_json::to_string(note).unwrap_or_default();
            log_in(tx, account, conv.id, Some(session.id), "note", &detail, now).await?;
        }
        let mut sent = 0u32;
        let mut handed_off = false;
        for (i, effect) in turn.effects.iter().enumerate() {
            match effect {
                Effect::Send {
                    node,
                    message,
                    typing_ms,
                } => {
                    let content = match message {
                        Outgoing::Text { text } => Content::Text(text),
                        Outgoing::File { file, caption } => Content::File { file, caption },
                    };
                    apply::send(
                        store,
                        tx,
                        out,
                        conv,
                        Some(session.id),
                        Send {
                            id: bot_message(session.id, turn_no, sent),
                            typing_ms: *typing_ms,
                            source: BotSource::Flow,
                            reference: Some(session.flow.as_uuid()),
                            node: Some(node),
                            content,
                        },
                        now,
                    )
                    .await?;
                    sent += 1;
                }
                Effect::AddTag { tag, .. } => {
                    apply::tag(tx, out, conv, Some(session.id), tag, true, now).await?
                }
                Effect::RemoveTag { tag, .. } => {
                    apply::tag(tx, out, conv, Some(session.id), tag, false, now).await?
                }
                Effect::SetField { field, value, .. } => {
                    apply::field(
                        tx,
                        out,
                        config,
                        conv,
                        Some(session.id),
                        field,
                        value.as_deref(),
                        now,
                    )
                    .await?
                }
                Effect::Handoff { assign, note, .. } => {
                    apply::handoff(
                        tx,
                        out,
                        conv,
                        Some(session.id),
                        assign.as_deref(),
                        note,
                        note_id(session.id, turn_no, i),
                        now,
                    )
                    .await?;
                    handed_off = true;
                }
            }
        }
        // An ending session keeps what the contact answered (the panel,
        // the log), the node it ended on and every node and branch it ran
        // (the flow's analytics): saved before it ends.
        if handed_off || matches!(turn.next, Next::Ended(_) | Next::GoTo { .. }) {
            let mut kept = session.state.clone();
            kept.vars = turn.vars.clone();
            if let Some(last) = turn.path.last() {
                kept.node = last.clone();
            }
            kept.record(&session.state, &turn.path, &turn.notes);
            save_in(tx, account, session.id, &kept, now).await?;
        }
        if let Next::Wait(state) | Next::Call(state) = &mut turn.next {
            state.record(&session.state, &turn.path, &turn.notes);
        }
        match turn.next {
            // A person has the conversation now: the session is over,
            // whatever the flow would do next.
            _ if handed_off => {
                end_in(tx, account, conv.id, session.id, &EndReason::Handoff, now).await?;
                // Only now may the chat wait for a person: `handoff`'s own
                // try ran while this session was still active. Whatever
                // stepped the flow (a message, a timer, a call's answer).
                if crate::assignment::wait_in(tx, account, conv.id, now).await? {
                    out.changed(crate::changes::Table::Conversations);
                }
                return Ok(());
            }
            Next::Wait(state) => {
                let wake = save_in(tx, account, session.id, &state, now).await?;
                out.wake(wake);
                return Ok(());
            }
            Next::Call(state) => {
                save_in(tx, account, session.id, &state, now).await?;
                log_in(
                    tx,
                    account,
                    conv.id,
                    Some(session.id),
                    "call",
                    &format!("waiting on node {}", state.node),
                    now,
                )
                .await?;
                out.calls.push(session.id);
                return Ok(());
            }
            Next::Ended(reason) => {
                end_in(tx, account, conv.id, session.id, &reason, now).await?;
                return Ok(());
            }
            Next::GoTo { flow, vars } => {
                budget = Budget {
                    nodes: budget
                        .nodes
                        .saturating_sub(u32::try_from(turn.path.len()).unwrap_or(u32::MAX)),
                    sends: budget.sends.saturating_sub(sent),
                    visits: budget.visits,
                };
                let target = flow.parse::<FlowId>().ok();
                let found = match target {
                    Some(target) => published_in(tx, account, target)
                        .await?
                        .map(|found| (target, found)),
                    None => Err("no such flow"),
                };
                let (target, (version, doc)) = match found {
                    Ok(found) if budget.nodes > 0 => found,
                    Ok(_) => {
                        end_in(tx, account, conv.id, session.id, &EndReason::Budget, now).await?;
                        return Ok(());
                    }
                    Err(why) => {
                        log_in(
                            tx,
                            account,
                            conv.id,
                            Some(session.id),
                            "skipped",
                            &format!("go to flow {flow}: {why}"),
                            now,
                        )
                        .await?;
                        // The `go to flow` node: the last the turn ran.
                        let node = turn.path.last().unwrap_or(&session.state.node).clone();
                        end_in(
                            tx,
                            account,
                            conv.id,
                            session.id,
                            &EndReason::Broken { node },
                            now,
                        )
                        .await?;
                        return Ok(());
                    }
                };
                end_in(
                    tx,
                    account,
                    conv.id,
                    session.id,
                    &EndReason::WentTo { flow },
                    now,
                )
                .await?;
                let next = went_to(session.id, turn_no);
                // This turn was stepped before (here, or on the desktop that
                // ran the number then): that session is under way already.
                if sessions::get_in(tx, account, next).await?.is_some() {
                    return Ok(());
                }
                let mut state = Session::starting(&doc.start);
                state.vars = vars;
                session = sessions::start_in(
                    tx,
                    account,
                    conv.id,
                    next,
                    (target, version),
                    &state,
                    &StartedBy::Flow { from: session.flow },
                    now,
                )
                .await?;
                input = Input::Start;
            }
        }
    }
}

/// The session a `go to flow` starts, named by the session and turn it came
/// from: the turn stepped again (a takeover) starts the same session, whose
/// messages then have the same ids. The time part is the first session's,
/// so its messages stay near the end of the messages index.
fn went_to(from: SessionId, turn: u32) -> SessionId {
    let s = from.as_uuid().into_bytes();
    let h = uuid::Uuid::new_v5(&from.as_uuid(), format!("go_to:{turn}").as_bytes()).into_bytes();
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&s[..6]);
    b[6..].copy_from_slice(&h[6..]);
    SessionId::from_uuid(uuid::Uuid::new_v8(b))
}

/// The internal note of a hand-off in a turn: one note, however often the
/// turn is stepped.
fn note_id(session: SessionId, turn: u32, effect: usize) -> MessageId {
    MessageId::from_uuid(uuid::Uuid::new_v5(
        &session.as_uuid(),
        format!("handoff:{turn}:{effect}").as_bytes(),
    ))
}
