//! ZapDesk's shared store on the agency's PostgreSQL (Supabase), free of Tauri.
//!
//! This crate owns the remote schema (`migrations/postgres`, embedded here),
//! provisioning it as the database owner, inviting operators (one PostgreSQL
//! LOGIN role each, which row-level security identifies), and how a desktop
//! connects: TLS, poolers, passwords in the OS credential store. It must never
//! hold the owner's credentials beyond one CLI command, never store a password
//! outside the credential store, and never let a client-chosen setting decide
//! what an operator may see. On top of it, the sync engine: a local outbox
//! filled by triggers generated from the table catalog ([`triggers`]), [`push`], [`pull`], and the
//! [`engine`] task that runs them with LISTEN/NOTIFY and backoff (docs/sync.md).

pub mod commands;
pub mod connection;
pub mod engine;
pub mod error;
pub mod hlc;
pub mod invite;
pub mod leases;
pub mod membership;
mod merge;
pub mod parked;
pub mod plan_limits;
pub mod provision;
pub mod pull;
pub mod push;
mod republish;
pub mod runner;
pub mod saved;
pub mod scram;
pub mod secret;
pub mod status;
pub mod sync_error;
pub mod tables;
pub mod team;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod triggers;
pub mod webhook_secrets;

use sqlx::migrate::Migrator;

pub use connection::{ConnectionSettings, RemoteStatus, TlsMode, test_connection};
pub use engine::{Engine, EngineConfig};
pub use error::RemoteError;
pub use membership::MemberRole;
pub use parked::ParkedChange;
pub use pull::{PullReport, pull_once};
pub use push::{PushReport, push_once};
pub use runner::{SyncRunner, SyncView};
pub use saved::SavedError;
pub use secret::{Password, SavedPassword};
pub use status::{SyncState, SyncStatus};
pub use sync_error::SyncError;

/// The migrations of `migrations/postgres/`, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/postgres");

/// The newest remote schema version this binary speaks.
pub fn latest_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Whether a name can be a role we create: lower-case ASCII letters, digits
/// and `_`, not starting with a digit, at most 63 bytes (PostgreSQL's limit),
/// so it never needs quoting rules beyond double quotes.
pub(crate) fn is_role_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}
