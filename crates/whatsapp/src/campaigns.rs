//! Runs campaigns: steps every running or scheduled campaign when it is due,
//! using only numbers that are connected now (so, for an account shared with
//! other desktops, only numbers whose lease this desktop holds, checked by
//! its expiry right before their recipients are claimed: recipients pinned
//! to another desktop's numbers are left to it), and wakes the
//! numbers that got messages. The core decides what to queue and when (`campaigns::sender`);
//! this task only owns the clock. A crash or kill at any moment is safe: each
//! step's claim is one transaction, and the next run starts where the store says.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use zapdesk_core::AccountId;
use zapdesk_core::accounts;
use zapdesk_core::campaigns::sender::step;
use zapdesk_core::campaigns::store as campaigns;
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::time::now_ms;

use crate::fleet::Fleet;

/// Longest sleep between two looks at the campaigns, so a number that
/// connects is used within this time even if nothing wakes the runner.
const IDLE: Duration = Duration::from_secs(15);

/// Told the account whose campaign a step moved (recipients claimed or
/// skipped, or nothing left to send): the screens showing it look again.
pub type Progress = Arc<dyn Fn(AccountId) + Send + Sync>;

/// The handle of the running task.
pub struct CampaignRunner {
    wake: Arc<Notify>,
    // Taken by `stop_and_wait`, which awaits the task's end.
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl CampaignRunner {
    /// Starts the runner on the fleet's store.
    pub fn spawn(fleet: Arc<Fleet>) -> CampaignRunner {
        CampaignRunner::spawn_reporting(fleet, Arc::new(|_| {}))
    }

    /// Starts the runner, telling `progress` after each step that moved a campaign.
    pub fn spawn_reporting(fleet: Arc<Fleet>, progress: Progress) -> CampaignRunner {
        let wake = Arc::new(Notify::new());
        let task = tokio::spawn(run(fleet, Arc::clone(&wake), progress));
        CampaignRunner {
            wake,
            task: std::sync::Mutex::new(Some(task)),
        }
    }

    fn task(&self) -> std::sync::MutexGuard<'_, Option<tokio::task::JoinHandle<()>>> {
        self.task.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the task has ended.
    pub fn is_stopped(&self) -> bool {
        self.task().as_ref().is_none_or(|t| t.is_finished())
    }

    /// Stops the task and returns once it has ended: no step runs after
    /// this (the app stops the numbers next).
    pub async fn stop_and_wait(&self) {
        let task = self.task().take();
        if let Some(task) = task {
            task.abort();
            // Cancelled (or, had it panicked, ended): either way, gone.
            let _ = task.await;
        }
    }

    /// A campaign was created, resumed or re-paced: look again now.
    pub fn changed(&self) {
        self.wake.notify_one();
    }

    /// A handle that wakes the runner, for whoever learns of changes later.
    pub fn waker(&self) -> CampaignWaker {
        CampaignWaker(Arc::clone(&self.wake))
    }

    pub fn stop(&self) {
        if let Some(task) = self.task().as_ref() {
            task.abort();
        }
    }
}

/// Wakes a [`CampaignRunner`].
#[derive(Clone)]
pub struct CampaignWaker(Arc<Notify>);

impl CampaignWaker {
    /// Looks at the campaigns after each change `changes` counts (the sync
    /// runner's pulls): a campaign, a resume or a recipient from another
    /// desktop is acted on at once, not at the next idle look. Must be called
    /// inside the async runtime.
    pub fn follow(&self, changes: watch::Receiver<u64>) -> tokio::task::JoinHandle<()> {
        let wake = Arc::clone(&self.0);
        crate::on_each_change(changes, move || wake.notify_one())
    }
}

impl Drop for CampaignRunner {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn run(fleet: Arc<Fleet>, wake: Arc<Notify>, progress: Progress) {
    // A different delay sequence each run; the store keeps what matters.
    let seed = u64::try_from(now_ms()).unwrap_or(0);
    loop {
        let next = match pass(&fleet, seed, &progress).await {
            Ok(next) => next,
            Err(e) => {
                tracing::warn!("campaigns: {e}");
                None
            }
        };
        let wait = next
            .map(|at| Duration::from_millis(u64::try_from(at - now_ms()).unwrap_or(0)))
            .map_or(IDLE, |d| d.min(IDLE));
        if wait.is_zero() {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = wake.notified() => {}
        }
    }
}

/// One look at every account's campaigns; the earliest moment one is due again.
async fn pass(
    fleet: &Arc<Fleet>,
    seed: u64,
    progress: &Progress,
) -> Result<Option<i64>, Box<dyn std::error::Error>> {
    let store = fleet.store().clone();
    let mut next: Option<i64> = None;
    for account in accounts::list(&store, false).await? {
        for campaign in campaigns::list(&store, account.id).await? {
            if !matches!(
                campaign.status,
                CampaignStatus::Running | CampaignStatus::Scheduled
            ) {
                continue;
            }
            let can_send = |n| fleet.may_send(n);
            let done = step(&store, account.id, campaign.id, now_ms(), seed, &can_send).await?;
            // A step that claimed or skipped recipients, or found none left
            // (the campaign completed), wrote what the campaign's page shows.
            if done.queued > 0 || done.skipped > 0 || done.next_at.is_none() {
                progress(account.id);
            }
            if done.queued > 0 {
                for number in &campaign.numbers {
                    fleet.kick_number(*number);
                }
            }
            if let Some(at) = done.next_at {
                next = Some(next.map_or(at, |n: i64| n.min(at)));
            }
        }
    }
    Ok(next)
}
