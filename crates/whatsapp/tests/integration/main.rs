//! Every integration test of zapdesk-whatsapp in one binary: one link on 2 cores
//! instead of one per file (issue 14, item 6). Each module is what was a
//! file of its own; the shared setup is `common`.

// A failed setup step in a test should panic.
#![allow(clippy::unwrap_used)]
// Chromium tests hold the serial guard across awaits on purpose: tests run on
// separate runtimes, so the lock only makes one wait for the other.
#![allow(clippy::await_holding_lock)]

mod bridge_surface;
mod common;
mod driver;
mod fleet;
mod no_browser;
mod shared_number;
