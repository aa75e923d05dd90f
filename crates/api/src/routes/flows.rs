//! The account's flows, and starting one for a contact.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::automation::flows;
use zapdesk_core::ids::{FlowId, SessionId};
use zapdesk_core::inbox::InboxError;
use zapdesk_core::inbox::conversations;
use zapdesk_core::{ContactId, ConversationId};

use crate::auth::Caller;
use crate::error::{ApiError, Refusal};
use crate::extract::{Body, Ids};
use crate::state::Api;

/// A flow (a conversation the bot has).
#[derive(Debug, Serialize, ToSchema)]
pub struct Flow {
    #[schema(value_type = uuid::Uuid)]
    pub id: FlowId,
    pub name: String,
    /// Its triggers fire (a flow can be started by hand when published, enabled or not).
    pub enabled: bool,
    /// It has a published version (only those can start).
    pub published: bool,
}

/// In which conversation to start a flow.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartInput {
    /// This chat; or …
    #[schema(value_type = Option<uuid::Uuid>)]
    pub chat_id: Option<ConversationId>,
    /// … this contact's most recent chat.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub contact_id: Option<ContactId>,
}

/// A flow started.
#[derive(Debug, Serialize, ToSchema)]
pub struct Started {
    #[schema(value_type = uuid::Uuid)]
    pub session_id: SessionId,
    #[schema(value_type = uuid::Uuid)]
    pub chat_id: ConversationId,
}

/// The account's flows.
#[utoipa::path(get, path = "/api/accounts/{account}/flows", tag = "flows",
    params(("account" = Uuid, Path, description = "The account's id")),
    responses((status = 200, body = Vec<Flow>)))]
pub async fn list(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<Vec<Flow>>, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    let all = flows::list(api.store(), account).await?;
    Ok(Json(
        all.into_iter()
            .map(|f| Flow {
                id: f.id,
                name: f.name,
                enabled: f.enabled,
                published: f.published_version_id.is_some(),
            })
            .collect(),
    ))
}

/// Starts a flow's published version in a chat, as "Iniciar fluxo" in the
/// inbox does (a chat a person owned goes back to the bot).
#[utoipa::path(post, path = "/api/accounts/{account}/flows/{flow}/start", tag = "flows",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("flow" = Uuid, Path, description = "The flow's id")),
    request_body = StartInput,
    responses((status = 200, body = Started)))]
pub async fn start(
    State(api): State<Api>,
    caller: Caller,
    Ids((id, flow)): Ids<(Uuid, Uuid)>,
    Body(input): Body<StartInput>,
) -> Result<Json<Started>, ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let chat = match (input.chat_id, input.contact_id) {
        (Some(chat), None) => chat,
        (None, Some(contact)) => conversations::of_contact(api.store(), account, contact)
            .await?
            .first()
            .map(|c| c.id)
            .ok_or(InboxError::ConversationUnknown(
                account,
                ConversationId::new(),
            ))?,
        _ => {
            return Err(
                Refusal::BadRequest("give either \"chat_id\" or \"contact_id\"".into()).into(),
            );
        }
    };
    let session = api
        .app()
        .flow_start(account, chat, FlowId::from_uuid(flow))
        .await?;
    Ok(Json(Started {
        session_id: session,
        chat_id: chat,
    }))
}
