//! Sending one message.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zapdesk_app::{SendContent, SendRequest, SendTo, Sent};
use zapdesk_core::{ContactId, ConversationId, InstanceId};

use super::chats::Message;
use crate::error::Refusal;

/// A file, its bytes in base64.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileInput {
    /// Its name as the contact sees it (`boleto.pdf`).
    pub name: String,
    /// Its type (`application/pdf`, `image/jpeg`): JPEG, PNG and WebP go as
    /// images, audio as audio, anything else as a document. Programs and
    /// scripts are refused.
    pub mime: String,
    /// The bytes, base64 (at most 16 MiB of file).
    pub data: String,
    pub caption: Option<String>,
}

/// A message to send: to a phone or a contact, a text or a file.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendInput {
    /// To this phone (a contact is created if the account has none); or …
    pub phone: Option<String>,
    /// … to this contact.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub contact_id: Option<ContactId>,
    /// From this number; absent: the number the contact last talked to,
    /// else the account's only number, else its first connected one.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub from: Option<InstanceId>,
    /// A text (at most 4096 characters); or …
    pub text: Option<String>,
    /// … a file.
    pub file: Option<FileInput>,
}

impl SendInput {
    /// The app's request; refused unless exactly one recipient and one content.
    pub fn request(self) -> Result<SendRequest, Refusal> {
        let to = match (self.phone, self.contact_id) {
            (Some(phone), None) => SendTo::Phone(phone),
            (None, Some(contact)) => SendTo::Contact(contact),
            _ => {
                return Err(Refusal::BadRequest(
                    "give either \"phone\" or \"contact_id\"".into(),
                ));
            }
        };
        let content = match (self.text, self.file) {
            (Some(text), None) => SendContent::Text { text },
            (None, Some(f)) => SendContent::File {
                name: f.name,
                mime: f.mime,
                data: f.data,
                caption: f.caption,
            },
            _ => {
                return Err(Refusal::BadRequest(
                    "give either \"text\" or \"file\"".into(),
                ));
            }
        };
        Ok(SendRequest {
            to,
            from: self.from,
            content,
        })
    }
}

/// A message queued in the durable outbox: a connected number sends it at
/// once, a stopped one when it connects (its `status` moves on; read it
/// again from the chat's messages, or receive `message.status` webhooks).
#[derive(Debug, Serialize, ToSchema)]
pub struct SendResult {
    pub message: Message,
    #[schema(value_type = uuid::Uuid)]
    pub conversation_id: ConversationId,
    #[schema(value_type = uuid::Uuid)]
    pub contact_id: ContactId,
    #[schema(value_type = uuid::Uuid)]
    pub instance_id: InstanceId,
}

impl From<Sent> for SendResult {
    fn from(s: Sent) -> Self {
        SendResult {
            message: s.message.into(),
            conversation_id: s.conversation,
            contact_id: s.contact,
            instance_id: s.instance,
        }
    }
}
