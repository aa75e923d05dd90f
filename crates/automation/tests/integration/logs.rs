//! The runner's warnings as a test sees them: a `tracing` subscriber for the
//! whole test binary that keeps every warning's text, so a test can wait for
//! something the runner only logs (a write the store refused) before it
//! changes what happens next.

use std::sync::{Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use crate::bot::WAIT;

pub struct Logs {
    lines: Mutex<Vec<String>>,
    changed: tokio::sync::watch::Sender<usize>,
}

/// The binary's warnings, from the first call on (it installs the subscriber).
pub fn logs() -> &'static Logs {
    static LOGS: OnceLock<&'static Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs: &'static Logs = Box::leak(Box::new(Logs {
            lines: Mutex::new(Vec::new()),
            changed: tokio::sync::watch::channel(0).0,
        }));
        tracing::subscriber::set_global_default(Capture(logs))
            .expect("no other subscriber in this test binary");
        logs
    })
}

impl Logs {
    /// Waits until a warning logged from now on contains every one of `parts`.
    pub async fn until(&self, parts: &[&str]) -> String {
        let from = self.lines.lock().unwrap().len();
        let mut changed = self.changed.subscribe();
        let found = tokio::time::timeout(WAIT, async {
            loop {
                let seen = self.lines.lock().unwrap()[from..]
                    .iter()
                    .find(|line| parts.iter().all(|p| line.contains(p)))
                    .cloned();
                if let Some(line) = seen {
                    return line;
                }
                changed.changed().await.unwrap();
            }
        })
        .await;
        found.unwrap_or_else(|_| panic!("no warning with {parts:?}"))
    }
}

struct Capture(&'static Logs);

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= Level::WARN
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        let count = {
            let mut lines = self.0.lines.lock().unwrap();
            lines.push(message.0);
            lines.len()
        };
        self.0.changed.send_replace(count);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
