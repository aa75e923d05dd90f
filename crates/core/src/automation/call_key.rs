//! The name of one outside call of a session, the same on every desktop:
//! `<session>:<turn>`, the turn that stopped at the call (`Session::turn`,
//! synced with the session's state). The HTTP node sends it as
//! `Idempotency-Key`, so that a receiver that honours the header can tell
//! a call made again from a new one: a desktop that takes a number over
//! makes a call again when the first desktop's "started" never reached the
//! server (docs/automation.md, Security).

use super::AutomationError;
use super::engine::{Session, Wait};
use crate::ids::SessionId;
use crate::{AccountId, Store};

/// The key of the call `session` waits on; `None` when it waits on none
/// (ended, answered meanwhile, gone).
pub async fn of_session(
    store: &Store,
    account: AccountId,
    session: SessionId,
) -> Result<Option<String>, AutomationError> {
    let state: Option<String> = sqlx::query_scalar(
        "SELECT state FROM flow_sessions
         WHERE account_id = ? AND id = ? AND status = 'active'",
    )
    .bind(account)
    .bind(session)
    .fetch_optional(store.pool())
    .await?;
    let Some(state) = state else {
        return Ok(None);
    };
    let state: Session = serde_json::from_str(&state)
        .map_err(|e| AutomationError::Database(sqlx::Error::Decode(Box::new(e))))?;
    Ok(matches!(state.wait, Wait::Call { .. }).then(|| key(session, state.turn)))
}

/// `<session>:<turn>`.
pub fn key(session: SessionId, turn: u32) -> String {
    format!("{session}:{turn}")
}
