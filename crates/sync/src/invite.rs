//! Inviting an operator, as the database owner: a LOGIN role with a generated
//! password, in the operator group, with its `operators` row and a membership
//! in one account, all in one transaction. The result is what the operator
//! types on their desktop. An e-mail that is already an operator only gets the
//! membership (their password stays theirs).
//!
//! The password never reaches the server: `CREATE ROLE` carries its SCRAM
//! verifier. The account is published from this computer's local store when it
//! is not on the server yet, so a first invitation needs no sync.

use rand::Rng;
use serde::Serialize;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use zapdesk_core::AccountId;
use zapdesk_core::accounts::Account;

use crate::connection::{check_schema_version, open, owner_target, refuse_transaction_pooler};
use crate::error::{RemoteError, Target};
use crate::membership::MemberRole;
use crate::scram;
use crate::secret::Password;

/// Longest operator display name, in characters (as `operators.display_name`).
pub const NAME_MAX: usize = 80;

/// Who to invite, to which account, as what.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub email: String,
    pub display_name: String,
    pub role: MemberRole,
    pub account: AccountId,
}

/// What the operator needs on their desktop, to be sent over a safe channel.
#[derive(Debug, Clone, Serialize)]
pub struct Invited {
    pub host: String,
    pub port: u16,
    pub database: String,
    /// What to type as the operator (the login user); through Supabase's
    /// session pooler it is `role.projectref`.
    pub operator: String,
    /// The PostgreSQL role, as policies and `operators.role_name` see it.
    pub role_name: String,
    /// `None` when the e-mail was already an operator: the password they have
    /// keeps working. Not serialised: a caller shows it on purpose.
    #[serde(skip)]
    pub password: Option<Password>,
    pub account: AccountId,
    pub role: MemberRole,
    /// The e-mail was already an operator; only the membership is new (or changed).
    pub existing: bool,
}

/// Invites an operator. `local` is the account as this computer's store has
/// it, published to the server if the server does not have it yet.
pub async fn invite(
    owner: &PgConnectOptions,
    invitation: &Invitation,
    local: Option<&Account>,
) -> Result<Invited, RemoteError> {
    let local: Vec<&Account> = local.into_iter().collect();
    invite_to(owner, invitation, &[invitation.account], &local).await
}

/// Invites an operator to several accounts at once (the app's "Convidar"),
/// in one transaction: the login and every membership, or nothing. `local`
/// are those accounts as this computer's store has them, published when
/// the server lacks them. The answer names the first account.
pub async fn invite_to(
    owner: &PgConnectOptions,
    invitation: &Invitation,
    accounts: &[AccountId],
    local: &[&Account],
) -> Result<Invited, RemoteError> {
    let Some(&first) = accounts.first() else {
        return Err(RemoteError::NoAccount);
    };
    let email = clean_email(&invitation.email)?;
    let display_name = clean_display_name(&invitation.display_name)?;
    refuse_transaction_pooler(owner.get_port())?;
    let target = owner_target(owner);
    let mut conn = open(owner, &target).await?;
    let result = run(
        &mut conn,
        &target,
        invitation,
        (&email, &display_name),
        accounts,
        local,
    )
    .await;
    let _ = conn.close().await;
    let (role_name, password, existing) = result?;
    Ok(Invited {
        host: owner.get_host().to_owned(),
        port: owner.get_port(),
        database: target.database.clone(),
        operator: login_user(&role_name, owner.get_username()),
        role_name,
        password,
        account: first,
        role: invitation.role,
        existing,
    })
}

async fn run(
    conn: &mut PgConnection,
    target: &Target,
    invitation: &Invitation,
    (email, display_name): (&str, &str),
    accounts: &[AccountId],
    local: &[&Account],
) -> Result<(String, Option<Password>, bool), RemoteError> {
    let db = |e| RemoteError::from_sqlx(e, target);
    check_schema_version(conn, target).await?;
    let mut tx = conn.begin().await.map_err(db)?;
    for account in local.iter().filter(|a| accounts.contains(&a.id)) {
        sqlx::query(
            "INSERT INTO zapdesk.accounts
                 (id, name, phone, plan, status, archived_at, created_at, updated_at, hlc)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, zapdesk.server_hlc(NULL))
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(account.id.as_uuid())
        .bind(&account.name)
        .bind(&account.phone)
        .bind(text_of(&account.plan))
        .bind(text_of(&account.status))
        .bind(account.archived_at)
        .bind(account.created_at)
        .bind(account.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    for &account in accounts {
        let on_server: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM zapdesk.accounts WHERE id = $1 AND deleted_at IS NULL)",
        )
        .bind(account.as_uuid())
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if !on_server {
            return Err(RemoteError::AccountNotRemote(account));
        }
    }

    let known: Option<String> =
        sqlx::query_scalar("SELECT role_name FROM zapdesk.operators WHERE email = $1")
            .bind(email)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let (role_name, password) = match known {
        Some(role_name) => (role_name, None),
        None => {
            let role_name = new_role_name(email);
            let password = Password::generate();
            let group: String = sqlx::query_scalar("SELECT zapdesk.operator_group()")
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
            let salt: [u8; 16] = rand::rng().random();
            let verifier = scram::verifier(password.expose(), &salt, scram::ITERATIONS);
            // DDL takes no bind parameters. Both names passed is_role_name and
            // the verifier is base64 with `$` and `:`, so no quote can appear.
            sqlx::query(&format!(
                "CREATE ROLE \"{role_name}\" LOGIN PASSWORD '{verifier}' IN ROLE \"{group}\""
            ))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            sqlx::query(
                "INSERT INTO zapdesk.operators (role_name, email, display_name) VALUES ($1, $2, $3)",
            )
            .bind(&role_name)
            .bind(email)
            .bind(display_name)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            (role_name, Some(password))
        }
    };
    for &account in accounts {
        sqlx::query(
            "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ($1, $2, $3)
             ON CONFLICT (operator, account_id) DO UPDATE SET role = EXCLUDED.role",
        )
        .bind(&role_name)
        .bind(account.as_uuid())
        .bind(invitation.role.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    tx.commit().await.map_err(db)?;
    let existing = password.is_none();
    Ok((role_name, password, existing))
}

/// The stored text of a core enum (its serde name, as in the local schema).
fn text_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn clean_email(raw: &str) -> Result<String, RemoteError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(RemoteError::EmailInvalid(raw.trim().to_owned()))
    }
}

fn clean_display_name(raw: &str) -> Result<String, RemoteError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err(RemoteError::NameEmpty)
    } else if name.chars().count() > NAME_MAX {
        Err(RemoteError::NameTooLong)
    } else {
        Ok(name)
    }
}

/// `zd_<the e-mail's user part, as letters and digits>_<8 random>`: readable
/// in the server's logs, unique across the server (roles are cluster-wide).
fn new_role_name(email: &str) -> String {
    let user = email.split('@').next().unwrap_or_default();
    let mut slug: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(20)
        .collect();
    slug = slug.trim_matches('_').to_owned();
    if slug.is_empty() {
        slug.push_str("operator");
    }
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let suffix: String = (0..8)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("zd_{slug}_{suffix}")
}

/// The user an operator logs in as. Supabase's poolers name the tenant in the
/// user (`postgres.projectref`); the operator's login takes the same suffix.
fn login_user(role_name: &str, owner_user: &str) -> String {
    match owner_user.split_once('.') {
        Some((_, tenant)) if !tenant.is_empty() => format!("{role_name}.{tenant}"),
        _ => role_name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_valid_and_distinct() {
        let a = new_role_name("Maria.Silva+vendas@example.com");
        let b = new_role_name("Maria.Silva+vendas@example.com");
        assert!(a.starts_with("zd_maria_silva_vendas_"), "{a}");
        assert!(crate::is_role_name(&a), "{a}");
        assert_ne!(a, b);
        assert!(new_role_name("...@x.com").starts_with("zd_operator_"));
    }

    #[test]
    fn supabase_pooler_users_carry_the_tenant() {
        assert_eq!(
            login_user("zd_ana_1", "postgres.abcdefgh"),
            "zd_ana_1.abcdefgh"
        );
        assert_eq!(login_user("zd_ana_1", "postgres"), "zd_ana_1");
    }

    #[test]
    fn emails_and_names_are_checked() {
        assert_eq!(clean_email(" Ana@Example.COM ").unwrap(), "ana@example.com");
        assert!(matches!(
            clean_email("ana@localhost"),
            Err(RemoteError::EmailInvalid(_))
        ));
        assert!(matches!(
            clean_display_name("  "),
            Err(RemoteError::NameEmpty)
        ));
        assert_eq!(clean_display_name(" Ana   Souza ").unwrap(), "Ana Souza");
        assert!(matches!(
            clean_display_name(&"a".repeat(81)),
            Err(RemoteError::NameTooLong)
        ));
    }
}
