//! Runs campaigns: steps every running or scheduled campaign when it is due,
//! using only numbers that are connected now, and wakes the numbers that got
//! messages. The core decides what to queue and when (`campaigns::sender`);
//! this task only owns the clock. A crash or kill at any moment is safe: each
//! step's claim is one transaction, and the next run starts where the store says.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use zapdesk_core::accounts;
use zapdesk_core::campaigns::sender::step;
use zapdesk_core::campaigns::store as campaigns;
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::time::now_ms;

use crate::fleet::Fleet;

/// Longest sleep between two looks at the campaigns, so a number that
/// connects is used within this time even if nothing wakes the runner.
const IDLE: Duration = Duration::from_secs(15);

/// The handle of the running task.
pub struct CampaignRunner {
    wake: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl CampaignRunner {
    /// Starts the runner on the fleet's store.
    pub fn spawn(fleet: Arc<Fleet>) -> CampaignRunner {
        let wake = Arc::new(Notify::new());
        let task = tokio::spawn(run(fleet, Arc::clone(&wake)));
        CampaignRunner { wake, task }
    }

    /// A campaign was created, resumed or re-paced: look again now.
    pub fn changed(&self) {
        self.wake.notify_one();
    }

    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for CampaignRunner {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run(fleet: Arc<Fleet>, wake: Arc<Notify>) {
    // A different delay sequence each run; the store keeps what matters.
    let seed = u64::try_from(now_ms()).unwrap_or(0);
    loop {
        let next = match pass(&fleet, seed).await {
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
async fn pass(fleet: &Arc<Fleet>, seed: u64) -> Result<Option<i64>, Box<dyn std::error::Error>> {
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
            let can_send = |n| fleet.connected(n);
            let done = step(&store, account.id, campaign.id, now_ms(), seed, &can_send).await?;
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
