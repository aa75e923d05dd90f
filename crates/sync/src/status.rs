//! What the sync engine tells the UI: a state, when it last synced, and how
//! many changes wait to be pushed. Published through a `tokio::sync::watch`.

use serde::Serialize;
use zapdesk_core::ErrorCode;

/// Where the engine is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    /// Connected; nothing left to push; every account pulled.
    Synced,
    /// Connecting, pushing or pulling: `done` of `total` accounts.
    Syncing { done: u64, total: u64 },
    /// The server cannot be reached since this time (Unix ms); everything
    /// keeps working locally and the engine retries with backoff.
    Offline { since: i64 },
    /// The server answered with an error a person must act on (login refused,
    /// schema outdated, …); retried with backoff as well.
    Error { code: ErrorCode, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SyncStatus {
    pub state: SyncState,
    /// When the last complete push and pull ended (Unix ms).
    pub last_sync: Option<i64>,
    /// Local changes of shared accounts waiting to be pushed.
    pub waiting: u64,
    /// Changes the server refused for good, set aside so the rest flows
    /// (Settings → Sincronização lists them).
    pub parked: u64,
    /// Rows pulled into the local store since the engine started: it moves
    /// whenever another desktop's change arrives, for views to refresh.
    pub pulled: u64,
}

impl Default for SyncStatus {
    fn default() -> Self {
        SyncStatus {
            state: SyncState::Syncing { done: 0, total: 0 },
            last_sync: None,
            waiting: 0,
            parked: 0,
            pulled: 0,
        }
    }
}
