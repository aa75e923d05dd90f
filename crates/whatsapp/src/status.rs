//! Where a number's session stands, as the UI shows it.

use serde::Serialize;

/// The life of one number's WhatsApp Web session.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    Stopped,
    /// Chromium is starting or WhatsApp Web is loading.
    Starting,
    /// Waiting for the phone to scan this QR (`qr`: a PNG `data:` URL; `code`:
    /// the text it encodes, for a terminal); it rotates.
    AwaitingQr {
        qr: String,
        code: String,
    },
    /// The phone approved; WhatsApp Web is syncing.
    Pairing,
    Connected {
        me: Option<String>,
    },
    /// The session is logged in but cannot reach WhatsApp (phone or network
    /// offline), or the browser is being restarted.
    Disconnected {
        reason: String,
    },
    /// Gave up for now; `reason` says why.
    Failed {
        reason: String,
    },
}

impl Status {
    /// The name stored in the `instances.status` column.
    pub fn key(&self) -> &'static str {
        match self {
            Status::Stopped => "stopped",
            Status::Starting => "starting",
            Status::AwaitingQr { .. } => "awaiting_qr",
            Status::Pairing => "pairing",
            Status::Connected { .. } => "connected",
            Status::Disconnected { .. } => "disconnected",
            Status::Failed { .. } => "failed",
        }
    }
}
