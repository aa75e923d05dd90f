//! Conversations and their messages: what WhatsApp delivers is stored here
//! once (`ingest`), what operators write waits here until a number sends it
//! (`outbox`), and the inbox lists and opens them (`conversations`).

pub mod attachments;
pub mod catch_up;
pub mod conversations;
mod error;
pub mod ingest;
pub mod outbox;
pub mod outbox_batch;
pub mod own_ids;
pub mod quick_replies;
pub mod search;
mod snippet;
pub mod voice;
pub mod work;

pub use error::InboxError;

/// The longest text message accepted, in characters (WhatsApp's own limit is larger;
/// a message this long is already a document).
pub const TEXT_MAX: usize = 4096;
