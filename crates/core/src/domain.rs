//! Rows of the seed domain that later features fill in: numbers (instances),
//! tags, conversations, messages, campaigns and operators. The tables exist from
//! migration 0002; the operations on them arrive with the features that own
//! them (numbers, inbox, contacts CRM, campaigns, sync), each scoped by account.

use serde::{Deserialize, Serialize};

use crate::ids::{
    AccountId, CampaignId, ContactId, ConversationId, InstanceId, MessageId, TagId, UserId,
};

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, specta::Type)]
        #[serde(rename_all = "snake_case")]
        #[sqlx(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
    };
}

text_enum!(
    /// A real WhatsApp number, or the offline Sandbox that fakes WhatsApp Web.
    InstanceKind { Whatsapp, Sandbox }
);
text_enum!(
    /// The life of a number's WhatsApp Web session.
    InstanceStatus { Stopped, Starting, AwaitingQr, Pairing, Connected, Disconnected, Failed }
);
text_enum!(
    /// Where a conversation stands for the operators.
    ConversationStatus { Open, Pending, Resolved }
);
text_enum!(
    /// Who wrote a message.
    Direction { Inbound, Outbound }
);
text_enum!(
    /// What a message carries.
    MessageKind { Text, Image, Audio, Document, Location, Contact }
);
text_enum!(
    /// Delivery state of a message, from WhatsApp's acks.
    MessageStatus { Pending, Sending, Sent, Delivered, Read, Played, Failed, Received }
);
text_enum!(
    /// What of the bot sent a message: a flow's node, a keyword, or the bot
    /// itself (the reply to a hand-off word).
    BotSource { Flow, Keyword, System }
);
text_enum!(
    /// Where a campaign stands.
    CampaignStatus { Draft, Scheduled, Running, Paused, Done, Cancelled }
);
text_enum!(
    /// What an operator may do.
    Role { Owner, Admin, Agent }
);

/// A label on contacts.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, specta::Type)]
pub struct Tag {
    pub id: TagId,
    pub account_id: AccountId,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub created_at: i64,
}

/// A thread between a contact and one number of the account.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, specta::Type)]
pub struct Conversation {
    pub id: ConversationId,
    pub account_id: AccountId,
    pub contact_id: ContactId,
    pub instance_id: InstanceId,
    pub status: ConversationStatus,
    pub assignee_id: Option<UserId>,
    pub unread_count: u32,
    pub last_message_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One message of a conversation. Outbound messages are also the outbox:
/// `pending` and `sending` ones still have to go out.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, specta::Type)]
pub struct Message {
    pub id: MessageId,
    pub account_id: AccountId,
    pub conversation_id: ConversationId,
    pub instance_id: InstanceId,
    pub wa_message_id: Option<String>,
    pub direction: Direction,
    pub kind: MessageKind,
    /// Text, caption, `lat,lng` of a location, or the vCard of a contact card.
    pub body: String,
    pub status: MessageStatus,
    /// Why it failed, in WhatsApp's words.
    pub error: Option<String>,
    /// The media file, relative to the data folder.
    pub media_path: Option<String>,
    pub media_mime: Option<String>,
    pub media_name: Option<String>,
    pub media_size: Option<i64>,
    /// Why the media is missing: `too_large`, `download_failed`.
    pub media_error: Option<String>,
    /// WhatsApp's time of the message (Unix ms).
    pub sent_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Sent by the bot (the inbox shows "Bot · flow/keyword"); `None`: a
    /// person, the phone, or the contact.
    pub bot_source: Option<BotSource>,
    /// The flow (`bot_source = flow`) or keyword (`keyword`) that sent it.
    pub bot_ref: Option<uuid::Uuid>,
    /// The flow node that sent it.
    pub bot_node: Option<String>,
}

/// A broadcast to many contacts.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, specta::Type)]
pub struct Campaign {
    pub id: CampaignId,
    pub account_id: AccountId,
    pub name: String,
    pub message: String,
    pub status: CampaignStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An operator of the agency.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, specta::Type)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub created_at: i64,
}
