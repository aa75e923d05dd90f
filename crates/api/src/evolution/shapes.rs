//! Evolution API v2's JSON, as its server writes it (EvolutionAPI/evolution-api,
//! `src/api/controllers/instance.controller.ts`, `services/monitor.service.ts`,
//! `dto/sendMessage.dto.ts`, and the message rows its Baileys service returns),
//! for the subset ZapDesk offers. Fields ZapDesk has no value for are null;
//! fields it never writes are absent (docs/api.md lists both).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zapdesk_core::domain::{InstanceStatus, Message, MessageKind, MessageStatus};
use zapdesk_core::instances::Instance;
use zapdesk_whatsapp::status::Status;

use crate::schema::enum_schema;

enum_schema!(
    connection,
    connection_or_null,
    ["open", "close", "connecting"]
);

/// Evolution's connection states: `open` (connected), `connecting`
/// (starting, waiting for the QR, pairing), `close` (anything else).
pub fn state_of(live: &Status, stored: InstanceStatus) -> &'static str {
    match live {
        Status::Connected { .. } => "open",
        Status::Starting | Status::AwaitingQr { .. } | Status::Pairing => "connecting",
        // A number another desktop runs is stopped here; its stored status says more.
        Status::Stopped if stored == InstanceStatus::Connected => "open",
        _ => "close",
    }
}

/// A row of `GET /instance/fetchInstances`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FetchedInstance {
    /// ZapDesk's number id.
    pub id: String,
    /// The number's name in ZapDesk (also accepted as `{instance}` in paths).
    pub name: String,
    #[schema(schema_with = connection)]
    pub connection_status: String,
    /// `<digits>@s.whatsapp.net` once connected.
    pub owner_jid: Option<String>,
    pub profile_name: Option<String>,
    pub profile_pic_url: Option<String>,
    /// Always `WHATSAPP-BAILEYS` (a WhatsApp Web session).
    pub integration: String,
    /// The number's phone, digits only.
    pub number: Option<String>,
    /// Never the token: null.
    pub token: Option<String>,
    pub disconnection_reason_code: Option<i64>,
    pub disconnection_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// Unix ms as RFC 3339 (UTC, milliseconds), as Prisma writes dates; the
/// civil date from the day count, no date library needed for it.
pub fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
}

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

impl FetchedInstance {
    pub fn of(number: &Instance, live: &Status) -> FetchedInstance {
        let phone = match live {
            Status::Connected { me: Some(me) } => Some(me.clone()),
            _ => number.phone.clone(),
        };
        FetchedInstance {
            id: number.id.to_string(),
            name: number.name.clone(),
            connection_status: state_of(live, number.status).to_owned(),
            owner_jid: phone
                .as_deref()
                .map(|p| format!("{}@s.whatsapp.net", digits(p))),
            profile_name: None,
            profile_pic_url: None,
            integration: "WHATSAPP-BAILEYS".into(),
            number: phone.as_deref().map(digits),
            token: None,
            disconnection_reason_code: None,
            disconnection_at: None,
            created_at: iso(number.created_at),
            updated_at: iso(number.updated_at),
        }
    }
}

/// `GET /instance/connectionState/{instance}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionState {
    pub instance: StateOf,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StateOf {
    pub instance_name: String,
    #[schema(schema_with = connection)]
    pub state: String,
}

/// `GET /instance/connect/{instance}` while the number waits for its QR
/// (Evolution's `qrCode`); when connected, [`ConnectionState`] instead.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QrCode {
    /// Pairing by code is not offered here: null.
    pub pairing_code: Option<String>,
    /// The text the QR encodes; null until the number shows one.
    pub code: Option<String>,
    /// The QR as a PNG `data:` URL; null until the number shows one.
    pub base64: Option<String>,
    /// QR codes shown so far: 0 while starting, 1 once one is shown.
    pub count: u32,
}

/// `GET /instance/connect/{instance}`: a QR, or the state when connected.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Connect {
    Qr(QrCode),
    State(ConnectionState),
}

/// `POST /message/sendText/{instance}` (the fields ZapDesk reads; others
/// Evolution takes, such as `delay`, `linkPreview`, `mentioned`, `quoted`,
/// are accepted and ignored).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendText {
    /// The recipient: digits with the country code (`5511987654321`),
    /// optionally `@s.whatsapp.net`. Groups are not supported.
    pub number: String,
    pub text: String,
    /// Makes a retried request send once (as the `Idempotency-Key` header).
    pub message_id: Option<String>,
}

/// `POST /message/sendMedia/{instance}` (the fields ZapDesk reads).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendMedia {
    pub number: String,
    /// `image`, `document`, `video` or `audio`; ZapDesk decides how WhatsApp
    /// shows the file from its type (a video goes as a document).
    pub mediatype: String,
    /// The file's type; from `fileName`'s extension when absent.
    pub mimetype: Option<String>,
    pub caption: Option<String>,
    pub file_name: Option<String>,
    /// The file in base64 (a `data:` URL too). A URL is refused: ZapDesk
    /// does not download files for the API.
    pub media: String,
    pub message_id: Option<String>,
}

/// The message a send returns (a WhatsApp message row as Evolution writes it).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SentMessage {
    pub key: Key,
    /// `{ "conversation": text }`, or `{ "<kind>Message": { mimetype, caption, fileName } }`.
    #[schema(value_type = Object)]
    pub message: serde_json::Value,
    /// `conversation`, `imageMessage`, `audioMessage` or `documentMessage`.
    pub message_type: String,
    /// Unix seconds.
    pub message_timestamp: i64,
    /// `PENDING` (queued), `SERVER_ACK`, `DELIVERY_ACK`, `READ`, `PLAYED` or `ERROR`.
    pub status: String,
    /// ZapDesk's number id.
    pub instance_id: String,
    /// Always `api`.
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    /// `<digits>@s.whatsapp.net`.
    pub remote_jid: String,
    pub from_me: bool,
    /// ZapDesk's message id.
    pub id: String,
}

fn status_name(s: MessageStatus) -> &'static str {
    match s {
        MessageStatus::Pending | MessageStatus::Sending => "PENDING",
        MessageStatus::Sent => "SERVER_ACK",
        MessageStatus::Delivered => "DELIVERY_ACK",
        MessageStatus::Read => "READ",
        MessageStatus::Played => "PLAYED",
        MessageStatus::Failed => "ERROR",
        MessageStatus::Received => "DELIVERY_ACK",
    }
}

impl SentMessage {
    pub fn of(m: &Message, phone: &str) -> SentMessage {
        let (message_type, message) = match m.kind {
            MessageKind::Text => (
                "conversation",
                serde_json::json!({ "conversation": m.body }),
            ),
            kind => {
                let name = match kind {
                    MessageKind::Image => "imageMessage",
                    MessageKind::Audio => "audioMessage",
                    _ => "documentMessage",
                };
                let mut file = serde_json::json!({ "mimetype": m.media_mime });
                if !m.body.is_empty() {
                    file["caption"] = serde_json::Value::String(m.body.clone());
                }
                if let Some(n) = &m.media_name {
                    file["fileName"] = serde_json::Value::String(n.clone());
                }
                (name, serde_json::json!({ name: file }))
            }
        };
        SentMessage {
            key: Key {
                remote_jid: format!("{}@s.whatsapp.net", digits(phone)),
                from_me: true,
                id: m.id.to_string(),
            },
            message,
            message_type: message_type.to_owned(),
            message_timestamp: m.created_at / 1000,
            status: status_name(m.status).to_owned(),
            instance_id: m.instance_id.to_string(),
            source: "api".into(),
        }
    }
}

/// The phone of an Evolution `number`: digits (with the country code) or a
/// user JID; `None` for a group or anything else.
pub fn phone_of(number: &str) -> Option<String> {
    let n = number.trim();
    let user = n
        .strip_suffix("@s.whatsapp.net")
        .or_else(|| n.strip_suffix("@c.us"))
        .unwrap_or(n);
    // A group (`…@g.us`) or another kind of JID.
    if user.contains('@') {
        return None;
    }
    let digits = digits(user);
    if digits.is_empty() {
        return None;
    }
    // Evolution numbers carry the country code; a "+" makes ZapDesk read it so.
    Some(if user.trim_start().starts_with('+') || digits.len() > 11 {
        format!("+{digits}")
    } else {
        user.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_717_689_097_123), "2024-06-06T15:51:37.123Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn numbers_become_phones() {
        assert_eq!(phone_of("5511987654321").as_deref(), Some("+5511987654321"));
        assert_eq!(
            phone_of("5511987654321@s.whatsapp.net").as_deref(),
            Some("+5511987654321")
        );
        assert_eq!(
            phone_of("+55 11 98765-4321").as_deref(),
            Some("+5511987654321")
        );
        assert_eq!(phone_of("120363025246125888@g.us"), None);
        assert_eq!(phone_of(""), None);
    }
}
