//! The sync engine's place in the app: one [`SyncRunner`] for the local store,
//! resumed from the saved connection at start, its every view pushed to the
//! UI as the `sync` event, stopped when the app exits. The lifecycle itself is
//! in `zapdesk_sync::runner`, where it is tested against a real server.

use std::sync::Arc;

use tauri::{AppHandle, Emitter, Manager};
use zapdesk_sync::SyncRunner;
use zapdesk_sync::runner::Sink;

use crate::state::AppState;

/// Name of the event that carries [`zapdesk_sync::SyncView`]s to the UI.
pub const SYNC_EVENT: &str = "sync";

/// Creates the runner (when the store opened), lets it decide who runs each
/// shared number, then starts the saved connection and, after it, the numbers
/// that were running: a shared number must not start before the server is
/// asked whether another desktop runs it.
pub fn start(app: &AppHandle, state: &AppState) {
    let Ok(store) = state.store() else {
        return;
    };
    let handle = app.clone();
    let sink: Sink = Arc::new(move |view| {
        if let Err(e) = handle.emit(SYNC_EVENT, view) {
            tracing::warn!("sync event not delivered to the UI: {e}");
        }
    });
    let runner = Arc::new(SyncRunner::new(store.clone(), sink));
    state.set_sync(Arc::clone(&runner));
    let fleet = state.fleet().ok().map(Arc::clone);
    if let Some(fleet) = &fleet {
        fleet.set_leases(runner.clone());
    }
    let campaigns = state.campaigns_waker();
    let lang = state.lang();
    // Setup runs outside the async runtime: what spawns tasks goes in here.
    tauri::async_runtime::spawn(async move {
        if let Some(fleet) = &fleet {
            // A reply typed on another desktop arrives as a pulled row: send it.
            fleet.follow(runner.pulled());
        }
        if let Some(campaigns) = &campaigns {
            // So do campaigns created, paused or resumed there.
            campaigns.follow(runner.pulled());
        }
        if let Err(e) = runner.resume(lang).await {
            tracing::error!("resuming sync: {e}");
        }
        if let Some(fleet) = fleet
            && let Err(e) = fleet.resume().await
        {
            tracing::error!("restarting numbers: {e}");
        }
    });
}

/// Closes the server connections politely; the saved connection stays.
pub fn shutdown(app: &AppHandle) {
    if let Ok(runner) = app.state::<AppState>().sync() {
        tauri::async_runtime::block_on(runner.shutdown());
    }
}
