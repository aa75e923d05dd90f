//! The instance actor: one tokio task per number that owns its Chromium.
//!
//! It takes commands (start, stop, restart, log out, send, mark read, and the
//! Sandbox's test hooks) from an mpsc inbox, publishes its [`Status`] on a
//! watch channel, and reports what WhatsApp says as [`Event`]s. When the
//! browser dies it relaunches it with backoff and jitter; a watchdog pings the
//! bridge and restarts a browser that stopped answering.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rand::SeedableRng;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until};

use crate::backoff::Backoff;
use crate::chromium::{LaunchSpec, Session, Signal};
use crate::protocol::{self, BridgeEvent, WaMessage};
use crate::sandbox::{Incoming, SandboxServer};
use crate::status::Status;

/// What the actor reports besides its status.
#[derive(Debug, Clone)]
pub enum Event {
    Status(Status),
    Message(WaMessage),
    Ack { ids: Vec<String>, ack: i32 },
}

/// The result of a send.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Sent {
    /// WhatsApp's id of the message.
    pub id: String,
    pub ack: i32,
    /// False when WhatsApp already had the message (sent before a crash) and
    /// nothing went out this time.
    pub resent: bool,
}

/// Something to send.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Outgoing {
    SendText {
        chat: String,
        id: String,
        text: String,
    },
    SendMedia {
        chat: String,
        id: String,
        kind: String,
        data_url: String,
        filename: Option<String>,
        caption: Option<String>,
        /// A voice note (push-to-talk), not an audio file: WhatsApp shows it
        /// with a waveform and plays it inline.
        ptt: bool,
    },
}

/// Test hooks of the Sandbox's fake WhatsApp Web; the Sandbox UI uses them too.
#[derive(Debug, Clone)]
pub enum SandboxAction {
    /// The phone scans the QR.
    Scan,
    RotateQr,
    /// A simulated contact writes (stored on the fake server, then delivered).
    Incoming(Incoming),
    Ack {
        id: String,
        ack: i32,
    },
    SetOnline(bool),
    LogoutFromPhone,
    /// The page stops answering (a renderer stuck in a loop).
    Hang,
    /// The page's renderer crashes (CDP `Page.crash`).
    CrashPage,
    /// Runs a script in the fake page (tests: a bridge event that is malformed, …).
    Script(String),
}

/// Why a command could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommandError {
    #[error("the number is not running")]
    NotRunning,
    #[error("the number is not connected to WhatsApp")]
    NotConnected,
    #[error("this is not a Sandbox number")]
    NotSandbox,
    #[error("WhatsApp Web did not answer in time")]
    Timeout,
    #[error("WhatsApp Web refused: {0}")]
    Refused(String),
    /// The page did not run the command to its end (its renderer crashed,
    /// it reloaded, the DevTools link broke): the command may or may not
    /// have taken effect, which only WhatsApp can say.
    #[error("the browser failed: {0}")]
    Browser(String),
    #[error("the number's task has ended")]
    Gone,
}

enum Command {
    Start,
    Stop(oneshot::Sender<()>),
    Restart,
    Logout(oneshot::Sender<Result<(), CommandError>>),
    Send(Outgoing, oneshot::Sender<Result<Sent, CommandError>>),
    MarkRead(String, oneshot::Sender<Result<(), CommandError>>),
    PairingCode(String, oneshot::Sender<Result<String, CommandError>>),
    Sandbox(
        SandboxAction,
        oneshot::Sender<Result<Option<String>, CommandError>>,
    ),
    BrowserPid(oneshot::Sender<Option<u32>>),
    /// A bridge command that reads (list chats, a chat's history).
    Read(
        serde_json::Value,
        oneshot::Sender<Result<serde_json::Value, CommandError>>,
    ),
}

/// How an instance behaves; tests shorten the watchdog.
#[derive(Clone)]
pub struct ActorConfig {
    pub launch: LaunchSpec,
    pub backoff: Backoff,
    /// How often a connected page is pinged.
    pub watchdog_every: Duration,
    /// How long a ping or command may take before the page counts as hung.
    pub answer_within: Duration,
}

/// The handle the rest of the app holds; cheap to clone.
#[derive(Clone)]
pub struct InstanceHandle {
    tx: mpsc::Sender<Command>,
    status: watch::Receiver<Status>,
}

impl InstanceHandle {
    /// Starts the actor task. It is stopped until `start()`.
    pub fn spawn(config: ActorConfig, events: mpsc::UnboundedSender<Event>) -> InstanceHandle {
        let (tx, rx) = mpsc::channel(64);
        let (status_tx, status) = watch::channel(Status::Stopped);
        let actor = Actor {
            config,
            events,
            status: status_tx,
            session: None,
            signals: None,
            want_running: false,
            attempts: 0,
            relaunch_at: None,
            missed_pings: 0,
            rng: rand::rngs::StdRng::from_os_rng(),
        };
        tokio::spawn(actor.run(rx));
        InstanceHandle { tx, status }
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// A receiver that sees every status change.
    pub fn watch(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }

    pub async fn start(&self) {
        let _ = self.tx.send(Command::Start).await;
    }

    pub async fn restart(&self) {
        let _ = self.tx.send(Command::Restart).await;
    }

    /// Stops the browser and waits until it is closed.
    pub async fn stop(&self) {
        let (reply, done) = oneshot::channel();
        if self.tx.send(Command::Stop(reply)).await.is_ok() {
            let _ = done.await;
        }
    }

    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, CommandError>>) -> Command,
    ) -> Result<T, CommandError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| CommandError::Gone)?;
        answer.await.map_err(|_| CommandError::Gone)?
    }

    /// Logs the number out of WhatsApp and deletes its profile.
    pub async fn logout(&self) -> Result<(), CommandError> {
        self.ask(Command::Logout).await
    }

    pub async fn send(&self, message: Outgoing) -> Result<Sent, CommandError> {
        self.ask(|r| Command::Send(message, r)).await
    }

    pub async fn mark_read(&self, chat: String) -> Result<(), CommandError> {
        self.ask(|r| Command::MarkRead(chat, r)).await
    }

    /// Asks WhatsApp for a code to type on the phone instead of scanning the QR.
    pub async fn pairing_code(&self, phone: String) -> Result<String, CommandError> {
        self.ask(|r| Command::PairingCode(phone, r)).await
    }

    /// Runs a Sandbox hook; `Incoming` answers with the new message's id.
    pub async fn sandbox(&self, action: SandboxAction) -> Result<Option<String>, CommandError> {
        self.ask(|r| Command::Sandbox(action, r)).await
    }

    /// Runs a bridge command that only reads WhatsApp Web (`list_chats`,
    /// `messages_since`); refused unless connected.
    pub async fn read(
        &self,
        command: serde_json::Value,
    ) -> Result<serde_json::Value, CommandError> {
        self.ask(|r| Command::Read(command, r)).await
    }

    /// The browser's process id, while one runs.
    pub async fn browser_pid(&self) -> Option<u32> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Command::BrowserPid(reply)).await.ok()?;
        answer.await.ok().flatten()
    }
}

struct Actor {
    config: ActorConfig,
    events: mpsc::UnboundedSender<Event>,
    status: watch::Sender<Status>,
    session: Option<Session>,
    signals: Option<mpsc::UnboundedReceiver<Signal>>,
    want_running: bool,
    attempts: u32,
    relaunch_at: Option<Instant>,
    missed_pings: u32,
    rng: rand::rngs::StdRng,
}

impl Actor {
    async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let mut watchdog = tokio::time::interval(self.config.watchdog_every);
        watchdog.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let relaunch_at = self.relaunch_at;
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command).await,
                    None => break,
                },
                signal = next_signal(&mut self.signals) => self.on_signal(signal).await,
                () = sleep_or_never(relaunch_at) => {
                    self.relaunch_at = None;
                    self.launch().await;
                }
                _ = watchdog.tick() => self.watchdog().await,
            }
        }
        self.shutdown().await;
    }

    fn set(&mut self, status: Status) {
        if *self.status.borrow() != status {
            self.status.send_replace(status.clone());
            let _ = self.events.send(Event::Status(status));
        }
    }

    fn sandbox(&self) -> Option<Arc<SandboxServer>> {
        self.config.launch.sandbox.clone()
    }

    async fn launch(&mut self) {
        if !self.want_running || self.session.is_some() {
            return;
        }
        self.set(Status::Starting);
        let (tx, rx) = mpsc::unbounded_channel();
        match Session::launch(&self.config.launch, tx).await {
            Ok(session) => {
                self.session = Some(session);
                self.signals = Some(rx);
                self.missed_pings = 0;
            }
            Err(e) => {
                tracing::warn!("launching the browser failed: {e}");
                self.schedule_relaunch(format!("{e}"));
            }
        }
    }

    /// The browser is gone or unusable: close what is left and try again later.
    fn schedule_relaunch(&mut self, reason: String) {
        let delay = self.config.backoff.delay(self.attempts, &mut self.rng);
        self.attempts = self.attempts.saturating_add(1);
        self.relaunch_at = Some(Instant::now() + delay);
        self.set(Status::Disconnected { reason });
    }

    async fn close_session(&mut self) {
        self.signals = None;
        if let Some(session) = self.session.take() {
            session.close().await;
        }
    }

    async fn shutdown(&mut self) {
        self.want_running = false;
        self.relaunch_at = None;
        self.close_session().await;
        self.set(Status::Stopped);
    }

    async fn on_command(&mut self, command: Command) {
        match command {
            Command::Start => {
                self.want_running = true;
                self.attempts = 0;
                self.launch().await;
            }
            Command::Stop(done) => {
                self.shutdown().await;
                let _ = done.send(());
            }
            Command::Restart => {
                self.close_session().await;
                self.want_running = true;
                self.attempts = 0;
                self.launch().await;
            }
            Command::Logout(reply) => {
                // Tell WhatsApp first (the phone then drops the linked device),
                // then remove every trace of the session from this computer.
                if self.session.is_some() {
                    let _ = self
                        .run_in_page(serde_json::json!({ "cmd": "logout" }))
                        .await;
                }
                self.shutdown().await;
                let result = crate::profile::remove(&self.config.launch.profile)
                    .map_err(|e| CommandError::Refused(format!("removing the profile: {e}")));
                if let Some(sandbox) = self.sandbox()
                    && let Ok(state) = sandbox.state()
                {
                    let _ = sandbox.set_state(&crate::sandbox::SandboxState {
                        paired: false,
                        ..state
                    });
                }
                let _ = reply.send(result);
            }
            Command::Send(outgoing, reply) => {
                let result = self.send(&outgoing).await;
                let _ = reply.send(result);
            }
            Command::MarkRead(chat, reply) => {
                let result = self
                    .run_in_page(serde_json::json!({ "cmd": "mark_read", "chat": chat }))
                    .await
                    .map(|_| ());
                let _ = reply.send(result);
            }
            Command::PairingCode(phone, reply) => {
                let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
                let result = self
                    .run_in_page(serde_json::json!({ "cmd": "pairing_code", "phone": digits }))
                    .await
                    .and_then(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| CommandError::Refused("no code".into()))
                    });
                let _ = reply.send(result);
            }
            Command::Sandbox(action, reply) => {
                let result = self.sandbox_action(action).await;
                let _ = reply.send(result);
            }
            Command::BrowserPid(reply) => {
                let _ = reply.send(self.session.as_ref().and_then(Session::pid));
            }
            Command::Read(command, reply) => {
                let result = if matches!(*self.status.borrow(), Status::Connected { .. }) {
                    self.run_in_page(command).await
                } else {
                    Err(CommandError::NotConnected)
                };
                let _ = reply.send(result);
            }
        }
    }

    async fn send(&mut self, outgoing: &Outgoing) -> Result<Sent, CommandError> {
        if !matches!(*self.status.borrow(), Status::Connected { .. }) {
            return Err(if self.session.is_some() {
                CommandError::NotConnected
            } else {
                CommandError::NotRunning
            });
        }
        let value =
            serde_json::to_value(outgoing).map_err(|e| CommandError::Refused(e.to_string()))?;
        let data = self.run_in_page(value).await?;
        serde_json::from_value(data)
            .map_err(|e| CommandError::Refused(format!("unexpected answer: {e}")))
    }

    async fn sandbox_action(
        &mut self,
        action: SandboxAction,
    ) -> Result<Option<String>, CommandError> {
        let sandbox = self.sandbox().ok_or(CommandError::NotSandbox)?;
        let script = match action {
            SandboxAction::Incoming(message) => {
                let id = sandbox
                    .push_incoming(&message)
                    .map_err(|e| CommandError::Refused(e.to_string()))?;
                // Delivered now if the page runs; otherwise on the next load (offline backlog).
                if self.session.is_some() {
                    let _ = self.eval("window.__fake.poll()").await;
                }
                return Ok(Some(id));
            }
            SandboxAction::Scan => "window.__fake.scan()".to_owned(),
            SandboxAction::RotateQr => "window.__fake.rotateQr()".to_owned(),
            SandboxAction::Ack { id, ack } => {
                format!("window.__fake.ack({}, {ack})", serde_json::Value::from(id))
            }
            SandboxAction::SetOnline(online) => format!("window.__fake.setOnline({online})"),
            SandboxAction::LogoutFromPhone => "window.__fake.logoutFromPhone()".to_owned(),
            SandboxAction::Script(script) => script,
            SandboxAction::CrashPage => {
                let session = self.session.as_ref().ok_or(CommandError::NotRunning)?;
                let page = session.page.clone();
                // The renderer dies before it can answer; do not wait for it.
                tokio::spawn(async move {
                    let _ = page
                        .execute(chromiumoxide::cdp::browser_protocol::page::CrashParams::default())
                        .await;
                });
                return Ok(None);
            }
            SandboxAction::Hang => {
                // Fire and forget: the evaluation never returns.
                let session = self.session.as_ref().ok_or(CommandError::NotRunning)?;
                let page = session.page.clone();
                tokio::spawn(async move {
                    let _ = page
                        .evaluate("setTimeout(() => window.__fake.hang(), 0)")
                        .await;
                });
                return Ok(None);
            }
        };
        self.eval(&script).await.map(|_| None)
    }

    /// Evaluates JavaScript in the page, bounded by `answer_within`.
    async fn eval(&self, script: &str) -> Result<serde_json::Value, CommandError> {
        let session = self.session.as_ref().ok_or(CommandError::NotRunning)?;
        let evaluation =
            tokio::time::timeout(self.config.answer_within, session.page.evaluate(script)).await;
        match evaluation {
            Err(_) => Err(CommandError::Timeout),
            Ok(Err(e)) => Err(CommandError::Browser(e.to_string())),
            Ok(Ok(result)) => Ok(result.value().cloned().unwrap_or(serde_json::Value::Null)),
        }
    }

    /// Runs a bridge command: `window.__zapdesk.run(command)`.
    async fn run_in_page(
        &self,
        command: serde_json::Value,
    ) -> Result<serde_json::Value, CommandError> {
        let answer = self
            .eval(&format!("window.__zapdesk.run({command})"))
            .await?;
        if answer.get("ok").and_then(serde_json::Value::as_bool) == Some(true) {
            Ok(answer
                .get("data")
                .cloned()
                .unwrap_or(serde_json::Value::Null))
        } else {
            let error = answer
                .get("error")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("no answer from the bridge");
            Err(CommandError::Refused(error.to_owned()))
        }
    }

    async fn on_signal(&mut self, signal: Option<Signal>) {
        match signal {
            Some(Signal::Bridge(payload)) => match protocol::parse(&payload) {
                Ok(event) => self.on_bridge(event),
                // A bridge from another version, or a page that is not ours:
                // noted and ignored, never fatal.
                Err(e) => tracing::warn!("ignoring bridge payload: {e}"),
            },
            Some(Signal::RendererCrashed) => {
                tracing::warn!("WhatsApp Web's renderer crashed; reloading");
                self.set(Status::Disconnected {
                    reason: "page crashed".into(),
                });
                let reloaded = match &self.session {
                    Some(session) => session.reload().await.is_ok(),
                    None => false,
                };
                if !reloaded {
                    self.close_session().await;
                    self.schedule_relaunch("page crashed".into());
                }
            }
            Some(Signal::BrowserGone) | None => {
                self.close_session().await;
                if self.want_running {
                    self.schedule_relaunch("browser closed".into());
                }
            }
        }
    }

    fn on_bridge(&mut self, event: BridgeEvent) {
        match event {
            BridgeEvent::Hello { version, .. } => tracing::debug!("bridge v{version} loaded"),
            BridgeEvent::Qr { code } => match crate::qr::png_data_url(&code) {
                Ok(qr) => self.set(Status::AwaitingQr { qr, code }),
                Err(e) => tracing::warn!("QR not rendered: {e}"),
            },
            BridgeEvent::RequireAuth => {}
            BridgeEvent::Authenticated => self.set(Status::Pairing),
            BridgeEvent::Ready { me } => {
                self.attempts = 0;
                self.set(Status::Connected { me });
            }
            BridgeEvent::Online => {
                if matches!(*self.status.borrow(), Status::Disconnected { .. }) {
                    self.set(Status::Connected { me: None });
                }
            }
            BridgeEvent::Offline => self.set(Status::Disconnected {
                reason: "phone or network offline".into(),
            }),
            BridgeEvent::LoggedOut => {
                // Logged out from the phone: the page shows a new QR next.
                self.set(Status::Starting);
            }
            BridgeEvent::Message { msg } => {
                let _ = self.events.send(Event::Message(msg));
            }
            BridgeEvent::Ack { ack, ids, .. } => {
                let _ = self.events.send(Event::Ack { ids, ack });
            }
            BridgeEvent::BridgeError { error } => tracing::warn!("bridge error: {error}"),
        }
    }

    /// A page that does not answer twice in a row is hung: restart the browser.
    async fn watchdog(&mut self) {
        if self.session.is_none() {
            return;
        }
        // A page that hangs times out; a page whose renderer is gone fails at
        // once. Either, twice in a row, is a page that no longer works.
        match self.run_in_page(serde_json::json!({ "cmd": "ping" })).await {
            Ok(_) => self.missed_pings = 0,
            Err(e) => {
                self.missed_pings += 1;
                if self.missed_pings >= 2 {
                    tracing::warn!("WhatsApp Web stopped answering ({e}); restarting the browser");
                    self.close_session().await;
                    self.schedule_relaunch("not answering".into());
                }
            }
        }
    }
}

async fn next_signal(signals: &mut Option<mpsc::UnboundedReceiver<Signal>>) -> Option<Signal> {
    match signals {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_or_never(at: Option<Instant>) {
    match at {
        Some(at) => sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Where a number's Chromium profile lives inside the data folder.
pub fn profile_dir(data_dir: &std::path::Path, instance: &str) -> PathBuf {
    data_dir.join("profiles").join(instance)
}
