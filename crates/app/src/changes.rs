//! The change hub: every writer that is not the screen looking (a number
//! receiving, the campaign runner, a pull from the agency's server, another
//! screen's write through this app) reports the tables it wrote; the host's
//! `changed` sink receives each [`Change`] once per burst.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc};
use zapdesk_core::AccountId;
use zapdesk_core::changes::{Change, Table};
use zapdesk_sync::SyncRunner;
use zapdesk_whatsapp::fleet::FleetEvent;

pub type ChangeSink = Arc<dyn Fn(Change) + Send + Sync>;

/// Reports changes; cheap to clone, never blocks the writer.
#[derive(Clone)]
pub(crate) struct Changes {
    tx: mpsc::UnboundedSender<Change>,
}

impl Changes {
    /// Starts the task that hands changes to `sink`. Changes queued while
    /// the sink was busy are one burst: each distinct change once, in the
    /// order first seen (a campaign sending a hundred messages is not a
    /// hundred refetches). Ends when every [`Changes`] is dropped.
    pub(crate) fn spawn(sink: ChangeSink) -> Changes {
        let (tx, mut rx) = mpsc::unbounded_channel::<Change>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut burst = vec![first];
                while let Ok(next) = rx.try_recv() {
                    if !burst.contains(&next) {
                        burst.push(next);
                    }
                }
                for change in burst {
                    sink(change);
                }
            }
        });
        Changes { tx }
    }

    pub(crate) fn change(&self, change: Change) {
        let _ = self.tx.send(change);
    }

    pub(crate) fn tables(&self, account: Option<AccountId>, tables: &[Table]) {
        for &table in tables {
            // Closed only when the app is gone: nobody is left to tell.
            let _ = self.tx.send(Change { account, table });
        }
    }

    /// What a number's event says was written.
    pub(crate) fn of_fleet(&self, event: &FleetEvent) {
        match *event {
            FleetEvent::Number { account, .. } => self.tables(Some(account), &[Table::Instances]),
            FleetEvent::Conversation {
                account,
                new_message,
                ..
            } => {
                // A new message may come from a phone not yet in the
                // contacts (the store creates the contact): the event does
                // not say, so contacts are named whenever a message arrives.
                let tables: &[Table] = if new_message {
                    &[Table::Conversations, Table::Messages, Table::Contacts]
                } else {
                    &[Table::Conversations, Table::Messages]
                };
                self.tables(Some(account), tables);
            }
        }
    }

    /// The campaign runner moved a campaign of `account`.
    pub(crate) fn of_campaigns(&self, account: AccountId) {
        self.tables(
            Some(account),
            &[Table::Campaigns, Table::CampaignRecipients],
        );
    }
}

/// Rows pulled from the agency's server: the sync runner tells each table
/// and account after the pull's local commit (`SyncRunner::changes`). A
/// listener that fell behind (more than the runner's buffer at once, e.g. a
/// first pull of a big account) is told that everything changed, which at
/// worst refetches what is on screen once too often.
pub(crate) fn follow_sync_pulls(
    sync: &SyncRunner,
    changes: Changes,
) -> tokio::task::JoinHandle<()> {
    let mut pulled = sync.changes();
    tokio::spawn(async move {
        loop {
            match pulled.recv().await {
                Ok(change) => changes.tables(change.account, &[change.table]),
                Err(broadcast::error::RecvError::Lagged(_)) => changes.tables(None, &Table::ALL),
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;
    use std::sync::mpsc::{Receiver, channel};
    use std::time::Duration;

    use super::*;

    const WAIT: Duration = Duration::from_secs(10);

    fn of(table: Table) -> Change {
        Change {
            account: None,
            table,
        }
    }

    /// Changes that queue while the sink is busy reach it once each, in the
    /// order first seen; what arrives later is a burst of its own.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_reaches_the_sink_once_per_change() {
        let (entered_tx, entered) = channel::<()>();
        let (gate_tx, gate) = channel::<()>();
        let (got_tx, got) = channel::<Change>();
        let gate: Mutex<Option<Receiver<()>>> = Mutex::new(Some(gate));
        let changes = Changes::spawn(Arc::new(move |change| {
            // The first change holds the sink until the test has queued more.
            if let Some(gate) = gate.lock().unwrap().take() {
                entered_tx.send(()).unwrap();
                gate.recv().unwrap();
            }
            got_tx.send(change).unwrap();
        }));
        changes.tables(None, &[Table::Contacts]);
        entered.recv_timeout(WAIT).unwrap();
        changes.tables(None, &[Table::Messages, Table::Messages, Table::Contacts]);
        changes.tables(None, &[Table::Messages]);
        gate_tx.send(()).unwrap();
        let first: Vec<Change> = (0..3).map(|_| got.recv_timeout(WAIT).unwrap()).collect();
        assert_eq!(
            first,
            [
                of(Table::Contacts),
                of(Table::Messages),
                of(Table::Contacts)
            ]
        );
        // Nothing else was left of that burst: the next change is the next seen.
        changes.tables(None, &[Table::Tags]);
        assert_eq!(got.recv_timeout(WAIT).unwrap(), of(Table::Tags));
    }
}
