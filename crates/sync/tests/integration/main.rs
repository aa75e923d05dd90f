//! Every integration test of zapdesk-sync in one binary: one link on 2 cores
//! instead of one per file (issue 14, item 6). Each module is what was a
//! file of its own; the shared setup is `common`.

// A failed setup step in a test should panic.
#![allow(clippy::unwrap_used)]

mod commands;
mod common;
mod connection;
mod invite;
mod isolation;
mod leaks;
mod leases;
mod provision;
mod pull_chunks;
mod roles;
mod runner;
mod sync_assignment;
mod sync_automation;
mod sync_campaigns;
mod sync_converge;
mod sync_notify;
mod sync_opt_out;
mod sync_plans;
mod sync_sigkill;
mod sync_unstuck;
mod team;
mod triggers;
mod versions;
mod webhook_secrets;
