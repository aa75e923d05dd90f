//! What the tests share: a host that records everything the app tells it,
//! the app opened on a folder with the test machine's Chromium, Sandbox
//! numbers. Waits are on what the host records; the timeouts only bound a
//! failing test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use zapdesk_app::{App, Host, Stage};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::changes::Change;
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{AccountId, InstanceId, Store};
use zapdesk_whatsapp::actor::SandboxAction;
use zapdesk_whatsapp::fleet::{FleetConfig, FleetEvent};
use zapdesk_whatsapp::sandbox::{SandboxServer, SandboxState};
use zapdesk_whatsapp::status::Status;

pub const WAIT: Duration = Duration::from_secs(90);

/// One browser test at a time: each starts Chromium, and CI has two cores.
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the app told its host, in order.
#[derive(Debug, Clone)]
pub enum Told {
    Stage(Stage),
    Fleet(FleetEvent),
    Changed(Change),
}

/// A host that keeps everything, and wakes whoever waits on it.
#[derive(Clone)]
pub struct Recorder {
    told: Arc<Mutex<Vec<Told>>>,
    moved: watch::Sender<usize>,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder {
            told: Arc::new(Mutex::new(Vec::new())),
            moved: watch::Sender::new(0),
        }
    }

    fn push(&self, told: Told) {
        self.told.lock().unwrap().push(told);
        self.moved.send_modify(|n| *n += 1);
    }

    pub fn host(&self) -> Host {
        let (a, b, c) = (self.clone(), self.clone(), self.clone());
        Host {
            fleet: Arc::new(move |e| a.push(Told::Fleet(e))),
            sync: Arc::new(|_| {}),
            changed: Arc::new(move |c2| b.push(Told::Changed(c2))),
            stage: Arc::new(move |s| c.push(Told::Stage(s))),
        }
    }

    pub fn all(&self) -> Vec<Told> {
        self.told.lock().unwrap().clone()
    }

    /// Forgets what was told so far (a test looks at what follows).
    pub fn clear(&self) {
        self.told.lock().unwrap().clear();
    }

    pub fn stages(&self) -> Vec<Stage> {
        self.all()
            .into_iter()
            .filter_map(|t| match t {
                Told::Stage(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    pub fn changes(&self) -> Vec<Change> {
        self.all()
            .into_iter()
            .filter_map(|t| match t {
                Told::Changed(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    /// Waits until `check` holds on what was told.
    pub async fn until(&self, what: &str, check: impl Fn(&[Told]) -> bool) {
        let mut moved = self.moved.subscribe();
        let found = tokio::time::timeout(WAIT, async {
            loop {
                if check(&self.told.lock().unwrap()) {
                    return;
                }
                moved.changed().await.unwrap();
            }
        })
        .await;
        found.unwrap_or_else(|_| panic!("never told {what}; told {:?}", self.all()));
    }

    /// Waits for a status of a number among the fleet's events.
    pub async fn until_status(&self, number: InstanceId, what: &str, pred: fn(&Status) -> bool) {
        self.until(what, |told| {
            told.iter().any(|t| {
                matches!(t, Told::Fleet(FleetEvent::Number { instance, status, .. })
                    if *instance == number && pred(status))
            })
        })
        .await;
    }

    pub async fn until_change(&self, change: Change) {
        self.until(&format!("{change:?}"), |told| {
            told.iter()
                .any(|t| matches!(t, Told::Changed(c) if *c == change))
        })
        .await;
    }
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

/// The app as the window opens it, on `dir`, with this machine's Chromium.
pub async fn open(dir: &Path, recorder: &Recorder) -> App {
    let config = FleetConfig {
        chromium: chromium(),
        ..FleetConfig::new(dir.to_path_buf())
    };
    App::open_with(config, recorder.host()).await.unwrap()
}

pub async fn account(store: &Store) -> AccountId {
    accounts::create(
        store,
        &AccountInput {
            name: "Padaria Pão Quente".into(),
            phone: None,
            plan: Default::default(),
            status: Default::default(),
        },
    )
    .await
    .unwrap()
    .id
}

/// A Sandbox number (Chromium on the fake WhatsApp Web) whose QR does not
/// rotate during a test, marked to run.
pub async fn sandbox_number(store: &Store, dir: &Path, account: AccountId) -> InstanceId {
    let number = instances::create(
        store,
        account,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    SandboxServer::open(&dir.join("sandbox").join(number.to_string()))
        .unwrap()
        .set_state(&SandboxState {
            qr_rotate_ms: 3_600_000,
            ..SandboxState::default()
        })
        .unwrap();
    instances::set_autostart(store, account, number, true)
        .await
        .unwrap();
    number
}

/// Scans the QR of a number the app started: connected.
pub async fn pair(app: &App, told: &Recorder, account: AccountId, number: InstanceId) {
    told.until_status(number, "a QR", |s| matches!(s, Status::AwaitingQr { .. }))
        .await;
    app.fleet()
        .sandbox(account, number, SandboxAction::Scan)
        .await
        .unwrap();
    told.until_status(number, "connected", |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
}

/// The browsers (not their helper processes) running on a number's profile.
pub fn chromiums_of(dir: &Path, number: InstanceId) -> Vec<u32> {
    let needle = format!(
        "--user-data-dir={}",
        dir.join("profiles").join(number.to_string()).display()
    );
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args = String::from_utf8_lossy(&cmdline);
        if args.split('\0').any(|a| a == needle)
            && !args.contains("--type=")
            && let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse().ok())
        {
            found.push(pid);
        }
    }
    found
}
