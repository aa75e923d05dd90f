//! Every integration test of zapdesk-api in one binary (the repo's rule: one
//! per crate), a module per subject, the shared setup in `support`. Each test
//! runs the real server on 127.0.0.1 with a real app on a temporary folder,
//! and talks to it over HTTP.

// A failed setup step in a test should panic.
#![allow(clippy::unwrap_used)]
// Chromium tests hold the serial guard across awaits on purpose.
#![allow(clippy::await_holding_lock)]

mod auth;
mod chats;
mod contacts;
mod evolution;
mod group_commit;
mod instances;
mod integrations;
mod kept;
mod openapi;
mod plans;
mod send;
mod server;
mod support;
