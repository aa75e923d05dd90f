//! The simulator panel's conversations: the simulations open in this app,
//! by id, each with its own throwaway store
//! (`zapdesk_automation::simulator`).
//!
//! A few at once ([`SIMULATIONS_OPEN`]): opening one more closes the
//! oldest, so a panel that never says "close" (a crash of the UI, a reload)
//! cannot fill the disk. Their folders live in the data folder's
//! [`SIMULATIONS_DIR`], emptied when the app opens (the data folder's lock
//! says no other ZapDesk uses it: whatever is there was left by a crash)
//! and as each simulation closes; the app's shutdown closes them all.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use zapdesk_automation::Caller;
use zapdesk_automation::simulator::{SimOptions, SimSource, SimView, Simulation};
use zapdesk_core::AccountId;
use zapdesk_core::automation::AutomationError;
use zapdesk_core::ids::FlowId;

use crate::{App, AppError};

/// Simulations open at once; a fifth closes the oldest.
pub const SIMULATIONS_OPEN: usize = 4;
/// The data folder's folder for the simulations' throwaway stores.
pub const SIMULATIONS_DIR: &str = "simulations";

/// One simulation; `None` once closed (an operation that waited for it
/// then finds it gone).
type Slot = Arc<tokio::sync::Mutex<Option<Simulation>>>;

pub(crate) struct Simulations {
    /// Oldest first. A plain lock, never held across an await: each
    /// simulation has its own async lock for its (slow) steps.
    open: Mutex<VecDeque<(String, Slot)>>,
    folder: PathBuf,
    caller: Caller,
}

impl Simulations {
    /// Empties what a crash left in `data_dir`'s simulations folder.
    pub fn new(data_dir: &Path, caller: Caller) -> Simulations {
        let folder = data_dir.join(SIMULATIONS_DIR);
        match std::fs::remove_dir_all(&folder) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                tracing::warn!("simulations left by a crash not removed: {e}");
            }
            _ => {}
        }
        Simulations {
            open: Mutex::new(VecDeque::new()),
            folder,
            caller,
        }
    }

    fn slot(&self, id: &str) -> Result<Slot, AutomationError> {
        self.lock()
            .iter()
            .find(|(open, _)| open == id)
            .map(|(_, slot)| Arc::clone(slot))
            .ok_or(AutomationError::SimulationUnknown)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(String, Slot)>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Closes every simulation (the app's shutdown).
    pub async fn close_all(&self) {
        let all: Vec<Slot> = self.lock().drain(..).map(|(_, slot)| slot).collect();
        for slot in all {
            close(slot).await;
        }
    }
}

/// Closes a simulation once its step under way (if any) is over.
async fn close(slot: Slot) {
    let taken = slot.lock().await.take();
    if let Some(sim) = taken {
        sim.close().await;
    }
}

impl App {
    /// Opens a simulation of `flow` playing `source` (the canvas's document
    /// as it is, or a published version) and runs its first turn; closes
    /// the oldest open simulation past [`SIMULATIONS_OPEN`].
    pub async fn flows_simulate_open(
        &self,
        account: AccountId,
        flow: FlowId,
        source: &SimSource,
        skip_calls: bool,
    ) -> Result<SimView, AppError> {
        let sims = self.simulations();
        let options = SimOptions {
            folder_in: Some(sims.folder.clone()),
            ..SimOptions::new(skip_calls, sims.caller.clone())
        };
        let sim = Simulation::open(self.store(), account, flow, source, options).await?;
        let view = match sim.view().await {
            Ok(view) => view,
            Err(e) => {
                sim.close().await;
                return Err(e.into());
            }
        };
        let evicted: Vec<Slot> = {
            let mut open = sims.lock();
            open.push_back((
                view.id.clone(),
                Arc::new(tokio::sync::Mutex::new(Some(sim))),
            ));
            let extra = open.len().saturating_sub(SIMULATIONS_OPEN);
            open.drain(..extra).map(|(_, slot)| slot).collect()
        };
        for slot in evicted {
            close(slot).await;
        }
        Ok(view)
    }

    /// The simulated contact writes `text`; the simulation after the bot's
    /// answer.
    pub async fn flows_simulate_write(&self, id: &str, text: &str) -> Result<SimView, AppError> {
        let slot = self.simulations().slot(id)?;
        let mut held = slot.lock().await;
        let sim = held.as_mut().ok_or(AutomationError::SimulationUnknown)?;
        sim.write(text).await?;
        Ok(sim.view().await?)
    }

    /// Moves the simulation's clock to the end of what the session waits
    /// for (a delay, a question's time limit) and handles what is due then.
    pub async fn flows_simulate_advance(&self, id: &str) -> Result<SimView, AppError> {
        let slot = self.simulations().slot(id)?;
        let mut held = slot.lock().await;
        let sim = held.as_mut().ok_or(AutomationError::SimulationUnknown)?;
        sim.advance().await?;
        Ok(sim.view().await?)
    }

    /// Closes a simulation and removes its folder. Refused for an id that
    /// is not open.
    pub async fn flows_simulate_close(&self, id: &str) -> Result<(), AppError> {
        let slot = {
            let mut open = self.simulations().lock();
            let at = open
                .iter()
                .position(|(open, _)| open == id)
                .ok_or(AutomationError::SimulationUnknown)?;
            open.remove(at).map(|(_, slot)| slot)
        };
        if let Some(slot) = slot {
            close(slot).await;
        }
        Ok(())
    }

    /// The ids of the simulations open now, oldest first.
    pub fn flows_simulations_open(&self) -> Vec<String> {
        self.simulations()
            .lock()
            .iter()
            .map(|(id, _)| id.clone())
            .collect()
    }
}
