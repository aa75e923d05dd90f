//! The Numbers screen: each number with its live status and who runs it
//! elsewhere, what to do with one, and the Sandbox's simulations.

use serde::{Deserialize, Serialize};
use zapdesk_core::changes::Table;
use zapdesk_core::contacts::ContactError;
use zapdesk_core::instances::{self, Instance, NumberInput};
use zapdesk_core::{AccountId, InstanceId};
use zapdesk_whatsapp::actor::SandboxAction;
use zapdesk_whatsapp::fleet::FleetError;
use zapdesk_whatsapp::sandbox::Incoming;
use zapdesk_whatsapp::status::Status;

use crate::{App, AppError};

/// A number with its live status.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct NumberView {
    pub number: Instance,
    pub status: Status,
    /// Who runs it on another desktop now (accounts shared through the
    /// agency's server): it cannot start here until that desktop lets it go.
    pub runs_elsewhere: Option<String>,
}

/// What to do with a number.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NumberAction {
    Start,
    Stop,
    Restart,
    Logout,
    Remove,
}

/// What a Sandbox number can simulate from the UI.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Simulation {
    /// The phone scans the QR.
    Scan,
    /// A contact writes to the number.
    Message {
        from: String,
        name: Option<String>,
        text: String,
    },
}

impl Simulation {
    /// The fake WhatsApp's action; a sender's phone is checked as a contact's is.
    fn action(self) -> Result<SandboxAction, ContactError> {
        Ok(match self {
            Simulation::Scan => SandboxAction::Scan,
            Simulation::Message { from, name, text } => SandboxAction::Incoming(Incoming {
                from: zapdesk_core::phone::normalize(&from).map_err(ContactError::PhoneInvalid)?,
                name,
                body: text,
                ..Default::default()
            }),
        })
    }
}

impl App {
    /// The account's numbers, each with its status here and, for a shared
    /// account, the operator whose desktop runs it.
    pub async fn numbers_list(&self, account: AccountId) -> Result<Vec<NumberView>, AppError> {
        let fleet = self.fleet();
        let numbers = instances::list(self.store(), account).await?;
        let elsewhere = fleet.run_elsewhere(account).await;
        Ok(numbers
            .into_iter()
            .map(|number| NumberView {
                status: fleet.status(number.id),
                runs_elsewhere: elsewhere
                    .iter()
                    .find(|h| h.instance == number.id)
                    .map(|h| h.holder_name.clone()),
                number,
            })
            .collect())
    }

    pub async fn numbers_create(
        &self,
        account: AccountId,
        input: &NumberInput,
    ) -> Result<Instance, AppError> {
        let created = instances::create(self.store(), account, input);
        Ok(self
            .wrote(Some(account), &[Table::Instances], created)
            .await?)
    }

    pub async fn numbers_act(
        &self,
        account: AccountId,
        id: InstanceId,
        action: NumberAction,
    ) -> Result<(), FleetError> {
        let fleet = self.fleet();
        // Removing a number deletes its conversations on this computer, and
        // their bot sessions with them.
        let tables: &[Table] = match action {
            NumberAction::Remove => &[
                Table::Instances,
                Table::Conversations,
                Table::Messages,
                Table::FlowSessions,
            ],
            _ => &[Table::Instances],
        };
        let done = async {
            match action {
                NumberAction::Start => fleet.start(account, id).await,
                NumberAction::Stop => fleet.stop(account, id).await,
                NumberAction::Restart => fleet.restart(account, id).await,
                NumberAction::Logout => fleet.logout(account, id).await,
                NumberAction::Remove => fleet.remove(account, id).await,
            }
        };
        self.wrote(Some(account), tables, done).await
    }

    /// What the person asked the Sandbox number to simulate.
    pub async fn numbers_simulate(
        &self,
        account: AccountId,
        id: InstanceId,
        simulation: Simulation,
    ) -> Result<(), AppError> {
        let action = simulation.action()?;
        self.fleet().sandbox(account, id, action).await?;
        Ok(())
    }
}
