//! Broadcast campaigns (issue 7): the message template with variables and
//! spintax, the pacing that protects numbers, the campaign and its recipients
//! in the store, the sender step that claims recipients into the durable
//! outbox, and the report. What runs the steps on a timer in the app, the
//! editor UI and the CLI come next (see the README).

pub mod drafts;
mod error;
pub mod export;
pub mod media;
pub mod pacing;
pub mod recipients;
pub mod report;
pub mod sender;
pub mod store;
pub mod template;
pub mod test_send;
pub mod timeline;

pub use error::CampaignError;
