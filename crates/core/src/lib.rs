//! ZapDesk's core, free of Tauri so that every rule can be tested without a window.
//!
//! It owns the local store (SQLite), the domain types and the operations on them.
//! Every operation on an account's data takes a typed [`AccountId`] as its first
//! argument after the store, so that a query that forgets the account does not
//! compile. The desktop shell and the CLI only parse input, call into here and
//! present the result.

pub mod access;
pub mod account_open;
pub mod accounts;
pub mod api_tokens;
pub mod assignment;
pub mod automation;
pub mod backup;
pub mod business_hours;
pub mod campaigns;
pub mod changes;
pub mod contact_index;
pub mod contacts;
pub mod csv_safe;
pub mod data_dir;
pub mod domain;
pub mod error;
pub mod export;
pub mod fields;
pub mod filter;
pub mod i18n;
pub mod ids;
pub mod import;
pub mod inbox;
pub mod instances;
pub mod lease;
pub mod lgpd;
pub mod limits;
pub mod opt_out;
pub mod phone;
pub mod pipeline;
pub mod plans;
pub mod reports;
pub mod segments;
pub mod settings;
pub mod store;
pub mod tags;
pub mod team;
pub mod text;
pub mod time;
pub mod users;
pub mod webhooks;

pub use error::{ErrorCode, UserError};
pub use i18n::Lang;
pub use ids::{AccountId, ContactId, ConversationId, InstanceId, MessageId, UserId};
pub use store::Store;
