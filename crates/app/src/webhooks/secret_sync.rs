//! Webhook secrets between this desktop's keyring and the agency's server
//! (issue 17, item 4; docs/webhooks.md, "Where events are made, and who
//! delivers"). Webhooks sync, so the desktop that runs a number delivers its
//! events, and must sign them with the secret the webhook's creator made:
//!
//! - **publish**: a secret made here (create, rotate) and not yet on the
//!   server goes to `zapdesk.webhook_secrets` (owners and admins only);
//!   until the webhook's row is pushed the server refuses it, and the next
//!   round tries again;
//! - **fetch**: a webhook whose synced `secret_version` is ahead of what this
//!   desktop keeps is asked of `zapdesk.webhook_secret` (an admin, or the
//!   holder of a live lease of one of the account's numbers, gets it) and
//!   kept in this desktop's keyring; meanwhile its deliveries wait
//!   (`sender.rs`: attempts that wait, retried with the backoff and at once
//!   when the secret arrives, never sent unsigned or with an older secret,
//!   never counted as the receiver failing);
//! - **forget**: a webhook gone from the store (deleted here, or another
//!   desktop's delete pulled) has its keyring entry deleted.
//!
//! One task per app, started with it and aborted at shutdown. A round runs
//! when asked (create, rotate), when sync pulled or its view moved, when a
//! number's lease came back, and every [`POLL`]; it connects to the server
//! only when there is something to publish or fetch. New work goes at
//! once; the same unfinished work again after [`FIRST_RETRY`], doubling up
//! to [`POLL`] (a secret the other desktop publishes a moment after its row
//! arrived here comes within a second or two; an agent's desktop that runs
//! none of the account's numbers gets nothing, and asks every [`POLL`]).
//!
//! The secret is a bound parameter and a keyring value only: no log line,
//! file or error carries it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::webhooks::secret_versions;
use zapdesk_core::webhooks::secret_work::{self, SecretWork};
use zapdesk_sync::webhook_secrets::{RemoteSecrets, SecretExchangeError};

use super::secret;
use crate::App;

/// Without any other reason, a round this often; and the longest wait
/// before unfinished work is taken to the server again.
pub const POLL: Duration = Duration::from_secs(30);
/// The first wait before unfinished work (a secret not published yet on
/// the server, a row not pushed yet) is taken to the server again; it
/// doubles at each round that leaves the same work, up to [`POLL`].
const FIRST_RETRY: Duration = Duration::from_millis(500);
/// Longest wait for one question to the server.
const ASK_WITHIN: Duration = Duration::from_secs(15);

/// Work the last round left undone, and how many rounds in a row left it.
struct Left {
    work: SecretWork,
    rounds: u32,
}

impl Left {
    /// When to take it to the server again: soon at first (the other
    /// desktop publishes a second or so after its row arrived here), then
    /// less and less often (an agent's desktop that runs none of the
    /// account's numbers never gets it, and asks every [`POLL`]).
    fn retry_in(&self) -> Duration {
        let doubled = FIRST_RETRY.saturating_mul(1 << self.rounds.saturating_sub(1).min(16));
        doubled.min(POLL)
    }
}

/// Starts the task; it runs until aborted (the app's followers are, at
/// shutdown).
pub(crate) fn follow(app: App, asked: Arc<Notify>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut views = app.sync().watch();
        let mut pulled = app.sync().pulled();
        let mut claimable = app.fleet().claimable();
        let mut left: Option<Left> = None;
        let mut forced = true;
        let mut next = tokio::time::Instant::now();
        loop {
            if !app.is_closing() {
                // A pull or a push (not forced, not yet time): new work (a
                // webhook pulled, a rotation) goes now; the same work waits
                // for its time.
                let due = forced || tokio::time::Instant::now() >= next;
                let (now_left, exchanged) = round(&app, left, due).await;
                left = now_left;
                if exchanged || due {
                    next = tokio::time::Instant::now() + left.as_ref().map_or(POLL, Left::retry_in);
                }
            }
            forced = tokio::select! {
                () = asked.notified() => true,
                _ = views.changed() => false,
                _ = pulled.changed() => false,
                // A lease (back) here: the secrets of its account are ours to ask.
                _ = claimable.changed() => true,
                () = tokio::time::sleep_until(next) => true,
            };
        }
    })
}

/// One round; returns what was left undone, and whether the server was
/// asked. Unless `due`, work the last round left is not taken to the server
/// again (only new work is).
async fn round(app: &App, left: Option<Left>, due: bool) -> (Option<Left>, bool) {
    let work = match secret_work::secret_work(app.store()).await {
        Ok(work) => work,
        Err(e) => {
            tracing::warn!("webhook secrets: reading what to exchange: {e}");
            return (left, false);
        }
    };
    forget_gone(app, &work).await;
    if work.publish.is_empty() && work.fetch.is_empty() {
        return (None, false);
    }
    let same = left
        .as_ref()
        .is_some_and(|l| l.work.publish == work.publish && l.work.fetch == work.fetch);
    if same && !due {
        return (left, false);
    }
    if let Err(why) = exchange(app, &work).await {
        tracing::info!("webhook secrets: {why}; trying again later");
    }
    // What is left is read again at the next round.
    let rounds = match left {
        Some(l) if same => l.rounds.saturating_add(1),
        _ => 1,
    };
    (Some(Left { work, rounds }), true)
}

/// Keyring entries of webhooks that are gone.
async fn forget_gone(app: &App, work: &SecretWork) {
    for &webhook in &work.gone {
        app.webhook_sender().remember_secret(webhook, None);
        match secret::forget(webhook).await {
            Ok(()) => {
                if let Err(e) = secret_work::forgotten(app.store(), webhook).await {
                    tracing::warn!("webhook secrets: forgetting webhook {webhook}: {e}");
                }
            }
            Err(e) => tracing::warn!(
                "webhook secrets: deleting the keyring entry of the deleted webhook {webhook}: {e}"
            ),
        }
    }
}

/// One fetched secret into this desktop's keyring, in the rotation's turn
/// (`secret_turn`): not if the version kept here is already `version` or
/// later (rotated here while the fetch was in flight: the keyring holds the
/// newer secret, which must not be overwritten, then published under the
/// newer version). Whether it was kept.
pub(crate) async fn take_fetched(
    app: &App,
    account: zapdesk_core::AccountId,
    webhook: zapdesk_core::ids::WebhookId,
    version: i64,
    fetched: String,
) -> Result<bool, String> {
    let _turn = app.webhook_sender().secret_turn().await;
    let kept = secret_versions::kept(app.store(), account, webhook)
        .await
        .map_err(|e| format!("reading webhook {webhook}'s kept version: {e}"))?;
    if kept.is_some_and(|kept| kept >= version) {
        return Ok(false);
    }
    secret::keep(webhook, fetched.clone())
        .await
        .map_err(|e| format!("keeping webhook {webhook}'s secret: {e}"))?;
    app.webhook_sender().remember_secret(webhook, Some(fetched));
    secret_versions::fetched(app.store(), account, webhook, version)
        .await
        .map_err(|e| format!("recording a fetched secret: {e}"))?;
    Ok(true)
}

async fn exchange(app: &App, work: &SecretWork) -> Result<(), String> {
    let Some(connection) = app.sync().watch().borrow().connection.clone() else {
        // Working alone: nothing to publish to or fetch from.
        return Ok(());
    };
    // The running engine's options (its password in memory); the
    // credential store only when no engine runs with this connection.
    let remote = match app.sync().remote() {
        Some((running, options)) if running == connection => options,
        _ => zapdesk_sync::commands::remote_of(&connection)
            .map_err(|e| format!("the sync connection's password: {e}"))?,
    };
    let mut server = RemoteSecrets::connect(&remote, ASK_WITHIN)
        .await
        .map_err(|e| format!("connecting to the agency's server: {e}"))?;
    let done = async {
        for task in &work.publish {
            // The keyring's secret and the version kept here read together,
            // and published before a rotation here moves them.
            let _turn = app.webhook_sender().secret_turn().await;
            let now = secret_versions::kept(app.store(), task.account, task.webhook)
                .await
                .map_err(|e| format!("reading webhook {}'s kept version: {e}", task.webhook))?;
            if now != Some(task.version) {
                // Rotated here since the work was read: the next round
                // publishes the newer one.
                continue;
            }
            let kept = secret::read(task.webhook)
                .await
                .map_err(|e| format!("reading webhook {}'s secret: {e}", task.webhook))?;
            match server
                .publish(task.account, task.webhook, task.version, &kept)
                .await
            {
                Ok(()) => {
                    secret_versions::published(app.store(), task.account, task.webhook, task.version)
                        .await
                        .map_err(|e| format!("recording a published secret: {e}"))?;
                    app.changes()
                        .change(Change::of(task.account, Table::Webhooks));
                    tracing::info!(
                        "webhook secrets: version {} of webhook {}'s secret is on the agency's server",
                        task.version,
                        task.webhook
                    );
                }
                // Its row goes with the next push; the next round publishes.
                Err(SecretExchangeError::NotPushedYet) => {}
                Err(SecretExchangeError::Refused) => tracing::info!(
                    "webhook secrets: the server takes webhook {}'s secret only from an owner \
                     or admin of its account",
                    task.webhook
                ),
                Err(e) => return Err(format!("publishing webhook {}'s secret: {e}", task.webhook)),
            }
        }
        for task in &work.fetch {
            let got = server
                .fetch(task.webhook)
                .await
                .map_err(|e| format!("fetching webhook {}'s secret: {e}", task.webhook))?;
            match got {
                // The version that signs now, or a later one (rotated on
                // another desktop before its row reached here).
                Some((version, fetched)) if version >= task.version => {
                    if !take_fetched(app, task.account, task.webhook, version, fetched).await? {
                        continue;
                    }
                    tracing::info!(
                        "webhook secrets: version {version} of webhook {}'s secret received \
                         from the agency's server",
                        task.webhook
                    );
                    // Its waiting deliveries are due now (`fetched`); the
                    // open Webhooks screen reads it again.
                    app.webhook_sender().wake();
                    app.changes()
                        .change(Change::of(task.account, Table::Webhooks));
                }
                // Not published yet, or an older one: its deliveries wait.
                Some(_) | None => tracing::debug!(
                    "webhook secrets: version {} of webhook {}'s secret is not on the server \
                     for this login yet",
                    task.version,
                    task.webhook
                ),
            }
        }
        Ok(())
    }
    .await;
    server.close().await;
    done
}
