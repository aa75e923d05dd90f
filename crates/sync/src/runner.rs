//! The engine's lifecycle on a desktop, free of Tauri so it can be tested:
//! start it from the saved connection when the app opens, restart it when the
//! operator saves a new one, stop it and forget the connection on disconnect.
//! Every change of what the UI shows (connection, engine status) goes to one
//! [`Sink`] as a [`SyncView`], and stays readable through [`SyncRunner::view`].

use std::sync::{Arc, RwLock};

use serde::Serialize;
use sqlx::postgres::PgConnectOptions;
use tokio::sync::{Mutex, broadcast, watch};
use tokio::task::JoinHandle;
use zapdesk_core::changes::Change;
use zapdesk_core::lease::{LeaseAnswer, LeaseFuture, LeaseGate, LeaseUnknown, RemoteHolder};
use zapdesk_core::{AccountId, InstanceId, Lang, Store, UserError};

use crate::connection::{ConnectionSettings, RemoteStatus, test_connection};
use crate::engine::{Engine, EngineConfig, PULLED_BUFFER};
use crate::leases::{LEASE_TTL, RemoteLeases};
use crate::saved::{self, SavedError};
use crate::secret::{Password, SavedPassword};
use crate::status::{SyncState, SyncStatus};
use crate::sync_error::SyncError;

/// What the UI shows about sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SyncView {
    /// The saved connection (no password); `None`: this desktop works alone.
    pub connection: Option<ConnectionSettings>,
    /// The engine's status; `None` exactly when there is no connection.
    pub status: Option<SyncStatus>,
}

/// Receives every new [`SyncView`] (the app emits it to the UI).
pub type Sink = Arc<dyn Fn(&SyncView) + Send + Sync>;

struct Shared {
    view: watch::Sender<SyncView>,
    sink: Sink,
}

impl Shared {
    fn publish(&self, view: SyncView) {
        (self.sink)(&view);
        self.view.send_replace(view);
    }
}

struct Running {
    engine: Engine,
    forward: JoinHandle<()>,
}

/// Who answers lease questions now.
#[derive(Clone)]
enum Leases {
    /// No saved connection: this desktop works alone.
    Alone,
    Remote(Arc<RemoteLeases>),
    /// A connection is saved but cannot be used (its password is gone):
    /// another desktop may run the numbers, so none may start here.
    Broken(String),
}

/// Owns at most one running engine for the local store.
pub struct SyncRunner {
    store: Store,
    shared: Arc<Shared>,
    // Async: stopping an engine awaits its task, and two saves must not
    // interleave their stop and start.
    running: Mutex<Option<Running>>,
    leases: RwLock<Leases>,
    /// How the running engine reaches the server (its password in memory),
    /// for the app's other readers of the server: no keyring read each time.
    remote: RwLock<Option<(ConnectionSettings, PgConnectOptions)>>,
    /// Rows pulled since the app started, across engines: the fleet kicks its
    /// senders when it moves (a reply typed on another desktop arrived).
    pulled: watch::Sender<u64>,
    /// The tables and accounts those rows are in, for the screens to read
    /// again; kept across engines like `pulled`.
    changes: broadcast::Sender<Change>,
}

impl SyncRunner {
    pub fn new(store: Store, sink: Sink) -> SyncRunner {
        let (view, _) = watch::channel(SyncView {
            connection: None,
            status: None,
        });
        SyncRunner {
            store,
            shared: Arc::new(Shared { view, sink }),
            running: Mutex::new(None),
            leases: RwLock::new(Leases::Alone),
            remote: RwLock::new(None),
            pulled: watch::channel(0).0,
            changes: broadcast::channel(PULLED_BUFFER).0,
        }
    }

    /// Moves whenever rows from another desktop were applied locally.
    pub fn pulled(&self) -> watch::Receiver<u64> {
        self.pulled.subscribe()
    }

    /// Each table and account a pull changed, after its local commit.
    pub fn changes(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    fn set_leases(&self, leases: Leases) {
        *self.leases.write().unwrap_or_else(|p| p.into_inner()) = leases;
    }

    fn current_leases(&self) -> Leases {
        self.leases
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_remote(&self, remote: Option<(ConnectionSettings, PgConnectOptions)>) {
        *self.remote.write().unwrap_or_else(|p| p.into_inner()) = remote;
    }

    /// How the running engine reaches the server: its connection and the
    /// options with the password it was started with (the credential store
    /// is not read again); `None` when no engine runs.
    pub fn remote(&self) -> Option<(ConnectionSettings, PgConnectOptions)> {
        self.remote
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The current view.
    pub fn view(&self) -> SyncView {
        self.shared.view.borrow().clone()
    }

    /// Follows the view (tests wait on it).
    pub fn watch(&self) -> watch::Receiver<SyncView> {
        self.shared.view.subscribe()
    }

    /// On app start: runs the engine if a connection is saved. A password the
    /// credential store no longer has shows as the status's error, so the
    /// operator sees why nothing syncs and types it again.
    pub async fn resume(&self, lang: Lang) -> Result<(), SavedError> {
        let Some(connection) = saved::load(&self.store).await? else {
            self.shared.publish(SyncView {
                connection: None,
                status: None,
            });
            return Ok(());
        };
        let mut running = self.running.lock().await;
        stop(running.take()).await;
        self.set_remote(None);
        match SavedPassword::of(&connection).and_then(|s| s.load()) {
            Ok(password) => *running = Some(self.start(connection, &password, lang).await?),
            Err(e) => {
                self.set_leases(Leases::Broken(e.message(lang)));
                self.shared.publish(SyncView {
                    connection: Some(connection),
                    status: Some(SyncStatus {
                        state: SyncState::Error {
                            code: e.code(),
                            message: e.message(lang),
                        },
                        ..SyncStatus::default()
                    }),
                })
            }
        }
        Ok(())
    }

    /// Tests the connection, and only if the server accepts it saves it and
    /// (re)starts the engine with it: a connection saved is one that worked.
    pub async fn connect(
        &self,
        connection: ConnectionSettings,
        password: &Password,
        lang: Lang,
    ) -> Result<RemoteStatus, SavedError> {
        let remote = test_connection(&connection, password).await?;
        let mut running = self.running.lock().await;
        stop(running.take()).await;
        self.set_remote(None);
        // The previous connection's password must not outlive it in the store.
        if let Some(old) = saved::load(&self.store).await?
            && old != connection
        {
            // Best effort: the new connection matters more than the old entry.
            let _ = SavedPassword::of(&old).and_then(|s| s.forget());
        }
        saved::save(&self.store, &connection, password).await?;
        *running = Some(self.start(connection, password, lang).await?);
        Ok(remote)
    }

    /// Stops the engine and forgets the connection and its password.
    pub async fn disconnect(&self) -> Result<(), SavedError> {
        let mut running = self.running.lock().await;
        stop(running.take()).await;
        self.set_leases(Leases::Alone);
        self.set_remote(None);
        saved::forget(&self.store).await?;
        self.shared.publish(SyncView {
            connection: None,
            status: None,
        });
        Ok(())
    }

    /// The changes the server refused, set aside (Settings → Sincronização).
    pub async fn parked(&self, lang: Lang) -> Result<Vec<crate::ParkedChange>, SyncError> {
        crate::parked::list(self.store.pool_for_sync(), lang).await
    }

    /// Pushes the parked changes again now; returns how many were queued.
    pub async fn retry_parked(&self) -> Result<u64, SyncError> {
        let moved = crate::parked::retry(self.store.pool_for_sync()).await?;
        self.poke().await;
        Ok(moved)
    }

    /// Local changes were made: push them now.
    pub async fn poke(&self) {
        if let Some(running) = self.running.lock().await.as_ref() {
            running.engine.poke();
        }
    }

    /// Stops the engine, keeping the saved connection (the app is closing).
    pub async fn shutdown(&self) {
        stop(self.running.lock().await.take()).await;
    }

    async fn start(
        &self,
        connection: ConnectionSettings,
        password: &Password,
        lang: Lang,
    ) -> Result<Running, SavedError> {
        let remote = connection.connect_options(password)?;
        let leases = RemoteLeases::new(&self.store, remote.clone(), LEASE_TTL, lang)
            .await
            .map_err(|e| SavedError::Settings(e.into()))?;
        self.set_leases(Leases::Remote(Arc::new(leases)));
        self.set_remote(Some((connection.clone(), remote.clone())));
        let mut config = EngineConfig::new(remote);
        config.lang = lang;
        config.pulled = self.changes.clone();
        let engine = Engine::start(&self.store, config);
        let mut status = engine.status();
        // Published now, not only from the task below: whoever reads the
        // view right after `resume` (the app's login refresh) sees the
        // connection, whenever that task first runs.
        self.shared.publish(SyncView {
            connection: Some(connection.clone()),
            status: Some(status.borrow().clone()),
        });
        let shared = Arc::clone(&self.shared);
        let pulled = self.pulled.clone();
        let forward = tokio::spawn(async move {
            let mut seen = 0;
            loop {
                let now = status.borrow_and_update().clone();
                if now.pulled != seen {
                    seen = now.pulled;
                    pulled.send_modify(|n| *n += 1);
                }
                shared.publish(SyncView {
                    connection: Some(connection.clone()),
                    status: Some(now),
                });
                if status.changed().await.is_err() {
                    return;
                }
            }
        });
        Ok(Running { engine, forward })
    }
}

/// Ends the forwarding first (and waits for it) so that no status of the old
/// engine is published after the new view.
async fn stop(running: Option<Running>) {
    if let Some(running) = running {
        running.forward.abort();
        let _ = running.forward.await;
        running.engine.stop().await;
    }
}

impl LeaseGate for SyncRunner {
    fn take(
        &self,
        account: AccountId,
        instance: InstanceId,
    ) -> LeaseFuture<'_, Result<LeaseAnswer, LeaseUnknown>> {
        let leases = self.current_leases();
        Box::pin(async move {
            match leases {
                Leases::Alone => Ok(LeaseAnswer::NotShared),
                Leases::Remote(remote) => remote.take(account, instance).await,
                Leases::Broken(_)
                    if !crate::leases::was_shared(self.store.pool_for_sync(), account).await =>
                {
                    Ok(LeaseAnswer::NotShared)
                }
                Leases::Broken(why) => Err(LeaseUnknown(why)),
            }
        })
    }

    fn release(&self, account: AccountId, instance: InstanceId) -> LeaseFuture<'_, ()> {
        let leases = self.current_leases();
        Box::pin(async move {
            if let Leases::Remote(remote) = leases {
                remote.release(account, instance).await;
            }
        })
    }

    fn holders(&self, account: AccountId) -> LeaseFuture<'_, Vec<RemoteHolder>> {
        let leases = self.current_leases();
        Box::pin(async move {
            match leases {
                Leases::Remote(remote) => LeaseGate::holders(remote.as_ref(), account).await,
                Leases::Alone | Leases::Broken(_) => Vec::new(),
            }
        })
    }
}
