//! Where a number's catch-up starts: for each of its chats, the WhatsApp time
//! of the last message a contact sent that is stored here. WhatsApp Web emits
//! only messages that arrive while the page runs as new; what arrived while
//! ZapDesk was down (its browser still online after a crash, or a message
//! that could not be stored) is history by the next connect, and the fleet
//! asks WhatsApp for each chat's messages after these times
//! (docs/inbound.md).

use super::InboxError;
use crate::{AccountId, InstanceId, Store};

/// The last stored inbound message of each chat of a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastInbound {
    /// The contact's phone as WhatsApp identifies the chat (E.164).
    pub phone: String,
    /// WhatsApp's time of that message (Unix ms).
    pub sent_at: i64,
}

/// Per chat of `instance`, the time of the latest message a contact sent that
/// is stored. Only inbound messages count: an operator's reply is stamped
/// with this computer's clock when it is queued, and may be later than a
/// contact's message that was never stored.
pub async fn last_inbound(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
) -> Result<Vec<LastInbound>, InboxError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.phone, (SELECT max(m.sent_at) FROM messages m
                          WHERE m.account_id = v.account_id AND m.conversation_id = v.id
                            AND m.direction = 'inbound') AS last
         FROM conversations v JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
         WHERE v.account_id = ? AND v.instance_id = ? AND last IS NOT NULL",
    )
    .bind(account)
    .bind(instance)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(phone, sent_at)| LastInbound { phone, sent_at })
        .collect())
}
