//! Every integration test of zapdesk-app in one binary (the repo's rule: one
//! per crate), a module per subject, the shared setup in `support`. Nothing
//! here needs WebKitGTK: the app runs as the window runs it, without one.

// A failed setup step in a test should panic.
#![allow(clippy::unwrap_used)]
// Chromium tests hold the serial guard across awaits on purpose: tests run on
// separate runtimes, so the lock only makes one wait for the other.
#![allow(clippy::await_holding_lock)]

mod automation;
mod backup;
mod changes;
mod cloud_commands;
mod drafts;
mod handover;
mod logs;
mod pipeline;
mod runtime;
mod send;
mod shared;
mod simulations;
mod support;
mod team;
mod webhooks;
