//! zapdesk-automation against real local HTTP servers (axum on 127.0.0.1,
//! started inside each test): the HTTP node, the address policy, the AI
//! node against a fake OpenAI-compatible endpoint, the AI key in a
//! credential store kept in memory (no real keychain is touched), and the
//! flow runner on a real SQLite store. One binary: one link on 2 cores.

// A failed setup step in a test should panic.
#![allow(clippy::unwrap_used)]

mod ai;
mod bot;
mod http;
mod logs;
mod runner;
mod runner_calls;
mod secret;
mod server;
mod simulator;
mod ssrf;
