//! The flow engine: one pure function, [`step`], that moves a session through
//! a published flow version for one input (the session starts, the contact
//! replies, a timer fires, an outside call answers) and says what to do
//! (messages to send, tags and fields to change, a person to hand over to)
//! and what the session waits for next.
//!
//! Pure on purpose: no store, no clock, no network. Time, the time zone, the
//! contact as it is now and the budget come in a [`Context`]; the caller
//! (`automation::run`) applies the [`Turn`] in one transaction, so a crash
//! keeps all of a turn or none of it. HTTP and AI nodes are not called here:
//! the engine stops with [`Next::Call`], the runner makes the call outside any
//! transaction and feeds the answer back as [`Input::Called`].
//!
//! Guards: a turn runs at most [`Budget::nodes`] nodes and sends at most
//! [`Budget::sends`] messages, and a node entered more than
//! [`Budget::visits`] times in one turn without a wait ends the session
//! ([`EndReason::Loop`]): a flow drawn in a circle never floods a contact.
//! Across turns, a session stepped [`UNANSWERED_TURNS`] times in a row
//! without the contact writing (timers, calls: a loop through a delay) ends
//! ([`EndReason::Unanswered`]): a loop with a wait in it cannot message a
//! silent contact forever either.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::automation::flow::{Method, NodeKind};
use crate::fields::CustomField;

mod answers;
mod calls;
mod conditions;
mod delay;
mod enter;
mod menu;
mod render;
mod resume;
mod step;

pub use answers::{answer_fits, validate_answer};
pub use conditions::holds;
pub(crate) use conditions::pattern_compiles;
pub(crate) use delay::parse_hhmm;
pub use delay::{delay_end, next_open};
pub use menu::{choose_option, menu_text};
pub(crate) use render::{TextIssue, text_issues, variable_issues};
pub use step::step;

/// What a session holds between turns: where it is, what it waits for,
/// and what the contact answered. Stored as JSON in `flow_sessions.state`
/// (the serde names are part of the stored format: only add fields with
/// `#[serde(default)]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The node the session is on: the one to run next ([`Wait::Start`]) or
    /// the one waiting.
    pub node: String,
    pub wait: Wait,
    /// Replies at the current menu or question that chose nothing or did not
    /// validate.
    #[serde(default)]
    pub tries: u8,
    /// What the contact answered, by the asking node's id, plus
    /// `ultima_resposta` (the last reply); shown in the contact panel and
    /// usable in messages as `{{ultima_resposta}}`.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// Turns taken so far: with the session id, it names each message the
    /// bot sends (`ids::bot_message`), so a turn stepped twice (a takeover
    /// before the first desktop's rows reached the server) sends nothing twice.
    #[serde(default)]
    pub turn: u32,
    /// Turns in a row without a reply of the contact (a start, a timer, a
    /// call's answer); a reply sets it back to 0. Past
    /// [`UNANSWERED_TURNS`] the session ends.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unanswered: u32,
    /// Every node the session has run, across its turns: a flow's
    /// analytics read it from the synced session rows (the bot log is
    /// local to one desktop). Kept by the runner (`run/turn.rs`), not the
    /// engine; a session stored before it was kept has none.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub entered: BTreeSet<String>,
    /// Every branch the session has taken: `(node, handle)`, a
    /// [`Note::Took`]; kept as `entered` is.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub branches: BTreeSet<(String, String)>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// How many turns in a row a session may take without the contact writing:
/// enough for a long drip of delays and calls (a flow that needs more can
/// ask a question on the way), few enough that a loop through a delay stops
/// before it becomes spam.
pub const UNANSWERED_TURNS: u32 = 20;

impl Session {
    /// A session about to run its flow's start node.
    pub fn starting(start: &str) -> Session {
        Session {
            node: start.to_owned(),
            wait: Wait::Start,
            tries: 0,
            vars: BTreeMap::new(),
            turn: 0,
            unanswered: 0,
            entered: BTreeSet::new(),
            branches: BTreeSet::new(),
        }
    }

    /// Adds what a turn ran (`path`) and took (`notes`) to what the session
    /// had run and taken before it (`before`).
    pub fn record(&mut self, before: &Session, path: &[String], notes: &[Note]) {
        self.entered.extend(before.entered.iter().cloned());
        self.branches.extend(before.branches.iter().cloned());
        self.entered.extend(path.iter().cloned());
        self.branches
            .extend(notes.iter().filter_map(|note| match note {
                Note::Took { node, handle } => Some((node.clone(), handle.clone())),
                _ => None,
            }));
    }
}

/// What a session waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "for", rename_all = "snake_case")]
pub enum Wait {
    /// Nothing yet: the next step runs `node` ([`Input::Start`]).
    Start,
    /// A reply to the menu or question at `node`; past `timeout_at` (Unix
    /// ms), the question's `timeout` branch.
    Reply { timeout_at: Option<i64> },
    /// A delay's end (Unix ms).
    Timer { at: i64 },
    /// An outside call's answer. `started` is set by the runner when the
    /// call leaves: a session found waiting on a started call after a
    /// restart takes the error branch instead of calling twice.
    Call {
        request: CallRequest,
        #[serde(default)]
        started: bool,
    },
}

impl Wait {
    /// When the session must be stepped without a message
    /// (`flow_sessions.wake_at`): now for a start, a delay's end, a
    /// question's time limit.
    pub fn wake_at(&self, now: i64) -> Option<i64> {
        match self {
            Wait::Start => Some(now),
            Wait::Reply { timeout_at } => *timeout_at,
            Wait::Timer { at } => Some(*at),
            Wait::Call { .. } => None,
        }
    }
}

/// What moves a session.
#[derive(Debug, Clone, PartialEq)]
pub enum Input<'a> {
    /// Run from `session.node` (a new session, or one a hand or a tag started).
    Start,
    /// The contact wrote. `text` is the message's text (a file's caption);
    /// `is_text` is false for a file, a location, a contact card.
    Reply { text: &'a str, is_text: bool },
    /// `wake_at` was reached: a delay ended, or a question timed out.
    Timer,
    /// An outside call answered (or failed, or was interrupted).
    Called(CallOutcome),
}

/// The contact as the engine sees it: what conditions read and messages
/// use. The engine updates its copy as the turn adds tags or sets fields, so
/// a condition after a "set field" node sees the new value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contact {
    pub name: Option<String>,
    /// E.164.
    pub phone: String,
    /// Custom field values by key, canonical (`fields.rs`).
    pub fields: HashMap<String, String>,
    /// Tag names, folded (`text::fold`).
    pub tags: BTreeSet<String>,
}

/// Limits of one turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Nodes run in one turn.
    pub nodes: u32,
    /// Messages sent in one turn.
    pub sends: u32,
    /// Times one node may be entered in one turn.
    pub visits: u32,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            nodes: 64,
            sends: 10,
            visits: 3,
        }
    }
}

/// Everything a step reads besides the flow and the session.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// Unix ms.
    pub now: i64,
    /// The account's time zone: time-of-day and weekday conditions, delays'
    /// allowed hours.
    pub tz: &'a jiff::tz::TimeZone,
    /// The account's business hours, when it has them: the "inside business
    /// hours" condition.
    pub hours: Option<&'a crate::business_hours::Schedule>,
    pub contact: Contact,
    /// The account's custom fields: kinds for comparisons and for saving
    /// answers in canonical form; keys for messages' variables.
    pub fields: &'a [CustomField],
    /// Stable per contact: the randomizer's pick (sticky) is a function of
    /// it and the node.
    pub contact_seed: u64,
    /// Stable per session and turn: spintax choices, so a turn stepped again
    /// renders the same words.
    pub seed: u64,
    pub budget: Budget,
}

/// A message to send, rendered (variables filled, spintax chosen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outgoing {
    Text {
        text: String,
    },
    /// A file of the flow version (`Content::File::file`), with its caption.
    File {
        file: String,
        caption: String,
    },
}

/// What a turn does besides moving the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Queue a message; `typing_ms` is the pause before this message alone
    /// (the node's "typing…"; 0 for menus, questions and AI replies): the
    /// runner adds up a turn's pauses into each outbox row's `send_after`.
    Send {
        node: String,
        message: Outgoing,
        typing_ms: u32,
    },
    AddTag {
        node: String,
        /// As written in the flow (the store finds it folded).
        tag: String,
    },
    RemoveTag {
        node: String,
        tag: String,
    },
    /// `value` canonical for the field's kind; `None` clears it.
    SetField {
        node: String,
        field: String,
        value: Option<String>,
    },
    /// Hand the conversation to a person: owner human, assignee if given,
    /// an internal note with `note`.
    Handoff {
        node: String,
        assign: Option<String>,
        note: String,
    },
}

/// An outside call the runner makes for an `http` or `ai` node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallRequest {
    /// Variables already filled in the URL, headers and body.
    Http {
        node: String,
        method: Method,
        url: String,
        headers: Vec<(String, String)>,
        body: Option<String>,
        timeout_ms: u32,
    },
    /// The runner adds the account's endpoint, model, instructions and the
    /// chat's last messages.
    Ai {
        node: String,
        instructions: String,
        max_chars: u32,
    },
}

/// How an outside call ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CallOutcome {
    /// The server answered; a status outside 200–299 takes the error branch.
    Http {
        status: u16,
        /// The body parsed as JSON, if it was JSON.
        json: Option<serde_json::Value>,
    },
    Ai(AiAnswer),
    /// No answer: timed out, refused (an address the account does not allow),
    /// the network failed, the app closed during the call. The reason is
    /// for the log.
    Failed {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum AiAnswer {
    Text(String),
    /// The model asked for a person.
    Handoff,
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum EndReason {
    /// An `end` node, or a branch with nowhere to go.
    Done,
    /// Handed to a person (a node, the AI, the contact's word).
    Handoff,
    /// A node entered too often in one turn without a wait.
    Loop { node: String },
    /// A turn ran out of nodes or sends.
    Budget,
    /// The session points at a node its version does not have.
    Broken { node: String },
    /// Went on in another flow (`go_to_flow`): that flow's session continues.
    WentTo { flow: String },
    /// Another flow started in the conversation.
    Replaced,
    /// An operator stopped it or took the conversation.
    Stopped,
    /// The contact opted out.
    OptedOut,
    /// Waited for a reply longer than the account allows.
    Expired,
    /// Stepped [`UNANSWERED_TURNS`] times in a row without the contact
    /// writing.
    Unanswered,
}

/// What the session does after a turn.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Stored as the session's state; `Wait::wake_at` says when to step it
    /// without a message.
    Wait(Session),
    /// The runner makes the call in the session's wait, then steps again with
    /// [`Input::Called`].
    Call(Session),
    /// Continue in another flow's published version, same turn, with what is
    /// left of the budget. `vars` carry over.
    GoTo {
        flow: String,
        vars: BTreeMap<String, String>,
    },
    Ended(EndReason),
}

/// The result of one [`step`].
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub effects: Vec<Effect>,
    pub next: Next,
    /// The nodes run, in order (the log, `simulate`'s path).
    pub path: Vec<String>,
    /// The contact after the turn's tags and fields.
    pub contact: Contact,
    /// The branches taken and what was skipped and why, in order: for the
    /// log and `simulate`; nothing here is to be applied.
    pub notes: Vec<Note>,
    /// The session's variables after the turn, whatever comes next: what an
    /// ended session keeps for the contact panel (the same as in the
    /// session of `Wait`/`Call`, and as `GoTo` carries).
    pub vars: BTreeMap<String, String>,
}

/// What a turn did that its effects do not say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    /// Left `node` through `handle` (one of its [`NodeKind::handles`]); with
    /// no edge on that handle the session ended there.
    Took { node: String, handle: String },
    /// A reply that chose no option or did not validate; `tries` so far.
    ReplyRefused { node: String, tries: u8 },
    /// A value the field does not take (a set-field node, an answer, an
    /// HTTP response's value): nothing was saved.
    FieldRefused {
        node: String,
        field: String,
        value: String,
    },
    /// A field the flow names that the account no longer has: nothing saved.
    FieldMissing { node: String, field: String },
    /// An HTTP mapping whose pointer is not in the response (or holds null,
    /// an object or a list): that field was left as it was.
    PointerMissing { node: String, pointer: String },
    /// An outside call that did not succeed: the status or the reason.
    CallFailed { node: String, reason: String },
    /// A message that rendered to nothing (every variable empty): not sent.
    NothingToSend { node: String },
    /// A delay's allowed hours that never open (no weekday): the delay ends
    /// after its minutes, ignoring them.
    WindowNeverOpens { node: String },
}

/// The variables a flow's messages may use besides the contact's built-in
/// ones and the account's custom fields.
pub const FLOW_VARIABLES: [&str; 1] = ["ultima_resposta"];

/// Whether a node kind can be the node a session waits on for a reply.
pub fn waits_for_reply(kind: &NodeKind) -> bool {
    matches!(kind, NodeKind::Menu { .. } | NodeKind::Ask { .. })
}
