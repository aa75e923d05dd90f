//! ZapDesk's local REST API (issue 17), served by the app and by
//! `zapdesk-cli serve`: each handler is one call of `zapdesk-app` or the core,
//! as each Tauri command is.
//!
//! - [`ApiServer`]: listens on 127.0.0.1 (every interface when the owner
//!   allows the local network), restarts on another port, stops gracefully;
//! - `auth`: the token of each request (hashed in the store, constant-time
//!   compare, revocable), its rate, its scope, the accounts it sees (another
//!   account is "not found");
//! - `routes`: `/api/...`, documented by `openapi` (committed as
//!   `docs/openapi.json`, served at `/openapi.json`, read at `/docs`);
//! - `evolution`: Evolution API v2's calls under `/evolution/`;
//! - `group_commit`: concurrent sends written in one transaction;
//! - `kept`: pages, tokens and accounts kept while the store has not
//!   changed (its data version);
//! - `error`: every refusal as `{code, message}` in the request's language.
//!
//! docs/api.md is the guide for the people who call it.

mod apply;
mod auth;
pub mod config;
mod docs;
pub mod error;
mod evolution;
mod extract;
mod group_commit;
mod kept;
mod lang;
mod log;
pub mod openapi;
mod routes;
mod schema;
mod server;
mod state;
mod webhooks;

pub use apply::ApplyError;
pub use config::{
    ApiConfig, DEFAULT_PORT, Hooks, JSON_LIMIT, PortInvalid, RateLimit, SEND_LIMIT, check_port,
};
pub use server::{ApiServer, ServeError, ServerState};
