//! The running ZapDesk without a window: [`App`] opens the data folder (its
//! lock, the store and its migrations), owns the fleet of numbers, the
//! campaign runner and the sync runner, starts and stops them in one order
//! (`runtime`), and holds the operations the UI needs that are more than one
//! call of the core. The Tauri shell (`src-tauri`) and `zapdesk-cli serve`
//! both run the app through this crate; a Tauri command is one call of it.
//!
//! Files are named by capability, as the shell's command files are.

mod automation;
mod backup;
mod campaigns;
mod changes;
mod cloud_commands;
mod contacts;
mod diagnostics;
mod error;
mod export;
mod host;
mod import;
mod inbox;
mod lgpd;
pub mod logs;
mod numbers;
mod pipeline;
mod reports;
mod runtime;
mod send;
mod sessions;
mod simulations;
mod team;
pub mod update;
mod voice;
mod webhooks;
mod window_grants;
mod write;

pub use automation::{
    AI_KEY_TABLES, AiKeyRefused, AiKeyStatus, FLOW_DELETE_TABLES, FLOW_TABLES, KEYWORD_TABLES,
    PUBLISH_TABLES, SETTINGS_TABLES,
};
pub use backup::{BackupStatus, DAILY_CHECK};
pub use campaigns::CampaignSummary;
pub use changes::ChangeSink;
pub use cloud_commands::{
    CloudCommand, CloudCommandError, CloudCommandList, CommandState, CommandsServer, LIST_MAX,
    PANEL_APPLICATION, command_message, command_session, retry_command,
};
pub use diagnostics::{Diagnostics, recent_problems};
pub use error::AppError;
pub use host::{Host, Stage};
pub use inbox::{AttachmentInput, ContactPanel, InboxFilter, PAGE, Who};
pub use numbers::{NumberAction, NumberView, Simulation};
pub use pipeline::{CARD_TABLES, FlowOutcome, MOVE_TABLES, PipelineMoved, STAGE_TABLES};
pub use reports::{LiveStatus, ReportView};
pub use runtime::{App, OpenError, Scope, Started};
pub use send::{
    NewConversation, QueuedText, ReadyText, SendContent, SendError, SendRequest, SendTo, Sent,
};
pub use sessions::SESSION_TABLES;
pub use simulations::{SIMULATIONS_DIR, SIMULATIONS_OPEN};
pub use team::InvitedLogin;
pub use voice::VoiceInput;
pub use webhooks::{
    DELIVERY_TABLES, LOG_PAGE, SecretError as WebhookSecretError, USER_AGENT as WEBHOOK_USER_AGENT,
    WEBHOOK_DELETE_TABLES, WEBHOOK_TABLES, WebhookConfig, WebhookOpError,
    signature as webhook_signature,
};
pub use window_grants::WindowGrants;
pub use zapdesk_automation::simulator::{SimEvent, SimSource, SimState, SimView};
