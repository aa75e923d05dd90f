//! Settings → API's "save": the port and the local-network choice are kept
//! only once the server listens with them, so a port another program holds
//! leaves the API where it was and the setting as it was (never saved but
//! not listening, never listening on a port the setting does not name).

use zapdesk_core::changes::Table;
use zapdesk_core::settings::{self, ApiSettings, SettingsError};
use zapdesk_core::{ErrorCode, Lang, UserError};

use crate::config::{ApiConfig, PortInvalid, check_port};
use crate::server::{ApiServer, ServeError, ServerState};

/// Why new API settings were not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Port(#[from] PortInvalid),
    #[error(transparent)]
    Serve(#[from] ServeError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

impl UserError for ApplyError {
    fn code(&self) -> ErrorCode {
        match self {
            ApplyError::Port(e) => e.code(),
            ApplyError::Serve(e) => e.code(),
            ApplyError::Settings(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            ApplyError::Port(e) => e.message(lang),
            ApplyError::Serve(e) => e.message(lang),
            ApplyError::Settings(e) => e.message(lang),
        }
    }
}

impl ApiServer {
    /// Listens on `port` (the local network too when `lan`), then saves
    /// both. When the new port cannot be used, the server goes back to what
    /// it had and nothing is saved.
    pub async fn apply(&self, port: u32, lan: bool) -> Result<ServerState, ApplyError> {
        let port = check_port(port)?;
        let before = self.state();
        let wanted = ApiConfig {
            port,
            lan,
            ..before.config.clone()
        };
        if let Err(refused) = self.restart(wanted).await {
            if let Err(e) = self.restart(before.config).await {
                tracing::warn!("api: back on the old port: {e}");
            }
            return Err(refused.into());
        }
        let saved = settings::set_api(self.app().store(), ApiSettings { port, lan });
        self.app().wrote(None, &[Table::Settings], saved).await?;
        Ok(self.state())
    }
}
