//! What a number received, kept until the store has it. Storing can fail for
//! a while (a sync pull or another process holds SQLite's write lock past the
//! busy timeout, the disk is full): the event then waits here, and so does
//! everything the number receives after it, in order, so an ack never reaches
//! the store before the message it is about. The head is retried with
//! backoff until it is stored (docs/inbound.md).
//!
//! Memory is bounded per number: past [`MESSAGES_KEPT`] waiting messages a new
//! one is not kept here but left to WhatsApp, which holds it in the chat's
//! history; a catch-up queued behind the waiting ones fetches it from there
//! (`catch_up.rs`). This module owns only the queue, never the store.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::backoff::Backoff;
use crate::protocol::WaMessage;

/// Messages a number keeps in memory while the store refuses them.
pub const MESSAGES_KEPT: usize = 2_000;

/// One thing to store.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// A message WhatsApp Web reported as new.
    Message(WaMessage),
    /// Acks on messages, in the order they came.
    Ack { ids: Vec<String>, ack: i32 },
    /// Ask WhatsApp for each chat's messages after the last one stored.
    CatchUp,
}

/// A number's waiting events, oldest first.
#[derive(Debug)]
pub struct InboundQueue {
    waiting: VecDeque<Pending>,
    messages: usize,
    limit: usize,
    failures: u32,
    retry_at: Option<Instant>,
}

impl InboundQueue {
    pub fn new(limit: usize) -> InboundQueue {
        InboundQueue {
            waiting: VecDeque::new(),
            messages: 0,
            limit,
            failures: 0,
            retry_at: None,
        }
    }

    /// Queues an event behind the others. A message past the limit becomes
    /// a catch-up (one for any number of them in a row).
    pub fn push(&mut self, pending: Pending) {
        match pending {
            Pending::Message(_) if self.messages >= self.limit => self.push_catch_up(),
            Pending::CatchUp => self.push_catch_up(),
            Pending::Message(m) => {
                self.messages += 1;
                self.waiting.push_back(Pending::Message(m));
            }
            ack => self.waiting.push_back(ack),
        }
    }

    fn push_catch_up(&mut self) {
        // One queued catch-up covers everything before it; a second one
        // right behind it would fetch the same history again.
        if self.waiting.back() != Some(&Pending::CatchUp) {
            self.waiting.push_back(Pending::CatchUp);
        }
    }

    /// The oldest event, to store now.
    pub fn front(&self) -> Option<&Pending> {
        self.waiting.front()
    }

    /// The oldest event is stored: the next one is tried at once.
    pub fn stored(&mut self) {
        if let Some(Pending::Message(_)) = self.waiting.pop_front() {
            self.messages -= 1;
        }
        self.failures = 0;
        self.retry_at = None;
    }

    /// Storing the oldest event failed: it is tried again after a backoff
    /// that grows with each failure in a row. Returns the delay.
    pub fn failed(&mut self, backoff: &Backoff, rng: &mut impl rand::Rng) -> Duration {
        let delay = backoff.delay(self.failures, rng);
        self.failures = self.failures.saturating_add(1);
        self.retry_at = Some(Instant::now() + delay);
        delay
    }

    /// How many times in a row the head failed.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Whether the head waits for its retry time (new events then only queue).
    pub fn backing_off(&self) -> bool {
        self.retry_at.is_some()
    }

    /// When the head is tried again, if it failed.
    pub fn retry_at(&self) -> Option<Instant> {
        self.retry_at
    }

    /// Tries the head again now (the number reconnected).
    pub fn retry_now(&mut self) {
        if self.retry_at.is_some() {
            self.retry_at = Some(Instant::now());
        }
    }

    /// Events waiting, the head included.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::WaKind;

    fn message(id: &str) -> Pending {
        Pending::Message(WaMessage {
            id: id.into(),
            chat: "5511987654321@c.us".into(),
            phone_chat: None,
            from_me: false,
            kind: WaKind::Text,
            body: String::new(),
            t: 1,
            name: None,
            mime: None,
            filename: None,
            lat: None,
            lng: None,
            vcard: None,
            size: None,
            media: None,
            media_error: None,
            ack: None,
        })
    }

    #[test]
    fn keeps_order_and_turns_messages_past_the_limit_into_one_catch_up() {
        let mut q = InboundQueue::new(2);
        q.push(message("a"));
        q.push(Pending::Ack {
            ids: vec!["a".into()],
            ack: 3,
        });
        q.push(message("b"));
        q.push(message("c"));
        q.push(message("d"));
        q.push(Pending::Ack {
            ids: vec!["x".into()],
            ack: 2,
        });
        q.push(message("e"));
        let mut order = Vec::new();
        while let Some(front) = q.front() {
            order.push(match front {
                Pending::Message(m) => m.id.clone(),
                Pending::Ack { ack, .. } => format!("ack{ack}"),
                Pending::CatchUp => "catch-up".into(),
            });
            q.stored();
        }
        assert_eq!(
            order,
            ["a", "ack3", "b", "catch-up", "ack2", "catch-up"].map(String::from)
        );
        // Room again after the queue emptied.
        q.push(message("f"));
        assert_eq!(q.front(), Some(&message("f")));
    }

    #[test]
    fn a_failure_backs_off_until_the_head_is_stored() {
        use rand::SeedableRng;
        let backoff = Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(8),
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut q = InboundQueue::new(10);
        q.push(message("a"));
        assert!(!q.backing_off());
        let first = q.failed(&backoff, &mut rng);
        let second = q.failed(&backoff, &mut rng);
        assert!(first <= Duration::from_secs(1) && second >= Duration::from_secs(1));
        assert!(q.backing_off());
        q.stored();
        assert!(!q.backing_off() && q.is_empty());
    }
}
