//! `zapdesk-automation`: the flow runner (the loop that hands the bot's
//! queued messages and due sessions to the core, `runner.rs`), the calls a
//! flow makes outside the desktop — the HTTP node's request and the AI
//! node's chat completion — and the AI key in the OS keyring. The engine
//! (`zapdesk_core::automation::engine`) stops a session at an `http` or
//! `ai` node with a `CallRequest`; the runner makes the call here, outside
//! any transaction, and steps the session with the `CallOutcome` this crate
//! returns.
//!
//! What it must never do:
//! - reach an address the account does not allow: loopback, private,
//!   carrier-grade NAT and the other non-public ranges are refused unless
//!   the account allows private addresses, link-local (the cloud's metadata
//!   service) always — as written, as resolved, after every redirect
//!   ([`address`], `client.rs`);
//! - wait longer than the node's time limit, or read more than
//!   [`BODY_CAP`] of an answer: a slow or huge answer fails the call, and
//!   the flow takes its error branch;
//! - send a request twice (no retries here: a request may have effects; the
//!   runner marks a call started before it leaves);
//! - keep the AI key anywhere but the OS credential store, show it in a
//!   `Debug`, a log or a failure's reason, or send it anywhere but the
//!   origin it was kept for (the endpoint's address syncs and any member
//!   may change it; the key and its origin stay on this computer) or over
//!   plain `http://` to another computer;
//! - depend on Tauri, write SQL of its own (the runner reads and writes
//!   only through `zapdesk_core::automation`), or contact WhatsApp.
//!
//! The flow simulator (`simulator/`) plays one flow with the same steps in
//! a throwaway store, for the app's simulator panel and `zapdesk-cli flows
//! simulate`.
//!
//! Nothing here returns an error for a call: every way a call can go wrong
//! is a `CallOutcome::Failed` whose reason is for the log and the flow's
//! history.

pub mod address;
mod ai;
mod caller;
mod client;
mod http;
mod make_call;
mod runner;
mod secret;
pub mod simulator;

pub use address::{AddressPolicy, Range, Refused};
pub use ai::{
    AI_HISTORY, AI_MAX_CHARS_DEFAULT, AI_TIMEOUT, AiAccount, AiEndpoint, ChatLine, HANDOFF_MARKER,
    Role, system_prompt,
};
pub use caller::Caller;
pub use client::{BODY_CAP, MAX_REDIRECTS};
pub use http::{HTTP_TIMEOUT_DEFAULT, HTTP_TIMEOUT_MAX};
pub use make_call::{CallContext, make_call};
pub use runner::{FlowRunner, FlowWaker, Numbers, Report, RunnerTiming};
pub use secret::{AiKey, KeyRefused, SecretError, ai_key, forget_ai_key, keep_ai_key, origin};
