//! What answers on its own: keyword replies and conversation flows (issue
//! 15). The pure rules (keyword matching, the flow document and its checks,
//! the engine) beside what is stored (settings, keywords, flows, sessions)
//! and how one event is handled in one transaction. docs/automation.md.

pub mod call_key;
pub mod chat_lines;
pub mod engine;
mod error;
pub mod explain;
pub mod files;
pub mod flow;
pub mod flow_analytics;
pub mod flow_check;
pub mod flows;
pub mod keywords;
mod known;
pub mod matching;
pub mod run;
pub mod sessions;
pub mod settings;

pub use error::{AutomationError, EXPIRY_MINUTES, NO_MATCH_HOURS};
