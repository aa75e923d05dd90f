//! A sample body per event, in ZapDesk's envelope: what Zapier, Make and
//! n8n show while a person maps fields, before a real event arrives. The
//! shapes are the triggers' (migration 0023); a test compares the keys of
//! each with a real event's.

use serde_json::{Value, json};

use super::model::EventType;

const ACCOUNT: &str = "01963b1e-7c4a-7d55-9a3e-2f6b1c0d4e51";
const NUMBER: &str = "01963b1e-8a10-7b2c-8d4f-5e6a7b8c9d01";
const CONTACT: &str = "01963b1f-02aa-7c11-b5d2-3c4d5e6f7a82";
const CONVERSATION: &str = "01963b1f-1b7e-7e90-a1b2-c3d4e5f6a7b8";
const AT: i64 = 1_767_268_800_000;

fn contact() -> Value {
    json!({
        "id": CONTACT,
        "phone": "+5511987654321",
        "name": "Maria Souza",
        "opted_out": false,
        "created_at": AT - 86_400_000,
        "updated_at": AT - 3_600_000,
    })
}

fn number() -> Value {
    json!({"id": NUMBER, "name": "Vendas", "phone": "+5511912345678"})
}

fn message(direction: &str, status: &str) -> Value {
    let inbound = direction == "inbound";
    json!({
        "id": "01963b20-3c55-7a01-9f00-aabbccddeeff",
        "wa_id": if inbound { "3EB0A1B2C3D4E5F60718" } else { "true_5511987654321@c.us_3EB0F00D" },
        "conversation_id": CONVERSATION,
        "direction": direction,
        "kind": "text",
        "body": if inbound { "Oi! Vocês abrem sábado?" } else { "Abrimos sim, das 9h às 13h." },
        "status": status,
        "error": null,
        "media": null,
        "sent_at": AT,
        "created_at": AT,
        "bot": null,
    })
}

fn conversation(status: &str, owner: &str, assigned: bool) -> Value {
    json!({
        "id": CONVERSATION,
        "status": status,
        "owner": owner,
        "assignee": if assigned {
            json!({"id": "01963b10-0000-7000-8000-00000000c0de", "name": "Carla"})
        } else {
            Value::Null
        },
        "unread_count": 0,
        "last_message_at": AT,
        "created_at": AT - 86_400_000,
    })
}

fn data(event: EventType) -> Value {
    match event {
        EventType::MessageReceived => json!({
            "message": message("inbound", "received"), "contact": contact(), "number": number()
        }),
        EventType::MessageSent => json!({
            "message": message("outbound", "sent"), "contact": contact(), "number": number()
        }),
        EventType::MessageStatus => json!({
            "message": message("outbound", "read"), "contact": contact(), "number": number(),
            "status": "read", "previous_status": "delivered"
        }),
        EventType::ContactCreated => json!({"contact": contact()}),
        EventType::ContactUpdated => json!({
            "contact": contact(),
            "previous": {"phone": "+5511987654321", "name": "Maria", "opted_out": false}
        }),
        EventType::TagAdded | EventType::TagRemoved => json!({
            "contact": contact(),
            "tag": {"id": "01963b21-4d00-7b00-8c00-0000000000aa", "name": "VIP", "color": "#f59e0b"}
        }),
        EventType::ConversationAssigned => json!({
            "conversation": conversation("open", "human", true), "contact": contact(), "number": number()
        }),
        EventType::ConversationResolved => json!({
            "conversation": conversation("resolved", "bot", true), "contact": contact(), "number": number()
        }),
        EventType::ConversationHandedOff => json!({
            "conversation": conversation("open", "human", false), "contact": contact(), "number": number()
        }),
        EventType::CampaignFinished => json!({
            "campaign": {
                "id": "01963b22-5e00-7c00-9d00-0000000000bb",
                "name": "Promoção de sábado",
                "status": "done",
                "recipients": 120,
                "queued": 117,
                "skipped": 3,
                "created_at": AT - 7_200_000,
                "finished_at": AT,
            }
        }),
        EventType::FlowCompleted => json!({
            "flow": {"id": "01963b23-6f00-7d00-8e00-0000000000cc", "name": "Agendamento"},
            "session": {
                "id": "01963b24-7000-7e00-8f00-0000000000dd",
                "reason": "done",
                "answers": {"dia": "Sábado", "ultima_resposta": "Sábado"},
                "started_at": AT - 300_000,
                "ended_at": AT,
            },
            "conversation": conversation("open", "bot", false),
            "contact": contact(),
            "number": number()
        }),
        EventType::NumberStatus => json!({
            "number": number(), "status": "connected", "previous_status": "qr_needed", "detail": null
        }),
        EventType::NumberQr => json!({
            "number": number(),
            "qr": "data:image/png;base64,iVBORw0KGgo=",
            "code": "2@AbCdEf…",
        }),
        EventType::Test => json!({
            "message": "Evento de teste do ZapDesk / ZapDesk test event",
            "webhook_id": "01963b25-8100-7f00-9000-0000000000ee",
        }),
    }
}

/// A sample body of `event` in ZapDesk's envelope.
pub fn sample(event: EventType) -> Value {
    let instance = match event {
        EventType::ContactCreated
        | EventType::ContactUpdated
        | EventType::TagAdded
        | EventType::TagRemoved
        | EventType::CampaignFinished
        | EventType::Test => Value::Null,
        _ => Value::from(NUMBER),
    };
    json!({
        "id": "8f14e45f-ceea-467f-a9d5-0b7a4c3e2d10",
        "type": event.name(),
        "account_id": ACCOUNT,
        "instance_id": instance,
        "timestamp": AT,
        "data": data(event),
    })
}
