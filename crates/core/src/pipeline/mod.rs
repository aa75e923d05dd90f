//! The pipeline (kanban) of an account, as Botconversa's CRM board (issue 18,
//! item 7): stages in order, a card per contact or deal on one of them with
//! a value and an owner, moved between stages and places; entering a stage
//! can put a tag on the contact and start a flow in their conversation.
//!
//! - [`stages`]: create, rename, recolour, set the entry actions, reorder,
//!   delete (a stage with cards only when told where they go);
//! - [`cards`]: create, edit, delete, list with filters;
//! - [`moves`]: a card to another stage or place, and what entering the
//!   stage does (the tag in the same transaction; the flow to start is
//!   returned, started by the caller through the one function that starts a
//!   flow by hand, `automation::sessions::start_by_hand`, which the app's
//!   `App::flow_start` wraps for the window and the local API);
//! - [`summary`]: count and total value per stage, for the board's headers
//!   and the dashboard;
//! - [`position`]: the fractional keys that order cards within a stage.
//!
//! Synced (migrations/sqlite/0030, postgres/0016); every query names the account.

pub mod cards;
mod error;
pub mod moves;
pub mod position;
pub mod stages;
pub mod summary;

use serde::{Deserialize, Serialize};

pub use error::PipelineError;

use crate::ids::{FlowId, TagId};
use crate::{AccountId, ContactId};

pub use crate::ids::{CardId, StageId};

/// Longest stage name, in characters.
pub const STAGE_NAME_MAX: usize = 40;
/// Longest card title, in characters.
pub const TITLE_MAX: usize = 120;
/// Largest card value: R$ 10 bilhões in cents, far above any deal and far
/// below what JavaScript's numbers hold exactly.
pub const VALUE_MAX_CENTS: i64 = 1_000_000_000_000;

/// One column of the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Stage {
    pub id: StageId,
    pub account_id: AccountId,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Left to right, from 0.
    pub position: i64,
    /// Put on the contact when their card enters the stage.
    pub add_tag_id: Option<TagId>,
    /// Started in the contact's conversation when their card enters the stage.
    pub start_flow_id: Option<FlowId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A stage as the editor sends it.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct StageInput {
    pub name: String,
    pub color: String,
    pub add_tag_id: Option<TagId>,
    pub start_flow_id: Option<FlowId>,
}

/// One card, with what the board shows of its contact and owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Card {
    pub id: CardId,
    pub account_id: AccountId,
    pub contact_id: ContactId,
    pub contact_name: Option<String>,
    pub contact_phone: String,
    pub stage_id: StageId,
    pub title: Option<String>,
    /// Reais in cents.
    pub value_cents: i64,
    /// The owner operator's e-mail (who they are on every desktop).
    pub owner_email: Option<String>,
    /// Their name when this desktop knows them.
    pub owner_name: Option<String>,
    /// The fractional key within the stage ([`position`]).
    pub position: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A card as the editor sends it (its stage and place come from moves).
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct CardInput {
    pub contact_id: ContactId,
    pub title: Option<String>,
    pub value_cents: i64,
    pub owner: OwnerChange,
}

/// What saving a card does to its owner. Operators are rows of each desktop
/// and a card keeps its owner's e-mail, so a desktop that does not know the
/// owner cannot name them: it keeps them instead, rather than wiping them
/// on every edit of the title or value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OwnerChange {
    /// The owner stays as it is (a new card has none).
    #[default]
    Keep,
    /// The card has no owner any more.
    Clear,
    /// An operator of this desktop, kept as their e-mail.
    Set { user: crate::UserId },
}
