//! The inbox's voice messages: a recording from the composer, made an
//! Ogg/Opus voice note (crates/core/src/inbox/voice.rs), queued in the same
//! durable outbox as a file and sent by the conversation's number.

use serde::{Deserialize, Serialize};
use zapdesk_core::changes::Table;
use zapdesk_core::inbox::voice;
use zapdesk_core::{AccountId, ConversationId, MessageId};

use crate::{App, AppError};

/// A recording as the composer's MediaRecorder made it.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct VoiceInput {
    /// The recorder's type (`audio/webm;codecs=opus`, `audio/ogg`, `audio/mp4`).
    pub mime: String,
    /// The bytes, base64.
    pub data: String,
}

impl App {
    /// Queues a voice message; `true` when its number is connected and it
    /// goes out now. `id`: one press of Enviar, as for a reply (asked twice,
    /// queued once). Refused, with nothing written: an empty recording, one
    /// in a format WhatsApp does not take, one over the file limit.
    pub async fn inbox_send_voice(
        &self,
        account: AccountId,
        conversation: ConversationId,
        id: MessageId,
        recording: VoiceInput,
    ) -> Result<bool, AppError> {
        // Remuxed before anything is written: a bad recording leaves nothing.
        let note = voice::decode_recording(&recording.mime, &recording.data)?;
        // Through the fleet, as a file: it refuses a number another desktop
        // runs (the recording is kept on this one).
        let sent = self.fleet().send_file(account, conversation, id, &note, "");
        Ok(self
            .wrote(
                Some(account),
                &[Table::Messages, Table::Conversations],
                sent,
            )
            .await?)
    }
}
