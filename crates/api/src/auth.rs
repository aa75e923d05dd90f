//! Who is asking: the token of `Authorization: Bearer <token>` (or, for
//! the Evolution dialect, `apikey: <token>`), checked against the store on
//! every request, so a revoked token is refused at once; then its rate,
//! then, per handler, its scope and the account it may see.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use uuid::Uuid;
use zapdesk_core::api_tokens::{self, Scope, Verified};
use zapdesk_core::{AccountId, accounts};

use crate::error::{ApiError, Refusal, database};
use crate::state::Api;

/// An authenticated request's token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token: Verified,
    /// The only account this server serves (`serve --account`), if one.
    pub served: Option<AccountId>,
    /// The store's data version read before the token was checked: what is
    /// worked out for this request may be kept under it.
    pub version: Option<u64>,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn authenticate(api: &Api, presented: Option<&str>) -> Result<Caller, ApiError> {
    let presented = presented.ok_or(Refusal::Unauthorized)?;
    let version = api.version().await;
    let kept = version.and_then(|v| api.kept().token(v, presented));
    let token = match kept {
        Some(token) => token,
        None => {
            let token = api_tokens::verify(api.store(), presented)
                .await
                .map_err(database)?
                .ok_or(Refusal::Unauthorized)?;
            if let Some(v) = version {
                api.kept().keep_token(v, presented, &token);
            }
            token
        }
    };
    api.admit(token.id)?;
    api.touch(token.id).await;
    Ok(Caller {
        token,
        served: api.served(),
        version,
    })
}

impl FromRequestParts<Api> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, api: &Api) -> Result<Self, Self::Rejection> {
        authenticate(api, bearer(&parts.headers)).await
    }
}

/// [`Caller`] for the Evolution dialect: its clients send `apikey`.
#[derive(Debug, Clone)]
pub struct EvolutionCaller(pub Caller);

impl FromRequestParts<Api> for EvolutionCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, api: &Api) -> Result<Self, Self::Rejection> {
        let apikey = parts
            .headers
            .get("apikey")
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        let presented = apikey.or_else(|| bearer(&parts.headers));
        Ok(EvolutionCaller(authenticate(api, presented).await?))
    }
}

impl Caller {
    /// Refused (403) unless the token has `scope`.
    pub fn need(&self, scope: Scope) -> Result<(), ApiError> {
        if self.token.allows(scope) {
            Ok(())
        } else {
            Err(Refusal::Forbidden(scope).into())
        }
    }

    /// The account of a path, when the token may see it and it exists;
    /// otherwise 404 with the same body either way (nothing tells another
    /// account's id from a made-up one).
    pub async fn account(&self, api: &Api, id: Uuid) -> Result<AccountId, ApiError> {
        let account = AccountId::from_uuid(id);
        if !self.sees(account) {
            return Err(Refusal::NotFound.into());
        }
        if self.version.is_some_and(|v| api.kept().account(v, account)) {
            return Ok(account);
        }
        match accounts::get(api.store(), account).await {
            Ok(_) => {
                if let Some(v) = self.version {
                    api.kept().keep_account(v, account);
                }
                Ok(account)
            }
            Err(accounts::AccountError::Unknown(_)) => Err(Refusal::NotFound.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether the token may see `account`, and this server serves it.
    fn sees(&self, account: AccountId) -> bool {
        self.token.sees(account) && self.served.is_none_or(|served| served == account)
    }

    /// The accounts the token sees: its own, or every one (archived too);
    /// of them, only the one the server serves when it serves one.
    pub async fn accounts(&self, api: &Api) -> Result<Vec<accounts::Account>, ApiError> {
        if let Some(served) = self.served {
            if !self.token.sees(served) {
                return Ok(Vec::new());
            }
            return match accounts::get(api.store(), served).await {
                Ok(account) => Ok(vec![account]),
                Err(accounts::AccountError::Unknown(_)) => Ok(Vec::new()),
                Err(e) => Err(e.into()),
            };
        }
        match self.token.account_id {
            Some(own) => match accounts::get(api.store(), own).await {
                Ok(account) => Ok(vec![account]),
                Err(accounts::AccountError::Unknown(_)) => Ok(Vec::new()),
                Err(e) => Err(e.into()),
            },
            None => Ok(accounts::list(api.store(), true).await?),
        }
    }
}
