//! What the screens, the API and the sender see of webhooks: the events one
//! can subscribe to, a webhook, and one delivery of its log.

use serde::{Deserialize, Serialize};

use crate::ids::{DeliveryId, EventId, WebhookId};
use crate::{AccountId, InstanceId};

/// What happened. The names are the envelope's `type` and the UI's keys;
/// never rename one (receivers branch on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
pub enum EventType {
    /// A contact sent a message.
    #[serde(rename = "message.received")]
    MessageReceived,
    /// A message of ours reached WhatsApp (sent from ZapDesk or the phone).
    #[serde(rename = "message.sent")]
    MessageSent,
    /// An outgoing message's status moved: sent, delivered, read, played, failed.
    #[serde(rename = "message.status")]
    MessageStatus,
    #[serde(rename = "contact.created")]
    ContactCreated,
    /// Phone, name or opt-out changed.
    #[serde(rename = "contact.updated")]
    ContactUpdated,
    #[serde(rename = "tag.added")]
    TagAdded,
    #[serde(rename = "tag.removed")]
    TagRemoved,
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned,
    #[serde(rename = "conversation.resolved")]
    ConversationResolved,
    /// A person took the conversation from the bot.
    #[serde(rename = "conversation.handed_off")]
    ConversationHandedOff,
    /// Every recipient of a campaign was queued or skipped.
    #[serde(rename = "campaign.finished")]
    CampaignFinished,
    /// A flow reached its end (or its hand-off) in a conversation.
    #[serde(rename = "flow.completed")]
    FlowCompleted,
    /// A number connected, needs its QR scanned, or went down.
    #[serde(rename = "number.status")]
    NumberStatus,
    /// A number shows a new QR code to scan (its image and text): whoever
    /// receives it can link the number, so it is sent only to webhooks
    /// that subscribe to it by name.
    #[serde(rename = "number.qr")]
    NumberQr,
    /// The "send test event" button; never subscribed to.
    #[serde(rename = "test")]
    Test,
}

impl EventType {
    /// Every event a webhook may subscribe to, in the order the UI lists them.
    pub const SUBSCRIBABLE: [EventType; 14] = [
        EventType::MessageReceived,
        EventType::MessageSent,
        EventType::MessageStatus,
        EventType::ContactCreated,
        EventType::ContactUpdated,
        EventType::TagAdded,
        EventType::TagRemoved,
        EventType::ConversationAssigned,
        EventType::ConversationResolved,
        EventType::ConversationHandedOff,
        EventType::CampaignFinished,
        EventType::FlowCompleted,
        EventType::NumberStatus,
        EventType::NumberQr,
    ];

    /// The name, as stored and sent.
    pub fn name(self) -> &'static str {
        match self {
            EventType::MessageReceived => "message.received",
            EventType::MessageSent => "message.sent",
            EventType::MessageStatus => "message.status",
            EventType::ContactCreated => "contact.created",
            EventType::ContactUpdated => "contact.updated",
            EventType::TagAdded => "tag.added",
            EventType::TagRemoved => "tag.removed",
            EventType::ConversationAssigned => "conversation.assigned",
            EventType::ConversationResolved => "conversation.resolved",
            EventType::ConversationHandedOff => "conversation.handed_off",
            EventType::CampaignFinished => "campaign.finished",
            EventType::FlowCompleted => "flow.completed",
            EventType::NumberStatus => "number.status",
            EventType::NumberQr => "number.qr",
            EventType::Test => "test",
        }
    }

    pub fn from_name(name: &str) -> Option<EventType> {
        EventType::SUBSCRIBABLE
            .into_iter()
            .chain([EventType::Test])
            .find(|e| e.name() == name)
    }

    /// Whether a webhook in `format` carries this event. Evolution API's
    /// envelope has a name for messages and a number's connection only.
    pub fn carried_by(self, format: WebhookFormat) -> bool {
        match format {
            WebhookFormat::Zapdesk => true,
            WebhookFormat::Evolution => matches!(
                self,
                EventType::MessageReceived
                    | EventType::MessageSent
                    | EventType::MessageStatus
                    | EventType::NumberStatus
                    | EventType::NumberQr
                    | EventType::Test
            ),
        }
    }
}

/// The body a webhook receives.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type, sqlx::Type,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// ZapDesk's envelope (docs/webhooks.md).
    #[default]
    Zapdesk,
    /// Evolution API v2's webhook body, for receivers written for it.
    Evolution,
}

/// What a person fills in for a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct WebhookInput {
    pub url: String,
    pub events: Vec<EventType>,
    pub format: WebhookFormat,
}

/// A webhook as stored. Its secret is in this computer's keyring, never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Webhook {
    pub id: WebhookId,
    pub account_id: AccountId,
    pub url: String,
    pub events: Vec<EventType>,
    pub format: WebhookFormat,
    pub enabled: bool,
    /// The first failed attempt since the last delivered one: the screen
    /// warns while it is set; a day of it turns the webhook off.
    pub failing_since: Option<i64>,
    pub disabled_at: Option<i64>,
    /// Why it is off: [`DISABLED_FAILING`] (turned off by ZapDesk after
    /// failing for a day) or [`DISABLED_MANUAL`] (a person).
    pub disabled_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// [`Webhook::disabled_reason`] of a webhook ZapDesk turned off.
pub const DISABLED_FAILING: &str = "failing";
/// [`Webhook::disabled_reason`] of a webhook a person turned off.
pub const DISABLED_MANUAL: &str = "manual";

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not tried yet.
    Pending,
    /// Tried and failed; tried again at `next_attempt_at`.
    Retrying,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up: a day of failures (or a "send again" that failed).
    Failed,
}

/// One event sent (or to be sent) to one webhook: a line of its log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Delivery {
    pub id: DeliveryId,
    /// The log's order: pass the last row's `seq` as `before` for the next page.
    pub seq: i64,
    pub webhook_id: WebhookId,
    /// What the receiver dedupes on: the same in every delivery of the event.
    pub event_id: EventId,
    pub event_type: EventType,
    /// The number the event is about, if any.
    pub instance_id: Option<InstanceId>,
    pub status: DeliveryStatus,
    /// "Send again" or "send test event": one attempt, outside the order.
    pub manual: bool,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub last_duration_ms: Option<i64>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}
