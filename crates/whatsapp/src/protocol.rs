//! The JSON protocol between the bridge (assets/bridge.js) and Rust, version 1.
//! Events come from the page through the `__zapdeskEmit` binding; anything
//! malformed or unknown is reported as an error for the caller to log and
//! ignore, never a panic.

use serde::{Deserialize, Serialize};

/// The protocol version this build speaks; the bridge stamps every event with it.
pub const VERSION: u32 = 1;
/// Name of the CDP binding the bridge calls.
pub const BINDING: &str = "__zapdeskEmit";

/// What a message carries, as the bridge reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaKind {
    Text,
    Image,
    Audio,
    Document,
    Location,
    Contact,
}

/// A message seen by WhatsApp Web (inbound, or sent from the phone itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaMessage {
    /// WhatsApp's serialized id, e.g. `false_5511987654321@c.us_3EB0…`.
    pub id: String,
    /// The chat, e.g. `5511987654321@c.us`, an old `551187654321@c.us`,
    /// or a LID (`208715302051234@lid`).
    pub chat: String,
    /// For a LID chat, the `<phone>@c.us` behind it when WhatsApp shares it.
    #[serde(default)]
    pub phone_chat: Option<String>,
    pub from_me: bool,
    pub kind: WaKind,
    /// Text, or the caption of media.
    #[serde(default)]
    pub body: String,
    /// Seconds since the epoch, as WhatsApp stamps it.
    pub t: i64,
    /// The contact's own display name ("push name"), if WhatsApp sent one.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub mime: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
    #[serde(default)]
    pub vcard: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    /// Media bytes, base64, when downloaded and within the size limit.
    #[serde(default)]
    pub media: Option<String>,
    /// Why media is missing: `too_large` or `download_failed`.
    #[serde(default)]
    pub media_error: Option<String>,
    /// WhatsApp's ack on it when reported (our own sends come back at 0,
    /// "still in WhatsApp Web", then acks move them on).
    #[serde(default)]
    pub ack: Option<i32>,
}

/// An event from the bridge.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BridgeEvent {
    /// The bridge started in a new document.
    Hello {
        version: u32,
        url: String,
    },
    /// A login QR code (it rotates; each new one replaces the last).
    Qr {
        code: String,
    },
    /// WhatsApp asks for a login.
    RequireAuth,
    /// The phone approved the login; the session is syncing.
    Authenticated,
    /// Fully loaded: messages can be sent.
    Ready {
        me: Option<String>,
    },
    /// The session was logged out (from here or from the phone).
    LoggedOut,
    /// WhatsApp's connection came back.
    Online,
    /// WhatsApp's connection dropped (the phone or the network).
    Offline,
    Message {
        msg: WaMessage,
    },
    /// Delivery state of sent messages: -1 error, 1 server, 2 device, 3 read, 4 played.
    Ack {
        ack: i32,
        chat: Option<String>,
        ids: Vec<String>,
    },
    /// The bridge caught an error it could not handle itself.
    BridgeError {
        error: String,
    },
}

/// Why a payload from the page was not understood.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("bridge event is not JSON or not a known event: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("bridge speaks protocol version {0}, this build speaks {VERSION}")]
    Version(u64),
}

/// Parses one payload of the binding.
pub fn parse(payload: &str) -> Result<BridgeEvent, ProtocolError> {
    let value: serde_json::Value = serde_json::from_str(payload)?;
    let version = value
        .get("v")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if version != u64::from(VERSION) {
        return Err(ProtocolError::Version(version));
    }
    Ok(serde_json::from_value(value)?)
}

/// The chat id WhatsApp uses for a phone in E.164 (`+5511…` → `5511…@c.us`).
pub fn chat_id(e164: &str) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    format!("{digits}@c.us")
}

/// The E.164 phone ZapDesk stores for a one-to-one chat id (an old 8-digit
/// Brazilian id gets its ninth digit), or `None` for groups and others.
pub fn phone_of_chat(chat: &str) -> Option<String> {
    let user = chat.strip_suffix("@c.us")?;
    (!user.is_empty() && user.chars().all(|c| c.is_ascii_digit()))
        .then(|| zapdesk_core::phone::from_whatsapp(user))
}

/// The id we give an outgoing message before sending it, so that after a
/// crash the bridge can ask WhatsApp whether it already went out. Same shape
/// as WhatsApp Web's own (`true_<chat>_3EB0<hex>`).
pub fn outgoing_message_id(chat: &str, unique: uuid::Uuid) -> String {
    // One definition, in core, where ingest recognises it coming back.
    zapdesk_core::inbox::own_ids::outgoing(chat, zapdesk_core::MessageId::from_uuid(unique))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_events() {
        assert_eq!(
            parse(r#"{"v":1,"type":"qr","code":"2@abc"}"#).unwrap(),
            BridgeEvent::Qr {
                code: "2@abc".into()
            }
        );
        let ack = parse(r#"{"v":1,"type":"ack","ack":3,"chat":"1@c.us","ids":["a"]}"#).unwrap();
        assert_eq!(
            ack,
            BridgeEvent::Ack {
                ack: 3,
                chat: Some("1@c.us".into()),
                ids: vec!["a".into()]
            }
        );
    }

    #[test]
    fn refuses_garbage_unknown_types_and_other_versions() {
        assert!(matches!(
            parse("not json"),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"v":1,"type":"teleport"}"#),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"v":1,"type":"qr"}"#),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"v":2,"type":"qr","code":"x"}"#),
            Err(ProtocolError::Version(2))
        ));
        assert!(matches!(
            parse(r#"{"type":"qr","code":"x"}"#),
            Err(ProtocolError::Version(0))
        ));
    }

    #[test]
    fn chat_ids_and_phones() {
        assert_eq!(chat_id("+5511987654321"), "5511987654321@c.us");
        assert_eq!(
            phone_of_chat("5511987654321@c.us").as_deref(),
            Some("+5511987654321")
        );
        assert_eq!(
            phone_of_chat("551187654321@c.us").as_deref(),
            Some("+5511987654321"),
            "an account from before the ninth digit is the same contact"
        );
        assert_eq!(phone_of_chat("12036304@g.us"), None);
        assert_eq!(phone_of_chat("208715302051234@lid"), None);
        let id = outgoing_message_id("5511@c.us", uuid::Uuid::nil());
        assert_eq!(id, "true_5511@c.us_3EB00000000000000000");
    }
}
