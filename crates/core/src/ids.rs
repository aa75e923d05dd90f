//! Typed identifiers. Each is a UUIDv7 (time-ordered, so new rows land at the end
//! of an index) wrapped in its own type, so an account id can never be passed
//! where a contact id is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An id derived from a natural key: a UUIDv5 of `kind` and `key` in the
/// account's namespace. Two desktops that create "the same" row while offline
/// (the contact who wrote to both numbers, the tag "VIP" created on each)
/// give it the same id, so sync merges them as one row (the later write
/// wins) instead of two rows fighting over one phone or name. A row keeps
/// its id when its key changes later; a new row whose natural id is taken by
/// such a row gets a fresh id ([`natural_or_fresh`]).
///
/// `kind` and the key's form are part of every id ever written: never change
/// them (contact + E.164 phone, tag + lower-case name, field + key, segment +
/// lower-case name, quick_reply + shortcut, conversation + number:contact).
pub fn natural(account: AccountId, kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&account.as_uuid(), format!("{kind}\u{0}{key}").as_bytes())
}

/// The id for a new row of `table`: [`natural`] of `kind` and `key`, unless a
/// row of the table already has it (its key was changed), then a fresh one.
pub(crate) async fn natural_or_fresh<'e, E>(
    executor: E,
    table: &'static str,
    account: AccountId,
    kind: &str,
    key: &str,
) -> Result<Uuid, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let natural = natural(account, kind, key);
    let taken: bool = sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM {table} WHERE account_id = ? AND id = ?)"
    ))
    .bind(account)
    .bind(natural)
    .fetch_one(executor)
    .await?;
    Ok(if taken { Uuid::now_v7() } else { natural })
}

/// The id of the message a campaign sends to one recipient: the same on
/// every desktop, so a recipient claimed twice (its number's lease taken over
/// before the last holder's claim reached the server) is one message, and
/// WhatsApp, asked for the id derived from it before each send, refuses the
/// second copy. A UUIDv8 laid out for the messages index: the campaign id's
/// time (48 bits) and a few of its random bits, then the recipient's place in
/// the campaign, then a hash of the contact; a campaign's messages are
/// written in place order at the end of the index, as time-ordered ids are
/// (random ones made the sender twice as slow, docs/benchmarks.md).
pub fn campaign_message(campaign: CampaignId, position: i64, contact: ContactId) -> MessageId {
    let c = campaign.as_uuid().into_bytes();
    let place = u32::try_from(position).unwrap_or(u32::MAX).to_be_bytes();
    let h = Uuid::new_v5(&campaign.as_uuid(), contact.as_uuid().as_bytes()).into_bytes();
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&c[..6]);
    // Bytes 6 and 8 lose their high bits to the version and the variant.
    b[6] = c[6] & 0x0f;
    b[7] = c[7];
    b[8] = c[9] & 0x3f;
    b[9..13].copy_from_slice(&place);
    b[13..].copy_from_slice(&h[..3]);
    MessageId(Uuid::new_v8(b))
}

/// The id of the `index`th message the bot sends in turn `turn` of a flow
/// session: the same on every desktop, so a turn stepped twice (a number's
/// lease taken over before the first desktop's rows reached the server) is
/// one message, and WhatsApp, asked for the id derived from it before each
/// send, refuses a second copy (docs/automation.md). A UUIDv8 laid out like
/// [`campaign_message`]'s: the session id's time (48 bits), 26 bits of a
/// hash of the whole session id (two sessions started in one millisecond
/// differ only in a counter that UUIDv7 keeps in its low bits), then the
/// turn, then the index; a session's messages sort in the order they are
/// sent. An engine turn sends at most `engine::Budget::sends` messages, far
/// below the 65 536 an index can name.
pub fn bot_message(session: SessionId, turn: u32, index: u32) -> MessageId {
    let s = session.as_uuid().into_bytes();
    let h = Uuid::new_v5(&session.as_uuid(), b"bot_message").into_bytes();
    let index = u16::try_from(index).unwrap_or(u16::MAX).to_be_bytes();
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&s[..6]);
    // Bytes 6 and 8 lose their high bits to the version and the variant.
    b[6] = h[0] & 0x0f;
    b[7] = h[1];
    b[8] = h[2] & 0x3f;
    b[9] = h[3];
    b[10..14].copy_from_slice(&turn.to_be_bytes());
    b[14..].copy_from_slice(&index);
    MessageId(Uuid::new_v8(b))
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            Serialize, Deserialize, sqlx::Type, specta::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        #[specta(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The UUID inside.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// An id read from elsewhere (the agency's server).
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

id_type!(
    /// One client business of the agency.
    AccountId
);
id_type!(
    /// A person an account talks to.
    ContactId
);
id_type!(
    /// A WhatsApp number of an account.
    InstanceId
);
id_type!(
    /// A label on contacts.
    TagId
);
id_type!(
    /// A thread between a contact and one of the account's numbers.
    ConversationId
);
id_type!(
    /// One WhatsApp message, inbound or outbound.
    MessageId
);
id_type!(
    /// A broadcast to many contacts.
    CampaignId
);
id_type!(
    /// An operator of the agency.
    UserId
);
id_type!(
    /// A typed field an account adds to its contacts.
    FieldId
);
id_type!(
    /// A saved filter over an account's contacts.
    SegmentId
);
id_type!(
    /// A keyword reply of an account.
    KeywordId
);
id_type!(
    /// A conversation flow of an account (its draft and versions).
    FlowId
);
id_type!(
    /// One published, immutable version of a flow.
    FlowVersionId
);
id_type!(
    /// A flow running in one conversation.
    SessionId
);
id_type!(
    /// A file the bot sends (a flow's or a keyword's image, audio, document).
    AutomationFileId
);
id_type!(
    /// An account's outgoing webhook: a URL subscribed to events.
    WebhookId
);
id_type!(
    /// One event of an account queued for its webhooks (what a receiver
    /// dedupes on: the same in every delivery of the event).
    EventId
);
id_type!(
    /// One delivery of an event to one webhook (a "send again" is another).
    DeliveryId
);
id_type!(
    /// A token of the local API (its secret is never stored, only its hash).
    ApiTokenId
);
id_type!(
    /// An action from the cloud: a row of the agency's `zapdesk.commands`
    /// (remote migration 0012), chosen by the server or by its writer.
    CommandId
);
id_type!(
    /// A column of an account's pipeline (issue 18, item 7).
    StageId
);
id_type!(
    /// A contact or deal on an account's pipeline.
    CardId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_message_id_is_stable_and_ordered_by_place() {
        let campaign = CampaignId::new();
        let (ana, bia) = (ContactId::new(), ContactId::new());
        let first = campaign_message(campaign, 0, ana);
        assert_eq!(first, campaign_message(campaign, 0, ana));
        assert_ne!(first, campaign_message(campaign, 0, bia));
        assert_ne!(first, campaign_message(CampaignId::new(), 0, ana));
        assert!(campaign_message(campaign, 1, bia) > first);
        assert!(campaign_message(campaign, 70_000, ana) > campaign_message(campaign, 69_999, bia));
        assert_eq!(first.as_uuid().get_version_num(), 8);
    }

    #[test]
    fn a_bot_message_id_is_stable_and_ordered_by_turn_then_index() {
        let session = SessionId::new();
        let first = bot_message(session, 0, 0);
        assert_eq!(first, bot_message(session, 0, 0));
        // Sessions started in one millisecond (UUIDv7's counter) differ.
        let others: std::collections::HashSet<MessageId> = (0..1000)
            .map(|_| bot_message(SessionId::new(), 0, 0))
            .collect();
        assert_eq!(others.len(), 1000);
        assert!(!others.contains(&first));
        assert!(bot_message(session, 0, 1) > first);
        assert!(bot_message(session, 1, 0) > bot_message(session, 0, 9));
        assert!(bot_message(session, 70_000, 0) > bot_message(session, 69_999, 9));
        assert_ne!(bot_message(session, 1, 0), bot_message(session, 0, 1));
        assert_eq!(first.as_uuid().get_version_num(), 8);
        // Later sessions' messages come later in the index.
        let at = |ms: u64| {
            let ts = uuid::Timestamp::from_unix(
                uuid::NoContext,
                ms / 1000,
                (ms % 1000) as u32 * 1_000_000,
            );
            SessionId::from_uuid(Uuid::new_v7(ts))
        };
        let (earlier, later) = (at(1_700_000_000_000), at(1_700_000_000_001));
        assert!(bot_message(later, 0, 0) > bot_message(earlier, 5, 5));
    }
}
