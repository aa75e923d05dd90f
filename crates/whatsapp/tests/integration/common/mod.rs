//! Real Chromium against the Sandbox's fake WhatsApp Web, through the real
//! driver. Waits are on events and status changes; the timeouts only bound a
//! failing test, they never make one pass.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;
use zapdesk_whatsapp::actor::{ActorConfig, Event, InstanceHandle};
use zapdesk_whatsapp::backoff::Backoff;
use zapdesk_whatsapp::chromium::LaunchSpec;
use zapdesk_whatsapp::protocol::WaMessage;
use zapdesk_whatsapp::sandbox::{SandboxServer, SandboxState};
use zapdesk_whatsapp::status::Status;

pub const WAIT: Duration = Duration::from_secs(90);

/// One browser test at a time: each starts Chromium, and this machine has two cores.
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn chromium() -> PathBuf {
    let path = PathBuf::from(
        std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    );
    assert!(
        path.exists(),
        "Chromium is required for these tests and was not found at {}",
        path.display()
    );
    path
}

pub struct Number {
    pub handle: InstanceHandle,
    pub events: mpsc::UnboundedReceiver<Event>,
    pub sandbox: Arc<SandboxServer>,
    pub profile: PathBuf,
}

/// A Sandbox number whose acks come only when a test sends them.
pub fn sandbox_number(root: &Path, name: &str) -> Number {
    let sandbox = Arc::new(SandboxServer::open(&root.join("sandbox").join(name)).unwrap());
    let state = SandboxState {
        autopilot: false,
        qr_rotate_ms: 3_600_000,
        ..sandbox.state().unwrap()
    };
    sandbox.set_state(&state).unwrap();
    let profile = root.join("profiles").join(name);
    let config = ActorConfig {
        launch: LaunchSpec {
            chromium: chromium(),
            profile: profile.clone(),
            init_script: Arc::new(zapdesk_whatsapp::bridge::init_script(true, 1024 * 1024)),
            sandbox: Some(Arc::clone(&sandbox)),
            extra_args: Vec::new(),
            headless: true,
        },
        backoff: Backoff {
            first: Duration::from_millis(200),
            max: Duration::from_secs(5),
        },
        watchdog_every: Duration::from_secs(2),
        answer_within: Duration::from_secs(5),
    };
    let (tx, events) = mpsc::unbounded_channel();
    Number {
        handle: InstanceHandle::spawn(config, tx),
        events,
        sandbox,
        profile,
    }
}

/// Waits until the status matches; returns it.
pub async fn status_where(
    handle: &InstanceHandle,
    what: &str,
    pred: impl Fn(&Status) -> bool,
) -> Status {
    let mut watch = handle.watch();
    let found = tokio::time::timeout(WAIT, async {
        loop {
            let current = watch.borrow_and_update().clone();
            if pred(&current) {
                return current;
            }
            watch.changed().await.unwrap();
        }
    })
    .await;
    found.unwrap_or_else(|_| {
        panic!(
            "timed out waiting for {what}; status is {:?}",
            handle.status()
        )
    })
}

pub async fn connected(handle: &InstanceHandle) {
    status_where(handle, "connected", |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
}

pub async fn qr(handle: &InstanceHandle) -> String {
    match status_where(handle, "a QR", |s| matches!(s, Status::AwaitingQr { .. })).await {
        Status::AwaitingQr { qr, .. } => qr,
        _ => unreachable!(),
    }
}

/// Waits for a status among the events: unlike the watch channel, the event
/// stream keeps every change, so a brief status (a crash quickly recovered)
/// is not missed.
pub async fn status_event(
    events: &mut mpsc::UnboundedReceiver<Event>,
    what: &str,
    pred: impl Fn(&Status) -> bool,
) -> Status {
    tokio::time::timeout(WAIT, async {
        loop {
            if let Event::Status(s) = events.recv().await.unwrap()
                && pred(&s)
            {
                return s;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// The next message event, skipping status changes and acks.
pub async fn next_message(events: &mut mpsc::UnboundedReceiver<Event>) -> WaMessage {
    tokio::time::timeout(WAIT, async {
        loop {
            if let Event::Message(m) = events.recv().await.unwrap() {
                return m;
            }
        }
    })
    .await
    .expect("timed out waiting for a message")
}

pub async fn next_ack(events: &mut mpsc::UnboundedReceiver<Event>) -> (Vec<String>, i32) {
    tokio::time::timeout(WAIT, async {
        loop {
            if let Event::Ack { ids, ack } = events.recv().await.unwrap() {
                return (ids, ack);
            }
        }
    })
    .await
    .expect("timed out waiting for an ack")
}

/// Starts a number and pairs it by the simulated scan.
pub async fn paired(number: &Number) {
    number.handle.start().await;
    qr(&number.handle).await;
    number
        .handle
        .sandbox(zapdesk_whatsapp::actor::SandboxAction::Scan)
        .await
        .unwrap();
    connected(&number.handle).await;
}
