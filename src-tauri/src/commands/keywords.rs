//! Keyword replies (Automação → Palavras-chave): list, the editor's live
//! check (problems and conflicts), create, update, on/off, delete, and "test
//! a message".

use tauri::State;
use zapdesk_app::KEYWORD_TABLES;
use zapdesk_core::automation::explain::{self, Explanation};
use zapdesk_core::automation::keywords::{self, Keyword, KeywordCheck, KeywordInput};
use zapdesk_core::ids::KeywordId;
use zapdesk_core::{AccountId, InstanceId};

use crate::{AppState, IpcError};

/// The account's keywords, the first to fire first (priority, then age).
#[tauri::command]
#[specta::specta]
pub async fn keywords_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<Keyword>, IpcError> {
    Ok(keywords::list(state.store()?, account).await?)
}

/// Every problem of the keyword being typed and its conflicts with other
/// enabled keywords; `editing` is the keyword being changed, `null` for a new one.
#[tauri::command]
#[specta::specta]
pub async fn keywords_check(
    state: State<'_, AppState>,
    account: AccountId,
    input: KeywordInput,
    editing: Option<KeywordId>,
) -> Result<KeywordCheck, IpcError> {
    let lang = state.lang();
    Ok(keywords::check(state.store()?, account, &input, editing, lang).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn keywords_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: KeywordInput,
) -> Result<Keyword, IpcError> {
    let created = keywords::create(state.store()?, account, &input);
    Ok(state
        .app()?
        .wrote(Some(account), KEYWORD_TABLES, created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn keywords_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: KeywordId,
    input: KeywordInput,
) -> Result<Keyword, IpcError> {
    let updated = keywords::update(state.store()?, account, id, &input);
    Ok(state
        .app()?
        .wrote(Some(account), KEYWORD_TABLES, updated)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn keywords_set_enabled(
    state: State<'_, AppState>,
    account: AccountId,
    id: KeywordId,
    enabled: bool,
) -> Result<Keyword, IpcError> {
    let set = keywords::set_enabled(state.store()?, account, id, enabled);
    Ok(state
        .app()?
        .wrote(Some(account), KEYWORD_TABLES, set)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn keywords_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: KeywordId,
) -> Result<(), IpcError> {
    let deleted = keywords::delete(state.store()?, account, id);
    Ok(state
        .app()?
        .wrote(Some(account), KEYWORD_TABLES, deleted)
        .await?)
}

/// What the bot would do with `text` on `number` (`null`: any number), and why.
#[tauri::command]
#[specta::specta]
pub async fn keywords_explain(
    state: State<'_, AppState>,
    account: AccountId,
    number: Option<InstanceId>,
    text: String,
) -> Result<Explanation, IpcError> {
    Ok(explain::explain(state.store()?, account, number, &text).await?)
}
