//! The numbers this desktop runs, tied to the local store: what a number
//! receives is stored (once), what the outbox holds is sent when the number
//! is connected, acks and statuses are recorded, and every change is told to
//! a sink (the desktop shell forwards it to the UI; `zapdesk-cli serve`
//! prints it). Numbers that were running when ZapDesk closed start again.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use base64::Engine;
use rand::SeedableRng;
use serde::Serialize;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use zapdesk_core::domain::{InstanceKind, InstanceStatus, MessageKind};
use zapdesk_core::inbox::attachments::{self, Attachment};
use zapdesk_core::inbox::ingest::{Inbound, Media, ingest};
use zapdesk_core::inbox::{InboxError, conversations, outbox};
use zapdesk_core::instances::{self, NumberError};
use zapdesk_core::lease::{LeaseAnswer, LeaseGate, LeaseUnknown, LocalOnly, RemoteHolder};
use zapdesk_core::{
    AccountId, ConversationId, ErrorCode, InstanceId, Lang, MessageId, Store, UserError, accounts,
};

use crate::actor::{ActorConfig, CommandError, Event, InstanceHandle, Outgoing, SandboxAction};
use crate::backoff::Backoff;
use crate::chromium::LaunchSpec;
use crate::inbound_retry::{InboundQueue, Pending};
use crate::lease::LeaseState;
use crate::protocol::{WaKind, WaMessage, chat_id, outgoing_message_id, phone_of_chat};
use crate::sandbox::SandboxServer;
use crate::status::Status;

/// How this desktop runs its numbers.
#[derive(Debug, Clone)]
pub struct FleetConfig {
    pub data_dir: PathBuf,
    pub chromium: PathBuf,
    pub headless: bool,
    pub backoff: Backoff,
    pub watchdog_every: Duration,
    pub answer_within: Duration,
    /// Extra Chromium flags for every number.
    pub extra_args: Vec<String>,
    /// How often a running number's lease is renewed, and a number waiting
    /// for another desktop's lease asks again (docs/sync.md, "Numbers").
    pub lease_every: Duration,
    /// Received messages a number keeps in memory while the store refuses
    /// them; past it, they are fetched back from WhatsApp's history.
    pub inbound_kept: usize,
}

impl FleetConfig {
    /// Defaults for the app: Debian's or `$CHROMIUM_PATH`'s Chromium, headless.
    pub fn new(data_dir: PathBuf) -> FleetConfig {
        FleetConfig {
            data_dir,
            chromium: default_chromium(),
            headless: true,
            backoff: Backoff::default(),
            watchdog_every: Duration::from_secs(30),
            answer_within: Duration::from_secs(20),
            extra_args: Vec::new(),
            lease_every: Duration::from_secs(5),
            inbound_kept: crate::inbound_retry::MESSAGES_KEPT,
        }
    }
}

/// `$CHROMIUM_PATH`, else the first Chromium, Chrome or Edge found where
/// this system installs them (`browser_search`). With none, the path that
/// was asked for (or Debian's): starting a number then says no browser is
/// installed ([`FleetError::NoBrowser`]).
pub fn default_chromium() -> PathBuf {
    match crate::browser_search::find_here() {
        Ok(found) => found.path,
        Err(crate::browser_search::NotFound::ChromiumPathMissing { path }) => path,
        Err(crate::browser_search::NotFound::NoneInstalled { .. }) => {
            PathBuf::from("/usr/bin/chromium")
        }
    }
}

/// What changed, for the UI.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FleetEvent {
    /// A number's status changed.
    Number {
        account: AccountId,
        instance: InstanceId,
        status: Status,
    },
    /// A conversation got a message, an ack or a status.
    Conversation {
        account: AccountId,
        conversation: ConversationId,
        new_message: bool,
    },
}

pub type Sink = Arc<dyn Fn(FleetEvent) + Send + Sync>;

/// Why a fleet operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error(transparent)]
    Account(#[from] accounts::AccountError),
    #[error(transparent)]
    Number(#[from] NumberError),
    #[error(transparent)]
    Inbox(#[from] InboxError),
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error("sandbox: {0}")]
    Sandbox(#[from] crate::sandbox::SandboxError),
    #[error("profile: {0}")]
    Io(#[from] std::io::Error),
    #[error("the number runs on {holder_name}'s desktop")]
    RunsElsewhere { holder_name: String },
    #[error("lease unknown: {0}")]
    LeaseUnknown(String),
    #[error("files go out from {holder_name}'s desktop only")]
    FileFromElsewhere { holder_name: String },
    #[error("no browser at {}", path.display())]
    NoBrowser { path: PathBuf },
}

impl UserError for FleetError {
    fn code(&self) -> ErrorCode {
        match self {
            FleetError::Account(e) => e.code(),
            FleetError::Number(e) => e.code(),
            FleetError::Inbox(e) => e.code(),
            FleetError::Command(CommandError::NotRunning | CommandError::NotConnected) => {
                ErrorCode::NumberOffline
            }
            FleetError::Command(_) | FleetError::Sandbox(_) | FleetError::Io(_) => {
                ErrorCode::WhatsappFailed
            }
            FleetError::RunsElsewhere { .. } | FleetError::FileFromElsewhere { .. } => {
                ErrorCode::NumberRunsElsewhere
            }
            FleetError::LeaseUnknown(_) => ErrorCode::NumberLeaseUnknown,
            FleetError::NoBrowser { .. } => ErrorCode::BrowserNotFound,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            FleetError::Account(e) => e.message(lang),
            FleetError::Number(e) => e.message(lang),
            FleetError::Inbox(e) => e.message(lang),
            FleetError::Command(CommandError::NotRunning) => lang
                .pick(
                    "Este número está parado. Inicie-o na tela Números.",
                    "This number is stopped. Start it on the Numbers screen.",
                )
                .to_owned(),
            FleetError::Command(CommandError::NotConnected) => lang
                .pick(
                    "Este número ainda não está conectado ao WhatsApp.",
                    "This number is not connected to WhatsApp yet.",
                )
                .to_owned(),
            FleetError::Command(CommandError::NotSandbox) => lang
                .pick(
                    "Só números Sandbox têm simulações.",
                    "Only Sandbox numbers have simulations.",
                )
                .to_owned(),
            FleetError::Command(e) => match lang {
                Lang::PtBr => format!(
                    "O WhatsApp Web não fez o que foi pedido: {e}. Tente de novo ou reinicie o número."
                ),
                Lang::En => {
                    format!("WhatsApp Web did not do it: {e}. Try again or restart the number.")
                }
            },
            FleetError::Sandbox(e) => e.to_string(),
            FleetError::Io(e) => match lang {
                Lang::PtBr => format!("Não foi possível apagar os dados do número: {e}"),
                Lang::En => format!("The number's data could not be removed: {e}"),
            },
            FleetError::RunsElsewhere { holder_name } => match lang {
                Lang::PtBr => format!(
                    "Este número está em execução no computador de {holder_name}. Um número roda em um computador por vez: para usá-lo aqui, pare-o lá (se aquele computador ficar sem conexão, o número fica livre em até 20 segundos)."
                ),
                Lang::En => format!(
                    "This number is running on {holder_name}'s computer. A number runs on one computer at a time: to use it here, stop it there (if that computer loses its connection, the number is free within 20 seconds)."
                ),
            },
            FleetError::FileFromElsewhere { holder_name } => match lang {
                Lang::PtBr => format!(
                    "O número desta conversa está em execução no computador de {holder_name}: arquivos só podem ser enviados de lá. Textos podem ser enviados daqui."
                ),
                Lang::En => format!(
                    "This conversation's number runs on {holder_name}'s computer: files can only be sent from there. Texts can be sent from here."
                ),
            },
            FleetError::LeaseUnknown(e) => {
                let why = if e.is_empty() {
                    String::new()
                } else {
                    format!(" ({e})")
                };
                match lang {
                    Lang::PtBr => format!(
                        "O servidor da agência não confirmou que nenhum outro computador executa este número{why}. Verifique a conexão em Configurações → Sincronização e tente de novo."
                    ),
                    Lang::En => format!(
                        "The agency's server did not confirm that no other computer runs this number{why}. Check the connection in Settings → Sync and try again."
                    ),
                }
            }
            FleetError::NoBrowser { path } => match lang {
                Lang::PtBr => format!(
                    "Nenhum navegador para o WhatsApp Web foi encontrado neste computador (procurado: {}). Instale o Google Chrome, o Chromium ou o Microsoft Edge e tente de novo.",
                    path.display()
                ),
                Lang::En => format!(
                    "No browser for WhatsApp Web was found on this computer (looked for: {}). Install Google Chrome, Chromium or Microsoft Edge and try again.",
                    path.display()
                ),
            },
        }
    }
}

struct Running {
    account: AccountId,
    handle: InstanceHandle,
    kick: Arc<Notify>,
    pump: JoinHandle<()>,
    /// Renews the number's lease while it runs here, whatever the first
    /// answer was: an account not shared today may be shared tomorrow.
    keeper: JoinHandle<()>,
    /// The lease as this desktop knows it; read at every claim of a row to send.
    lease: Arc<LeaseState>,
    /// Asks the keeper to renew now (the lease gate changed).
    renew: Arc<Notify>,
    /// The `send_after` a timer will wake the sender at (0: none), so a
    /// drain that finds the same bot message still waiting sets no second one.
    send_wake: Arc<AtomicI64>,
}

/// The running numbers of this desktop.
pub struct Fleet {
    store: Store,
    config: FleetConfig,
    sink: Sink,
    // Held only to look up or swap entries, never across `.await`.
    running: Mutex<HashMap<InstanceId, Running>>,
    /// Who may run a number when accounts are shared; [`LocalOnly`] until
    /// the shell connects the sync runner.
    leases: RwLock<Arc<dyn LeaseGate>>,
    /// Numbers waiting for another desktop's lease, to start when it ends.
    standby: Mutex<HashMap<InstanceId, JoinHandle<()>>>,
    /// Per running number, received events the store did not take yet.
    waiting: tokio::sync::watch::Sender<HashMap<InstanceId, usize>>,
    /// Counts the times a running number's lease became long enough to
    /// claim under again ([`Fleet::claimable`]).
    claimable: tokio::sync::watch::Sender<u64>,
    /// A browser found after the fleet was made (installed while ZapDesk
    /// ran: the first-run screen's "try again"); wins over the config's.
    chromium: RwLock<Option<PathBuf>>,
}

impl Fleet {
    /// The browser numbers start with: one found since, or the config's.
    pub fn chromium(&self) -> PathBuf {
        self.chromium
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_else(|| self.config.chromium.clone())
    }

    /// Numbers started from now on run `path` (a browser installed while
    /// ZapDesk ran); running ones keep theirs until they restart. `true`
    /// when numbers had no browser before: only that caller resumes them
    /// (two checks at once would otherwise both start the same numbers).
    pub fn set_chromium(&self, path: PathBuf) -> bool {
        let mut chosen = self.chromium.write().unwrap_or_else(|p| p.into_inner());
        let before = chosen
            .clone()
            .unwrap_or_else(|| self.config.chromium.clone());
        *chosen = Some(path);
        !before.is_file()
    }

    /// Kills Chromium processes an earlier crash left on our profiles.
    pub fn new(store: Store, config: FleetConfig, sink: Sink) -> Arc<Fleet> {
        let killed = crate::profile::kill_orphans(&config.data_dir.join("profiles"));
        if killed > 0 {
            tracing::warn!("killed {killed} Chromium processes left by an earlier run");
        }
        Arc::new(Fleet {
            store,
            config,
            sink,
            running: Mutex::new(HashMap::new()),
            leases: RwLock::new(Arc::new(LocalOnly)),
            standby: Mutex::new(HashMap::new()),
            waiting: tokio::sync::watch::Sender::new(HashMap::new()),
            claimable: tokio::sync::watch::Sender::new(0),
            chromium: RwLock::new(None),
        })
    }

    /// Decides with `gate` who runs the numbers of shared accounts. The
    /// numbers running already ask it at once: one started while its account
    /// was not shared takes its lease now, or stops if another desktop has it.
    pub fn set_leases(&self, gate: Arc<dyn LeaseGate>) {
        *self.leases.write().unwrap_or_else(|p| p.into_inner()) = gate;
        for running in self.lock().values() {
            running.renew.notify_one();
        }
    }

    /// How long the fleet waits for a lease answer outside a lease (starting
    /// a number, waiting for one): longer than the server gate's own bound
    /// (`zapdesk_sync::leases`), so its error is what the operator reads.
    fn ask_within(&self) -> Duration {
        self.config.lease_every * 2
    }

    /// The gate's answer, or unknown when it does not come within `ask_within`.
    async fn ask(&self, account: AccountId, id: InstanceId) -> Result<LeaseAnswer, LeaseUnknown> {
        tokio::time::timeout(self.ask_within(), self.leases().take(account, id))
            .await
            // No reason to tell: the message says the server did not confirm.
            .unwrap_or_else(|_| Err(LeaseUnknown(String::new())))
    }

    fn leases(&self) -> Arc<dyn LeaseGate> {
        Arc::clone(&self.leases.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The numbers of an account that a desktop runs now, by the shared server.
    pub async fn lease_holders(&self, account: AccountId) -> Vec<RemoteHolder> {
        self.leases().holders(account).await
    }

    /// The account's numbers another desktop runs now, with who runs them.
    pub async fn run_elsewhere(&self, account: AccountId) -> Vec<RemoteHolder> {
        let mut holders = self.lease_holders(account).await;
        holders.retain(|h| !h.mine);
        holders
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<InstanceId, Running>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn handle(&self, id: InstanceId) -> Option<InstanceHandle> {
        self.lock().get(&id).map(|r| r.handle.clone())
    }

    fn profile_dir(&self, id: InstanceId) -> PathBuf {
        crate::actor::profile_dir(&self.config.data_dir, &id.to_string())
    }

    fn sandbox_dir(&self, id: InstanceId) -> PathBuf {
        self.config.data_dir.join("sandbox").join(id.to_string())
    }

    /// The status of a number; `Stopped` when this desktop does not run it.
    pub fn status(&self, id: InstanceId) -> Status {
        self.handle(id).map_or(Status::Stopped, |h| h.status())
    }

    /// Starts a number (and remembers to start it with the app).
    pub async fn start(
        self: &Arc<Self>,
        account: AccountId,
        id: InstanceId,
    ) -> Result<(), FleetError> {
        let number = instances::get(&self.store, account, id).await?;
        if let Some(handle) = self.handle(id) {
            instances::set_autostart(&self.store, account, id, true).await?;
            handle.start().await;
            return Ok(());
        }
        let chromium = self.chromium();
        if !chromium.is_file() {
            // Said in words before anything starts, not as a browser that
            // fails to launch again and again; and before the lease is
            // asked: a desktop without a browser must not hold a shared
            // number that another desktop could run.
            return Err(FleetError::NoBrowser { path: chromium });
        }
        // Before anything runs: another desktop may run this number.
        let asked = tokio::time::Instant::now();
        let lease = match self.ask(account, id).await {
            Ok(LeaseAnswer::NotShared) => LeaseState::not_needed(self.config.lease_every),
            Ok(LeaseAnswer::Held { left }) => {
                LeaseState::held(asked, left, self.config.lease_every)
            }
            Ok(LeaseAnswer::Elsewhere { holder_name, .. }) => {
                return Err(FleetError::RunsElsewhere { holder_name });
            }
            Err(e) => return Err(FleetError::LeaseUnknown(e.0)),
        };
        self.cancel_standby(id);
        instances::set_autostart(&self.store, account, id, true).await?;
        let sandbox = match number.kind {
            InstanceKind::Sandbox => Some(Arc::new(SandboxServer::open(&self.sandbox_dir(id))?)),
            InstanceKind::Whatsapp => None,
        };
        let config = ActorConfig {
            launch: LaunchSpec {
                chromium,
                profile: self.profile_dir(id),
                init_script: Arc::new(crate::bridge::init_script(
                    sandbox.is_some(),
                    // The bridge downloads no media larger than the store keeps.
                    zapdesk_core::limits::FILE_BYTES as u64,
                )),
                sandbox,
                extra_args: self.config.extra_args.clone(),
                headless: self.config.headless,
            },
            backoff: self.config.backoff.clone(),
            watchdog_every: self.config.watchdog_every,
            answer_within: self.config.answer_within,
        };
        let (tx, events) = mpsc::unbounded_channel();
        let handle = InstanceHandle::spawn(config, tx);
        let kick = Arc::new(Notify::new());
        let pump = tokio::spawn(Arc::clone(self).pump(
            account,
            id,
            handle.clone(),
            events,
            Arc::clone(&kick),
        ));
        let lease = Arc::new(lease);
        let renew = Arc::new(Notify::new());
        let keeper = tokio::spawn(Arc::clone(self).keep_lease(
            account,
            id,
            Arc::clone(&lease),
            Arc::clone(&renew),
        ));
        self.lock().insert(
            id,
            Running {
                account,
                handle: handle.clone(),
                kick,
                pump,
                keeper,
                lease,
                renew,
                send_wake: Arc::new(AtomicI64::new(0)),
            },
        );
        handle.start().await;
        Ok(())
    }

    /// Stops a number; it stays stopped when the app starts again.
    pub async fn stop(&self, account: AccountId, id: InstanceId) -> Result<(), FleetError> {
        instances::get(&self.store, account, id).await?;
        instances::set_autostart(&self.store, account, id, false).await?;
        self.cancel_standby(id);
        self.halt(id).await;
        self.leases().release(account, id).await;
        instances::set_status(
            &self.store,
            account,
            id,
            InstanceStatus::Stopped,
            None,
            None,
        )
        .await?;
        Ok(())
    }

    async fn halt(&self, id: InstanceId) {
        let running = self.lock().remove(&id);
        if let Some(running) = running {
            running.keeper.abort();
            running.handle.stop().await;
            running.pump.abort();
        }
    }

    fn cancel_standby(&self, id: InstanceId) {
        if let Some(task) = self
            .standby
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id)
        {
            task.abort();
        }
    }

    /// Renews the lease of a number running here every `lease_every` (and
    /// at once when the gate changes). When another desktop holds it (this
    /// one was offline past its expiry, or the number started here before its
    /// account was shared), or the lease runs out by this desktop's clock
    /// before the server renews it (no answer, or one that hangs over a dead
    /// link), the number stops here: two desktops must never answer the same
    /// number's chats.
    async fn keep_lease(
        self: Arc<Self>,
        account: AccountId,
        id: InstanceId,
        lease: Arc<LeaseState>,
        renew: Arc<Notify>,
    ) {
        let every = self.config.lease_every;
        loop {
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = renew.notified() => {}
                () = lease.expiry() => {}
            }
            let could_claim = lease.may_claim();
            let asked = tokio::time::Instant::now();
            // Only as long as the lease lasts: past it, the answer is late
            // (an answer ready at once still counts).
            let gate = self.leases();
            let answer = tokio::select! {
                biased;
                answer = gate.take(account, id) => Some(answer),
                () = lease.expiry() => None,
            };
            let lost = match answer {
                // Held, but for no time left by this desktop's clock: lost
                // as well (it would be asked again at once, forever).
                Some(Ok(LeaseAnswer::Held { left })) => {
                    lease.renewed(asked, left);
                    lease.ran_out().then(String::new)
                }
                Some(Ok(LeaseAnswer::NotShared)) => {
                    lease.set_not_needed();
                    None
                }
                Some(Ok(LeaseAnswer::Elsewhere { holder_name, .. })) => Some(holder_name),
                // What was known holds until it runs out (then `expiry` ends the wait).
                Some(Err(e)) => {
                    tracing::warn!("number {id}: lease not renewed: {}", e.0);
                    lease.ran_out().then(String::new)
                }
                None => Some(String::new()),
            };
            if let Some(holder) = lost {
                tracing::warn!("number {id}: lease lost ({holder}); stopping it here");
                self.lose(account, id).await;
                return;
            }
            // Rows refused while the lease was short wait for this, and so
            // does the bot's work for the number (its runner asks
            // `runs_here`, which said no meanwhile).
            if !could_claim && lease.may_claim() {
                self.kick_number(id);
                self.claimable.send_modify(|n| *n += 1);
            }
        }
    }

    /// Whether a row may be claimed now to be sent by this number: it runs
    /// here and its lease (when its account is shared) lasts longer than a
    /// renewal period more, so what is claimed goes out before it can end.
    fn may_claim(&self, id: InstanceId) -> bool {
        self.lock().get(&id).is_some_and(|r| r.lease.may_claim())
    }

    /// Stops a number whose lease this desktop lost, and waits to take it back.
    async fn lose(self: &Arc<Self>, account: AccountId, id: InstanceId) {
        let running = self.lock().remove(&id);
        if let Some(running) = running {
            // The pump first, so the browser's own "stopped" is not recorded
            // over the reason below (an interrupted send is resent safely,
            // as after a crash). Not the keeper: it is the task running this.
            running.pump.abort();
            running.handle.stop().await;
        }
        if let Err(e) = instances::set_status(
            &self.store,
            account,
            id,
            InstanceStatus::Stopped,
            Some("lease_lost"),
            None,
        )
        .await
        {
            tracing::warn!("number {id}: recording the stop: {e}");
        }
        (self.sink)(FleetEvent::Number {
            account,
            instance: id,
            status: Status::Stopped,
        });
        self.wait_for_lease(account, id);
    }

    /// Asks for a number's lease every `lease_every` and starts the number
    /// when it is free (its holder stopped it, or went silent past expiry),
    /// as long as the number is still meant to run here.
    fn wait_for_lease(self: &Arc<Self>, account: AccountId, id: InstanceId) {
        let fleet = Arc::clone(self);
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(fleet.config.lease_every).await;
                match instances::get(&fleet.store, account, id).await {
                    Ok(number) if number.autostart => {}
                    _ => return,
                }
                if matches!(
                    fleet.ask(account, id).await,
                    Ok(LeaseAnswer::Held { .. } | LeaseAnswer::NotShared)
                ) {
                    // Remove ourselves first: start() cancels standby tasks.
                    fleet
                        .standby
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .remove(&id);
                    if let Err(e) = fleet.start(account, id).await {
                        tracing::warn!("number {id}: taking over: {e}");
                        fleet.wait_for_lease(account, id);
                    }
                    return;
                }
            }
        });
        if let Some(old) = self
            .standby
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, task)
        {
            old.abort();
        }
    }

    pub async fn restart(
        self: &Arc<Self>,
        account: AccountId,
        id: InstanceId,
    ) -> Result<(), FleetError> {
        match self.handle(id) {
            Some(handle) => {
                instances::get(&self.store, account, id).await?;
                handle.restart().await;
                Ok(())
            }
            None => self.start(account, id).await,
        }
    }

    /// Logs out of WhatsApp and deletes the number's profile; it can be paired again.
    pub async fn logout(&self, account: AccountId, id: InstanceId) -> Result<(), FleetError> {
        instances::set_autostart(&self.store, account, id, false).await?;
        self.cancel_standby(id);
        let handle = self.handle(id);
        match handle {
            Some(handle) => {
                handle.logout().await?;
                self.halt(id).await;
            }
            None => crate::profile::remove(&self.profile_dir(id))?,
        }
        self.leases().release(account, id).await;
        // The fake's "phone" forgets the linked device too.
        if self.sandbox_dir(id).join("state.json").exists() {
            let sandbox = SandboxServer::open(&self.sandbox_dir(id))?;
            sandbox.set_state(&crate::sandbox::SandboxState {
                paired: false,
                ..sandbox.state()?
            })?;
        }
        instances::set_status(
            &self.store,
            account,
            id,
            InstanceStatus::Stopped,
            None,
            None,
        )
        .await?;
        Ok(())
    }

    /// Removes a number with its conversations, profile and Sandbox files.
    pub async fn remove(&self, account: AccountId, id: InstanceId) -> Result<(), FleetError> {
        instances::get(&self.store, account, id).await?;
        self.cancel_standby(id);
        self.halt(id).await;
        self.leases().release(account, id).await;
        let profile = self.profile_dir(id);
        // Nothing may write the folder back once it is gone (a helper of
        // the browser still exiting): wait until no process names it.
        crate::profile::wait_released(&profile, std::time::Duration::from_secs(5)).await;
        crate::profile::remove(&profile)?;
        crate::profile::remove(&self.sandbox_dir(id))?;
        instances::delete(&self.store, account, id).await?;
        Ok(())
    }

    /// Runs a Sandbox hook (simulate a scan, a contact writing, …).
    pub async fn sandbox(
        &self,
        account: AccountId,
        id: InstanceId,
        action: SandboxAction,
    ) -> Result<Option<String>, FleetError> {
        let number = instances::get(&self.store, account, id).await?;
        if number.kind != InstanceKind::Sandbox {
            return Err(CommandError::NotSandbox.into());
        }
        match (self.handle(id), action) {
            (Some(handle), action) => Ok(handle.sandbox(action).await?),
            // A contact may write to a stopped Sandbox number: delivered when it starts.
            (None, SandboxAction::Incoming(msg)) => Ok(Some(
                SandboxServer::open(&self.sandbox_dir(id))?.push_incoming(&msg)?,
            )),
            (None, _) => Err(CommandError::NotRunning.into()),
        }
    }

    /// What the Sandbox's fake WhatsApp received from this number, for tests and demos.
    pub fn sandbox_sent(&self, id: InstanceId) -> Result<Vec<crate::sandbox::Sent>, FleetError> {
        Ok(SandboxServer::open(&self.sandbox_dir(id))?.sent()?)
    }

    /// Says how the Sandbox's fake WhatsApp addresses a phone: an old
    /// 8-digit id, a LID, no WhatsApp (sandbox_directory.rs; tests, demos).
    pub fn sandbox_list(
        &self,
        id: InstanceId,
        listing: crate::sandbox_directory::Listing,
    ) -> Result<(), FleetError> {
        Ok(SandboxServer::open(&self.sandbox_dir(id))?.list(listing)?)
    }

    /// Asks for a code to type on the phone instead of scanning the QR.
    pub async fn pairing_code(
        &self,
        account: AccountId,
        id: InstanceId,
        phone: String,
    ) -> Result<String, FleetError> {
        instances::get(&self.store, account, id).await?;
        let handle = self.handle(id).ok_or(CommandError::NotRunning)?;
        Ok(handle.pairing_code(phone).await?)
    }

    /// Queues a reply; it goes out now if its number is connected, later if not.
    /// Returns whether the number is connected right now.
    /// `id` is the UI's for this one action: asked twice, it is queued once.
    pub async fn reply(
        &self,
        account: AccountId,
        conversation: ConversationId,
        id: MessageId,
        text: &str,
    ) -> Result<bool, FleetError> {
        outbox::enqueue_text_once(&self.store, account, conversation, id, text).await?;
        Ok(self.kick_conversation(account, conversation).await)
    }

    /// Queues a file; it goes out now if its number is connected, later if
    /// not. A file is read from this desktop's data folder when it is sent,
    /// so it cannot go through another desktop that runs the number (a text
    /// can: it travels in the message row).
    pub async fn send_file(
        &self,
        account: AccountId,
        conversation: ConversationId,
        id: MessageId,
        file: &Attachment,
        caption: &str,
    ) -> Result<bool, FleetError> {
        let summary = conversations::get(&self.store, account, conversation).await?;
        if let Some(holder) = self
            .leases()
            .holders(account)
            .await
            .into_iter()
            .find(|h| h.instance == summary.instance_id && !h.mine)
        {
            return Err(FleetError::FileFromElsewhere {
                holder_name: holder.holder_name,
            });
        }
        outbox::enqueue_file_once(&self.store, account, conversation, id, file, caption).await?;
        Ok(self.kick_conversation(account, conversation).await)
    }

    /// Something was queued in a conversation: tell the UI, and wake its
    /// number's sender. Returns whether that number is connected right now.
    pub async fn kick_conversation(
        &self,
        account: AccountId,
        conversation: ConversationId,
    ) -> bool {
        let Ok(summary) = conversations::get(&self.store, account, conversation).await else {
            (self.sink)(FleetEvent::Conversation {
                account,
                conversation,
                new_message: false,
            });
            return false;
        };
        self.kick_conversation_on(account, conversation, summary.instance_id)
    }

    /// [`Fleet::kick_conversation`] for a caller that knows the
    /// conversation's number (the message it just queued says it): one
    /// query less on every send through the API (~0.2 ms).
    pub fn kick_conversation_on(
        &self,
        account: AccountId,
        conversation: ConversationId,
        instance: InstanceId,
    ) -> bool {
        (self.sink)(FleetEvent::Conversation {
            account,
            conversation,
            new_message: false,
        });
        let running = self
            .lock()
            .get(&instance)
            .map(|r| (r.kick.clone(), r.handle.status()));
        match running {
            Some((kick, status)) => {
                kick.notify_one();
                matches!(status, Status::Connected { .. })
            }
            None => false,
        }
    }

    /// Marks a conversation read here and sends the read receipt when connected.
    pub async fn mark_read(
        &self,
        account: AccountId,
        conversation: ConversationId,
    ) -> Result<(), FleetError> {
        let (instance, phone) =
            conversations::mark_read(&self.store, account, conversation).await?;
        if let Some(handle) = self.handle(instance)
            && matches!(handle.status(), Status::Connected { .. })
            && let Err(e) = handle.mark_read(chat_id(&phone)).await
        {
            tracing::warn!("read receipt not sent: {e}");
        }
        Ok(())
    }

    /// Starts every number that was running when ZapDesk last closed.
    pub async fn resume(self: &Arc<Self>) -> Result<usize, FleetError> {
        let mut started = 0;
        for account in accounts::list(&self.store, false).await? {
            for number in instances::list(&self.store, account.id).await? {
                if number.autostart {
                    match self.start(account.id, number.id).await {
                        Ok(()) => started += 1,
                        // Another desktop runs it: this one takes over when it stops.
                        Err(FleetError::RunsElsewhere { .. } | FleetError::LeaseUnknown(_)) => {
                            self.wait_for_lease(account.id, number.id);
                        }
                        // No browser yet: the other numbers still resume (none
                        // can start), and this one starts once one is found.
                        Err(e @ FleetError::NoBrowser { .. }) => {
                            tracing::warn!("number not resumed: {e}");
                        }
                        Err(e) => return Err(e),
                    }
                } else if number.status != InstanceStatus::Stopped {
                    // A status left behind by a crash of the last run.
                    instances::set_status(
                        &self.store,
                        account.id,
                        number.id,
                        InstanceStatus::Stopped,
                        None,
                        None,
                    )
                    .await?;
                }
            }
        }
        Ok(started)
    }

    /// Stops every number without changing whether it starts next time.
    pub async fn shutdown(&self) {
        for (_, task) in self
            .standby
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
        {
            task.abort();
        }
        let all: Vec<(InstanceId, Running)> = self.lock().drain().collect();
        let leases = self.leases();
        for (id, running) in all {
            running.keeper.abort();
            running.handle.stop().await;
            running.pump.abort();
            // Another desktop waiting for it takes it over now, not at expiry.
            leases.release(running.account, id).await;
            if let Err(e) = instances::set_status(
                &self.store,
                running.account,
                id,
                InstanceStatus::Stopped,
                None,
                None,
            )
            .await
            {
                tracing::warn!("number {id}: recording the stop: {e}");
            }
        }
    }

    /// Whether a number is running here and connected to WhatsApp now.
    pub fn connected(&self, id: InstanceId) -> bool {
        matches!(self.status(id), Status::Connected { .. })
    }

    /// Whether a campaign may claim recipients for this number now: it is
    /// connected here and, for a shared account, its lease has not run out.
    /// Whether this desktop runs the number and holds its lease, connected
    /// or not: its bot answers here (the replies wait in the outbox while
    /// it reconnects).
    pub fn runs_here(&self, id: InstanceId) -> bool {
        self.may_claim(id)
    }

    pub fn may_send(&self, id: InstanceId) -> bool {
        self.connected(id) && self.may_claim(id)
    }

    /// Moves each time a running number's lease becomes long enough to
    /// claim under again ([`Fleet::runs_here`] turns true without the
    /// number starting): what waits on `runs_here` — the flow runner — looks
    /// again then, not at its next idle look.
    pub fn claimable(&self) -> tokio::sync::watch::Receiver<u64> {
        self.claimable.subscribe()
    }

    /// Wakes a number's sender: something was queued for it outside a
    /// conversation's reply path (a campaign step).
    pub fn kick_number(&self, id: InstanceId) {
        if let Some(kick) = self.lock().get(&id).map(|r| r.kick.clone()) {
            kick.notify_one();
        }
    }

    /// Wakes every running number's sender: rows arrived from another
    /// desktop (a reply typed there is this desktop's to send).
    pub fn kick_all(&self) {
        for running in self.lock().values() {
            running.kick.notify_one();
        }
    }

    /// Kicks every sender whenever `changes` moves (the sync runner's count
    /// of pulled rows), until the sender of `changes` is dropped.
    pub fn follow(self: &Arc<Self>, changes: tokio::sync::watch::Receiver<u64>) -> JoinHandle<()> {
        let fleet = Arc::clone(self);
        crate::on_each_change(changes, move || fleet.kick_all())
    }

    /// The store the fleet works on.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The running numbers of an account with their ids.
    pub fn running(&self, account: AccountId) -> Vec<InstanceId> {
        self.lock()
            .iter()
            .filter(|(_, r)| r.account == account)
            .map(|(id, _)| *id)
            .collect()
    }

    async fn pump(
        self: Arc<Self>,
        account: AccountId,
        id: InstanceId,
        handle: InstanceHandle,
        mut events: mpsc::UnboundedReceiver<Event>,
        kick: Arc<Notify>,
    ) {
        // What was received and is not stored yet, in order (inbound_retry.rs).
        let mut waiting = InboundQueue::new(self.config.inbound_kept);
        let mut rng = rand::rngs::StdRng::from_os_rng();
        // A stopped number's queue went with its pump (its catch-up on the
        // next connect fetches what it held).
        self.note_waiting(id, 0);
        loop {
            let retry_at = waiting.retry_at();
            tokio::select! {
                event = events.recv() => match event {
                    None => break,
                    Some(Event::Status(status)) => {
                        let connected = matches!(status, Status::Connected { .. });
                        if let Err(e) = self.on_status(account, id, &handle, status).await {
                            tracing::error!("number {id}: {e}");
                        }
                        if connected {
                            // What arrived while nobody listened is history now.
                            waiting.push(Pending::CatchUp);
                            waiting.retry_now();
                        }
                    }
                    Some(Event::Message(message)) => waiting.push(Pending::Message(message)),
                    Some(Event::Ack { ids, ack }) => waiting.push(Pending::Ack { ids, ack }),
                },
                () = kick.notified() => {
                    if let Err(e) = self.drain(account, id, &handle).await {
                        tracing::error!("number {id}: sending: {e}");
                    }
                }
                () = sleep_until_or_never(retry_at) => {}
            }
            // Counted before storing: "nothing waits" means stored and announced.
            self.note_waiting(id, waiting.len());
            if !waiting.backing_off() || waiting.retry_at() <= Some(tokio::time::Instant::now()) {
                self.store_waiting(account, id, &handle, &mut waiting, &mut rng)
                    .await;
            }
            self.note_waiting(id, waiting.len());
        }
    }

    /// Stores the waiting events oldest first, until one fails: that one is
    /// tried again after a backoff, everything behind it waits.
    async fn store_waiting(
        &self,
        account: AccountId,
        id: InstanceId,
        handle: &InstanceHandle,
        waiting: &mut InboundQueue,
        rng: &mut rand::rngs::StdRng,
    ) {
        while let Some(pending) = waiting.front() {
            match self.store_pending(account, id, handle, pending).await {
                Ok(()) => waiting.stored(),
                // The bridge cannot do the catch-up (an older bridge, a page
                // without the history), or keeps failing at it: asking again
                // and again would hold up the live messages behind it. The
                // next connect tries again.
                Err(FleetError::Command(e))
                    if *pending == Pending::CatchUp
                        && (matches!(e, CommandError::Refused(_))
                            || waiting.failures() >= CATCH_UP_TRIES) =>
                {
                    tracing::warn!("number {id}: no catch-up this time: {e}");
                    waiting.stored();
                }
                Err(e) => {
                    let delay = waiting.failed(&self.config.backoff, rng);
                    tracing::warn!(
                        "number {id}: not stored yet ({e}); {} waiting, next try in {delay:?}",
                        waiting.len()
                    );
                    return;
                }
            }
        }
    }

    fn note_waiting(&self, id: InstanceId, count: usize) {
        self.waiting.send_if_modified(|all| {
            if count == 0 {
                all.remove(&id).is_some()
            } else {
                all.insert(id, count) != Some(count)
            }
        });
    }

    /// Per running number, how many things it received that are not stored
    /// yet (messages, acks, a catch-up), kept until the store takes them;
    /// numbers with none are absent.
    pub fn inbound_waiting(&self) -> tokio::sync::watch::Receiver<HashMap<InstanceId, usize>> {
        self.waiting.subscribe()
    }

    async fn on_status(
        &self,
        account: AccountId,
        id: InstanceId,
        handle: &InstanceHandle,
        status: Status,
    ) -> Result<(), FleetError> {
        let (stored, detail, phone) = stored_status(&status);
        let connected = matches!(status, Status::Connected { .. });
        // The UI hears of it even when the store cannot record it now.
        let recorded = instances::set_status(
            &self.store,
            account,
            id,
            stored,
            detail.as_deref(),
            phone.as_deref(),
        )
        .await;
        (self.sink)(FleetEvent::Number {
            account,
            instance: id,
            status,
        });
        recorded?;
        if connected {
            self.drain(account, id, handle).await?;
        }
        Ok(())
    }

    /// Stores one received event; an error leaves it to be tried again.
    async fn store_pending(
        &self,
        account: AccountId,
        id: InstanceId,
        handle: &InstanceHandle,
        pending: &Pending,
    ) -> Result<(), FleetError> {
        match pending {
            Pending::Message(message) => {
                let Some(inbound) = to_inbound(message) else {
                    tracing::debug!("number {id}: skipped a message of chat {}", message.chat);
                    return Ok(());
                };
                if let Some(got) = ingest(&self.store, account, id, &inbound).await? {
                    (self.sink)(FleetEvent::Conversation {
                        account,
                        conversation: got.conversation,
                        // Our own send reported back is no new message.
                        new_message: !got.own,
                    });
                    if got.opted_out {
                        // The confirmation of an opt-out is in the outbox;
                        // the message is stored, a failed send is retried by
                        // the outbox, not by storing the message again.
                        self.drain_logged(account, id, handle).await;
                    }
                }
            }
            Pending::Ack { ids, ack } => {
                for conversation in outbox::apply_ack(&self.store, account, id, ids, *ack).await? {
                    (self.sink)(FleetEvent::Conversation {
                        account,
                        conversation,
                        new_message: false,
                    });
                }
            }
            Pending::CatchUp => {
                let mut caught = crate::catch_up::CaughtUp::default();
                let result =
                    crate::catch_up::run(&self.store, account, id, handle, &mut caught).await;
                // What it stored before failing is announced now: a retry
                // finds it stored and would not announce it.
                for (conversation, new_message) in caught.conversations {
                    (self.sink)(FleetEvent::Conversation {
                        account,
                        conversation,
                        new_message,
                    });
                }
                if caught.opted_out {
                    self.drain_logged(account, id, handle).await;
                }
                result?;
            }
        }
        Ok(())
    }

    async fn drain_logged(&self, account: AccountId, id: InstanceId, handle: &InstanceHandle) {
        if let Err(e) = self.drain(account, id, handle).await {
            tracing::error!("number {id}: sending: {e}");
        }
    }

    /// A queued message's file under the data folder. `media_path` is a
    /// synced column any operator of the account can write: only a file of
    /// the account's own media folder is read (never the database, a
    /// profile, another account's file or anything outside the data folder).
    /// A campaign's or a bot's file that is not there (the campaign was
    /// created, or the bot's message queued, on another desktop) is written
    /// from the store first.
    async fn read_media(&self, account: AccountId, relative: &str) -> Result<Vec<u8>, String> {
        let path = attachments::sendable_path(self.store.data_dir(), account, relative)
            .map_err(|e| e.to_string())?;
        if !path.exists() && !self.restore_media(account, relative).await {
            return Err("attachment missing: not on this computer nor in the store".into());
        }
        std::fs::read(&path).map_err(|e| format!("attachment missing: {e}"))
    }

    /// Writes a queued message's file from the store: a campaign's, or a
    /// bot's (`automation_files`). Whether it is there now.
    async fn restore_media(&self, account: AccountId, relative: &str) -> bool {
        matches!(
            zapdesk_core::campaigns::media::restore_for_message(&self.store, account, relative)
                .await,
            Ok(true)
        ) || matches!(
            zapdesk_core::automation::run::restore_bot_file(&self.store, account, relative).await,
            Ok(true)
        )
    }

    /// Wakes this number's sender again after a while: a send went
    /// unanswered, and the rows behind it (or its own retry) must not wait
    /// for the next reply or reconnect to be tried.
    fn retry_later(&self, id: InstanceId) {
        let Some(kick) = self.lock().get(&id).map(|r| r.kick.clone()) else {
            return;
        };
        let after = self.config.answer_within;
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            kick.notify_one();
        });
    }

    /// Wakes this number's sender when the next message held back by its
    /// `send_after` (a bot's typing pause) may go, so the pause ends on time
    /// instead of at the next reply or reconnect.
    async fn wake_at_send_after(
        &self,
        account: AccountId,
        id: InstanceId,
    ) -> Result<(), FleetError> {
        let now = zapdesk_core::time::now_ms();
        let Some(at) = outbox::next_send_after(&self.store, account, id, now).await? else {
            return Ok(());
        };
        let Some((kick, scheduled)) = self
            .lock()
            .get(&id)
            .map(|r| (r.kick.clone(), Arc::clone(&r.send_wake)))
        else {
            return Ok(());
        };
        // A timer already wakes the sender by then: that drain sets the next.
        let set = scheduled.load(Ordering::SeqCst);
        if set > now && set <= at {
            return Ok(());
        }
        scheduled.store(at, Ordering::SeqCst);
        let after = Duration::from_millis(u64::try_from(at - now).unwrap_or(0));
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            // Cleared first: the drain this kick starts may set the next one.
            let _ = scheduled.compare_exchange(at, 0, Ordering::SeqCst, Ordering::SeqCst);
            kick.notify_one();
        });
        Ok(())
    }

    /// Sends what the outbox holds for this number while connected: oldest
    /// first, a row that went unanswered behind the others.
    async fn drain(
        &self,
        account: AccountId,
        id: InstanceId,
        handle: &InstanceHandle,
    ) -> Result<(), FleetError> {
        while matches!(handle.status(), Status::Connected { .. }) {
            // Fenced by the lease: once it may be another desktop's, nothing
            // is claimed here (the keeper stops the number meanwhile).
            if !self.may_claim(id) {
                tracing::warn!("number {id}: lease not live; nothing claimed");
                break;
            }
            let Some(job) = outbox::claim_next(&self.store, account, id).await? else {
                self.wake_at_send_after(account, id).await?;
                break;
            };
            let chat = chat_id(&job.phone);
            // Derived from the row, so a resend after a crash carries the same id.
            let wa_id = outgoing_message_id(&chat, job.message.as_uuid());
            let outgoing = match job.kind {
                MessageKind::Text | MessageKind::Location | MessageKind::Contact => {
                    Outgoing::SendText {
                        chat,
                        id: wa_id,
                        text: job.body.clone(),
                    }
                }
                kind => {
                    let read = self
                        .read_media(account, job.media_path.as_deref().unwrap_or_default())
                        .await;
                    let bytes = match read {
                        Ok(bytes) => bytes,
                        Err(reason) => {
                            outbox::mark_failed(&self.store, account, job.message, &reason).await?;
                            (self.sink)(FleetEvent::Conversation {
                                account,
                                conversation: job.conversation,
                                new_message: false,
                            });
                            continue;
                        }
                    };
                    let mime = job
                        .media_mime
                        .clone()
                        .unwrap_or_else(|| "application/octet-stream".into());
                    Outgoing::SendMedia {
                        chat,
                        id: wa_id,
                        kind: format!("{kind:?}").to_lowercase(),
                        data_url: format!(
                            "data:{};base64,{}",
                            mime.replace(' ', ""),
                            base64::engine::general_purpose::STANDARD.encode(bytes)
                        ),
                        filename: job.media_name.clone(),
                        caption: (!job.body.is_empty()).then(|| job.body.clone()),
                        ptt: kind == MessageKind::Audio
                            && zapdesk_core::inbox::voice::is_voice(job.media_mime.as_deref()),
                    }
                }
            };
            let result = handle.send(outgoing).await;
            match result {
                Ok(sent) => {
                    outbox::mark_sent(&self.store, account, job.message, &sent.id, sent.ack).await?
                }
                // WhatsApp Web said no (a bad chat, a file it rejects): that is final.
                Err(CommandError::Refused(reason)) if reason != "not_ready" => {
                    outbox::mark_failed(&self.store, account, job.message, &reason).await?;
                }
                Err(e) => {
                    // Not answered in time, or the page failed under the send:
                    // it may have gone out, and only WhatsApp can say. It waits
                    // behind the others; the resend first asks WhatsApp for its
                    // id, and an echo of it (ingest) records it meanwhile.
                    // Not connected: it never left, and waits as it was.
                    let tried = matches!(e, CommandError::Timeout | CommandError::Browser(_));
                    outbox::release(&self.store, account, job.message, tried).await?;
                    (self.sink)(FleetEvent::Conversation {
                        account,
                        conversation: job.conversation,
                        new_message: false,
                    });
                    if tried {
                        tracing::warn!("number {id}: a send went unanswered ({e}); retrying later");
                        self.retry_later(id);
                    }
                    break;
                }
            }
            (self.sink)(FleetEvent::Conversation {
                account,
                conversation: job.conversation,
                new_message: false,
            });
        }
        Ok(())
    }
}

/// Failed catch-ups in a row (WhatsApp Web not answering in time) before
/// one is left for the next connect.
const CATCH_UP_TRIES: u32 = 3;

async fn sleep_until_or_never(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn stored_status(status: &Status) -> (InstanceStatus, Option<String>, Option<String>) {
    match status {
        Status::Stopped => (InstanceStatus::Stopped, None, None),
        Status::Starting => (InstanceStatus::Starting, None, None),
        Status::AwaitingQr { .. } => (InstanceStatus::AwaitingQr, None, None),
        Status::Pairing => (InstanceStatus::Pairing, None, None),
        Status::Connected { me } => (
            InstanceStatus::Connected,
            None,
            me.as_deref().and_then(phone_of_chat),
        ),
        Status::Disconnected { reason } => {
            (InstanceStatus::Disconnected, Some(reason.clone()), None)
        }
        Status::Failed { reason } => (InstanceStatus::Failed, Some(reason.clone()), None),
    }
}

/// The store's view of a WhatsApp message; `None` for chats that are not one
/// person (groups, broadcasts), which ZapDesk does not handle yet, and for
/// a LID chat whose phone WhatsApp does not share (ZapDesk's contacts are
/// phones; such a chat cannot be answered or matched to anyone).
pub(crate) fn to_inbound(m: &WaMessage) -> Option<Inbound> {
    // A LID chat is the person behind it: the bridge resolved their phone.
    let phone = phone_of_chat(m.phone_chat.as_deref().unwrap_or(&m.chat))?;
    let kind = match m.kind {
        WaKind::Text => MessageKind::Text,
        WaKind::Image => MessageKind::Image,
        WaKind::Audio => MessageKind::Audio,
        WaKind::Document => MessageKind::Document,
        WaKind::Location => MessageKind::Location,
        WaKind::Contact => MessageKind::Contact,
    };
    let body = match m.kind {
        WaKind::Location => match (m.lat, m.lng) {
            (Some(lat), Some(lng)) => format!("{lat},{lng}"),
            _ => m.body.clone(),
        },
        WaKind::Contact => m.vcard.clone().unwrap_or_else(|| m.body.clone()),
        _ => m.body.clone(),
    };
    let media = m
        .media
        .as_deref()
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .map(|bytes| Media {
            bytes,
            mime: m.mime.clone(),
            filename: m.filename.clone(),
        });
    Some(Inbound {
        wa_id: m.id.clone(),
        phone,
        from_me: m.from_me,
        push_name: m.name.clone(),
        kind: Some(kind),
        body,
        sent_at: m.t.saturating_mul(1000),
        media,
        media_error: m.media_error.clone(),
        ack: m.ack,
    })
}
