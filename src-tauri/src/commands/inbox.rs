use serde::{Deserialize, Serialize};
use tauri::State;
use zapdesk_core::contacts::{self, Contact};
use zapdesk_core::domain::{ConversationStatus, Message};
use zapdesk_core::inbox::attachments;
use zapdesk_core::inbox::conversations::{
    self, AssigneeFilter, ConversationSummary, Cursor, ListFilter,
};
use zapdesk_core::inbox::search::{self, SearchResults};
use zapdesk_core::inbox::work::{self, Note, Owner};
use zapdesk_core::{AccountId, ConversationId, InstanceId, MessageId, UserId, users};

use crate::{AppState, IpcError};

/// Whose conversations the chat list shows.
#[derive(Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    All,
    /// Assigned to the operator using this desktop.
    Mine,
    Unassigned,
}

/// The chat list's filters.
#[derive(Deserialize, specta::Type)]
pub struct InboxFilter {
    pub instance: Option<InstanceId>,
    pub who: Who,
    pub status: Option<ConversationStatus>,
    pub after: Option<Cursor>,
}

/// One page of the chat list (newest first).
#[tauri::command]
#[specta::specta]
pub async fn inbox_list(
    state: State<'_, AppState>,
    account: AccountId,
    filter: InboxFilter,
) -> Result<Vec<ConversationSummary>, IpcError> {
    let store = state.store()?;
    let assignee = match filter.who {
        Who::All => None,
        Who::Unassigned => Some(AssigneeFilter::Unassigned),
        Who::Mine => match users::me(store).await? {
            Some(me) => Some(AssigneeFilter::User(me.id)),
            // Nobody chosen yet in Settings: nothing is "mine".
            None => return Ok(Vec::new()),
        },
    };
    let filter = ListFilter {
        instance: filter.instance,
        assignee,
        status: filter.status,
        after: filter.after,
        limit: 100,
    };
    Ok(conversations::list(store, account, &filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_get(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<ConversationSummary, IpcError> {
    Ok(conversations::get(state.store()?, account, conversation).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_thread(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    before: Option<i64>,
) -> Result<Vec<Message>, IpcError> {
    Ok(conversations::thread(state.store()?, account, conversation, before, 100).await?)
}

/// Queues a reply; `true` when its number is connected and it goes out now.
/// `id` is chosen by the UI for this one press of Enviar: sent twice (a
/// double click), it is queued once.
#[tauri::command]
#[specta::specta]
pub async fn inbox_reply(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    id: MessageId,
    text: String,
) -> Result<bool, IpcError> {
    Ok(state
        .fleet()?
        .reply(account, conversation, id, &text)
        .await?)
}

/// A file to send, as the UI read it.
#[derive(Deserialize, specta::Type)]
pub struct AttachmentInput {
    pub name: String,
    pub mime: String,
    /// The bytes, base64.
    pub data: String,
    pub caption: Option<String>,
}

/// Queues a file; `true` when its number is connected and it goes out now.
/// `id`: as for [`inbox_reply`].
#[tauri::command]
#[specta::specta]
pub async fn inbox_send_file(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    id: MessageId,
    file: AttachmentInput,
) -> Result<bool, IpcError> {
    let attachment = attachments::decode(&file.name, &file.mime, &file.data)?;
    Ok(state
        .fleet()?
        .send_file(
            account,
            conversation,
            id,
            &attachment,
            file.caption.as_deref().unwrap_or(""),
        )
        .await?)
}

/// The media of a message as a `data:` URL, for the thread to show or save.
#[tauri::command]
#[specta::specta]
pub async fn inbox_media(
    state: State<'_, AppState>,
    account: AccountId,
    message: MessageId,
) -> Result<String, IpcError> {
    Ok(attachments::data_url(state.store()?, account, message).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_mark_read(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<(), IpcError> {
    Ok(state.fleet()?.mark_read(account, conversation).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_assign(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    user: Option<UserId>,
) -> Result<(), IpcError> {
    Ok(work::assign(state.store()?, account, conversation, user).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_set_status(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    status: ConversationStatus,
) -> Result<(), IpcError> {
    Ok(work::set_status(state.store()?, account, conversation, status).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_set_owner(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    owner: Owner,
) -> Result<(), IpcError> {
    Ok(work::set_owner(state.store()?, account, conversation, owner).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_notes(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Vec<Note>, IpcError> {
    Ok(work::notes(state.store()?, account, conversation).await?)
}

/// Adds an internal note, signed by the operator using this desktop.
#[tauri::command]
#[specta::specta]
pub async fn inbox_add_note(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    id: MessageId,
    body: String,
) -> Result<Note, IpcError> {
    let store = state.store()?;
    let me = users::me(store).await?.map(|u| u.id);
    Ok(work::add_note_once(store, account, conversation, id, me, &body).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_draft(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Option<String>, IpcError> {
    Ok(work::draft(state.store()?, account, conversation).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_save_draft(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    body: String,
) -> Result<(), IpcError> {
    Ok(work::save_draft(state.store()?, account, conversation, &body).await?)
}

/// The search box: contacts, messages and internal notes of the account.
#[tauri::command]
#[specta::specta]
pub async fn inbox_search(
    state: State<'_, AppState>,
    account: AccountId,
    text: String,
) -> Result<SearchResults, IpcError> {
    Ok(search::everything(state.store()?, account, &text).await?)
}

/// The contact beside a conversation, with all their conversations.
#[derive(Serialize, specta::Type)]
pub struct ContactPanel {
    pub contact: Contact,
    pub conversations: Vec<ConversationSummary>,
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_contact(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<ContactPanel, IpcError> {
    let store = state.store()?;
    let summary = conversations::get(store, account, conversation).await?;
    let contact = contacts::get(store, account, summary.contact_id).await?;
    let conversations = conversations::of_contact(store, account, summary.contact_id).await?;
    Ok(ContactPanel {
        contact,
        conversations,
    })
}
