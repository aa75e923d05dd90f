//! The pipeline (Funil): stages, cards, moves, counts and values per stage.

use tauri::State;
use zapdesk_app::{CARD_TABLES, PipelineMoved, STAGE_TABLES};
use zapdesk_core::AccountId;
use zapdesk_core::pipeline::cards::{self, CardFilter};
use zapdesk_core::pipeline::moves::MoveTo;
use zapdesk_core::pipeline::summary::{self, StageTotal};
use zapdesk_core::pipeline::{Card, CardId, CardInput, Stage, StageId, StageInput, stages};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn pipeline_stages_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<Stage>, IpcError> {
    Ok(stages::list(state.store()?, account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_stages_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: StageInput,
) -> Result<Stage, IpcError> {
    let created = stages::create(state.store()?, account, &input);
    Ok(state
        .app()?
        .wrote(Some(account), STAGE_TABLES, created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_stages_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: StageId,
    input: StageInput,
) -> Result<Stage, IpcError> {
    let updated = stages::update(state.store()?, account, id, &input);
    Ok(state
        .app()?
        .wrote(Some(account), STAGE_TABLES, updated)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_stages_reorder(
    state: State<'_, AppState>,
    account: AccountId,
    order: Vec<StageId>,
) -> Result<Vec<Stage>, IpcError> {
    let reordered = stages::reorder(state.store()?, account, &order);
    Ok(state
        .app()?
        .wrote(Some(account), STAGE_TABLES, reordered)
        .await?)
}

/// A stage with cards needs `move_cards_to`: where its cards go.
#[tauri::command]
#[specta::specta]
pub async fn pipeline_stages_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: StageId,
    move_cards_to: Option<StageId>,
) -> Result<(), IpcError> {
    let deleted = stages::delete(state.store()?, account, id, move_cards_to);
    Ok(state
        .app()?
        .wrote(Some(account), STAGE_TABLES, deleted)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_cards_list(
    state: State<'_, AppState>,
    account: AccountId,
    filter: CardFilter,
) -> Result<Vec<Card>, IpcError> {
    Ok(cards::list(state.store()?, account, &filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_cards_create(
    state: State<'_, AppState>,
    account: AccountId,
    stage: StageId,
    input: CardInput,
) -> Result<PipelineMoved, IpcError> {
    Ok(state
        .app()?
        .pipeline_card_create(account, stage, &input)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_cards_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: CardId,
    input: CardInput,
) -> Result<Card, IpcError> {
    let updated = cards::update(state.store()?, account, id, &input);
    Ok(state
        .app()?
        .wrote(Some(account), CARD_TABLES, updated)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_cards_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: CardId,
) -> Result<(), IpcError> {
    let deleted = cards::delete(state.store()?, account, id);
    Ok(state
        .app()?
        .wrote(Some(account), CARD_TABLES, deleted)
        .await?)
}

/// Moves a card before another (or to the end of a stage); entering a
/// stage adds its tag and starts its flow.
#[tauri::command]
#[specta::specta]
pub async fn pipeline_cards_move(
    state: State<'_, AppState>,
    account: AccountId,
    id: CardId,
    to: MoveTo,
) -> Result<PipelineMoved, IpcError> {
    Ok(state.app()?.pipeline_move(account, id, &to).await?)
}

/// Count and total value per stage (all stages, left to right); the
/// dashboard calls it without a filter.
#[tauri::command]
#[specta::specta]
pub async fn pipeline_summary(
    state: State<'_, AppState>,
    account: AccountId,
    filter: Option<CardFilter>,
) -> Result<Vec<StageTotal>, IpcError> {
    Ok(summary::per_stage(state.store()?, account, filter.as_ref()).await?)
}
