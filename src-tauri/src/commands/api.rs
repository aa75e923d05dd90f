//! Settings → API: where the local API listens (port, local network) and its
//! tokens. The server itself is `zapdesk-api`'s; the window starts it with
//! the app (see `lib.rs`).

use serde::Serialize;
use tauri::State;
use zapdesk_core::access::Area;
use zapdesk_core::api_tokens::{self, ApiToken, ApiTokenInput, CreatedToken};
use zapdesk_core::changes::Table;
use zapdesk_core::ids::ApiTokenId;

use crate::{AppState, IpcError};

/// The local API as Settings → API shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ApiStatus {
    pub port: u16,
    /// Listening on the local network too, not only on this computer.
    pub lan: bool,
    pub default_port: u16,
    /// Where it listens (`127.0.0.1:8787`), `None` when it does not.
    pub listening: Option<String>,
    /// Why it does not listen, in the interface language.
    pub error: Option<IpcError>,
    /// The interactive documentation, for a browser on this computer.
    pub docs_url: Option<String>,
}

fn status(state: &AppState) -> Result<ApiStatus, IpcError> {
    let server = state.api()?.state();
    Ok(ApiStatus {
        port: server.config.port,
        lan: server.config.lan,
        default_port: zapdesk_api::DEFAULT_PORT,
        listening: server.listening.map(|a| a.to_string()),
        error: server
            .error
            .as_ref()
            .map(|e| IpcError::new(e, state.lang())),
        docs_url: server.docs_url(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn api_status(state: State<'_, AppState>) -> Result<ApiStatus, IpcError> {
    status(&state)
}

/// Opens the interactive documentation in this computer's browser; `false`
/// when the API does not listen or no browser opened (the screen then says
/// to copy the address). The address is the server's own, never one the
/// window names: the window needs no permission to open addresses.
#[tauri::command]
#[specta::specta]
pub async fn api_open_docs(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<bool, IpcError> {
    use tauri_plugin_opener::OpenerExt;
    let Some(url) = state.api()?.state().docs_url() else {
        return Ok(false);
    };
    match app.opener().open_url(url, None::<&str>) {
        Ok(()) => Ok(true),
        Err(e) => {
            tracing::warn!("api: opening the documentation: {e}");
            Ok(false)
        }
    }
}

/// Listens on `port` (and the local network when `lan`) and saves both; a
/// port that cannot be used is refused and the API stays where it was.
#[tauri::command]
#[specta::specta]
pub async fn api_set_config(
    state: State<'_, AppState>,
    port: u32,
    lan: bool,
) -> Result<ApiStatus, IpcError> {
    // The API's settings are the agency's: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    state.api()?.apply(port, lan).await?;
    status(&state)
}

/// Every token of this desktop, agency-wide ones included (never a secret).
#[tauri::command]
#[specta::specta]
pub async fn api_tokens_list(state: State<'_, AppState>) -> Result<Vec<ApiToken>, IpcError> {
    Ok(api_tokens::list(state.store()?).await?)
}

/// A new token; its whole text is in the answer and nowhere else.
#[tauri::command]
#[specta::specta]
pub async fn api_tokens_create(
    state: State<'_, AppState>,
    input: ApiTokenInput,
) -> Result<CreatedToken, IpcError> {
    let created = api_tokens::create(state.store()?, &input);
    Ok(state
        .app()?
        .wrote(None, &[Table::ApiTokens], created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn api_tokens_revoke(state: State<'_, AppState>, id: ApiTokenId) -> Result<(), IpcError> {
    let revoked = api_tokens::revoke(state.store()?, id);
    state
        .app()?
        .wrote(None, &[Table::ApiTokens], revoked)
        .await?;
    Ok(())
}
