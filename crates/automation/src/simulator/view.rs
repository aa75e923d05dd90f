//! What a simulation shows: the conversation so far as events, the path on
//! the canvas, what the session waits for, the contact's variables, fields
//! and tags. The serde names are the app's IPC and `zapdesk-cli flows
//! simulate --json` (one shape for both).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use zapdesk_core::automation::engine::EndReason;
use zapdesk_core::automation::flow::FlowDocument;
use zapdesk_core::ids::FlowVersionId;

/// Which document of the flow a simulation plays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SimSource {
    /// This document, saved or not: the canvas's draft as it is now.
    /// Refused, with every problem, when it could not be published.
    Document { document: FlowDocument },
    /// The flow's published version numbered `number` (v1 is 1; of two
    /// versions published offline under one number, the newer).
    Version { number: i64 },
    /// One published version of the flow, by id (what the app's picker
    /// sends: two versions may share a number).
    VersionId { id: FlowVersionId },
}

/// What happened, in order.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SimEvent {
    /// The contact wrote this.
    Contact { text: String },
    /// A message the contact receives: text, or a file (its name) with its
    /// caption.
    Bot {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        file: Option<String>,
    },
    /// The nodes a turn ran (of any flow: a `go to flow` goes on in another).
    Path { nodes: Vec<String> },
    /// The clock moved on `ms` to a delay's end (`reply: false`) or to a
    /// question's time limit (`reply: true`).
    Waited { ms: i64, reply: bool },
    /// An outside call left or answered (the bot log's words).
    Call { detail: String },
    /// The session ended. A `went_to` names the real account's flow (its
    /// id), and `flow_name` its name.
    Ended {
        reason: EndReason,
        #[serde(skip_serializing_if = "Option::is_none")]
        flow_name: Option<String>,
    },
    /// A hand-off to a person, with its internal note.
    Handoff { note: String },
    /// Something the bot could not use, a message it did not answer, a
    /// branch note of the engine (the bot log's `what` and detail).
    Note { what: String, detail: String },
    /// Fast-forwarding stopped after this many waits in a row (a flow that
    /// loops through a delay; `zapdesk-cli` only).
    Stopped { waits: u32 },
}

/// What the conversation waits for now.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SimState {
    /// The contact's reply (a menu, a question); past `timeout_at` (the
    /// simulation's clock, Unix ms) the question's time limit: `advance`
    /// goes there.
    WaitingReply { timeout_at: Option<i64> },
    /// A delay, until `at` (or a session due now): `advance` goes there.
    WaitingTimer { at: i64 },
    /// An outside call (only while one is being made).
    WaitingCall,
    /// The session is over; what the contact writes now is handled as the
    /// account's bot would, with no flow running (nothing answers it in the
    /// simulation, which copies no keyword or trigger).
    Ended { reason: EndReason },
    /// No session.
    None,
}

/// A simulation as the simulator panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SimView {
    /// Give it back to write, advance and close.
    pub id: String,
    /// Everything since it opened, in order.
    pub events: Vec<SimEvent>,
    /// Every node of the simulated flow run so far, in order, repeats
    /// kept (the nodes of a flow it went to are in the events, not here).
    pub path: Vec<String>,
    /// The node of the simulated flow the conversation is on (its last one
    /// once the session ended); `None` once it went on in another flow.
    pub node: Option<String>,
    pub state: SimState,
    /// The session's variables: the answers by asking node, and
    /// `ultima_resposta`.
    pub vars: BTreeMap<String, String>,
    /// The contact's custom fields, by field key, as stored (canonical).
    pub fields: BTreeMap<String, String>,
    /// The contact's tags, by name.
    pub tags: Vec<String>,
    /// The simulation's time (Unix ms): real time, moved on by `advance`.
    pub clock: i64,
}
