//! Chats (conversations) and their messages.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zapdesk_core::domain::{
    BotSource, ConversationStatus, Direction, Message as CoreMessage, MessageKind, MessageStatus,
};
use zapdesk_core::ids::UserId;
use zapdesk_core::inbox::conversations::{ConversationSummary, Cursor};
use zapdesk_core::inbox::work::Owner;
use zapdesk_core::{AccountId, ContactId, ConversationId, InstanceId, MessageId};

use super::enum_schema;

enum_schema!(
    chat_status,
    chat_status_or_null,
    ["open", "pending", "resolved"]
);
enum_schema!(owner, owner_or_null, ["bot", "human"]);
enum_schema!(direction, direction_or_null, ["inbound", "outbound"]);
enum_schema!(
    message_kind,
    message_kind_or_null,
    ["text", "image", "audio", "document", "location", "contact"]
);
enum_schema!(
    message_status,
    message_status_or_null,
    [
        "pending",
        "sending",
        "sent",
        "delivered",
        "read",
        "played",
        "failed",
        "received"
    ]
);
enum_schema!(
    bot_source,
    bot_source_or_null,
    ["flow", "keyword", "system"]
);

/// A conversation between a contact and one of the account's numbers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Chat {
    #[schema(value_type = uuid::Uuid)]
    pub id: ConversationId,
    #[schema(value_type = uuid::Uuid)]
    pub contact_id: ContactId,
    pub contact_name: Option<String>,
    pub contact_phone: String,
    #[schema(value_type = uuid::Uuid)]
    pub instance_id: InstanceId,
    pub instance_name: String,
    #[schema(schema_with = chat_status)]
    pub status: ConversationStatus,
    /// Who answers: the bot or a person.
    #[schema(schema_with = owner)]
    pub owner: Owner,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    pub unread_count: u32,
    pub last_message_at: Option<i64>,
    pub last_body: Option<String>,
    #[schema(schema_with = message_kind_or_null)]
    pub last_kind: Option<MessageKind>,
    #[schema(schema_with = direction_or_null)]
    pub last_direction: Option<Direction>,
    #[schema(schema_with = message_status_or_null)]
    pub last_status: Option<MessageStatus>,
}

impl From<ConversationSummary> for Chat {
    fn from(c: ConversationSummary) -> Self {
        Chat {
            id: c.id,
            contact_id: c.contact_id,
            contact_name: c.contact_name,
            contact_phone: c.contact_phone,
            instance_id: c.instance_id,
            instance_name: c.instance_name,
            status: c.status,
            owner: c.owner,
            assignee_id: c.assignee_id,
            assignee_name: c.assignee_name,
            unread_count: c.unread_count,
            last_message_at: c.last_message_at,
            last_body: c.last_body,
            last_kind: c.last_kind,
            last_direction: c.last_direction,
            last_status: c.last_status,
        }
    }
}

/// A page of chats, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatPage {
    pub items: Vec<Chat>,
    /// Pass as `after` for the next page; null on the last page.
    pub next: Option<String>,
}

/// Which chats to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChatQuery {
    /// At most this many (1–500; default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// Only this number's chats.
    pub instance: Option<uuid::Uuid>,
    /// Only chats in this state.
    #[param(schema_with = chat_status)]
    pub status: Option<ConversationStatus>,
}

/// A cursor as the API writes it: `<last_message_at>_<id>`.
pub fn write_cursor(c: &Cursor) -> String {
    format!("{}_{}", c.last_message_at, c.id)
}

/// A cursor the API wrote, read back.
pub fn read_cursor(text: &str) -> Option<Cursor> {
    let (at, id) = text.split_once('_')?;
    Some(Cursor {
        last_message_at: at.parse().ok()?,
        id: id.parse().ok()?,
    })
}

/// A WhatsApp message.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    #[schema(value_type = uuid::Uuid)]
    pub id: MessageId,
    #[schema(value_type = uuid::Uuid)]
    pub account_id: AccountId,
    #[schema(value_type = uuid::Uuid)]
    pub conversation_id: ConversationId,
    #[schema(value_type = uuid::Uuid)]
    pub instance_id: InstanceId,
    /// WhatsApp's own id, once sent or received.
    pub wa_message_id: Option<String>,
    #[schema(schema_with = direction)]
    pub direction: Direction,
    #[schema(schema_with = message_kind)]
    pub kind: MessageKind,
    /// Text, a file's caption, `lat,lng` of a location, or a contact card's vCard.
    pub body: String,
    #[schema(schema_with = message_status)]
    pub status: MessageStatus,
    /// Why it failed, in WhatsApp's words.
    pub error: Option<String>,
    pub media_mime: Option<String>,
    pub media_name: Option<String>,
    pub media_size: Option<i64>,
    /// WhatsApp's time of the message (Unix ms).
    pub sent_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Sent by the bot: by a flow, a keyword or the bot itself.
    #[schema(schema_with = bot_source_or_null)]
    pub bot_source: Option<BotSource>,
}

impl From<CoreMessage> for Message {
    fn from(m: CoreMessage) -> Self {
        Message {
            id: m.id,
            account_id: m.account_id,
            conversation_id: m.conversation_id,
            instance_id: m.instance_id,
            wa_message_id: m.wa_message_id,
            direction: m.direction,
            kind: m.kind,
            body: m.body,
            status: m.status,
            error: m.error,
            media_mime: m.media_mime,
            media_name: m.media_name,
            media_size: m.media_size,
            sent_at: m.sent_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
            bot_source: m.bot_source,
        }
    }
}

/// A page of a chat's messages, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<Message>,
    /// Pass as `before` for the page of older messages; null when there are
    /// none. A cursor `<created_at>_<id>` (the oldest message of this page),
    /// so messages of the same millisecond are never skipped.
    #[schema(example = "1767312000000_0192f0e0-0000-7000-8000-000000000000")]
    pub next: Option<String>,
}

/// Which messages.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// At most this many (1–500; default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next` of the previous page (`<created_at>_<id>`): the messages
    /// before that one. A bare time (Unix ms) is taken too: the messages
    /// created before it.
    pub before: Option<String>,
}

/// A message cursor as the API writes it: `<created_at>_<id>`.
pub fn write_message_cursor(created_at: i64, id: MessageId) -> String {
    format!("{created_at}_{id}")
}

/// `before` read back: a cursor the API wrote, or a bare time in ms (as
/// the first version of the API answered `next`), which is every message
/// of that millisecond and after excluded.
pub fn read_message_cursor(text: &str) -> Option<MessageBefore> {
    match text.split_once('_') {
        Some((at, id)) => Some(MessageBefore::Cursor(at.parse().ok()?, id.parse().ok()?)),
        None => Some(MessageBefore::Time(text.parse().ok()?)),
    }
}

/// Where a page of messages ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageBefore {
    /// Strictly before this message (its time and id).
    Cursor(i64, MessageId),
    /// Created before this time.
    Time(i64),
}

/// Who takes a chat.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// An operator's id (`GET /api/users`); null leaves it unassigned.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub user_id: Option<UserId>,
}
