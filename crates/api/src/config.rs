//! How the server runs: its port, whether it listens on the local network,
//! its limits.

use std::sync::Arc;

use zapdesk_core::settings::{API_DEFAULT_PORT, ApiSettings};
use zapdesk_core::{AccountId, ErrorCode, Lang, UserError};

/// The largest JSON body of most requests.
pub const JSON_LIMIT: usize = 1024 * 1024;
/// The largest body of a send: WhatsApp's file limit (16 MiB,
/// `zapdesk_core::limits::FILE_BYTES`) as base64 (4/3), with room for the JSON around it.
pub const SEND_LIMIT: usize = zapdesk_core::limits::FILE_BYTES / 3 * 4 + 1024 * 1024;

/// Requests per token: a sustained rate and the burst above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

impl Default for RateLimit {
    /// Enough for an import loop or an automation platform's bursts; a
    /// runaway script is slowed, not this desktop.
    fn default() -> Self {
        RateLimit {
            per_second: 50,
            burst: 200,
        }
    }
}

/// Test-only fault injection (hidden from the documentation).
#[doc(hidden)]
#[derive(Clone, Default)]
pub struct Hooks {
    /// Runs after a send was queued and before its answer is written: a
    /// test panics there to cut the connection, as a crash would.
    pub after_send: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Awaited before a send is queued: a test holds a request in flight.
    pub before_send: Option<Arc<dyn Fn() -> Hold + Send + Sync>>,
    /// How long stopping waits for requests in flight (default
    /// [`crate::server::STOP_GRACE`]).
    pub stop_grace: Option<std::time::Duration>,
    /// Called by the group commit's writer with the number of sends in its
    /// batch, after they are written and before the commit; `false` rolls
    /// the batch back as a failed commit would. A test holds a batch there.
    pub before_commit: Option<Arc<dyn Fn(usize) -> Commit + Send + Sync>>,
    /// Called each time a send has joined the group commit's queue: a test
    /// waits for a batch to gather.
    pub send_queued: Option<Arc<dyn Fn() + Send + Sync>>,
}

/// What [`Hooks::before_commit`] returns: whether to commit, when ready.
pub type Commit = std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>;

/// What [`Hooks::before_send`] returns: a future the request waits on.
pub type Hold = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Where and how the server listens.
#[derive(Clone)]
pub struct ApiConfig {
    /// 0: any free port (tests).
    pub port: u16,
    /// Listen on every interface (the local network), not only 127.0.0.1.
    pub lan: bool,
    pub rate: RateLimit,
    /// Serve this account only (`zapdesk-cli serve --account`): every other
    /// account is "not found", whatever the token; `None`: every account.
    pub account: Option<AccountId>,
    /// Keep pages, tokens and accounts while the store has not changed
    /// (`kept`); off only to measure what the store's queries cost.
    pub keep_answers: bool,
    /// Queue the texts of concurrent sends in one write transaction
    /// (`group_commit`); off only to measure a commit per send.
    pub group_sends: bool,
    #[doc(hidden)]
    pub hooks: Hooks,
}

impl std::fmt::Debug for ApiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiConfig")
            .field("port", &self.port)
            .field("lan", &self.lan)
            .field("rate", &self.rate)
            .field("account", &self.account)
            .field("keep_answers", &self.keep_answers)
            .field("group_sends", &self.group_sends)
            .finish()
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig::from(ApiSettings::default())
    }
}

impl From<ApiSettings> for ApiConfig {
    fn from(s: ApiSettings) -> Self {
        ApiConfig {
            port: s.port,
            lan: s.lan,
            rate: RateLimit::default(),
            account: None,
            keep_answers: true,
            group_sends: true,
            hooks: Hooks::default(),
        }
    }
}

/// The default port, shown in Settings → API.
pub const DEFAULT_PORT: u16 = API_DEFAULT_PORT;

/// A port a person may choose: not a privileged one (below 1024 needs the
/// administrator), not 0.
#[derive(Debug, Clone, thiserror::Error)]
#[error("port {0} cannot be used")]
pub struct PortInvalid(pub u32);

impl UserError for PortInvalid {
    fn code(&self) -> ErrorCode {
        ErrorCode::ApiPortInvalid
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::PtBr => format!(
                "A porta {} não pode ser usada. Escolha um número entre 1024 e 65535 (padrão: {DEFAULT_PORT}).",
                self.0
            ),
            Lang::En => format!(
                "Port {} cannot be used. Choose a number between 1024 and 65535 (default: {DEFAULT_PORT}).",
                self.0
            ),
        }
    }
}

/// `port` if a person may choose it.
pub fn check_port(port: u32) -> Result<u16, PortInvalid> {
    match u16::try_from(port) {
        Ok(p) if p >= 1024 => Ok(p),
        _ => Err(PortInvalid(port)),
    }
}
