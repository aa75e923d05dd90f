//! Drives WhatsApp Web from Rust: one Chromium per number (chromiumoxide), one
//! injected bridge script that is the only code touching WhatsApp Web, the
//! instance actor that keeps a number running, and the Sandbox fake.
//!
//! Tauri-free; the desktop shell and the CLI run numbers through [`fleet`].

pub mod actor;
pub mod backoff;
pub mod bridge;
pub mod browser_search;
pub mod campaigns;
mod catch_up;
pub mod chromium;
pub mod fleet;
pub mod inbound_retry;
mod lease;
pub mod profile;
pub mod protocol;
pub mod qr;
pub mod sandbox;
pub mod sandbox_directory;
pub mod status;

/// Runs `on_change` each time `changes` moves (the sync runner's count of
/// pulled rows), until its sender is dropped. Must be called inside the
/// async runtime.
pub(crate) fn on_each_change(
    mut changes: tokio::sync::watch::Receiver<u64>,
    on_change: impl Fn() + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while changes.changed().await.is_ok() {
            on_change();
        }
    })
}
