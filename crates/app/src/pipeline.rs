//! The pipeline's writes that need the running app: a card entering a stage
//! whose action starts a flow. The core moves the card (and puts the
//! stage's tag on the contact) in one transaction; the flow is then started
//! with [`App::flow_start`], the same call as "Iniciar fluxo" in the inbox
//! and the local API's `POST /flows/{flow}/start`, which wakes the runner.

use serde::Serialize;
use zapdesk_core::changes::Table;
use zapdesk_core::ids::{SessionId, TagId};
use zapdesk_core::pipeline::moves::{self, MoveTo, Moved};
use zapdesk_core::pipeline::{Card, CardId, CardInput, StageId, cards};
use zapdesk_core::{AccountId, ErrorCode, Lang, UserError};

use crate::{App, AppError};

/// What editing stages writes.
pub const STAGE_TABLES: &[Table] = &[Table::PipelineStages, Table::PipelineCards];
/// What editing or deleting a card writes.
pub const CARD_TABLES: &[Table] = &[Table::PipelineCards];
/// What a move or a new card writes (the stage's tag on the contact).
pub const MOVE_TABLES: &[Table] = &[Table::PipelineCards, Table::ContactTags];

/// A card after a move or its creation, and what entering its stage did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PipelineMoved {
    pub card: Card,
    /// The stage's tag, newly put on the contact.
    pub tag_added: Option<TagId>,
    pub flow: FlowOutcome,
}

/// The stage's flow, when it has one.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FlowOutcome {
    /// The card stayed in its stage, or the stage starts no flow.
    None,
    Started {
        session: SessionId,
    },
    /// The contact never talked to the account: no conversation to run it in.
    NoConversation,
    /// The card moved, the flow did not start (not published, …): the
    /// refusal, in both languages (this crate does not know the window's),
    /// for the board to say why.
    Failed {
        code: ErrorCode,
        pt_br: String,
        en: String,
    },
}

impl FlowOutcome {
    fn failed(e: &dyn UserError) -> FlowOutcome {
        FlowOutcome::Failed {
            code: e.code(),
            pt_br: e.message(Lang::PtBr),
            en: e.message(Lang::En),
        }
    }
}

impl App {
    /// Moves a card (see `zapdesk_core::pipeline::moves`), then starts the
    /// stage's flow in the contact's conversation. The move stands whatever
    /// the flow does: the outcome says what happened.
    pub async fn pipeline_move(
        &self,
        account: AccountId,
        card: CardId,
        to: &MoveTo,
    ) -> Result<PipelineMoved, AppError> {
        let moved = moves::move_card(self.store(), account, card, to);
        let moved = self.wrote(Some(account), MOVE_TABLES, moved).await?;
        Ok(self.entered(account, moved).await)
    }

    /// A new card at the end of `stage`; being made there is entering it.
    pub async fn pipeline_card_create(
        &self,
        account: AccountId,
        stage: StageId,
        input: &CardInput,
    ) -> Result<PipelineMoved, AppError> {
        let made = cards::create(self.store(), account, stage, input);
        let made = self.wrote(Some(account), MOVE_TABLES, made).await?;
        Ok(self.entered(account, made).await)
    }

    async fn entered(&self, account: AccountId, moved: Moved) -> PipelineMoved {
        let flow = match moved.entered.start_flow {
            None => FlowOutcome::None,
            Some(flow) => {
                match moves::flow_conversation(self.store(), account, moved.card.contact_id).await {
                    Ok(None) => FlowOutcome::NoConversation,
                    Err(e) => FlowOutcome::failed(&e),
                    Ok(Some(conversation)) => {
                        match self.flow_start(account, conversation, flow).await {
                            Ok(session) => FlowOutcome::Started { session },
                            Err(e) => {
                                tracing::warn!(%account, %flow, error = %e, "pipeline stage flow not started");
                                FlowOutcome::failed(&e)
                            }
                        }
                    }
                }
            }
        };
        PipelineMoved {
            card: moved.card,
            tag_added: moved.entered.tag_added,
            flow,
        }
    }
}
