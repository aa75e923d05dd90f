//! Where a flow's conversations go: per flow, how many started, finished,
//! were handed off, are under way or dropped; per node, how many entered it
//! and what became of them there; per branch, how often it was taken.
//!
//! Read from the session rows (`flow_sessions`), which sync: every desktop
//! of the agency counts the same conversations. The bot log is local to the
//! desktop that ran the number and is not used. A session's state keeps
//! every node it ran and every branch it took (`engine::Session::entered`,
//! `branches`, kept by the runner each turn) and the node it is on or ended
//! on. Sessions stored before those sets were kept count in the flow's
//! totals and at no node.
//!
//! One query (the flow's sessions started in the period), aggregated here.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::AutomationError;
use super::engine::EndReason;
use crate::ids::FlowId;
use crate::{AccountId, Store};

/// A flow's conversations over a period (sessions started in it).
///
/// `started = completed + handed_off + went_to + active + dropped`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
pub struct FlowAnalytics {
    /// Sessions of the flow (any version) started in the period: by a
    /// trigger, a keyword, a campaign reply, a person, another flow.
    pub started: u32,
    /// Ended by an `end` node or a branch with nowhere to go (`done`).
    pub completed: u32,
    /// Ended handed to a person (`handoff`).
    pub handed_off: u32,
    /// Went on in another flow (`go to flow`).
    pub went_to: u32,
    /// Still running: waiting for the contact, a delay or a call.
    pub active: u32,
    /// Ended any other way: no reply in time (`expired`, `unanswered`),
    /// stopped by a person or replaced by another flow (`stopped`,
    /// `replaced`), the contact opted out, or the flow failed (`loop`,
    /// `budget`, `broken`).
    pub dropped: u32,
    /// Per node the period's sessions entered, by node id.
    pub nodes: Vec<NodeStats>,
    /// Per branch taken, by node and handle.
    pub edges: Vec<EdgeStats>,
}

/// What became of the sessions that entered one node.
///
/// Each session that entered the node counts once in `entered`, however
/// often it came back, and once in exactly one of the other five: the node
/// where the session is now (active) or ended decides, for every other node
/// it entered it `went_on`. So `entered = went_on + waiting + completed +
/// handed_off + dropped`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
pub struct NodeStats {
    pub node: String,
    /// Sessions that ran this node at least once.
    pub entered: u32,
    /// Sessions that left it and are now, or ended, at another node; and
    /// sessions that went on in another flow from here (`go to flow`).
    pub went_on: u32,
    /// Active sessions on this node now: waiting for a reply, a delay, a
    /// call.
    pub waiting: u32,
    /// Sessions that ended `done` here (an `end` node, or a branch of this
    /// node with nowhere to go).
    pub completed: u32,
    /// Sessions handed to a person here (a hand-off node, an AI node, or the
    /// contact's hand-off word while the session waited here).
    pub handed_off: u32,
    /// Sessions that ended here any other way (see
    /// [`FlowAnalytics::dropped`]): a contact who stopped answering this
    /// menu or question, an operator who took over, an opt-out, a failure.
    pub dropped: u32,
    /// A breakdown, not a sixth outcome: sessions that took this question's
    /// `timeout` branch (the contact did not answer in time), whether the
    /// flow went on from there or ended at once. The same as the `timeout`
    /// edge's `taken`.
    pub timed_out: u32,
}

/// How many of the period's sessions took one branch (the edge drawn from
/// `from`'s `handle`), counted once per session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct EdgeStats {
    pub from: String,
    pub handle: String,
    pub taken: u32,
}

/// The part of a session's stored state the counts read.
#[derive(Deserialize)]
struct Visited {
    node: String,
    #[serde(default)]
    entered: BTreeSet<String>,
    #[serde(default)]
    branches: BTreeSet<(String, String)>,
}

/// Where one session is or ended, as the counts sort it.
#[derive(Clone, Copy)]
enum Outcome {
    Active,
    Completed,
    HandedOff,
    WentTo,
    Dropped,
}

fn outcome(status: &str, reason: Option<&str>) -> Outcome {
    if status == "active" {
        return Outcome::Active;
    }
    match reason.and_then(|r| serde_json::from_str::<EndReason>(r).ok()) {
        Some(EndReason::Done) => Outcome::Completed,
        Some(EndReason::Handoff) => Outcome::HandedOff,
        Some(EndReason::WentTo { .. }) => Outcome::WentTo,
        // Every other reason, and a reason this ZapDesk cannot read (a
        // newer one's): the conversation did not get where the flow leads.
        _ => Outcome::Dropped,
    }
}

fn add(n: &mut u32) {
    *n = n.saturating_add(1);
}

/// The flow's analytics over the sessions started in `[from_ms, to_ms)`.
pub async fn analytics(
    store: &Store,
    account: AccountId,
    flow: FlowId,
    from_ms: i64,
    to_ms: i64,
) -> Result<FlowAnalytics, AutomationError> {
    let known: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM flows WHERE account_id = ? AND id = ?)")
            .bind(account)
            .bind(flow)
            .fetch_one(store.pool())
            .await?;
    if !known {
        return Err(AutomationError::FlowUnknown);
    }
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT state, status, ended_reason FROM flow_sessions
         WHERE account_id = ? AND flow_id = ? AND started_at >= ? AND started_at < ?",
    )
    .bind(account)
    .bind(flow)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(store.pool())
    .await?;

    let mut out = FlowAnalytics::default();
    let mut nodes: BTreeMap<String, NodeStats> = BTreeMap::new();
    let mut edges: BTreeMap<(String, String), u32> = BTreeMap::new();
    for (state, status, reason) in rows {
        let outcome = outcome(&status, reason.as_deref());
        add(&mut out.started);
        add(match outcome {
            Outcome::Active => &mut out.active,
            Outcome::Completed => &mut out.completed,
            Outcome::HandedOff => &mut out.handed_off,
            Outcome::WentTo => &mut out.went_to,
            Outcome::Dropped => &mut out.dropped,
        });
        // A state that does not read (damaged, a newer ZapDesk's) counts
        // in the totals only.
        let Ok(visited) = serde_json::from_str::<Visited>(&state) else {
            continue;
        };
        for node in &visited.entered {
            let stats = nodes.entry(node.clone()).or_insert_with(|| NodeStats {
                node: node.clone(),
                ..NodeStats::default()
            });
            add(&mut stats.entered);
            add(if *node != visited.node {
                &mut stats.went_on
            } else {
                match outcome {
                    Outcome::Active => &mut stats.waiting,
                    Outcome::Completed => &mut stats.completed,
                    Outcome::HandedOff => &mut stats.handed_off,
                    Outcome::WentTo => &mut stats.went_on,
                    Outcome::Dropped => &mut stats.dropped,
                }
            });
        }
        for (from, handle) in visited.branches {
            if handle == "timeout"
                && let Some(stats) = nodes.get_mut(&from)
            {
                add(&mut stats.timed_out);
            }
            add(edges.entry((from, handle)).or_default());
        }
    }
    out.nodes = nodes.into_values().collect();
    out.edges = edges
        .into_iter()
        .map(|((from, handle), taken)| EdgeStats {
            from,
            handle,
            taken,
        })
        .collect();
    Ok(out)
}
