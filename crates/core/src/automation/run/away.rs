//! The away message: a contact who writes while the account is closed (its
//! business hours, `crate::business_hours`) gets it once per conversation
//! per closed period — not again for every message until the account opens.
//!
//! "Once" holds through crashes and across desktops without a mark of its
//! own: the message's id is derived from the conversation and the moment the
//! closed period began (the end of the last open interval), and the bot's
//! outbox ignores an id it already has (`ON CONFLICT (id) DO NOTHING`). The
//! row is written in the transaction that takes the contact's message out of
//! the bot's queue, as keyword replies are, so a kill either leaves both
//! (the message is handled again, the same id) or neither.

use sqlx::{Sqlite, Transaction};

use super::apply::{self, Content, Outcome, Send};
use super::config::{Config, Conv};
use crate::automation::AutomationError;
use crate::domain::BotSource;
use crate::{MessageId, Store, ids};

/// The node name the away message carries (`bot_node` of a `system`
/// message): how the inbox and a test tell it from the hand-off reply.
pub const AWAY_NODE: &str = "away";

/// The away message's id for a conversation and a closed period.
fn message_id(out: &Outcome, conv: &Conv, closed_since: i64) -> MessageId {
    MessageId::from_uuid(ids::natural(
        out.account,
        "away_message",
        &format!("{}:{closed_since}", conv.id),
    ))
}

/// Queues the away message when the account has one and is closed at
/// `now`; whether a row was written (not when this closed period's was).
pub(super) async fn send_if_closed(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    config: &Config,
    conv: &Conv,
    now: i64,
) -> Result<bool, AutomationError> {
    let (Some(schedule), Some(text)) = (&config.business, &config.away_message) else {
        return Ok(false);
    };
    let Some(since) = schedule.closed_since(now) else {
        return Ok(false);
    };
    apply::send(
        store,
        tx,
        out,
        conv,
        None,
        Send {
            id: message_id(out, conv, since),
            typing_ms: 0,
            source: BotSource::System,
            reference: None,
            node: Some(AWAY_NODE),
            content: Content::Text(text),
        },
        now,
    )
    .await
}
