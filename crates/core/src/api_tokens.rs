//! The local API's tokens (issue 17): made in Settings → API for one account
//! or the whole agency, with scopes; the secret is shown once and only its
//! hash is kept.
//!
//! A token reads `zdk_<id>_<secret>`: the id (32 hex digits) finds the row,
//! the secret (64 hex digits, 256 random bits) is checked against the stored
//! SHA-256 in constant time. A plain hash is enough for a random secret of
//! that length (a slow password hash guards guessable passwords; nobody
//! guesses 2^256), and it costs microseconds per request.
//!
//! Tokens are the desktop's, not one account's: the Settings screen lists
//! every one, agency-wide tokens included.

pub mod idempotency;

use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::Role;
use crate::error::{ErrorCode, UserError, database_failed};
use crate::ids::ApiTokenId;
use crate::text::{NameProblem, clean_name};
use crate::time::now_ms;
use crate::{AccountId, Lang, Store, users};

/// Longest token name, in characters.
pub const NAME_MAX: usize = 80;
/// What every token starts with, so a leaked one is recognisable (secret
/// scanners, a log reviewer).
pub const PREFIX: &str = "zdk_";

/// What a token may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read accounts, numbers, contacts, campaigns, chats and messages.
    Read,
    /// Send messages.
    Send,
    /// Create and change contacts, tags, fields, campaigns, flows,
    /// conversations and webhooks; start and stop numbers.
    Manage,
}

/// A token as the Settings screen lists it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub name: String,
    /// `None`: every account of the agency.
    pub account_id: Option<AccountId>,
    pub scopes: Vec<Scope>,
    /// The token's first and last characters (`zdk_0193ab12…9f3c`), to
    /// recognise it among others.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// What a person fills in for a new token.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct ApiTokenInput {
    pub name: String,
    /// `None`: the whole agency (an owner's token).
    pub account_id: Option<AccountId>,
    pub scopes: Vec<Scope>,
}

/// A new token and its whole text, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// A token a request presented, checked: whom it lets in and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub id: ApiTokenId,
    pub account_id: Option<AccountId>,
    pub scopes: Vec<Scope>,
}

impl Verified {
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// Whether the token sees this account's data.
    pub fn sees(&self, account: AccountId) -> bool {
        self.account_id.is_none_or(|own| own == account)
    }
}

/// Why a token operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token name is empty")]
    NameEmpty,
    #[error("token name is longer than {NAME_MAX} characters")]
    NameTooLong,
    #[error("a token needs at least one scope")]
    NoScope,
    #[error("only an owner may create an agency-wide token")]
    NotOwner,
    #[error(transparent)]
    Account(#[from] crate::account_open::AccountClosed),
    #[error("no API token {0}")]
    Unknown(ApiTokenId),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<users::UserErrorKind> for TokenError {
    fn from(e: users::UserErrorKind) -> Self {
        match e {
            users::UserErrorKind::Database(e) => TokenError::Database(e),
            // `me` reports no other error: an operator who is gone is "nobody".
            _ => TokenError::NotOwner,
        }
    }
}

impl UserError for TokenError {
    fn code(&self) -> ErrorCode {
        match self {
            TokenError::NameEmpty | TokenError::NameTooLong | TokenError::NoScope => {
                ErrorCode::ApiTokenInvalid
            }
            TokenError::NotOwner => ErrorCode::ApiForbidden,
            TokenError::Account(e) => e.code(),
            TokenError::Unknown(_) => ErrorCode::ApiTokenUnknown,
            TokenError::Access(e) => e.code(),
            TokenError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            TokenError::NameEmpty => lang
                .pick(
                    "Dê um nome ao token, por exemplo \"n8n\" ou \"Loja virtual\".",
                    "Give the token a name, e.g. \"n8n\" or \"Online store\".",
                )
                .to_owned(),
            TokenError::NameTooLong => match lang {
                Lang::PtBr => format!("O nome do token pode ter no máximo {NAME_MAX} caracteres."),
                Lang::En => format!("The token's name can have at most {NAME_MAX} characters."),
            },
            TokenError::NoScope => lang
                .pick(
                    "Escolha ao menos uma permissão: leitura, envio ou gestão.",
                    "Choose at least one permission: read, send or manage.",
                )
                .to_owned(),
            TokenError::NotOwner => lang
                .pick(
                    "Só o dono da agência pode criar um token para todas as contas. Escolha uma conta, ou peça ao dono (o atendente deste computador é escolhido em Configurações).",
                    "Only the agency's owner can create a token for every account. Choose one account, or ask the owner (who uses this computer is chosen in Settings).",
                )
                .to_owned(),
            TokenError::Account(e) => e.message(lang),
            TokenError::Unknown(_) => lang
                .pick(
                    "Este token não existe mais.",
                    "This token no longer exists.",
                )
                .to_owned(),
            TokenError::Access(e) => e.message(lang),
            TokenError::Database(_) => database_failed(lang),
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: ApiTokenId,
    name: String,
    account_id: Option<AccountId>,
    scopes: String,
    hint: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

const COLUMNS: &str = "id, name, account_id, scopes, hint, created_at, last_used_at, revoked_at";

/// Scopes as stored: a JSON array. A value this ZapDesk does not know (a
/// newer one wrote it) grants nothing rather than failing the list.
fn read_scopes(text: &str) -> Vec<Scope> {
    let names: Vec<String> = serde_json::from_str(text).unwrap_or_default();
    names
        .iter()
        .filter_map(|n| serde_json::from_value(serde_json::Value::String(n.clone())).ok())
        .collect()
}

impl From<Row> for ApiToken {
    fn from(row: Row) -> Self {
        ApiToken {
            id: row.id,
            name: row.name,
            account_id: row.account_id,
            scopes: read_scopes(&row.scopes),
            prefix: row.hint,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes a token; its whole text is in the answer and nowhere else. A token
/// for the whole agency only when the operator using this desktop is an owner.
pub async fn create(store: &Store, input: &ApiTokenInput) -> Result<CreatedToken, TokenError> {
    let name = clean_name(&input.name, NAME_MAX).map_err(|p| match p {
        NameProblem::Empty => TokenError::NameEmpty,
        NameProblem::TooLong => TokenError::NameTooLong,
    })?;
    let mut scopes = input.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(TokenError::NoScope);
    }
    if input.account_id.is_none() {
        let me = users::me(store).await?;
        if !me.is_some_and(|u| u.role == Role::Owner) {
            return Err(TokenError::NotOwner);
        }
    }
    // An account's token is the agency's settings too: not an agent's.
    crate::access::require(store, crate::access::Area::Settings).await?;
    let id = ApiTokenId::new();
    let mut secret_bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut secret_bytes);
    let secret = hex(&secret_bytes);
    let text = format!("{PREFIX}{}_{secret}", id.as_uuid().simple());
    let hint = format!("{}…{}", &text[..12], &text[text.len() - 4..]);
    let mut tx = store.write().await?;
    if let Some(account) = input.account_id {
        crate::account_open::check(&mut tx, account).await??;
    }
    let sql = format!(
        "INSERT INTO api_tokens (id, account_id, name, scopes, secret_hash, hint, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    );
    let row: Row = sqlx::query_as(&sql)
        .bind(id)
        .bind(input.account_id)
        .bind(&name)
        .bind(serde_json::to_string(&scopes).unwrap_or_else(|_| "[]".into()))
        .bind(hash(&secret).as_slice())
        .bind(hint)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(CreatedToken {
        token: row.into(),
        secret: text,
    })
}

/// Every token of this desktop, newest first (revoked ones too: the screen
/// shows them struck out).
pub async fn list(store: &Store) -> Result<Vec<ApiToken>, TokenError> {
    // Names, scopes and accounts of every token: what Settings → API shows,
    // an owner's and admin's view (agents are refused it as the rest).
    crate::access::require(store, crate::access::Area::Settings).await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_tokens ORDER BY created_at DESC, id DESC"
    ))
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

/// One token.
pub async fn get(store: &Store, id: ApiTokenId) -> Result<ApiToken, TokenError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_tokens WHERE id = ?"))
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
    row.map(ApiToken::from).ok_or(TokenError::Unknown(id))
}

/// Revokes a token: every request with it is refused from now on. Revoking
/// it again keeps the first time.
pub async fn revoke(store: &Store, id: ApiTokenId) -> Result<ApiToken, TokenError> {
    crate::access::require(store, crate::access::Area::Settings).await?;
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING {COLUMNS}"
    ))
    .bind(now_ms())
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(ApiToken::from).ok_or(TokenError::Unknown(id))
}

/// The token a request presented, if it is one: well formed, known, its
/// secret's hash equal (compared in constant time), not revoked. `None` for
/// anything else, never why (a caller learns nothing by trying).
pub async fn verify(store: &Store, presented: &str) -> Result<Option<Verified>, sqlx::Error> {
    let Some((id, secret)) = parse(presented) else {
        return Ok(None);
    };
    let found: Option<Checked> = sqlx::query_as(
        "SELECT account_id, scopes, secret_hash, revoked_at FROM api_tokens WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = found else {
        return Ok(None);
    };
    let equal: bool = hash(secret)
        .as_slice()
        .ct_eq(row.secret_hash.as_slice())
        .into();
    if !equal || row.revoked_at.is_some() {
        return Ok(None);
    }
    Ok(Some(Verified {
        id,
        account_id: row.account_id,
        scopes: read_scopes(&row.scopes),
    }))
}

/// What checking a token reads.
#[derive(sqlx::FromRow)]
struct Checked {
    account_id: Option<AccountId>,
    scopes: String,
    secret_hash: Vec<u8>,
    revoked_at: Option<i64>,
}

/// `zdk_<32 hex>_<64 hex>` split into the id and the secret.
fn parse(presented: &str) -> Option<(ApiTokenId, &str)> {
    let rest = presented.trim().strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let hex_of = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex_of(id, 32) || !hex_of(secret, 64) {
        return None;
    }
    Some((id.parse().ok()?, secret))
}

/// Records that a token was used at `at`. The API calls it at most once
/// every few seconds per token, not on every request (a write each time
/// would cost more than the request).
pub async fn touch(store: &Store, id: ApiTokenId, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
    )
    .bind(at)
    .bind(id)
    .bind(at)
    .execute(store.pool())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_tokens_shape_parses() {
        let id = ApiTokenId::new();
        let secret = "ab".repeat(32);
        let good = format!("zdk_{}_{secret}", id.as_uuid().simple());
        assert_eq!(parse(&good), Some((id, secret.as_str())));
        for bad in [
            String::new(),
            "zdk_".into(),
            good.replace("zdk_", "zdx_"),
            format!("zdk_{}_{}", id.as_uuid().simple(), "ab".repeat(31)),
            format!("zdk_{}_{}g", id.as_uuid().simple(), "ab".repeat(31)),
            format!("zdk_{}_{secret}", id),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn unknown_scopes_grant_nothing() {
        assert_eq!(
            read_scopes(r#"["read","admin","send"]"#),
            vec![Scope::Read, Scope::Send]
        );
        assert!(read_scopes("not json").is_empty());
    }
}
