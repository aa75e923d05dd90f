//! Every integration test of zapdesk-cli in one binary: one link on 2 cores
//! instead of one per file (issue 14, item 6). Each module is what was a
//! file of its own; what several share is in `support`.

// A failed setup step in a test should panic.
#![allow(clippy::unwrap_used)]

mod backup;
mod backup_after_update;
mod campaign_kill;
mod cli;
mod flow_kill;
mod flows;
mod flows_simulate;
mod remote;
mod serve;
mod serve_api;
mod support;
