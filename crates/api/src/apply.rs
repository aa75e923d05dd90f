//! Settings → API's "save": the port and the local-network choice are kept
//! only once the server listens with them, so a port another program holds
//! leaves the API where it was and the setting as it was (never saved but
//! not listening, never listening on a port the setting does not name).

use zapdesk_core::changes::Table;
use zapdesk_core::domain::Role;
use zapdesk_core::settings::{self, ApiSettings, SettingsError};
use zapdesk_core::users;
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
    /// Opening the API to the local network, by an operator who is not the
    /// agency's owner.
    #[error("only an owner may open the API to the local network")]
    NotOwner,
    #[error("reading who uses this desktop: {0}")]
    Users(#[from] users::UserErrorKind),
}

impl UserError for ApplyError {
    fn code(&self) -> ErrorCode {
        match self {
            ApplyError::Port(e) => e.code(),
            ApplyError::Serve(e) => e.code(),
            ApplyError::Settings(e) => e.code(),
            ApplyError::NotOwner => ErrorCode::ApiForbidden,
            ApplyError::Users(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            ApplyError::Port(e) => e.message(lang),
            ApplyError::Serve(e) => e.message(lang),
            ApplyError::Settings(e) => e.message(lang),
            ApplyError::NotOwner => lang
                .pick(
                    "Só o dono da agência pode abrir a API para a rede local. Peça ao dono para ligar esta opção (o atendente deste computador é escolhido em Configurações).",
                    "Only the agency's owner can open the API to the local network. Ask the owner to turn this on (who uses this computer is chosen in Settings).",
                )
                .to_owned(),
            ApplyError::Users(e) => e.message(lang),
        }
    }
}

impl ApiServer {
    /// Listens on `port` (the local network too when `lan`), then saves
    /// both. When the new port cannot be used, the server goes back to what
    /// it had and nothing is saved. Turning the local network on is the
    /// agency owner's choice only (as agency-wide tokens are); refused, as
    /// everything, once the server was stopped for good.
    pub async fn apply(&self, port: u32, lan: bool) -> Result<ServerState, ApplyError> {
        let port = check_port(port)?;
        if self.stopped().await {
            return Err(ServeError::Stopped.into());
        }
        let before = self.state();
        if lan && !before.config.lan {
            let me = users::me(self.app().store()).await?;
            if !me.is_some_and(|u| u.role == Role::Owner) {
                return Err(ApplyError::NotOwner);
            }
        }
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
