//! The sender's memory of webhook secrets, in front of the keyring.
//!
//! - A read is bounded by the attempt's time limit: a keyring waiting on an
//!   unlock prompt fails the attempt (retried after the backoff, recorded in
//!   the log) instead of holding its place for ever.
//! - One keyring read per webhook at a time: attempts of the same webhook
//!   wait for the read already under way instead of starting their own.
//! - The read runs on a thread of its own, not tokio's blocking pool: a read
//!   that never returns does not keep the runtime (and `zapdesk-cli serve`)
//!   from exiting.
//! - Each webhook's entry has a version, moved by every create, rotate and
//!   delete: a read that began before one of them never overwrites what it
//!   set.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use zapdesk_core::ids::WebhookId;

use super::secret::{self, SecretError};

/// How a secret is read (the keyring; tests put their own).
pub(crate) type Reader = Arc<dyn Fn(WebhookId) -> Result<String, SecretError> + Send + Sync>;

/// A read's result, in words for the delivery log.
type Read = Result<String, String>;

#[derive(Default)]
struct Inner {
    known: HashMap<WebhookId, String>,
    versions: HashMap<WebhookId, u64>,
    /// The read under way per webhook: its number and its result to come.
    reading: HashMap<WebhookId, (u64, watch::Receiver<Option<Read>>)>,
    next_read: u64,
}

pub(crate) struct Secrets {
    inner: Arc<Mutex<Inner>>,
    reader: Reader,
}

fn lock(m: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Secrets {
    pub(crate) fn keyring() -> Secrets {
        Secrets::with_reader(Arc::new(secret::read_blocking))
    }

    pub(crate) fn with_reader(reader: Reader) -> Secrets {
        Secrets {
            inner: Arc::default(),
            reader,
        }
    }

    /// Sets (or forgets) the webhook's secret; a read under way from before
    /// will not replace it.
    pub(crate) fn remember(&self, webhook: WebhookId, secret: Option<String>) {
        let mut inner = lock(&self.inner);
        *inner.versions.entry(webhook).or_default() += 1;
        match secret {
            Some(secret) => inner.known.insert(webhook, secret),
            None => inner.known.remove(&webhook),
        };
    }

    /// The webhook's secret, from memory or the keyring, within `limit`.
    pub(crate) async fn get(&self, webhook: WebhookId, limit: Duration) -> Read {
        let mut result = {
            let mut inner = lock(&self.inner);
            if let Some(secret) = inner.known.get(&webhook) {
                return Ok(secret.clone());
            }
            match inner.reading.get(&webhook) {
                Some((_, rx)) => rx.clone(),
                None => self.start_read(&mut inner, webhook),
            }
        };
        let read = tokio::time::timeout(limit, result.wait_for(Option::is_some)).await;
        let read = match read {
            Err(_) => {
                return Err(format!(
                    "the system's credential store did not give the secret within {} ms",
                    limit.as_millis()
                ));
            }
            Ok(Err(_)) => Err("the credential store's read ended without an answer".to_owned()),
            Ok(Ok(read)) => read.clone().unwrap_or_else(|| Err(String::new())),
        };
        // A secret set meanwhile (rotated, or the webhook just created) wins.
        if let Some(secret) = lock(&self.inner).known.get(&webhook) {
            return Ok(secret.clone());
        }
        read
    }

    fn start_read(&self, inner: &mut Inner, webhook: WebhookId) -> watch::Receiver<Option<Read>> {
        let (tx, rx) = watch::channel(None);
        inner.next_read += 1;
        let number = inner.next_read;
        let version = inner.versions.get(&webhook).copied().unwrap_or(0);
        inner.reading.insert(webhook, (number, rx.clone()));
        let shared = Arc::clone(&self.inner);
        let reader = Arc::clone(&self.reader);
        let spawned = std::thread::Builder::new()
            .name("webhook-secret".to_owned())
            .spawn(move || {
                let read = match reader(webhook) {
                    Ok(secret) => Ok(secret),
                    Err(SecretError::Missing) => Err(
                        "no secret for this webhook in this computer's credential store".to_owned(),
                    ),
                    Err(_) => {
                        Err("the system's credential store did not give the secret".to_owned())
                    }
                };
                let mut inner = lock(&shared);
                if inner
                    .reading
                    .get(&webhook)
                    .is_some_and(|(n, _)| *n == number)
                {
                    inner.reading.remove(&webhook);
                }
                let current = inner.versions.get(&webhook).copied().unwrap_or(0) == version;
                if let (true, Ok(secret)) = (current, &read) {
                    inner.known.entry(webhook).or_insert_with(|| secret.clone());
                }
                drop(inner);
                tx.send_replace(Some(read));
            });
        if spawned.is_err() {
            inner.reading.remove(&webhook);
            let (tx, rx) = watch::channel(None);
            tx.send_replace(Some(Err(
                "the credential store could not be read (no thread for it)".to_owned(),
            )));
            return rx;
        }
        rx
    }

    #[cfg(test)]
    fn cached(&self, webhook: WebhookId) -> Option<String> {
        lock(&self.inner).known.get(&webhook).cloned()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    use super::*;

    /// A keyring that answers only when the test says, counting its reads.
    fn held() -> (Secrets, mpsc::Sender<String>, Arc<AtomicUsize>) {
        let (release, answers) = mpsc::channel::<String>();
        let answers = Arc::new(Mutex::new(answers));
        let reads = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&reads);
        let secrets = Secrets::with_reader(Arc::new(move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            let answers = answers.lock().unwrap_or_else(|p| p.into_inner());
            answers.recv().map_err(|_| SecretError::Interrupted)
        }));
        (secrets, release, reads)
    }

    #[tokio::test]
    async fn a_keyring_that_never_answers_fails_the_attempt_in_time_with_one_read() {
        let (secrets, release, reads) = held();
        let secrets = Arc::new(secrets);
        let hook = WebhookId::new();
        let mut waits = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let secrets = Arc::clone(&secrets);
            waits.spawn(async move { secrets.get(hook, Duration::from_millis(50)).await });
        }
        while let Some(got) = waits.join_next().await {
            let error = got.unwrap().unwrap_err();
            assert!(error.contains("within 50 ms"), "{error}");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1, "one read per webhook");
        // Still stuck: the next attempt waits on the same read.
        assert!(secrets.get(hook, Duration::from_millis(10)).await.is_err());
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // Answered: the waiting attempt gets it, and it is kept.
        let waiting = {
            let secrets = Arc::clone(&secrets);
            tokio::spawn(async move { secrets.get(hook, Duration::from_secs(60)).await })
        };
        release.send("s3cret".to_owned()).unwrap();
        assert_eq!(waiting.await.unwrap().unwrap(), "s3cret");
        assert_eq!(secrets.cached(hook).as_deref(), Some("s3cret"));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_read_under_way_never_replaces_a_secret_rotated_meanwhile() {
        let (secrets, release, _) = held();
        let secrets = Arc::new(secrets);
        let hook = WebhookId::new();
        let reading = {
            let secrets = Arc::clone(&secrets);
            tokio::spawn(async move { secrets.get(hook, Duration::from_secs(60)).await })
        };
        // The read is under way once the reader took it.
        while lock(&secrets.inner).reading.is_empty() {
            tokio::task::yield_now().await;
        }
        secrets.remember(hook, Some("new".to_owned()));
        release.send("old".to_owned()).unwrap();
        assert_eq!(reading.await.unwrap().unwrap(), "new");
        assert_eq!(secrets.cached(hook).as_deref(), Some("new"));

        // Forgotten (deleted) during a read: the old one does not come back.
        let other = WebhookId::new();
        let reading = {
            let secrets = Arc::clone(&secrets);
            tokio::spawn(async move { secrets.get(other, Duration::from_secs(60)).await })
        };
        while lock(&secrets.inner).reading.is_empty() {
            tokio::task::yield_now().await;
        }
        secrets.remember(other, None);
        release.send("stale".to_owned()).unwrap();
        let _ = reading.await.unwrap();
        assert_eq!(secrets.cached(other), None);
    }
}
