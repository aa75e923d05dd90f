//! The agency's operators, and who is at this desktop.

use serde::Serialize;
use tauri::State;
use zapdesk_app::InvitedLogin;
use zapdesk_core::UserId;
use zapdesk_core::changes::Table;
use zapdesk_core::domain::User;
use zapdesk_core::team::{self, Invitation, Member, MemberEdit};
use zapdesk_core::users;

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn users_list(state: State<'_, AppState>) -> Result<Vec<User>, IpcError> {
    Ok(users::list(state.store()?).await?)
}

/// The operator using this desktop, once chosen.
#[tauri::command]
#[specta::specta]
pub async fn users_me(state: State<'_, AppState>) -> Result<Option<User>, IpcError> {
    Ok(users::me(state.store()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn users_set_me(state: State<'_, AppState>, id: UserId) -> Result<User, IpcError> {
    let set = users::set_me(state.store()?, id);
    Ok(state.app()?.wrote(None, &[Table::Settings], set).await?)
}

/// The team with their accounts, and whether this desktop's operator is the
/// sync login (then not picked from the list).
#[derive(Serialize, specta::Type)]
pub struct TeamView {
    pub members: Vec<Member>,
    pub me_from_login: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn team_view(state: State<'_, AppState>) -> Result<TeamView, IpcError> {
    let store = state.store()?;
    Ok(TeamView {
        members: team::members(store).await?,
        me_from_login: team::me_from_login(store).await?,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn team_invite(
    state: State<'_, AppState>,
    input: Invitation,
) -> Result<Member, IpcError> {
    Ok(state.app()?.team_invite(&input).await?)
}

/// Invites an operator and makes their login on the agency's database with
/// the owner's address (not kept); the login's details are in the answer only.
#[tauri::command]
#[specta::specta]
pub async fn team_invite_remote(
    state: State<'_, AppState>,
    database_url: String,
    input: Invitation,
) -> Result<InvitedLogin, IpcError> {
    Ok(state
        .app()?
        .team_invite_remote(&database_url, &input)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn team_edit(
    state: State<'_, AppState>,
    id: UserId,
    input: MemberEdit,
) -> Result<Member, IpcError> {
    Ok(state.app()?.team_edit(id, &input).await?)
}

/// Removes an operator; their history stays, their open chats go to the queue.
#[tauri::command]
#[specta::specta]
pub async fn team_remove(state: State<'_, AppState>, id: UserId) -> Result<(), IpcError> {
    Ok(state.app()?.team_remove(id).await?)
}
