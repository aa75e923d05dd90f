//! How a desktop (or the CLI, as the database owner) connects to the agency's
//! PostgreSQL: the settings an operator types, the TLS rule, the refusal of
//! Supabase's transaction pooler, and the check that the server speaks our schema.
//!
//! TLS: a host other than this computer is reached only with `verify-full`
//! (certificate chain and host name checked); encryption can be off only for
//! localhost. sqlx's default, `prefer`, silently falls back to plain text, so
//! it is never used for a remote host.
//!
//! Poolers: Supabase's transaction-mode pooler (port 6543) hands each
//! transaction to any server session, so sqlx's prepared statements, and the
//! session features sync needs (LISTEN, advisory locks), break there. The
//! direct connection and the session pooler both use port 5432.

use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, Connection, PgConnection};
use uuid::Uuid;
use zapdesk_core::AccountId;

use crate::error::{RemoteError, Target};
use crate::membership::MemberRole;
use crate::secret::Password;

/// The port of Supabase's transaction-mode poolers (Supavisor and PgBouncer).
pub const TRANSACTION_POOLER_PORT: u16 = 6543;

/// How long a connection attempt may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Whether the connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain text; only for a server on this computer.
    Disable,
    /// Encrypted, with the server's certificate chain and host name verified.
    VerifyFull,
}

impl TlsMode {
    /// Verified TLS, except for a server on this computer.
    pub fn default_for(host: &str) -> TlsMode {
        if is_local(host) {
            TlsMode::Disable
        } else {
            TlsMode::VerifyFull
        }
    }
}

/// What an operator types on their desktop (the invitation gives all but the
/// password's place, which is the credential store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ConnectionSettings {
    pub host: String,
    pub port: u16,
    pub database: String,
    /// The login role. Through Supabase's session pooler it is
    /// `role.projectref`, as the invitation prints it.
    pub operator: String,
    pub tls: TlsMode,
    /// A CA certificate (PEM) to trust besides the public ones: Supabase's
    /// servers are signed by Supabase's own CA (Database settings → SSL).
    pub ca_certificate: Option<String>,
}

impl ConnectionSettings {
    /// Settings with the TLS mode this host gets by default.
    pub fn new(host: &str, port: u16, database: &str, operator: &str) -> ConnectionSettings {
        ConnectionSettings {
            host: host.trim().to_owned(),
            port,
            database: database.trim().to_owned(),
            operator: operator.trim().to_owned(),
            tls: TlsMode::default_for(host.trim()),
            ca_certificate: None,
        }
    }

    /// Refuses settings that cannot work or would not be safe: plain text to
    /// another computer, the transaction pooler, empty fields.
    pub fn validate(&self) -> Result<(), RemoteError> {
        for (field, value) in [
            ("host", &self.host),
            ("database", &self.database),
            ("operator", &self.operator),
        ] {
            if value.is_empty() {
                return Err(RemoteError::UrlInvalid {
                    detail: format!("{field} is empty"),
                });
            }
        }
        if self.tls == TlsMode::Disable && !is_local(&self.host) {
            return Err(RemoteError::TlsRequired {
                host: self.host.clone(),
            });
        }
        refuse_transaction_pooler(self.port)
    }

    /// The options the sync engine connects with (validated as above).
    pub fn connect_options(&self, password: &Password) -> Result<PgConnectOptions, RemoteError> {
        self.options(password)
    }

    fn options(&self, password: &Password) -> Result<PgConnectOptions, RemoteError> {
        self.validate()?;
        let mut options = PgConnectOptions::new_without_pgpass()
            .host(&self.host)
            .port(self.port)
            .database(&self.database)
            .username(&self.operator)
            .password(password.expose())
            .application_name("zapdesk")
            .ssl_mode(match self.tls {
                TlsMode::Disable => PgSslMode::Disable,
                TlsMode::VerifyFull => PgSslMode::VerifyFull,
            });
        if let Some(pem) = &self.ca_certificate {
            options = options.ssl_root_cert_from_pem(pem.as_bytes().to_vec());
        }
        Ok(options)
    }

    pub(crate) fn target(&self) -> Target {
        Target {
            host: self.host.clone(),
            port: self.port,
            user: self.operator.clone(),
            database: self.database.clone(),
        }
    }
}

/// Whether a host is this computer.
pub fn is_local(host: &str) -> bool {
    matches!(
        host.trim().to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1" | "[::1]"
    )
}

/// Refuses Supabase's transaction-mode pooler, by its port.
pub fn refuse_transaction_pooler(port: u16) -> Result<(), RemoteError> {
    if port == TRANSACTION_POOLER_PORT {
        return Err(RemoteError::PoolerTransactionMode { port });
    }
    Ok(())
}

/// Reads the database owner's URL (for provisioning and invitations) with the
/// same rules as an operator's settings: no transaction pooler; a remote host
/// gets `verify-full` when the URL names no `sslmode`, and is refused with a
/// weaker one. `sslrootcert=PATH` in the URL adds Supabase's CA.
pub fn owner_options(url: &str) -> Result<PgConnectOptions, RemoteError> {
    let url = url.trim();
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(RemoteError::UrlInvalid {
            detail: "it must start with postgresql://".to_owned(),
        });
    }
    // The error would quote the URL, password included: say only what is wrong.
    let options = PgConnectOptions::from_str(url).map_err(|_| RemoteError::UrlInvalid {
        detail: "it cannot be read as a PostgreSQL URL".to_owned(),
    })?;
    let query = url.split_once('?').map(|(_, q)| q.to_ascii_lowercase());
    if query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "pgbouncer=true"))
    {
        return Err(RemoteError::PoolerTransactionMode {
            port: options.get_port(),
        });
    }
    refuse_transaction_pooler(options.get_port())?;
    let host = options.get_host().to_owned();
    let names_sslmode = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p.starts_with("sslmode=")));
    if is_local(&host) || options.get_socket().is_some() {
        return Ok(options.application_name("zapdesk-cli"));
    }
    if !names_sslmode {
        return Ok(options
            .ssl_mode(PgSslMode::VerifyFull)
            .application_name("zapdesk-cli"));
    }
    if !matches!(options.get_ssl_mode(), PgSslMode::VerifyFull) {
        return Err(RemoteError::TlsRequired { host });
    }
    Ok(options.application_name("zapdesk-cli"))
}

pub(crate) fn owner_target(options: &PgConnectOptions) -> Target {
    Target {
        host: options.get_host().to_owned(),
        port: options.get_port(),
        user: options.get_username().to_owned(),
        database: options.get_database().unwrap_or_default().to_owned(),
    }
}

/// Opens one connection, within [`CONNECT_TIMEOUT`].
pub(crate) async fn open(
    options: &PgConnectOptions,
    target: &Target,
) -> Result<PgConnection, RemoteError> {
    match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(RemoteError::from_sqlx(e, target)),
        Err(_) => Err(RemoteError::Unreachable {
            host: target.host.clone(),
            port: target.port,
            detail: "timed out".to_owned(),
        }),
    }
}

/// One membership of the connected operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Membership {
    pub account: AccountId,
    pub account_name: String,
    pub role: MemberRole,
}

/// What a successful connection test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RemoteStatus {
    pub schema_version: i64,
    /// The login role as the server knows it (without a pooler's `.projectref`).
    pub operator: String,
    pub operator_id: Uuid,
    pub display_name: String,
    /// The operator's e-mail: who they are on this desktop too (`team::adopt_login`).
    pub email: String,
    pub memberships: Vec<Membership>,
}

/// Connects as the operator and checks that the server is usable: reachable,
/// login accepted, TLS as configured, our schema at the version this binary
/// speaks, and the login a ZapDesk operator. Returns the operator's accounts.
pub async fn test_connection(
    settings: &ConnectionSettings,
    password: &Password,
) -> Result<RemoteStatus, RemoteError> {
    let target = settings.target();
    let mut conn = open(&settings.options(password)?, &target)
        .await
        .map_err(|e| match e {
            // No CONNECT on the database (remote 0007 grants it to the
            // operator group only): the login is not a ZapDesk operator.
            RemoteError::Forbidden { .. } => RemoteError::NotOperator {
                operator: target.user.clone(),
            },
            other => other,
        })?;
    let status = inspect(&mut conn, &target).await;
    // Closing politely is best effort: the answer is already known.
    let _ = conn.close().await;
    status
}

async fn inspect(conn: &mut PgConnection, target: &Target) -> Result<RemoteStatus, RemoteError> {
    let operator: String = sqlx::query_scalar("SELECT session_user::text")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| RemoteError::from_sqlx(e, target))?;
    check_schema_version(conn, target)
        .await
        .map_err(|e| match e {
            // No USAGE on the schema: the login is not in the operator group.
            RemoteError::Forbidden { .. } => RemoteError::NotOperator {
                operator: operator.clone(),
            },
            other => other,
        })?;
    let me: Option<(Uuid, String, String)> = sqlx::query_as(
        "SELECT id, display_name, email FROM zapdesk.operators WHERE role_name = session_user",
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| RemoteError::from_sqlx(e, target))?;
    let Some((operator_id, display_name, email)) = me else {
        return Err(RemoteError::NotOperator { operator });
    };
    let rows: Vec<(AccountId, String, String)> = sqlx::query_as(
        "SELECT m.account_id, a.name, m.role
         FROM zapdesk.memberships m JOIN zapdesk.accounts a ON a.id = m.account_id
         WHERE m.operator = session_user AND a.deleted_at IS NULL
         ORDER BY a.name, a.id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| RemoteError::from_sqlx(e, target))?;
    let memberships = rows
        .into_iter()
        .filter_map(|(account, account_name, role)| {
            Some(Membership {
                account,
                account_name,
                role: MemberRole::from_str(&role).ok()?,
            })
        })
        .collect();
    Ok(RemoteStatus {
        schema_version: crate::latest_version(),
        operator,
        operator_id,
        display_name,
        email,
        memberships,
    })
}

/// Refuses a server without our schema, or at another version than this binary's.
pub(crate) async fn check_schema_version(
    conn: &mut PgConnection,
    target: &Target,
) -> Result<(), RemoteError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT zapdesk.schema_version()")
        .fetch_one(&mut *conn)
        .await
        .map_err(
            |e| match e.as_database_error().and_then(|d| d.code()).as_deref() {
                // undefined_function, undefined_table: an older or partial schema.
                Some("42883" | "42P01") => RemoteError::SchemaMissing,
                _ => RemoteError::from_sqlx(e, target),
            },
        )?;
    let expected = crate::latest_version();
    match found {
        None => Err(RemoteError::SchemaMissing),
        Some(found) if found < expected => Err(RemoteError::SchemaOutdated { found, expected }),
        Some(found) if found > expected => Err(RemoteError::SchemaTooNew {
            found,
            supported: expected,
        }),
        Some(_) => Ok(()),
    }
}
