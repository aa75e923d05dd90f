//! Opening, starting and stopping the app, in one order for every shell.
//!
//! Start: sync resumes first (a shared number must not start before the
//! server is asked whether another desktop runs it), then the numbers.
//! Stop: campaigns (nothing new is queued), then flows (no session stepped,
//! no outside call in flight), then the fleet (every Chromium closed, each
//! lease released through sync so another desktop takes the number at
//! once), then sync.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::OnceCell;
use tokio::task::JoinHandle;
use zapdesk_automation::{Caller, FlowRunner, FlowWaker, Numbers};
use zapdesk_core::data_dir::{self, DataDirLock, LockError};
use zapdesk_core::store::StoreError;
use zapdesk_core::{AccountId, ErrorCode, InstanceId, Lang, Store, UserError, instances, settings};
use zapdesk_sync::{SavedError, SyncRunner};
use zapdesk_whatsapp::campaigns::CampaignRunner;
use zapdesk_whatsapp::fleet::{Fleet, FleetConfig, FleetError, FleetEvent, Sink};

use crate::changes::{Changes, follow_sync_pulls};
use crate::cloud_commands::CloudCommands;
use crate::host::{Host, Stage};
use crate::simulations::Simulations;
use crate::webhooks::WebhookSender;

/// Why the data folder could not be opened: the window shows it instead of
/// its screens.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// A second ZapDesk (window or `serve`) on the same folder.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// A database from a newer ZapDesk, a folder that cannot be written, …
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl UserError for OpenError {
    fn code(&self) -> ErrorCode {
        match self {
            OpenError::Lock(e) => e.code(),
            OpenError::Store(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            OpenError::Lock(e) => e.message(lang),
            OpenError::Store(e) => e.message(lang),
        }
    }
}

/// Which numbers [`App::start`] starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every number that was running when ZapDesk last closed (the window,
    /// `serve`).
    All,
    /// Only this account's numbers marked to run (`serve --account`).
    Account(AccountId),
}

/// What [`App::start`] did.
#[derive(Debug)]
pub struct Started {
    /// Numbers started (a shared number another desktop runs waits instead).
    pub numbers: usize,
    /// Why sync did not resume, if it did not; the numbers started anyway
    /// (an account that is not shared needs no server).
    pub sync: Result<(), SavedError>,
}

/// The running app; clones share it.
#[derive(Clone)]
pub struct App(Arc<Inner>);

struct Inner {
    store: Store,
    fleet: Arc<Fleet>,
    campaigns: CampaignRunner,
    flows: FlowRunner,
    /// Executes the agency's cloud commands (`cloud_commands.rs`).
    cloud_commands: CloudCommands,
    sync: Arc<SyncRunner>,
    /// The simulator panel's open simulations.
    simulations: Simulations,
    /// Delivers the webhooks' events (`webhooks/sender.rs`).
    webhooks: WebhookSender,
    pub(crate) changes: Changes,
    stage: Arc<dyn Fn(Stage) + Send + Sync>,
    /// Tasks that follow sync's pulls; ended at shutdown.
    followers: Mutex<Vec<JoinHandle<()>>>,
    /// Set when shutdown begins: a start still resuming sync starts no number.
    closing: AtomicBool,
    /// Shutdown runs once; a second call (exit event after a signal) waits for it.
    closed: OnceCell<()>,
    // Held for the life of the app: no second ZapDesk on the same data.
    // Let go only after a restore (`backup.rs`), for the restarted process.
    lock: Mutex<Option<DataDirLock>>,
}

impl App {
    /// Locks the data folder, opens (and migrates) the store, and creates the
    /// fleet, the campaign runner and the sync runner, none started yet.
    pub async fn open(data_dir: &Path, host: Host) -> Result<App, OpenError> {
        App::open_with(FleetConfig::new(data_dir.to_path_buf()), host).await
    }

    /// As [`App::open`], with the numbers run as `config` says (tests use
    /// their own Chromium and lease timing). Must be called inside the async
    /// runtime.
    pub async fn open_with(config: FleetConfig, host: Host) -> Result<App, OpenError> {
        let lock = data_dir::lock(&config.data_dir)?;
        let store = Store::open(&config.data_dir).await?;
        // First: it sets the process's TLS provider before any HTTP client
        // exists (zapdesk-automation's caller.rs).
        let caller = Caller::new();
        let simulations = Simulations::new(&config.data_dir, caller.clone());
        // Every change reported wakes the webhook sender: the triggers
        // have queued its events by then.
        let webhooks = WebhookSender::new(store.clone());
        let changes = Changes::spawn(webhooks.waking(host.changed));
        let webhook_qrs = webhooks.qr_notes();
        let fleet_out = host.fleet;
        let fleet_changes = changes.clone();
        // The flow runner is made after the fleet it asks; the fleet's events
        // wake it once it exists.
        let flows_wake: Arc<OnceLock<FlowWaker>> = Arc::new(OnceLock::new());
        let wake = Arc::clone(&flows_wake);
        let cloud_commands = CloudCommands::new();
        let commands_wake = cloud_commands.waker();
        let sink: Sink = Arc::new(move |event| {
            fleet_changes.of_fleet(&event);
            // A new QR code: a `number.qr` event for the webhooks that want it.
            webhook_qrs.note(&event);
            // A message stored (the bot may answer it), a number connected
            // or started (its sessions and queued messages are ours now).
            let wakes = match &event {
                FleetEvent::Conversation { new_message, .. } => *new_message,
                FleetEvent::Number { .. } => true,
            };
            if wakes && let Some(flows) = wake.get() {
                flows.wake();
            }
            // A number started: the cloud's commands for it are ours now.
            if matches!(event, FleetEvent::Number { .. }) {
                commands_wake.wake();
            }
            fleet_out(event);
        });
        let fleet = Fleet::new(store.clone(), config, sink);
        let sync = Arc::new(SyncRunner::new(store.clone(), host.sync));
        // Before any number can start: sync decides who runs a shared number.
        fleet.set_leases(sync.clone());
        let progress = changes.clone();
        let campaigns = CampaignRunner::spawn_reporting(
            Arc::clone(&fleet),
            Arc::new(move |account| progress.of_campaigns(account)),
        );
        let flow_changes = changes.clone();
        let flows = FlowRunner::spawn(
            store.clone(),
            Arc::new(FleetNumbers(Arc::clone(&fleet))),
            caller,
            Arc::new(move |change| flow_changes.change(change)),
        );
        // Set once, here: the only writer.
        let _ = flows_wake.set(flows.waker());
        Ok(App(Arc::new(Inner {
            store,
            fleet,
            campaigns,
            flows,
            cloud_commands,
            sync,
            simulations,
            webhooks,
            changes,
            stage: host.stage,
            followers: Mutex::new(Vec::new()),
            closing: AtomicBool::new(false),
            closed: OnceCell::new(),
            lock: Mutex::new(Some(lock)),
        })))
    }

    /// Resumes sync from the saved connection, then starts the numbers of
    /// `scope`: each shared one only with its lease (else it waits for it).
    /// The fleet and the campaign runner act on every pull from then on.
    pub async fn start(&self, scope: Scope) -> Result<Started, FleetError> {
        let inner = &self.0;
        let pulled = || inner.sync.pulled();
        {
            let mut followers = inner.followers.lock().unwrap_or_else(|p| p.into_inner());
            // A reply typed on another desktop arrives as a pulled row: send it.
            followers.push(inner.fleet.follow(pulled()));
            // So do campaigns created, paused or resumed there.
            followers.push(inner.campaigns.waker().follow(pulled()));
            // And sessions started there (by hand, by a tag) for a number
            // that runs here.
            followers.push(inner.flows.waker().follow(pulled()));
            // A number's lease long enough again: its queued messages and
            // due sessions are this desktop's to step now.
            followers.push(inner.flows.waker().follow(inner.fleet.claimable()));
            followers.push(follow_sync_pulls(&inner.sync, inner.changes.clone()));
            // Webhook secrets to and from the agency's server (webhooks).
            followers.push(crate::webhooks::follow_secrets(self));
            // The day's backup of the store, if not taken yet (backup.rs).
            followers.push(self.spawn_daily_backup());
        }
        // Webhook deliveries left waiting (a crash, a kill) go out now.
        inner.webhooks.start(inner.changes.clone());
        let lang = settings::language(&inner.store).await.unwrap_or_default();
        let sync = inner.sync.resume(lang).await;
        // Who logged in may have a new role or accounts on the server (team).
        self.refresh_login();
        (inner.stage)(Stage::SyncResumed);
        if inner.closing.load(Ordering::SeqCst) {
            return Ok(Started { numbers: 0, sync });
        }
        let numbers = match scope {
            Scope::All => inner.fleet.resume().await?,
            Scope::Account(account) => {
                let mut started = 0;
                for number in instances::list(&inner.store, account).await? {
                    if number.autostart {
                        inner.fleet.start(account, number.id).await?;
                        started += 1;
                    }
                }
                started
            }
        };
        (inner.stage)(Stage::NumbersStarted);
        // After the numbers: it executes only for numbers running here.
        inner.cloud_commands.start(self.clone());
        Ok(Started { numbers, sync })
    }

    /// Stops everything in order; the numbers marked to run start again next
    /// time. Safe to call twice, and concurrently: the second call waits.
    pub async fn shutdown(&self) {
        let inner = &self.0;
        inner.closing.store(true, Ordering::SeqCst);
        inner
            .closed
            .get_or_init(|| async {
                // First: nothing new from the cloud (the command being
                // executed finishes and its outcome is written).
                inner.cloud_commands.stop().await;
                // Their folders are removed (the next open would, too).
                inner.simulations.close_all().await;
                inner.campaigns.stop_and_wait().await;
                (inner.stage)(Stage::CampaignsStopped);
                // After campaigns, before the numbers it sends through.
                inner.flows.stop_and_wait().await;
                (inner.stage)(Stage::FlowsStopped);
                // Before the numbers: their "stopped" events wait in the
                // store for the next start.
                inner.webhooks.stop().await;
                inner.fleet.shutdown().await;
                (inner.stage)(Stage::FleetStopped);
                inner.sync.shutdown().await;
                (inner.stage)(Stage::SyncStopped);
                for task in inner
                    .followers
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .drain(..)
                {
                    task.abort();
                }
            })
            .await;
    }

    /// Lets go of the data folder (after a restore swapped the store): the
    /// restarted process takes it. The app must be shut down.
    pub(crate) fn release_data_dir(&self) {
        self.0.lock.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// Shutdown has begun: background work stops trying.
    pub(crate) fn is_closing(&self) -> bool {
        self.0.closing.load(Ordering::SeqCst)
    }

    pub fn fleet(&self) -> &Arc<Fleet> {
        &self.0.fleet
    }

    pub fn sync(&self) -> &Arc<SyncRunner> {
        &self.0.sync
    }

    /// The cloud commands' task and the panel's kept connection.
    pub(crate) fn cloud_commands(&self) -> &CloudCommands {
        &self.0.cloud_commands
    }

    pub fn data_dir(&self) -> &Path {
        self.0.store.data_dir()
    }

    pub(crate) fn simulations(&self) -> &Simulations {
        &self.0.simulations
    }

    pub(crate) fn webhook_sender(&self) -> &WebhookSender {
        &self.0.webhooks
    }

    pub(crate) fn changes(&self) -> &Changes {
        &self.0.changes
    }

    /// A campaign was created, resumed or re-paced: the runner looks now.
    pub(crate) fn wake_campaigns(&self) {
        self.0.campaigns.changed();
    }

    /// Whether the campaign runner has stopped (after shutdown).
    pub fn campaigns_stopped(&self) -> bool {
        self.0.campaigns.is_stopped()
    }

    /// A session was started or stopped by hand: the flow runner looks now.
    pub(crate) fn wake_flows(&self) {
        self.0.flows.wake();
    }

    /// Whether the flow runner has stopped (after shutdown).
    pub fn flows_stopped(&self) -> bool {
        self.0.flows.is_stopped()
    }
}

/// The fleet as the flow runner sees it: which numbers run here with their
/// lease, and whose sender to wake.
struct FleetNumbers(Arc<Fleet>);

impl Numbers for FleetNumbers {
    fn runs_here(&self, number: InstanceId) -> bool {
        self.0.runs_here(number)
    }

    fn kick(&self, number: InstanceId) {
        self.0.kick_number(number);
    }
}
