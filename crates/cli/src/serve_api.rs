//! `serve`'s local API: listening as Settings → API says (or on
//! `--api-port`), serving only `--account`'s data when given, where it
//! listens (or why not) on stderr; and the signals that stop `serve`.

use std::sync::Arc;

use zapdesk_api::{ApiConfig, ApiServer};
use zapdesk_app::App;
use zapdesk_core::{AccountId, Store, UserError, settings};

pub async fn start(
    store: &Store,
    app: &App,
    port: Option<u16>,
    account: Option<AccountId>,
) -> Arc<ApiServer> {
    let saved = settings::api(store).await.unwrap_or_default();
    let mut config = ApiConfig::from(saved);
    // `serve --account A` runs A's numbers only: the API serves A only too
    // (another account is "not found", even for an agency token).
    config.account = account;
    if let Some(port) = port {
        config.port = port;
    }
    let server = ApiServer::start(app.clone(), config).await;
    let state = server.state();
    match (state.listening, state.error) {
        // A line a script can read the address from (the port may be 0: any).
        (Some(addr), _) => eprintln!("api: listening on http://{addr} (docs: /docs)"),
        (None, Some(e)) => {
            let lang = settings::language(store).await.unwrap_or_default();
            eprintln!("api: {}", e.message(lang));
        }
        (None, None) => {}
    }
    server
}

/// Waits for Ctrl-C or, on Unix, SIGTERM (a service manager, a script's `kill`).
pub async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
