//! Moving a card to another stage or place, and what entering a stage does.
//!
//! A move writes the moved card only: its stage and a fractional key between
//! its new neighbours ([`super::position`]), so moves made at once on two
//! desktops merge row by row. Entering another stage (or being created on
//! it) puts the stage's tag on the contact in the same transaction, and
//! returns the stage's flow for the caller to start in the contact's
//! conversation through the one function that starts a flow by hand
//! (`automation::sessions::start_by_hand`, wrapped by the app's
//! `App::flow_start`, which also wakes the flow runner): starting a flow is
//! a transaction of its own, and the app's wrapper is what the inbox and
//! the local API call too.

use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};

use crate::ids::{FlowId, TagId};
use crate::inbox::conversations;
use crate::time::now_ms;
use crate::{AccountId, ContactId, ConversationId, Store};

use super::position;
use super::{Card, CardId, PipelineError, StageId};

/// Where a card goes: a stage, and the card it is put before there (none:
/// the end of the stage).
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct MoveTo {
    pub stage: StageId,
    pub before: Option<CardId>,
}

/// A card after a move or its creation, and what entering its stage did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Moved {
    pub card: Card,
    pub entered: Entered,
}

/// What entering a stage did or asks for. Empty when the card stayed in its
/// stage (a move within the stage is only a new place).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct Entered {
    /// The stage's tag, newly put on the contact (none if they had it).
    pub tag_added: Option<TagId>,
    /// The stage's flow, to be started in the contact's conversation.
    pub start_flow: Option<FlowId>,
}

/// Moves a card. Entering another stage does what that stage says.
pub async fn move_card(
    store: &Store,
    account: AccountId,
    card: CardId,
    to: &MoveTo,
) -> Result<Moved, PipelineError> {
    let mut tx = store.write().await?;
    let current: Option<(StageId, ContactId)> = sqlx::query_as(
        "SELECT stage_id, contact_id FROM pipeline_cards WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(card)
    .fetch_optional(&mut *tx)
    .await?;
    let (from, contact) = current.ok_or(PipelineError::CardUnknown)?;
    stage_known(&mut tx, account, to.stage).await?;
    let key = key_before(&mut tx, account, to.stage, card, to.before).await?;
    sqlx::query(
        "UPDATE pipeline_cards SET stage_id = ?, position = ?, updated_at = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(to.stage)
    .bind(&key)
    .bind(now_ms())
    .bind(account)
    .bind(card)
    .execute(&mut *tx)
    .await?;
    let entered = if from == to.stage {
        Entered::default()
    } else {
        enter(&mut tx, account, contact, to.stage).await?
    };
    tx.commit().await?;
    Ok(Moved {
        card: super::cards::get(store, account, card).await?,
        entered,
    })
}

async fn stage_known(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    stage: StageId,
) -> Result<(), PipelineError> {
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pipeline_stages WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(stage)
    .fetch_one(&mut **tx)
    .await?;
    if known {
        Ok(())
    } else {
        Err(PipelineError::StageUnknown)
    }
}

/// A key after every card of the stage.
pub(super) async fn key_at_end(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    stage: StageId,
) -> Result<String, PipelineError> {
    stage_known(tx, account, stage).await?;
    let last: Option<String> = sqlx::query_scalar(
        "SELECT MAX(position) FROM pipeline_cards WHERE account_id = ? AND stage_id = ?",
    )
    .bind(account)
    .bind(stage)
    .fetch_one(&mut **tx)
    .await?;
    Ok(position::between(last.as_deref(), None))
}

/// A key that puts `card` just before `before` in `stage` (the moved card
/// itself left out of the neighbours); `before` not in the stage (moved
/// away meanwhile on another desktop) puts it at the end.
async fn key_before(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    stage: StageId,
    card: CardId,
    before: Option<CardId>,
) -> Result<String, PipelineError> {
    let next: Option<(String, CardId)> = match before {
        Some(b) if b != card => {
            sqlx::query_as(
                "SELECT position, id FROM pipeline_cards
                 WHERE account_id = ? AND stage_id = ? AND id = ?",
            )
            .bind(account)
            .bind(stage)
            .bind(b)
            .fetch_optional(&mut **tx)
            .await?
        }
        _ => None,
    };
    let prev: Option<String> = match &next {
        Some((pos, id)) => {
            sqlx::query_scalar(
                "SELECT position FROM pipeline_cards
                 WHERE account_id = ? AND stage_id = ? AND id <> ?
                   AND (position < ? OR (position = ? AND id < ?))
                 ORDER BY position DESC, id DESC LIMIT 1",
            )
            .bind(account)
            .bind(stage)
            .bind(card)
            .bind(pos)
            .bind(pos)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
        }
        None => {
            sqlx::query_scalar(
                "SELECT MAX(position) FROM pipeline_cards
                 WHERE account_id = ? AND stage_id = ? AND id <> ?",
            )
            .bind(account)
            .bind(stage)
            .bind(card)
            .fetch_one(&mut **tx)
            .await?
        }
    };
    Ok(position::between(
        prev.as_deref(),
        next.as_ref().map(|(p, _)| p.as_str()),
    ))
}

/// What entering `stage` does for `contact`: the stage's tag put on them
/// (if the tag still exists), and its flow (if it still exists) returned.
pub(super) async fn enter(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    contact: ContactId,
    stage: StageId,
) -> Result<Entered, PipelineError> {
    let (tag, flow): (Option<TagId>, Option<FlowId>) = sqlx::query_as(
        "SELECT add_tag_id, start_flow_id FROM pipeline_stages WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(stage)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(PipelineError::StageUnknown)?;
    let mut entered = Entered::default();
    if let Some(tag) = tag {
        let added = sqlx::query(
            "INSERT INTO contact_tags (account_id, contact_id, tag_id, created_at)
             SELECT ?, ?, id, ? FROM tags WHERE account_id = ? AND id = ?
             ON CONFLICT DO NOTHING",
        )
        .bind(account)
        .bind(contact)
        .bind(now_ms())
        .bind(account)
        .bind(tag)
        .execute(&mut **tx)
        .await?;
        if added.rows_affected() > 0 {
            entered.tag_added = Some(tag);
        }
    }
    if let Some(flow) = flow {
        let known: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM flows WHERE account_id = ? AND id = ?)",
        )
        .bind(account)
        .bind(flow)
        .fetch_one(&mut **tx)
        .await?;
        if known {
            entered.start_flow = Some(flow);
        }
    }
    Ok(entered)
}

/// The conversation a stage's flow starts in: the contact's most recent one
/// (on any number of the account), as the local API's "start a flow for a
/// contact" picks it. None: the contact never talked to the account.
pub async fn flow_conversation(
    store: &Store,
    account: AccountId,
    contact: ContactId,
) -> Result<Option<ConversationId>, PipelineError> {
    let chats = conversations::numbers_of_contact(store, account, contact)
        .await
        .map_err(|e| match e {
            crate::inbox::InboxError::Database(e) => PipelineError::Database(e),
            _ => PipelineError::ContactUnknown,
        })?;
    Ok(chats.first().map(|(id, _)| *id))
}
