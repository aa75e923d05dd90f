//! Handling what the bot has to look at, one event per transaction: a
//! message a contact sent (`automation_queue`), a tag a person added, a
//! session's timer, an outside call's answer. Each handler decides, steps the
//! engine and applies the turn (outbox rows, tags, fields, a hand-off, the
//! session's new state, the log) in one transaction, and returns what the
//! runner must do next ([`Done`]): wake the numbers whose outbox got rows,
//! tell the screens, make the outside calls, set its timer.
//! docs/automation.md ("What happens to a message a contact sends",
//! "Sessions, timers and calls", "People first").
//!
//! The runner (`crates/automation`) is the loop around this: it asks
//! [`next_queued`] and [`due`] (every account) for the numbers this desktop
//! runs, hands each item to [`handle_queued`] or [`handle_due`], marks a
//! call started ([`mark_call_started`], committed before the call leaves)
//! and feeds its answer to [`handle_called`]; at start-up it fails the calls
//! a crash interrupted ([`interrupted_calls`], [`handle_interrupted`]) and
//! makes those that never left ([`waiting_calls`]). A queue row or a session
//! that fails again and again is set aside ([`set_aside`],
//! [`set_aside_session`]).
//!
//! A test or `zapdesk-cli flows simulate` drives the same path without a
//! runner: `ingest` a contact's text on a Sandbox number, then
//! [`next_queued`] and [`handle_queued`] (and [`handle_due`] for what a
//! turn left due now), then read the bot's outbox rows
//! (`inbox::conversations::thread`) and the path ([`sessions::log`]).
//!
//! [`sessions::log`]: super::sessions::log

mod apply;
mod away;
mod config;
mod due;
mod keyword;
mod next_work;
mod prune;
mod queued;
mod set_aside;
mod triggers;
mod turn;

use crate::changes::Change;
use crate::ids::{SessionId, TagId};
use crate::{AccountId, ContactId, ConversationId, InstanceId, MessageId, Store};

pub use apply::restore_bot_file;
pub use away::AWAY_NODE;
pub use due::{handle_called, handle_due, handle_interrupted, mark_call_started};
pub use next_work::{Due, due, interrupted_calls, next_queued, next_wake_at, waiting_calls};
pub use prune::{LOG_KEPT, prune_log};
pub use set_aside::{set_aside, set_aside_session};

use super::AutomationError;

/// A message sent longer ago than this (WhatsApp's time) is stored, not
/// answered: a catch-up of old history must not make the bot reply to
/// yesterday's conversation. 6 hours, in ms.
pub const STALE_AFTER: i64 = 6 * 60 * 60 * 1000;

/// How long a queued message of a number this desktop does not run waits
/// for it (a number starting here after its lease is granted, at start-up),
/// in ms, counted from when it was queued or from when the runner started,
/// whichever is later ([`Queued::waits_from`]): a message queued before a
/// crash is not dropped at the next start-up only because it is old while
/// its number is still starting. Past it the row is dropped with a log
/// line: the number runs on another desktop, which does not answer it
/// either (the queue is local; the message is in the inbox for a person).
pub const KEEP_ELSEWHERE: i64 = 10 * 60 * 1000;

/// A row of the bot's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub seq: i64,
    pub account: AccountId,
    pub contact: ContactId,
    pub event: Event,
    /// The conversation's number (`Event::Message`); `None` for a tag, or
    /// when the conversation is gone.
    pub instance: Option<InstanceId>,
    pub created_at: i64,
    /// Since when the row has waited for its number to run here: the later
    /// of `created_at` and the runner's start (`next_queued`'s `since`).
    pub waits_from: i64,
}

/// What a queue row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The contact wrote this message in this conversation.
    Message {
        conversation: ConversationId,
        message: MessageId,
    },
    /// A person added this tag to the contact.
    TagAdded { tag: TagId },
}

/// What the runner does after a handled event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Done {
    /// Numbers whose outbox got rows: wake their senders (`Fleet::kick_number`).
    pub kick: Vec<InstanceId>,
    /// Tables written, for the screens.
    pub changed: Vec<Change>,
    /// Sessions now waiting on an outside call: mark it started, make it,
    /// then [`handle_called`].
    pub calls: Vec<(AccountId, SessionId)>,
    /// The earliest `wake_at` this event set (a session to step without a
    /// message): the runner's timer.
    pub wake_at: Option<i64>,
}

/// How a queue row went.
#[derive(Debug, Clone, PartialEq)]
pub enum Handled {
    /// Looked at and removed from the queue.
    Done(Done),
    /// Left in the queue: its number is not run here (dropped once
    /// `until` has passed), or its conversation waits on an outside call
    /// (`until: None`: looked at after the answer).
    Kept { until: Option<i64> },
}

/// Handles one queue row in one transaction (docs/automation.md for the
/// order of the rules). `runs_here` tells whether this desktop runs a
/// number (holds its lease): only that desktop answers its messages.
pub async fn handle_queued(
    store: &Store,
    item: &Queued,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
    now: i64,
) -> Result<Handled, AutomationError> {
    queued::handle(store, item.account, item, runs_here, now).await
}
