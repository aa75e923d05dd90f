//! The dashboard and the reports (issue 18, items 1 and 2): what happened in
//! one account, or in every account the operator at this desktop may see,
//! over a period of whole days, with the same figures for the previous
//! period of equal length.
//!
//! - Messages in and out and new contacts per day, each account's days in
//!   its own time zone (the one of its business hours); the agency's days
//!   add up the accounts' days of the same date.
//! - Conversations waiting now (open, pending), opened and resolved in the
//!   period; first response and resolution times (median and p90, in the
//!   account's business hours — defined in [`cycles`]).
//! - Per operator: conversations handled, messages sent, first response and
//!   resolution times. Messages carry no author: a person's message counts
//!   for the operator the conversation is assigned to, a resolution for the
//!   one who had it when resolved (`conversation_resolutions`); the operator
//!   is the user of `assignee_id` or, failing that, the user whose e-mail is
//!   `assigned_to` (fair assignment on another desktop).
//! - First responses and resolutions come from the cycles SQLite keeps as
//!   messages arrive (`response_cycles`, migrations/sqlite/0033, [`kept`]).
//! - The agency's dashboard leaves out an account it cannot work out (its
//!   stored business hours do not read, say) and names it with the reason
//!   ([`Report::failed`]); the others are still shown.
//! - Campaigns that sent in the period with their results; flow sessions
//!   started, completed and handed off.
//! - Per number: campaign messages queued today against today's cap,
//!   warm-up day, messages and failures in the period, and the status the
//!   store last recorded (the running app adds the live one).
//!
//! Everything is read per account under its `AccountId`; an agent is refused
//! an account not given to them and the agency's figures leave it out.

mod account;
pub mod agency;
pub mod counts;
pub mod csv;
pub mod cycles;
pub mod durations;
mod error;
mod hours;
pub mod kept;
mod numbers;
mod operators;
pub mod period;

use serde::Serialize;

pub use account::account;
pub use agency::agency;
pub use durations::Durations;
pub use error::ReportError;
pub use period::{DateRange, Period};

use crate::domain::{CampaignStatus, InstanceKind, InstanceStatus};
use crate::ids::{CampaignId, UserId};
use crate::{AccountId, InstanceId};

/// One day's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct DayRow {
    /// `YYYY-MM-DD`, in the account's time zone.
    pub date: String,
    pub messages_in: u32,
    pub messages_out: u32,
    pub new_contacts: u32,
}

/// A period's totals (the current one, or the previous one to compare).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct Totals {
    pub messages_in: u32,
    pub messages_out: u32,
    pub new_contacts: u32,
    /// Cycles opened (a contact wrote to a conversation not open yet).
    pub conversations_opened: u32,
    pub conversations_resolved: u32,
    pub first_response: Durations,
    pub resolution: Durations,
    /// Campaign messages queued.
    pub campaign_messages: u32,
    /// Flow sessions started, and of those, completed and handed off.
    pub flows_started: u32,
    pub flows_completed: u32,
    pub flows_handed_off: u32,
}

/// Conversations waiting now, whatever the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct WaitingNow {
    pub open: u32,
    pub pending: u32,
}

/// One operator's work in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct OperatorRow {
    /// `None`: conversations assigned to nobody.
    pub user_id: Option<UserId>,
    pub name: Option<String>,
    /// Conversations they replied in or resolved.
    pub conversations: u32,
    pub messages_sent: u32,
    pub resolved: u32,
    pub first_response: Durations,
    pub resolution: Durations,
}

/// A campaign that queued messages in the period, with its results so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CampaignRow {
    pub account_id: AccountId,
    pub campaign_id: CampaignId,
    pub name: String,
    pub status: CampaignStatus,
    pub recipients: u32,
    pub sent: u32,
    pub delivered: u32,
    pub read: u32,
    pub replied: u32,
    pub failed: u32,
    pub skipped: u32,
    pub opted_out: u32,
}

/// A number's health and work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct NumberRow {
    pub account_id: AccountId,
    pub instance_id: InstanceId,
    pub name: String,
    pub kind: InstanceKind,
    pub phone: Option<String>,
    /// The status this desktop's store last recorded; the app replaces it
    /// with the fleet's live one.
    pub status: InstanceStatus,
    /// Campaign messages queued today (the account's day).
    pub sent_today: u32,
    /// Today's cap: the lowest of its active campaigns' caps (with their
    /// warm-up), or the default pacing's when none uses it.
    pub daily_cap: u32,
    /// Days since it was added, counting today as day 1, while that pacing
    /// still warms it up; `None` once warmed up.
    pub warmup_day: Option<u32>,
    pub warmup_days: u32,
    /// In the period.
    pub messages_in: u32,
    pub messages_out: u32,
    pub failed: u32,
}

/// One account's line on the agency's dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AccountRow {
    pub account_id: AccountId,
    pub name: String,
    pub time_zone: String,
    pub totals: Totals,
    pub previous: Totals,
    pub waiting: WaitingNow,
}

/// An account the agency's dashboard could not work out, and why (in both
/// languages: the UI shows the one it is in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FailedAccount {
    pub account_id: AccountId,
    pub name: String,
    pub code: crate::ErrorCode,
    pub reason_pt_br: String,
    pub reason_en: String,
}

/// The dashboard of one account or of the agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub previous_from: String,
    pub previous_to: String,
    /// One row per date of the period, in order.
    pub days: Vec<DayRow>,
    pub totals: Totals,
    pub previous: Totals,
    pub waiting: WaitingNow,
    pub operators: Vec<OperatorRow>,
    pub campaigns: Vec<CampaignRow>,
    pub numbers: Vec<NumberRow>,
    /// The accounts counted (one for an account's report).
    pub accounts: Vec<AccountRow>,
    /// The agency's accounts left out because their figures could not be
    /// worked out (their stored business hours are not valid, say): the
    /// others are still shown. Always empty for one account's report.
    pub failed: Vec<FailedAccount>,
}
