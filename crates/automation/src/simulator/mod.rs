//! The flow simulator: a conversation with one flow, played with the engine
//! and the runner's own steps in a throwaway store, for the app's simulator
//! panel and `zapdesk-cli flows simulate`.
//!
//! [`Simulation::open`] reads what the flow needs from the real store
//! (nothing is written there) and copies it into a store in a folder of its
//! own (`copy.rs`): the account's bot settings, custom fields and tags, the
//! flow's document — a published version, or any document such as the
//! canvas's unsaved draft, refused with every problem when it could not be
//! published — the flows it goes to and the files it sends; an account, a
//! Sandbox number, a contact and their conversation. The flow starts there
//! as "Iniciar fluxo" starts it. [`Simulation::write`] is a message of the
//! contact, stored by `ingest` and handled by `run` as the runner handles
//! one (`drive.rs`); [`Simulation::advance`] moves the simulation's clock to
//! what the session waits for (a delay's end, a question's time limit) and
//! handles what is due then: nothing is waited for in real time. HTTP and
//! AI nodes are called for real under the real account's settings and AI
//! key, or answered "skipped".
//!
//! What it must never do: write to the real store, or leave its folder
//! behind ([`Simulation::close`] closes the store and removes the folder;
//! dropping a simulation removes the folder too, without waiting for the
//! store's connections).

mod copy;
mod drive;
mod error;
mod view;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tempfile::TempDir;
use zapdesk_core::automation::flow::FlowDocument;
use zapdesk_core::automation::sessions::{self, Latest, Waiting};
use zapdesk_core::automation::settings::{self, AutomationSettings};
use zapdesk_core::automation::{AutomationError, flows};
use zapdesk_core::fields;
use zapdesk_core::ids::{FlowId, SessionId};
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::tags;
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, Store, contacts};

use crate::Caller;
use copy::{Copied, Person};
pub use error::SimError;
pub use view::{SimEvent, SimSource, SimState, SimView};

/// Waits fast-forwarded in a row before [`Simulation::fast_forward`] stops
/// (a flow that loops through a delay forever).
pub const WAITS_MAX: u32 = 100;

/// How a simulation is played.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Answer HTTP and AI nodes "skipped" instead of calling them: they take
    /// their error (HTTP) or hand-off (AI) branch.
    pub skip_calls: bool,
    /// The simulated contact's phone (any form the app accepts).
    pub phone: String,
    /// The simulated contact's name (empty: none).
    pub name: String,
    /// Where the simulation's folder is made; `None`: the system's
    /// temporary folder.
    pub folder_in: Option<PathBuf>,
    /// Shared with the runner in the app: its pooled clients.
    pub caller: Caller,
}

impl SimOptions {
    /// Maria Teste, +55 11 98765-4321, in the system's temporary folder.
    pub fn new(skip_calls: bool, caller: Caller) -> SimOptions {
        SimOptions {
            skip_calls,
            phone: "+5511987654321".into(),
            name: "Maria Teste".into(),
            folder_in: None,
            caller,
        }
    }
}

/// One conversation with one flow in a throwaway store.
pub struct Simulation {
    id: String,
    store: Store,
    /// Removed on close, or when the simulation is dropped.
    folder: TempDir,
    copied: Copied,
    real_account: AccountId,
    /// The real account's settings: the calls' address policy and AI endpoint.
    settings: AutomationSettings,
    caller: Caller,
    skip_calls: bool,
    /// The simulation's time (Unix ms): real time, moved on by waits.
    clock: i64,
    /// The last log line turned into events.
    seen_log: i64,
    /// Messages the contact wrote so far (each one's WhatsApp id).
    sent: u32,
    events: Vec<SimEvent>,
    /// The simulated flow's nodes run so far.
    path: Vec<String>,
    /// Sessions seen in the log: whether each runs the simulated flow.
    sessions: HashMap<SessionId, bool>,
}

impl Simulation {
    /// Opens a simulation of `flow` of the real account playing `source`,
    /// and runs the flow's first turn. Refused: a flow or version the
    /// account does not have (`flow_unknown`), a document that could not be
    /// published (`flow_invalid`, every problem listed) or that sends a
    /// file the account does not have.
    pub async fn open(
        real: &Store,
        account: AccountId,
        flow: FlowId,
        source: &SimSource,
        options: SimOptions,
    ) -> Result<Simulation, SimError> {
        let found = flows::get(real, account, flow).await?;
        let doc: FlowDocument = match source {
            SimSource::Document { document } => document.clone(),
            SimSource::Version { number } => {
                flows::version_numbered(real, account, flow, *number)
                    .await?
                    .document
            }
            SimSource::VersionId { id } => {
                flows::version_of(real, account, flow, *id).await?.document
            }
        };
        flows::check_publishable(real, account, &doc).await?;
        let settings = settings::get(real, account).await?;
        let folder = make_folder(options.folder_in.as_deref())?;
        let store = Store::open(folder.path()).await?;
        let person = Person {
            phone: &options.phone,
            name: &options.name,
        };
        let copied = match Copied::make(
            real,
            &store,
            (account, &settings),
            (flow, &found.name, &doc),
            person,
        )
        .await
        {
            Ok(copied) => copied,
            Err(e) => {
                store.close().await;
                return Err(e);
            }
        };
        let mut sim = Simulation {
            id: uuid::Uuid::now_v7().to_string(),
            store,
            folder,
            copied,
            real_account: account,
            settings,
            caller: options.caller,
            skip_calls: options.skip_calls,
            clock: now_ms(),
            seen_log: 0,
            sent: 0,
            events: Vec::new(),
            path: Vec::new(),
            sessions: HashMap::new(),
        };
        if let Err(e) = sim.start().await {
            sim.close().await;
            return Err(e);
        }
        Ok(sim)
    }

    async fn start(&mut self) -> Result<(), SimError> {
        let c = &self.copied;
        let session =
            sessions::start_by_hand(&self.store, c.account, c.conversation, c.flow, None).await?;
        self.sessions.insert(session, true);
        self.settle().await
    }

    /// The id the app knows it by.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The folder of the throwaway store (gone after [`Simulation::close`]).
    pub fn folder(&self) -> &Path {
        self.folder.path()
    }

    /// Everything since it opened, in order.
    pub fn events(&self) -> &[SimEvent] {
        &self.events
    }

    /// The contact writes `text` now; the bot answers as it would. A blank
    /// text is no message (nothing happens).
    pub async fn write(&mut self, text: &str) -> Result<(), SimError> {
        if text.trim().is_empty() {
            return Ok(());
        }
        self.events.push(SimEvent::Contact { text: text.into() });
        self.sent += 1;
        let c = &self.copied;
        let phone = contacts::get(&self.store, c.account, c.contact)
            .await?
            .phone;
        ingest(
            &self.store,
            c.account,
            c.number,
            &Inbound {
                wa_id: format!("false_{phone}_SIM{}", self.sent),
                phone,
                body: text.into(),
                sent_at: self.clock,
                ..Default::default()
            },
        )
        .await?;
        self.settle().await
    }

    /// Moves the clock to what the session waits for — a delay's end or a
    /// question's time limit — and handles what is due then. Whether the
    /// clock moved (a session waiting for a reply without a time limit, or
    /// ended, has nothing to advance to).
    pub async fn advance(&mut self) -> Result<bool, SimError> {
        self.clock = self.clock.max(now_ms());
        let moved = self.wait_once(true).await?;
        if moved {
            self.handle_now().await?;
        }
        Ok(moved)
    }

    /// Advances again and again until the session waits for the contact
    /// (with `replies`, past a question's time limit too) or ends, or
    /// [`WAITS_MAX`] waits in a row were taken (then a `stopped` event):
    /// `zapdesk-cli`, which never waits.
    pub async fn fast_forward(&mut self, replies: bool) -> Result<(), SimError> {
        // From the clock as the last step left it, not real time: a delay
        // that turn set shows its whole length.
        self.handle_now().await?;
        for _ in 0..WAITS_MAX {
            if !self.wait_once(replies).await? {
                return Ok(());
            }
            self.handle_now().await?;
        }
        if self.wait_at(replies).await?.is_some() {
            self.events.push(SimEvent::Stopped { waits: WAITS_MAX });
        }
        Ok(())
    }

    /// Real time passes in the simulation too; then what is queued and due.
    async fn settle(&mut self) -> Result<(), SimError> {
        self.clock = self.clock.max(now_ms());
        self.handle_now().await
    }

    /// When the session's next wait ends, and whether it is a question's
    /// time limit (taken only with `replies`).
    async fn wait_at(&self, replies: bool) -> Result<Option<(i64, bool)>, SimError> {
        let c = &self.copied;
        let waiting = sessions::active_session(&self.store, c.account, c.conversation)
            .await?
            .map(|s| s.waiting);
        Ok(match waiting {
            Some(Waiting::Timer { at }) => Some((at, false)),
            Some(Waiting::Reply {
                timeout_at: Some(at),
            }) if replies => Some((at, true)),
            _ => None,
        })
    }

    /// Moves the clock to the end of the session's wait, with a `waited`
    /// event; whether there was one.
    async fn wait_once(&mut self, replies: bool) -> Result<bool, SimError> {
        let Some((until, reply)) = self.wait_at(replies).await? else {
            return Ok(false);
        };
        let ms = (until - self.clock).max(0);
        self.events.push(SimEvent::Waited { ms, reply });
        self.clock = self.clock.max(until);
        Ok(true)
    }

    /// The conversation's latest session as stored (active or ended).
    pub async fn session(&self) -> Result<Option<Latest>, SimError> {
        let c = &self.copied;
        Ok(sessions::latest(&self.store, c.account, c.conversation).await?)
    }

    /// The simulation as the simulator panel shows it.
    pub async fn view(&self) -> Result<SimView, SimError> {
        let c = &self.copied;
        let keys: HashMap<_, _> = fields::list(&self.store, c.account)
            .await?
            .into_iter()
            .map(|f| (f.id, f.key))
            .collect();
        let fields: BTreeMap<String, String> = fields::values_of(&self.store, c.account, c.contact)
            .await?
            .into_iter()
            .filter_map(|v| keys.get(&v.field_id).map(|k| (k.clone(), v.value)))
            .collect();
        let tags = tags::of_contact(&self.store, c.account, c.contact)
            .await?
            .into_iter()
            .map(|t| t.name)
            .collect();
        let latest = self.session().await?;
        let (node, state, vars) = match latest {
            None => (None, SimState::None, BTreeMap::new()),
            Some(s) => {
                let node = (s.flow_id == c.flow).then(|| s.node.clone());
                let state = match (s.ended, s.waiting) {
                    (Some(reason), _) => SimState::Ended { reason },
                    (None, Waiting::Reply { timeout_at }) => SimState::WaitingReply { timeout_at },
                    (None, Waiting::Timer { at }) => SimState::WaitingTimer { at },
                    // Due now: the next look runs it.
                    (None, Waiting::Start) => SimState::WaitingTimer { at: self.clock },
                    (None, Waiting::Call { .. }) => SimState::WaitingCall,
                };
                (node, state, s.vars)
            }
        };
        Ok(SimView {
            id: self.id.clone(),
            events: self.events.clone(),
            path: self.path.clone(),
            node,
            state,
            vars,
            fields,
            tags,
            clock: self.clock,
        })
    }

    /// Closes the throwaway store and removes its folder.
    pub async fn close(self) {
        let Simulation { store, folder, .. } = self;
        store.close().await;
        let path = folder.path().to_path_buf();
        if let Err(e) = folder.close() {
            tracing::warn!("simulation folder {} not removed: {e}", path.display());
        }
    }
}

/// A new folder for a simulation's store, in `parent` or the system's
/// temporary folder.
fn make_folder(parent: Option<&Path>) -> Result<TempDir, AutomationError> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("zapdesk-sim-");
    let made = match parent {
        Some(parent) => std::fs::create_dir_all(parent).and_then(|_| builder.tempdir_in(parent)),
        None => builder.tempdir(),
    };
    made.map_err(|e| AutomationError::SimulationFailed(e.to_string()))
}
