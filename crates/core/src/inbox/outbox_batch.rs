//! The local API's group commit into the outbox: many texts, of any
//! accounts, in one write transaction. A module of its own because the batch
//! spans accounts: each text names its account (`TextToQueue::account`), and
//! every query for it is scoped by that (`outbox::queue_one_in`); the
//! scoping test lists this module as working across accounts.

use super::InboxError;
use super::outbox::{Queued, TextToQueue, queue_one_in};
use crate::Store;

/// [`super::outbox::enqueue_text_once`] for many texts in one write transaction (the local
/// API's group commit: a commit per send was most of a send's cost).
/// Each text is written under a savepoint of its own, so one refused (a
/// plan's limit, an id of another conversation, a reused key) is rolled
/// back alone and the others go on; a text later in the batch sees what
/// earlier ones wrote (the same id or key twice is one message). Nothing is
/// committed, and so nothing may be answered, before `before_commit` says
/// so and the commit returns: `false` rolls every text back (a test's
/// failed commit). The outer error is the transaction's own (it could not
/// begin or commit): then no text was queued.
pub async fn enqueue_texts_once(
    store: &Store,
    texts: &[TextToQueue],
    before_commit: impl Future<Output = bool>,
) -> Result<Vec<Result<Queued, InboxError>>, InboxError> {
    let mut tx = store.write().await?;
    let mut done = Vec::with_capacity(texts.len());
    for text in texts {
        let mut item = sqlx::Acquire::begin(&mut *tx).await?;
        let queued = queue_one_in(&mut item, text).await;
        match queued {
            Ok(Queued::Message(message)) => {
                item.commit().await?;
                done.push(Ok(Queued::Message(message)));
            }
            other => {
                item.rollback().await?;
                done.push(other);
            }
        }
    }
    if !before_commit.await {
        tx.rollback().await?;
        return Err(InboxError::Database(sqlx::Error::Protocol(
            "the batch was not committed".into(),
        )));
    }
    tx.commit().await?;
    Ok(done)
}
