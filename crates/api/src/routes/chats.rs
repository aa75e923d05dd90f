//! Chats (conversations) and their messages, cursor-paged; assigning and
//! resolving a chat.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use uuid::Uuid;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::changes::Table;
use zapdesk_core::domain::ConversationStatus;
use zapdesk_core::inbox::conversations::{self, Cursor, ListFilter};
use zapdesk_core::inbox::work;
use zapdesk_core::{AccountId, ConversationId, InstanceId};

use crate::auth::Caller;
use crate::error::{ApiError, Refusal};
use crate::extract::{Body, Ids, Params};
use crate::kept;
use crate::routes::contacts::DEFAULT_LIMIT;
use crate::schema::chats::{
    AssignInput, Chat, ChatPage, ChatQuery, MessageBefore, MessagePage, MessageQuery, read_cursor,
    read_message_cursor, write_cursor, write_message_cursor,
};
use crate::state::Api;

/// The most items of a page.
const PAGE_MAX: u32 = 500;

/// The account's chats, the most recent first. Page with `after`.
#[utoipa::path(get, path = "/api/accounts/{account}/chats", tag = "chats",
    params(("account" = Uuid, Path, description = "The account's id"), ChatQuery),
    responses((status = 200, body = ChatPage)))]
pub async fn list(
    State(api): State<Api>,
    caller: Caller,
    uri: Uri,
    Ids(id): Ids<Uuid>,
    Params(query): Params<ChatQuery>,
) -> Result<Response, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    kept::json_page(&api, &caller, &uri, chat_page(&api, account, query)).await
}

/// The page [`list`] answers, worked out.
async fn chat_page(api: &Api, account: AccountId, query: ChatQuery) -> Result<ChatPage, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, PAGE_MAX);
    let after =
        match query.after.as_deref() {
            None => None,
            Some(text) => Some(read_cursor(text).ok_or_else(|| {
                Refusal::BadRequest("\"after\" is not a cursor of this API".into())
            })?),
        };
    let filter = ListFilter {
        instance: query.instance.map(InstanceId::from_uuid),
        assignee: None,
        status: query.status,
        // An integration sees every chat, answered or not.
        campaign_unanswered: None,
        after,
        limit,
    };
    let items = conversations::list(api.store(), account, &filter).await?;
    let next = match items.last() {
        Some(last) if items.len() == limit as usize => last.last_message_at.map(|at| {
            write_cursor(&Cursor {
                last_message_at: at,
                id: last.id,
            })
        }),
        _ => None,
    };
    Ok(ChatPage {
        items: items.into_iter().map(Chat::from).collect(),
        next,
    })
}

/// A chat's messages, oldest first; `before` pages back in time.
#[utoipa::path(get, path = "/api/accounts/{account}/chats/{chat}/messages", tag = "chats",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("chat" = Uuid, Path, description = "The chat's id"),
           MessageQuery),
    responses((status = 200, body = MessagePage)))]
pub async fn messages(
    State(api): State<Api>,
    caller: Caller,
    uri: Uri,
    Ids((id, chat)): Ids<(Uuid, Uuid)>,
    Params(query): Params<MessageQuery>,
) -> Result<Response, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    let chat = ConversationId::from_uuid(chat);
    kept::json_page(
        &api,
        &caller,
        &uri,
        message_page(&api, account, chat, query),
    )
    .await
}

/// The page [`messages`] answers, worked out.
async fn message_page(
    api: &Api,
    account: AccountId,
    chat: ConversationId,
    query: MessageQuery,
) -> Result<MessagePage, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, PAGE_MAX);
    let before =
        match query.before.as_deref() {
            None => None,
            Some(text) => Some(read_message_cursor(text).ok_or_else(|| {
                Refusal::BadRequest("\"before\" is not a cursor of this API".into())
            })?),
        };
    let items = match before {
        Some(MessageBefore::Time(at)) => {
            conversations::thread(api.store(), account, chat, Some(at), limit).await?
        }
        Some(MessageBefore::Cursor(at, id)) => {
            conversations::thread_before(api.store(), account, chat, Some((at, id)), limit).await?
        }
        None => conversations::thread_before(api.store(), account, chat, None, limit).await?,
    };
    let next = match items.first() {
        Some(first) if items.len() == limit as usize => {
            Some(write_message_cursor(first.created_at, first.id))
        }
        _ => None,
    };
    Ok(MessagePage {
        items: items.into_iter().map(Into::into).collect(),
        next,
    })
}

/// Assigns a chat to an operator (or to nobody).
#[utoipa::path(post, path = "/api/accounts/{account}/chats/{chat}/assign", tag = "chats",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("chat" = Uuid, Path, description = "The chat's id")),
    request_body = AssignInput,
    responses((status = 200, body = Chat)))]
pub async fn assign(
    State(api): State<Api>,
    caller: Caller,
    Ids((id, chat)): Ids<(Uuid, Uuid)>,
    Body(input): Body<AssignInput>,
) -> Result<Json<Chat>, ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let chat = ConversationId::from_uuid(chat);
    let done = work::assign(api.store(), account, chat, input.user_id);
    api.app()
        .wrote(Some(account), &[Table::Conversations], done)
        .await?;
    Ok(Json(
        conversations::get(api.store(), account, chat).await?.into(),
    ))
}

/// Marks a chat resolved (the bot answers the contact's next message).
#[utoipa::path(post, path = "/api/accounts/{account}/chats/{chat}/resolve", tag = "chats",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("chat" = Uuid, Path, description = "The chat's id")),
    responses((status = 200, body = Chat)))]
pub async fn resolve(
    State(api): State<Api>,
    caller: Caller,
    Ids((id, chat)): Ids<(Uuid, Uuid)>,
) -> Result<Json<Chat>, ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let chat = ConversationId::from_uuid(chat);
    let done = work::set_status(api.store(), account, chat, ConversationStatus::Resolved);
    api.app()
        .wrote(Some(account), &[Table::Conversations], done)
        .await?;
    Ok(Json(
        conversations::get(api.store(), account, chat).await?.into(),
    ))
}
