//! Sessions stepped without a message: a timer that fired (a delay's end, a
//! question's time limit, a session started by hand or by a tag), and an
//! outside call's answer.
//!
//! A timer fires once: the step clears the `wake_at` it was given only if
//! it is still the stored one (two passes, two desktops: one wins), in the
//! transaction that applies the turn (a kill before the commit leaves it
//! due). A call is marked started in its own commit before it leaves; found
//! started after a restart, it is answered "interrupted" (the error branch)
//! rather than made twice.

use super::apply::{Outcome, applied, start_clock};
use super::config::{Config, conversation_in, person_in};
use super::{Done, turn};
use crate::automation::AutomationError;
use crate::automation::engine::{CallOutcome, CallRequest, EndReason, Input, Wait};
use crate::automation::sessions::{self, Stored, end_in, log_in};
use crate::ids::SessionId;
use crate::{AccountId, Store};

/// What can keep a session from being stepped, checked again inside each
/// transaction: ends it when a person has the conversation, the contact
/// opted out or the account's bot is off. `None`: step it.
async fn stopped(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    out: &mut Outcome,
    config: &Config,
    session: &Stored,
    now: i64,
) -> Result<Option<(super::config::Conv, super::config::Person)>, AutomationError> {
    let account = out.account;
    let conv = conversation_in(tx, account, session.conversation).await?;
    let person = match &conv {
        Some(conv) => person_in(tx, account, conv.contact).await?,
        None => None,
    };
    let (Some(conv), Some(person)) = (conv, person) else {
        return Ok(None);
    };
    let reason = if person.opted_out {
        Some(EndReason::OptedOut)
    } else if conv.persons {
        Some(EndReason::Stopped)
    } else if !config.settings.enabled {
        log_in(
            tx,
            account,
            conv.id,
            Some(session.id),
            "dropped",
            "the account's automation is off",
            now,
        )
        .await?;
        Some(EndReason::Stopped)
    } else {
        None
    };
    if let Some(reason) = reason {
        end_in(tx, account, conv.id, session.id, &reason, now).await?;
        return Ok(None);
    }
    Ok(Some((conv, person)))
}

/// Steps a session whose `wake_at` was `expected_wake_at` (read by [`due`]):
/// a start runs its first node, a delay or a question's time limit takes
/// its branch. Nothing when the session is no longer waiting for that
/// moment (another pass, or another desktop, took it; a reply came first),
/// or the moment has not come.
///
/// [`due`]: super::due
pub async fn handle_due(
    store: &Store,
    account: AccountId,
    session: SessionId,
    expected_wake_at: i64,
    now: i64,
) -> Result<Done, AutomationError> {
    if expected_wake_at > now {
        return Ok(Done::default());
    }
    let config = Config::load(store, account).await?;
    let mut tx = store.write().await?;
    // A question's time limit, with the contact's answer queued from before
    // it (the runner had read the queue just before it came): the answer is
    // what counts. Left due; the queue's next look steps the session with
    // the answer, which clears the timer.
    let answered_in_time: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM flow_sessions s
                        JOIN automation_queue q ON q.account_id = s.account_id AND q.conversation_id = s.conversation_id
                        WHERE s.account_id = ? AND s.id = ? AND json_extract(s.state, '$.wait.for') = 'reply'
                          AND q.event = 'message' AND q.created_at <= ?)",
    )
    .bind(account)
    .bind(session)
    .bind(expected_wake_at)
    .fetch_one(&mut *tx)
    .await?;
    if answered_in_time {
        return Ok(Done::default());
    }
    let taken = sqlx::query(
        "UPDATE flow_sessions SET wake_at = NULL
         WHERE account_id = ? AND id = ? AND status = 'active' AND wake_at = ?",
    )
    .bind(account)
    .bind(session)
    .bind(expected_wake_at)
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() == 0 {
        return Ok(Done::default());
    }
    let Some(stored) = sessions::get_in(&mut tx, account, session).await? else {
        return Ok(Done::default());
    };
    let mut out = Outcome::new(account);
    if let Some((conv, person)) = stopped(&mut tx, &mut out, &config, &stored, now).await? {
        let input = match stored.state.wait {
            Wait::Start => Some(Input::Start),
            Wait::Timer { .. } | Wait::Reply { .. } => Some(Input::Timer),
            Wait::Call { .. } => None,
        };
        if let Some(input) = input {
            start_clock(&mut tx, &mut out, conv.id, now).await?;
            turn::run(
                store, &mut tx, &mut out, &config, &conv, &person, stored, input, now,
            )
            .await?;
        }
    }
    applied(&mut tx, &mut out).await?;
    tx.commit().await?;
    Ok(out.done())
}

/// Marks the session's call started, committed before the runner makes it,
/// and returns the request to make. `None`: the session is not waiting on a
/// call that has not left (it ended, it was answered, or it left before a
/// crash: then it is answered "interrupted", never made twice), its number
/// no longer runs here (`runs_here`, read inside the transaction: the
/// desktop that runs it now makes the call), or what stops a session holds
/// now (a person took the chat, the contact opted out while the call was
/// waiting — their messages wait behind it —, the bot was switched off):
/// the session ends and nothing leaves.
pub async fn mark_call_started(
    store: &Store,
    account: AccountId,
    session: SessionId,
    runs_here: &(dyn Fn(crate::InstanceId) -> bool + Sync),
) -> Result<Option<CallRequest>, AutomationError> {
    let config = Config::load(store, account).await?;
    let mut tx = store.write().await?;
    let Some(mut stored) = sessions::get_in(&mut tx, account, session).await? else {
        return Ok(None);
    };
    let Wait::Call { started, .. } = &stored.state.wait else {
        return Ok(None);
    };
    if !stored.active || *started {
        return Ok(None);
    }
    let now = crate::time::now_ms();
    let mut out = Outcome::new(account);
    let Some((conv, _)) = stopped(&mut tx, &mut out, &config, &stored, now).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    if !runs_here(conv.instance) {
        return Ok(None);
    }
    let Wait::Call { request, started } = &mut stored.state.wait else {
        return Ok(None);
    };
    *started = true;
    let request = request.clone();
    sessions::save_in(&mut tx, account, session, &stored.state, now).await?;
    log_in(
        &mut tx,
        account,
        stored.conversation,
        Some(session),
        "call",
        &format!("left from node {}", stored.state.node),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(request))
}

/// Steps a session with its call's answer (or failure). Nothing when the
/// session no longer waits on a call (answered already: an answer counts
/// once).
pub async fn handle_called(
    store: &Store,
    account: AccountId,
    session: SessionId,
    outcome: CallOutcome,
    now: i64,
) -> Result<Done, AutomationError> {
    called(store, account, session, outcome, false, now).await
}

/// Answers "interrupted" (`CallOutcome::Failed`) a call that left and that
/// nobody here waits for: a crash, a stop, the desktop that ran the number
/// before. Nothing when the session's call has not left: a list of such
/// calls read while a call was out may be used after that call answered
/// and the session went on to its next call, which must still be made.
pub async fn handle_interrupted(
    store: &Store,
    account: AccountId,
    session: SessionId,
    now: i64,
) -> Result<Done, AutomationError> {
    let outcome = CallOutcome::Failed {
        reason: "interrupted".into(),
    };
    called(store, account, session, outcome, true, now).await
}

async fn called(
    store: &Store,
    account: AccountId,
    session: SessionId,
    outcome: CallOutcome,
    only_left: bool,
    now: i64,
) -> Result<Done, AutomationError> {
    let config = Config::load(store, account).await?;
    let mut tx = store.write().await?;
    let Some(stored) = sessions::get_in(&mut tx, account, session).await? else {
        return Ok(Done::default());
    };
    let waits = match &stored.state.wait {
        Wait::Call { started, .. } => *started || !only_left,
        _ => false,
    };
    if !stored.active || !waits {
        return Ok(Done::default());
    }
    let mut out = Outcome::new(account);
    if let Some((conv, person)) = stopped(&mut tx, &mut out, &config, &stored, now).await? {
        let detail = match &outcome {
            CallOutcome::Http { status, .. } => format!("answered {status}"),
            CallOutcome::Ai(_) => "answered".to_owned(),
            CallOutcome::Failed { reason } => format!("failed: {reason}"),
        };
        log_in(
            &mut tx,
            account,
            conv.id,
            Some(session),
            "call",
            &detail,
            now,
        )
        .await?;
        start_clock(&mut tx, &mut out, conv.id, now).await?;
        turn::run(
            store,
            &mut tx,
            &mut out,
            &config,
            &conv,
            &person,
            stored,
            Input::Called(outcome),
            now,
        )
        .await?;
    }
    applied(&mut tx, &mut out).await?;
    tx.commit().await?;
    Ok(out.done())
}
