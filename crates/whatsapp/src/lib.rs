//! Drives WhatsApp Web from Rust: one Chromium per number (chromiumoxide), one
//! injected bridge script that is the only code touching WhatsApp Web, the
//! instance actor that keeps a number running, and the Sandbox fake.
//!
//! Tauri-free; the desktop shell and the CLI run numbers through [`fleet`].

pub mod actor;
pub mod backoff;
pub mod bridge;
pub mod campaigns;
pub mod chromium;
pub mod fleet;
pub mod profile;
pub mod protocol;
pub mod qr;
pub mod sandbox;
pub mod status;
