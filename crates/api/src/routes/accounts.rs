//! The accounts a token sees, and the agency's operators (for assigning chats).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::domain::Role;
use zapdesk_core::ids::UserId;
use zapdesk_core::{accounts, users};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Ids;
use crate::schema::accounts::Account;
use crate::schema::enum_schema;
use crate::state::Api;

enum_schema!(role, role_or_null, ["owner", "admin", "agent"]);

/// An operator of the agency (the e-mail is not shown).
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    #[schema(value_type = uuid::Uuid)]
    pub id: UserId,
    pub name: String,
    #[schema(schema_with = role)]
    pub role: Role,
}

/// The accounts this token sees: its own, or every one for an agency token.
#[utoipa::path(get, path = "/api/accounts", tag = "accounts",
    responses((status = 200, body = Vec<Account>)))]
pub async fn list(State(api): State<Api>, caller: Caller) -> Result<Json<Vec<Account>>, ApiError> {
    caller.need(Scope::Read)?;
    let seen = caller.accounts(&api).await?;
    Ok(Json(seen.into_iter().map(Account::from).collect()))
}

/// One account.
#[utoipa::path(get, path = "/api/accounts/{account}", tag = "accounts",
    params(("account" = Uuid, Path, description = "The account's id")),
    responses((status = 200, body = Account)))]
pub async fn get(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<Account>, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    Ok(Json(accounts::get(api.store(), account).await?.into()))
}

/// The agency's operators: whom a chat can be assigned to.
#[utoipa::path(get, path = "/api/users", tag = "chats",
    responses((status = 200, body = Vec<User>)))]
pub async fn operators(
    State(api): State<Api>,
    caller: Caller,
) -> Result<Json<Vec<User>>, ApiError> {
    caller.need(Scope::Read)?;
    let all = users::list(api.store()).await?;
    Ok(Json(
        all.into_iter()
            .map(|u| User {
                id: u.id,
                name: u.name,
                role: u.role,
            })
            .collect(),
    ))
}
