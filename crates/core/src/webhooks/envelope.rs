//! The body a webhook receives: ZapDesk's envelope around the event's data,
//! or Evolution API v2's webhook body for the events it has a name for
//! (docs/webhooks.md shows both). Made at each attempt from the stored
//! event, so a webhook whose format changed sends what it says now.

use serde_json::{Value, json};

use super::model::{EventType, WebhookFormat};
use super::queue::Due;

/// The JSON body of `due`, or why it cannot be sent in its webhook's
/// format (then the delivery is given up, not retried).
pub fn body(due: &Due, server_url: Option<&str>) -> Result<Vec<u8>, String> {
    let kind = due
        .event_type()
        .ok_or_else(|| format!("unknown event {:?}", due.event_type))?;
    let data: Value =
        serde_json::from_str(&due.data).map_err(|_| "the event's data is not JSON".to_owned())?;
    let body = match due.format {
        WebhookFormat::Zapdesk => zapdesk(due, kind, data),
        WebhookFormat::Evolution => evolution(due, kind, data, server_url)?,
    };
    serde_json::to_vec(&body).map_err(|e| e.to_string())
}

/// `{"id", "type", "account_id", "instance_id", "timestamp", "data"}`.
fn zapdesk(due: &Due, kind: EventType, data: Value) -> Value {
    json!({
        "id": due.event,
        "type": kind.name(),
        "account_id": due.account,
        "instance_id": due.instance,
        "timestamp": due.event_at,
        "data": data,
    })
}

/// Evolution API v2's body (its `webhook.controller.ts`: `event`,
/// `instance`, `data`, `destination`, `date_time`, `sender`, `server_url`,
/// `apikey`); `data` as its Baileys channel fills it for each event.
fn evolution(
    due: &Due,
    kind: EventType,
    data: Value,
    server_url: Option<&str>,
) -> Result<Value, String> {
    let number = &data["number"];
    let instance_name = number["name"].as_str();
    let own_jid = number["phone"].as_str().map(jid);
    let (event, payload) = match kind {
        EventType::MessageReceived | EventType::MessageSent => {
            ("messages.upsert", message_upsert(due, &data))
        }
        EventType::MessageStatus => ("messages.update", message_update(due, &data)),
        EventType::NumberStatus => {
            let (state, reason) = match data["status"].as_str() {
                Some("connected") => ("open", 200),
                Some("qr_needed") => ("connecting", 200),
                // Baileys' DisconnectReason.connectionClosed.
                _ => ("close", 428),
            };
            (
                "connection.update",
                json!({
                    "instance": instance_name,
                    "wuid": own_jid,
                    "profileName": null,
                    "profilePictureUrl": null,
                    "state": state,
                    "statusReason": reason,
                }),
            )
        }
        EventType::NumberQr => (
            "qrcode.updated",
            json!({
                "qrcode": {
                    "instance": instance_name,
                    "pairingCode": null,
                    "code": data["code"],
                    "base64": data["qr"],
                }
            }),
        ),
        // Evolution has no test event: ZapDesk's own name, its data as is.
        EventType::Test => ("zapdesk.test", data.clone()),
        other => {
            return Err(format!(
                "the Evolution format has no event for {}",
                other.name()
            ));
        }
    };
    Ok(json!({
        "event": event,
        "instance": instance_name,
        "data": payload,
        "destination": due.url,
        "date_time": iso_datetime(due.event_at),
        "sender": own_jid,
        "server_url": server_url,
        "apikey": null,
    }))
}

/// WhatsApp's id of a phone (`+5511…` → `5511…@s.whatsapp.net`).
fn jid(phone: &str) -> String {
    format!("{}@s.whatsapp.net", phone.trim_start_matches('+'))
}

/// Evolution's status names (its `renderStatus.ts`).
fn evolution_status(status: &str) -> &'static str {
    match status {
        "sent" => "SERVER_ACK",
        "delivered" | "received" => "DELIVERY_ACK",
        "read" => "READ",
        "played" => "PLAYED",
        "failed" => "ERROR",
        _ => "PENDING",
    }
}

/// A message as Evolution's `messages.upsert` carries it: Baileys' key,
/// the message by type (text as `conversation`, media with its caption).
fn message_upsert(due: &Due, data: &Value) -> Value {
    let message = &data["message"];
    let contact = &data["contact"];
    let from_me = message["direction"].as_str() == Some("outbound");
    let body = message["body"].as_str().unwrap_or("");
    let media = &message["media"];
    let (kind, content) = match message["kind"].as_str() {
        Some("image") => (
            "imageMessage",
            json!({"imageMessage": {"caption": body, "mimetype": media["mime"]}}),
        ),
        Some("audio") => (
            "audioMessage",
            json!({"audioMessage": {"mimetype": media["mime"]}}),
        ),
        Some("document") => (
            "documentMessage",
            json!({"documentMessage": {
                "caption": body, "fileName": media["name"], "mimetype": media["mime"]
            }}),
        ),
        // Text, and a location or a contact card as the text ZapDesk keeps.
        _ => ("conversation", json!({"conversation": body})),
    };
    let at = message["sent_at"]
        .as_i64()
        .filter(|t| *t > 0)
        .or(message["created_at"].as_i64())
        .unwrap_or(due.event_at);
    let push_name = if from_me {
        data["number"]["name"].as_str()
    } else {
        contact["name"].as_str()
    };
    json!({
        "key": {
            "remoteJid": contact["phone"].as_str().map(jid),
            "fromMe": from_me,
            "id": message["wa_id"],
        },
        "pushName": push_name.unwrap_or(""),
        "status": evolution_status(message["status"].as_str().unwrap_or("")),
        "message": content,
        "messageType": kind,
        "messageTimestamp": at / 1000,
        "instanceId": due.instance,
        "source": "web",
    })
}

/// A status change as Evolution's `messages.update` carries it.
fn message_update(due: &Due, data: &Value) -> Value {
    let message = &data["message"];
    json!({
        "keyId": message["wa_id"],
        "remoteJid": data["contact"]["phone"].as_str().map(jid),
        "fromMe": message["direction"].as_str() == Some("outbound"),
        "participant": null,
        "status": evolution_status(data["status"].as_str().unwrap_or("")),
        "instanceId": due.instance,
        "messageId": message["id"],
    })
}

/// `2024-01-19T14:13:49.253Z` for a Unix-millisecond time.
pub(crate) fn iso_datetime(ms: i64) -> String {
    let day = crate::time::iso_date(ms);
    let in_day = ms.rem_euclid(86_400_000);
    format!(
        "{day}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_8601_in_utc() {
        assert_eq!(iso_datetime(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_datetime(1_705_684_429_253), "2024-01-19T17:13:49.253Z");
        assert_eq!(iso_datetime(951_868_799_999), "2000-02-29T23:59:59.999Z");
    }
}
