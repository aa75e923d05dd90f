//! Driving the throwaway store as the runner drives the real one: queued
//! messages and due sessions handled by `run`, outside calls made (or
//! skipped) between a session's turns, the bot's messages taken from the
//! outbox in the order the number's sender sends them, and the bot log's
//! new lines turned into events.

use std::collections::VecDeque;

use zapdesk_core::automation::engine::{CallOutcome, CallRequest, EndReason};
use zapdesk_core::automation::{run, sessions};
use zapdesk_core::domain::MessageKind;
use zapdesk_core::ids::SessionId;
use zapdesk_core::inbox::outbox;
use zapdesk_core::{AccountId, InstanceId};

use super::{SimError, SimEvent, Simulation};
use crate::{CallContext, make_call};

/// Queue rows and due sessions taken per look.
const BATCH: usize = 64;

/// Every number of the throwaway store runs "here": the simulation is the
/// only desktop.
fn here(_: InstanceId) -> bool {
    true
}

impl Simulation {
    /// The queue in order, then the due sessions, until nothing is left at
    /// the simulation's time.
    pub(super) async fn handle_now(&mut self) -> Result<(), SimError> {
        loop {
            let items = run::next_queued(&self.store, &here, 0, self.clock, BATCH).await?;
            for item in &items {
                if let run::Handled::Done(done) =
                    run::handle_queued(&self.store, item, &here, self.clock).await?
                {
                    self.after(done).await?;
                }
            }
            let due = run::due(&self.store, &here, self.clock, BATCH).await?;
            for item in &due {
                let done = run::handle_due(
                    &self.store,
                    item.account,
                    item.session,
                    item.wake_at,
                    self.clock,
                )
                .await?;
                self.after(done).await?;
            }
            if items.is_empty() && due.is_empty() {
                return Ok(());
            }
        }
    }

    /// Shows what an event did, and makes the calls it asked for (each
    /// answer may ask for another).
    async fn after(&mut self, done: run::Done) -> Result<(), SimError> {
        self.show().await?;
        let mut calls: VecDeque<(AccountId, SessionId)> = done.calls.into();
        while let Some((account, session)) = calls.pop_front() {
            let Some(request) =
                run::mark_call_started(&self.store, account, session, &|_| true).await?
            else {
                continue;
            };
            self.show().await?;
            let outcome = self.call(session, &request).await;
            let done =
                run::handle_called(&self.store, account, session, outcome, self.clock).await?;
            self.show().await?;
            calls.extend(done.calls);
        }
        Ok(())
    }

    /// An HTTP or AI node's call as the runner makes it, under the real
    /// account's settings and AI key; "skipped" (the node's error or
    /// hand-off branch) when asked.
    async fn call(&self, session: SessionId, request: &CallRequest) -> CallOutcome {
        if self.skip_calls {
            return CallOutcome::Failed {
                reason: "skipped".into(),
            };
        }
        let at = CallContext {
            store: &self.store,
            account: self.copied.account,
            session,
            key_of: self.real_account,
            settings: &self.settings,
        };
        make_call(&self.caller, at, request).await
    }

    /// The messages the number's sender would send now, in its order
    /// (marked sent, as if WhatsApp took them), then the log's new lines.
    async fn show(&mut self) -> Result<(), SimError> {
        let (account, number) = (self.copied.account, self.copied.number);
        while let Some(job) = outbox::claim_next_at(&self.store, account, number, i64::MAX).await? {
            outbox::mark_sent(
                &self.store,
                account,
                job.message,
                &format!("true_{}_SIM{}", job.phone, job.message),
                1,
            )
            .await?;
            let file = match job.kind {
                MessageKind::Text => None,
                _ => Some(job.media_name.unwrap_or_default()),
            };
            self.events.push(SimEvent::Bot {
                text: job.body,
                file,
            });
        }
        let lines = sessions::log(&self.store, account, self.copied.conversation, 1000).await?;
        let seen = self.seen_log;
        for line in lines.into_iter().filter(|l| l.seq > seen) {
            self.seen_log = line.seq;
            let event = match line.what.as_str() {
                "path" => {
                    let nodes: Vec<String> = line.detail.split(" → ").map(str::to_owned).collect();
                    if self.of_simulated_flow(line.session_id).await? {
                        self.path.extend(nodes.iter().cloned());
                    }
                    SimEvent::Path { nodes }
                }
                "call" => SimEvent::Call {
                    detail: line.detail,
                },
                "ended" => match serde_json::from_str(&line.detail) {
                    Ok(EndReason::WentTo { flow }) => {
                        let (flow, flow_name) = match self.copied.flows.get(&flow) {
                            Some((id, name)) => (id.to_string(), Some(name.clone())),
                            None => (flow, None),
                        };
                        SimEvent::Ended {
                            reason: EndReason::WentTo { flow },
                            flow_name,
                        }
                    }
                    Ok(reason) => SimEvent::Ended {
                        reason,
                        flow_name: None,
                    },
                    Err(_) => continue,
                },
                "handoff" => SimEvent::Handoff { note: line.detail },
                // Said by the first line's own events.
                "started" | "handed_back" => continue,
                _ => SimEvent::Note {
                    what: line.what,
                    detail: line.detail,
                },
            };
            self.events.push(event);
        }
        Ok(())
    }

    /// Whether a log line's session runs the simulated flow (and not one
    /// it went to). Asked once per session.
    async fn of_simulated_flow(&mut self, session: Option<SessionId>) -> Result<bool, SimError> {
        let Some(session) = session else {
            return Ok(false);
        };
        if let Some(known) = self.sessions.get(&session) {
            return Ok(*known);
        }
        let flow = sessions::flow_of(&self.store, self.copied.account, session).await?;
        let ours = flow == Some(self.copied.flow);
        self.sessions.insert(session, ours);
        Ok(ours)
    }
}
