use tauri::State;
use zapdesk_app::{
    AttachmentInput, ContactPanel, InboxFilter, NewConversation, SendTo, VoiceInput,
};
use zapdesk_core::changes::Table;
use zapdesk_core::domain::{ConversationStatus, Message};
use zapdesk_core::inbox::attachments;
use zapdesk_core::inbox::conversations::{self, ConversationSummary};
use zapdesk_core::inbox::search::SearchResults;
use zapdesk_core::inbox::work::{self, Note, Owner};
use zapdesk_core::{AccountId, ConversationId, InstanceId, MessageId, UserId};

use crate::{AppState, IpcError};

/// One page of the chat list (newest first).
#[tauri::command]
#[specta::specta]
pub async fn inbox_list(
    state: State<'_, AppState>,
    account: AccountId,
    filter: InboxFilter,
) -> Result<Vec<ConversationSummary>, IpcError> {
    Ok(state.app()?.inbox_list(account, filter).await?)
}

/// How many of the account's conversations have unread messages: the menu's
/// badge and the window title, on every screen.
#[tauri::command]
#[specta::specta]
pub async fn inbox_unread(state: State<'_, AppState>, account: AccountId) -> Result<u32, IpcError> {
    let count = conversations::unread(state.store()?, account).await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// "Nova conversa" from the inbox or a contact: the conversation to open,
/// on the number chosen (`None`: the contact's usual one), nothing sent.
#[tauri::command]
#[specta::specta]
pub async fn inbox_start(
    state: State<'_, AppState>,
    account: AccountId,
    to: SendTo,
    from: Option<InstanceId>,
) -> Result<NewConversation, IpcError> {
    Ok(state.app()?.start_conversation(account, to, from).await?)
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
    Ok(state
        .app()?
        .inbox_thread(account, conversation, before)
        .await?)
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
        .app()?
        .inbox_reply(account, conversation, id, &text)
        .await?)
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
    Ok(state
        .app()?
        .inbox_send_file(account, conversation, id, file)
        .await?)
}

/// Queues a voice message recorded in the composer (sent as a WhatsApp voice
/// note); `true` when its number is connected and it goes out now. `id`: as
/// for [`inbox_reply`].
#[tauri::command]
#[specta::specta]
pub async fn inbox_send_voice(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    id: MessageId,
    recording: VoiceInput,
) -> Result<bool, IpcError> {
    Ok(state
        .app()?
        .inbox_send_voice(account, conversation, id, recording)
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
    Ok(state.app()?.inbox_mark_read(account, conversation).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_assign(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    user: Option<UserId>,
) -> Result<(), IpcError> {
    let assigned = work::assign(state.store()?, account, conversation, user);
    Ok(state
        .app()?
        .wrote(
            Some(account),
            &[Table::Conversations, Table::FlowSessions],
            assigned,
        )
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_set_status(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    status: ConversationStatus,
) -> Result<(), IpcError> {
    let set = work::set_status(state.store()?, account, conversation, status);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Conversations], set)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_set_owner(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    owner: Owner,
) -> Result<(), IpcError> {
    let set = work::set_owner(state.store()?, account, conversation, owner);
    Ok(state
        .app()?
        .wrote(
            Some(account),
            &[Table::Conversations, Table::FlowSessions],
            set,
        )
        .await?)
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
    Ok(state
        .app()?
        .inbox_add_note(account, conversation, id, &body)
        .await?)
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
    let saved = work::save_draft(state.store()?, account, conversation, &body);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Drafts], saved)
        .await?)
}

/// The search box: contacts, messages and internal notes of the account.
#[tauri::command]
#[specta::specta]
pub async fn inbox_search(
    state: State<'_, AppState>,
    account: AccountId,
    text: String,
) -> Result<SearchResults, IpcError> {
    Ok(state.app()?.inbox_search(account, &text).await?)
}

/// The contact beside a conversation, with all their conversations.
#[tauri::command]
#[specta::specta]
pub async fn inbox_contact(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<ContactPanel, IpcError> {
    Ok(state.app()?.inbox_contact(account, conversation).await?)
}
