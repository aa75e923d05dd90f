//! Why talking to the agency's database failed, with the text a person reads
//! (the CLI's admin or a desktop's operator): what went wrong and what to do.
//! No variant carries a password or a whole database address.

use zapdesk_core::{AccountId, ErrorCode, Lang, UserError};

/// A failure of the remote store.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("cannot reach {host}:{port}: {detail}")]
    Unreachable {
        host: String,
        port: u16,
        detail: String,
    },
    #[error("login refused for {operator}")]
    AuthFailed { operator: String },
    #[error("TLS with {host} failed: {detail}")]
    TlsFailed { host: String, detail: String },
    #[error("{host} is not this computer, so the connection must be encrypted and verified")]
    TlsRequired { host: String },
    #[error("port {port} is a transaction-mode pooler")]
    PoolerTransactionMode { port: u16 },
    #[error("ZapDesk's schema is not on this database")]
    SchemaMissing,
    #[error("schema version {found}, this ZapDesk expects {expected}")]
    SchemaOutdated { found: i64, expected: i64 },
    #[error("schema version {found} is newer than this ZapDesk's {supported}")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("{operator} is not a ZapDesk operator of this database")]
    NotOperator { operator: String },
    #[error("refused by the server: {detail}")]
    Forbidden { detail: String },
    #[error("not a usable database address: {detail}")]
    UrlInvalid { detail: String },
    #[error("no database {database} on the server")]
    DatabaseUnknown { database: String },
    #[error("account {0} is neither on this computer nor on the remote database")]
    AccountNotRemote(AccountId),
    #[error("an invitation needs at least one account")]
    NoAccount,
    #[error("the database is provisioned for operator group {existing}, not {asked}")]
    GroupMismatch { existing: String, asked: String },
    #[error("role {0} exists and is not a NOLOGIN group")]
    GroupUnusable(String),
    #[error("not a role name: {0}")]
    RoleNameInvalid(String),
    #[error("not an e-mail address: {0}")]
    EmailInvalid(String),
    #[error("operator name is empty")]
    NameEmpty,
    #[error("operator name is too long")]
    NameTooLong,
    #[error("credential store: {0}")]
    Secret(#[source] keyring::Error),
    #[error("no password saved for {operator}")]
    SecretMissing { operator: String },
    #[error(transparent)]
    Database(sqlx::Error),
}

/// Where a connection was going, to name it in errors.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub database: String,
}

impl RemoteError {
    /// Reads a driver error the way a person needs it: unreachable, refused
    /// login, TLS, pooler, schema, privileges; anything else stays `Database`.
    pub(crate) fn from_sqlx(e: sqlx::Error, target: &Target) -> RemoteError {
        match &e {
            // rustls reports a refused certificate as an I/O error of kind
            // InvalidData ("invalid peer certificate: UnknownIssuer").
            sqlx::Error::Io(io)
                if io.kind() == std::io::ErrorKind::InvalidData
                    || io.to_string().contains("certificate") =>
            {
                RemoteError::TlsFailed {
                    host: target.host.clone(),
                    detail: io.to_string(),
                }
            }
            sqlx::Error::Io(io) => RemoteError::Unreachable {
                host: target.host.clone(),
                port: target.port,
                detail: io.to_string(),
            },
            sqlx::Error::PoolTimedOut => RemoteError::Unreachable {
                host: target.host.clone(),
                port: target.port,
                detail: "timed out".to_owned(),
            },
            sqlx::Error::Tls(tls) => RemoteError::TlsFailed {
                host: target.host.clone(),
                detail: tls.to_string(),
            },
            sqlx::Error::Configuration(c) => RemoteError::UrlInvalid {
                detail: c.to_string(),
            },
            sqlx::Error::Database(db) => match db.code().as_deref() {
                // invalid_password; invalid_authorization_specification (no such
                // role, or pg_hba refuses it).
                Some("28P01" | "28000") => RemoteError::AuthFailed {
                    operator: target.user.clone(),
                },
                Some("3D000") => RemoteError::DatabaseUnknown {
                    database: target.database.clone(),
                },
                // A prepared statement that another client's session already
                // holds, or that this one lost: a transaction-mode pooler moved
                // us between server sessions.
                Some("42P05" | "26000") => RemoteError::PoolerTransactionMode { port: target.port },
                Some("3F000") => RemoteError::SchemaMissing,
                Some("42501") => RemoteError::Forbidden {
                    detail: db.message().to_owned(),
                },
                _ => RemoteError::Database(e),
            },
            _ => RemoteError::Database(e),
        }
    }
}

impl UserError for RemoteError {
    fn code(&self) -> ErrorCode {
        match self {
            RemoteError::Unreachable { .. } => ErrorCode::RemoteUnreachable,
            RemoteError::AuthFailed { .. } => ErrorCode::RemoteAuthFailed,
            RemoteError::TlsFailed { .. } => ErrorCode::RemoteTlsFailed,
            RemoteError::PoolerTransactionMode { .. } => ErrorCode::RemotePoolerTransactionMode,
            RemoteError::SchemaMissing | RemoteError::SchemaOutdated { .. } => {
                ErrorCode::RemoteSchemaMissing
            }
            RemoteError::SchemaTooNew { .. } => ErrorCode::RemoteSchemaTooNew,
            RemoteError::NotOperator { .. } | RemoteError::Forbidden { .. } => {
                ErrorCode::RemoteForbidden
            }
            RemoteError::TlsRequired { .. }
            | RemoteError::UrlInvalid { .. }
            | RemoteError::DatabaseUnknown { .. }
            | RemoteError::AccountNotRemote(_)
            | RemoteError::NoAccount
            | RemoteError::GroupMismatch { .. }
            | RemoteError::GroupUnusable(_)
            | RemoteError::RoleNameInvalid(_) => ErrorCode::RemoteInvalid,
            RemoteError::EmailInvalid(_) => ErrorCode::EmailInvalid,
            RemoteError::NameEmpty => ErrorCode::NameEmpty,
            RemoteError::NameTooLong => ErrorCode::NameTooLong,
            RemoteError::Secret(_) | RemoteError::SecretMissing { .. } => {
                ErrorCode::RemoteSecretUnavailable
            }
            RemoteError::Database(_) => ErrorCode::RemoteFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        let pt = lang == Lang::PtBr;
        match self {
            RemoteError::Unreachable { host, port, .. } => {
                if pt {
                    format!(
                        "Não foi possível conectar ao banco de dados da agência em {host}:{port}. \
                     Confira o endereço e a porta e se este computador está na internet."
                    )
                } else {
                    format!(
                        "Could not connect to the agency's database at {host}:{port}. \
                     Check the address and port, and that this computer is online."
                    )
                }
            }
            RemoteError::AuthFailed { operator } => {
                if pt {
                    format!(
                        "O banco de dados recusou o login de \"{operator}\". Confira o operador e a \
                     senha enviados pelo administrador da agência."
                    )
                } else {
                    format!(
                        "The database refused the login of \"{operator}\". Check the operator and \
                     password the agency's administrator sent you."
                    )
                }
            }
            RemoteError::TlsFailed { host, .. } => {
                if pt {
                    format!(
                        "A conexão criptografada com {host} não pôde ser verificada. No Supabase, \
                     baixe o certificado (Database → SSL) e informe-o nas configurações."
                    )
                } else {
                    format!(
                        "The encrypted connection to {host} could not be verified. On Supabase, \
                     download the certificate (Database → SSL) and give it in the settings."
                    )
                }
            }
            RemoteError::TlsRequired { host } => {
                if pt {
                    format!(
                        "{host} não é este computador: a conexão precisa ser criptografada e \
                     verificada (verify-full). Desativar a criptografia só é permitido para \
                     localhost ou 127.0.0.1."
                    )
                } else {
                    format!(
                        "{host} is not this computer: the connection must be encrypted and verified \
                     (verify-full). Turning encryption off is allowed only for localhost or \
                     127.0.0.1."
                    )
                }
            }
            RemoteError::PoolerTransactionMode { port } => {
                if pt {
                    format!(
                        "A porta {port} é o pooler em modo transação do Supabase, que o ZapDesk não \
                     pode usar. Use a conexão direta ou o pooler em modo sessão, na porta 5432."
                    )
                } else {
                    format!(
                        "Port {port} is Supabase's transaction-mode pooler, which ZapDesk cannot use. \
                     Use the direct connection or the session-mode pooler, on port 5432."
                    )
                }
            }
            RemoteError::SchemaMissing => lang
                .pick(
                    "Este banco de dados ainda não foi preparado para o ZapDesk. O administrador \
                     da agência deve rodar `zapdesk-cli remote provision`.",
                    "This database is not set up for ZapDesk yet. The agency's administrator \
                     must run `zapdesk-cli remote provision`.",
                )
                .to_owned(),
            RemoteError::SchemaOutdated { found, expected } => {
                if pt {
                    format!(
                        "O banco de dados da agência está na versão {found} do esquema e este \
                     ZapDesk precisa da {expected}. O administrador deve rodar \
                     `zapdesk-cli remote provision` com esta versão do ZapDesk."
                    )
                } else {
                    format!(
                        "The agency's database is at schema version {found} and this ZapDesk needs \
                     {expected}. The administrator must run `zapdesk-cli remote provision` with \
                     this version of ZapDesk."
                    )
                }
            }
            RemoteError::SchemaTooNew { found, supported } => {
                if pt {
                    format!(
                        "O banco de dados da agência foi preparado por um ZapDesk mais novo \
                     (esquema {found}; este entende até {supported}). Atualize o ZapDesk."
                    )
                } else {
                    format!(
                        "The agency's database was set up by a newer ZapDesk (schema {found}; this \
                     one understands up to {supported}). Update ZapDesk."
                    )
                }
            }
            RemoteError::NotOperator { operator } => {
                if pt {
                    format!(
                        "\"{operator}\" não é um operador do ZapDesk neste banco de dados. Peça um \
                     convite ao administrador da agência."
                    )
                } else {
                    format!(
                        "\"{operator}\" is not a ZapDesk operator on this database. Ask the agency's \
                     administrator for an invitation."
                    )
                }
            }
            RemoteError::Forbidden { detail } => {
                if pt {
                    format!(
                        "O banco de dados não permite isso a este operador ({detail}). Peça a um \
                     dono ou administrador da conta, ou ao administrador da agência."
                    )
                } else {
                    format!(
                        "The database does not allow this operator to do that ({detail}). Ask an \
                     owner or admin of the account, or the agency's administrator."
                    )
                }
            }
            RemoteError::UrlInvalid { detail } => {
                if pt {
                    format!(
                        "O endereço do banco de dados não é válido ({detail}). Use a forma \
                     postgresql://usuario:senha@servidor:5432/banco."
                    )
                } else {
                    format!(
                        "The database address is not valid ({detail}). Use the form \
                     postgresql://user:password@host:5432/database."
                    )
                }
            }
            RemoteError::DatabaseUnknown { database } => {
                if pt {
                    format!("O servidor não tem o banco de dados \"{database}\". Confira o nome.")
                } else {
                    format!("The server has no database \"{database}\". Check the name.")
                }
            }
            RemoteError::NoAccount => {
                if pt {
                    "Escolha ao menos uma conta para o convite no banco da agência.".to_owned()
                } else {
                    "Choose at least one account for the invitation to the agency's database."
                        .to_owned()
                }
            }
            RemoteError::AccountNotRemote(id) => {
                if pt {
                    format!(
                        "A conta {id} não está neste computador nem no banco de dados da agência. \
                     Rode o convite no computador onde a conta foi criada."
                    )
                } else {
                    format!(
                        "Account {id} is neither on this computer nor on the agency's database. Run \
                     the invitation on the computer where the account was created."
                    )
                }
            }
            RemoteError::GroupMismatch { existing, asked } => {
                if pt {
                    format!(
                        "Este banco de dados já usa o grupo de operadores \"{existing}\", não \
                     \"{asked}\". Rode de novo sem escolher outro grupo."
                    )
                } else {
                    format!(
                        "This database already uses the operator group \"{existing}\", not \
                     \"{asked}\". Run again without choosing another group."
                    )
                }
            }
            RemoteError::GroupUnusable(name) => {
                if pt {
                    format!(
                        "Já existe um papel \"{name}\" que pode fazer login; ele não pode ser o grupo \
                     de operadores. Escolha outro nome de grupo."
                    )
                } else {
                    format!(
                        "A role \"{name}\" exists and can log in; it cannot be the operator group. \
                     Choose another group name."
                    )
                }
            }
            RemoteError::RoleNameInvalid(name) => {
                if pt {
                    format!(
                        "\"{name}\" não serve como nome de papel: use letras minúsculas, algarismos \
                     e _ (até 63)."
                    )
                } else {
                    format!(
                        "\"{name}\" cannot be a role name: use lower-case letters, digits and _ (up \
                     to 63)."
                    )
                }
            }
            RemoteError::EmailInvalid(email) => {
                if pt {
                    format!("\"{email}\" não é um e-mail válido.")
                } else {
                    format!("\"{email}\" is not a valid e-mail address.")
                }
            }
            RemoteError::NameEmpty => lang
                .pick("Dê um nome ao operador.", "Give the operator a name.")
                .to_owned(),
            RemoteError::NameTooLong => lang
                .pick(
                    "O nome do operador pode ter no máximo 80 caracteres.",
                    "An operator's name can have at most 80 characters.",
                )
                .to_owned(),
            RemoteError::Secret(_) => lang
                .pick(
                    "O cofre de senhas do sistema não respondeu. No Linux, confira se o \
                     chaveiro (GNOME Keyring ou KWallet) está instalado e desbloqueado.",
                    "The system's password store did not answer. On Linux, check that a \
                     keyring (GNOME Keyring or KWallet) is installed and unlocked.",
                )
                .to_owned(),
            RemoteError::SecretMissing { operator } => {
                if pt {
                    format!(
                        "Não há senha guardada para \"{operator}\" neste computador. Digite-a de novo \
                     nas configurações de sincronização."
                    )
                } else {
                    format!(
                        "No password is saved for \"{operator}\" on this computer. Type it again in \
                     the sync settings."
                    )
                }
            }
            RemoteError::Database(e) => {
                let detail = match e {
                    sqlx::Error::Database(db) => db.message().to_owned(),
                    other => other.to_string(),
                };
                if pt {
                    format!(
                        "O banco de dados da agência não concluiu a operação; nada foi alterado. \
                         Tente novamente. (PostgreSQL: {detail})"
                    )
                } else {
                    format!(
                        "The agency's database did not complete the operation; nothing was \
                         changed. Please try again. (PostgreSQL: {detail})"
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Executor;

    use super::*;
    use crate::testing::ScratchDatabase;

    fn target() -> Target {
        Target {
            host: "db.example.supabase.co".to_owned(),
            port: 5432,
            user: "zd_ana".to_owned(),
            database: "postgres".to_owned(),
        }
    }

    #[tokio::test]
    async fn lost_prepared_statements_read_as_the_transaction_pooler() {
        // What a transaction-mode pooler causes, produced by the real server:
        // a statement this session never prepared, and one prepared twice.
        let db = ScratchDatabase::create().await;
        let mut conn = db.connect_owner().await;
        let lost = conn.execute("DEALLOCATE sqlx_s_1").await.unwrap_err();
        let err = RemoteError::from_sqlx(lost, &target());
        assert!(
            matches!(err, RemoteError::PoolerTransactionMode { port: 5432 }),
            "{err:?}"
        );
        conn.execute("PREPARE sqlx_s_2 AS SELECT 1").await.unwrap();
        let twice = conn
            .execute("PREPARE sqlx_s_2 AS SELECT 1")
            .await
            .unwrap_err();
        let err = RemoteError::from_sqlx(twice, &target());
        assert_eq!(err.code(), ErrorCode::RemotePoolerTransactionMode);
        for lang in Lang::ALL {
            assert!(err.message(lang).contains("5432"), "{}", err.message(lang));
        }
    }

    #[test]
    fn every_error_speaks_both_languages() {
        let errors = [
            RemoteError::Unreachable {
                host: "h".into(),
                port: 5432,
                detail: "refused".into(),
            },
            RemoteError::AuthFailed {
                operator: "zd_ana".into(),
            },
            RemoteError::TlsRequired { host: "h".into() },
            RemoteError::PoolerTransactionMode { port: 6543 },
            RemoteError::SchemaMissing,
            RemoteError::SchemaOutdated {
                found: 1,
                expected: 2,
            },
            RemoteError::SchemaTooNew {
                found: 3,
                supported: 2,
            },
            RemoteError::NotOperator {
                operator: "x".into(),
            },
            RemoteError::SecretMissing {
                operator: "x".into(),
            },
        ];
        for e in errors {
            let (pt, en) = (e.message(Lang::PtBr), e.message(Lang::En));
            assert!(!pt.is_empty() && !en.is_empty() && pt != en, "{e:?}");
        }
    }
}
