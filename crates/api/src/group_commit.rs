//! Group commit for `POST /send`: the texts of concurrent sends are
//! written in one transaction.
//!
//! Why: a send's own work is a few reads (the contact, its conversation),
//! run side by side on the store's readers, and one write transaction,
//! which SQLite runs one at a time; the commit and the transaction around
//! the outbox row and its triggers were most of a send's time
//! (docs/benchmarks.md, issue 17). Each request settles its send with reads
//! only ([`App::ready_text`]) and joins a queue; one writer task takes
//! every send waiting, writes them under a savepoint each in one
//! transaction ([`App::queue_ready`]), commits, and only then answers each
//! request: a crash before the commit loses only sends nobody was told were
//! queued. While it writes, the next sends gather for the next batch.

use tokio::sync::{mpsc, oneshot};
use zapdesk_app::{App, AppError, QueuedText, ReadyText};
use zapdesk_core::api_tokens::idempotency::KeyClaim;
use zapdesk_core::inbox::InboxError;

use crate::config::Hooks;
use crate::error::ApiError;

/// The most sends in one transaction: a batch's requests wait for all of
/// it, so a bound keeps the wait of the first one short.
const BATCH_MAX: usize = 256;

/// What became of a send given to the writer.
pub enum Answer {
    Done(Result<QueuedText, ApiError>),
    /// Its id is queued in another conversation of the contact, or its
    /// conversation is gone, or the writer stopped: the send is to be made
    /// alone ([`App::send`], under the same id, so once), which says which.
    Alone,
}

struct Job {
    /// Each job brings the app: the writer holds none between batches, so
    /// it never keeps a stopped app (and its data folder) open.
    app: App,
    ready: ReadyText,
    key: Option<KeyClaim>,
    answer: oneshot::Sender<Answer>,
}

/// The queue of sends and its writer task (which ends when this is dropped).
pub struct GroupCommit {
    jobs: mpsc::UnboundedSender<Job>,
    hooks: Hooks,
}

impl GroupCommit {
    /// Starts the writer; inside a Tokio runtime.
    pub fn start(hooks: Hooks) -> GroupCommit {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(writer(queue, hooks.clone()));
        GroupCommit { jobs, hooks }
    }

    /// Queues `ready` with the sends waiting and returns its answer, given
    /// after the batch it went in was committed.
    pub async fn send(&self, app: &App, ready: ReadyText, key: Option<KeyClaim>) -> Answer {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            app: app.clone(),
            ready,
            key,
            answer,
        };
        if self.jobs.send(job).is_err() {
            return Answer::Alone;
        }
        if let Some(hook) = &self.hooks.send_queued {
            hook();
        }
        // The writer dropped it (it panicked): whether its batch was
        // committed is unknown, and the send alone under the same id says.
        answered.await.unwrap_or(Answer::Alone)
    }
}

async fn writer(mut queue: mpsc::UnboundedReceiver<Job>, hooks: Hooks) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let app = batch[0].app.clone();
        let size = batch.len();
        let (texts, answers): (Vec<_>, Vec<_>) = batch
            .into_iter()
            .map(|job| ((job.ready, job.key), job.answer))
            .unzip();
        let hold = hooks.before_commit.clone();
        let before_commit = async move {
            match hold {
                Some(hold) => hold(size).await,
                None => true,
            }
        };
        match app.queue_ready(texts, before_commit).await {
            Ok(done) => {
                for (answer, done) in answers.into_iter().zip(done) {
                    let _ = answer.send(match done {
                        Err(AppError::Inbox(InboxError::ConversationUnknown(..))) => Answer::Alone,
                        done => Answer::Done(done.map_err(ApiError::from)),
                    });
                }
            }
            Err(e) => {
                // Nothing of the batch was committed: each request is
                // refused, and a client's retry sends it.
                let refused = ApiError::from(e);
                for answer in answers {
                    let _ = answer.send(Answer::Done(Err(refused.clone())));
                }
            }
        }
    }
}
