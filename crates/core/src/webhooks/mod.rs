//! Outgoing webhooks (issue 17): an account's subscriptions, the events its
//! changes queue for them in the same transaction, and the delivery log.
//!
//! - `store`: the webhooks themselves (address, events, format, on/off);
//! - the events are written by triggers (migration 0023) inside the
//!   writer's transaction, for every writer; `events` adds the one the
//!   store never sees (a number's QR code);
//! - `queue`: the app's sender turns events into deliveries, picks what is
//!   due (one contact's events in order), records attempts, backs off
//!   (`retry`) and turns off a webhook failing for a day;
//! - `envelope`: the body, in ZapDesk's format or Evolution API's;
//! - `deliveries`: the log, "send again", "send test event";
//! - `samples`: a sample body per event for Zapier, Make and n8n;
//! - `secret_versions`, `secret_work`: which secret version this desktop
//!   keeps, and what it has to publish to or fetch from the agency's server
//!   (the webhooks sync, docs/webhooks.md).
//!
//! Signing, the secret (in the keyring) and HTTP are the app's
//! (`zapdesk-app`'s `webhooks`). docs/webhooks.md is the receiver's guide.

mod address;
mod deliveries;
pub mod envelope;
mod error;
mod events;
mod model;
pub mod queue;
mod retry;
mod samples;
pub mod secret_versions;
pub mod secret_work;
mod store;

pub use address::URL_MAX;
pub use deliveries::{PAGE_MAX, deliveries, delivery, queue_test, redeliver};
pub use error::WebhookError;
pub use events::record_qr;
pub use model::{
    DISABLED_FAILING, DISABLED_MANUAL, Delivery, DeliveryStatus, EventType, Webhook, WebhookFormat,
    WebhookInput,
};
pub use retry::RetryPolicy;
pub use samples::sample;
pub use store::{check, create, create_as, delete, get, list, set_enabled, update};
