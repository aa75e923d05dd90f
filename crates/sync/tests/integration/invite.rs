//! Invitations: a LOGIN role whose stored SCRAM verifier matches the printed
//! password, its operator row and membership; an existing e-mail gets only the
//! membership; the account is published from the local store when missing.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sqlx::{Executor, PgConnection};
use zapdesk_core::AccountId;
use zapdesk_core::accounts::{Account, AccountStatus, Plan};
use zapdesk_sync::invite::{Invitation, invite};
use zapdesk_sync::testing::{ScratchDatabase, suffix};
use zapdesk_sync::{ConnectionSettings, MemberRole, Password, RemoteError, scram, test_connection};

/// The verifier PostgreSQL stores for a role, and ours for `password` with its salt.
async fn stored_and_ours(conn: &mut PgConnection, role: &str, password: &str) -> (String, String) {
    let stored: String = sqlx::query_scalar("SELECT rolpassword FROM pg_authid WHERE rolname = $1")
        .bind(role)
        .fetch_one(conn)
        .await
        .unwrap();
    // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
    let (iterations, rest) = stored
        .strip_prefix("SCRAM-SHA-256$")
        .unwrap()
        .split_once(':')
        .unwrap();
    let salt = STANDARD.decode(rest.split_once('$').unwrap().0).unwrap();
    let ours = scram::verifier(password, &salt, iterations.parse().unwrap());
    (stored, ours)
}

fn local_account(name: &str) -> Account {
    Account {
        id: AccountId::new(),
        name: name.to_owned(),
        phone: Some("+551130000000".to_owned()),
        plan: Plan::Pro,
        status: AccountStatus::Trial,
        archived_at: None,
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_000_000,
    }
}

#[tokio::test]
async fn our_verifier_is_the_one_postgresql_computes() {
    let db = ScratchDatabase::create().await;
    let role = format!("zd_scram_{}", suffix());
    db.track_role(&role);
    let mut owner = db.connect_owner().await;
    let password = Password::generate();
    owner
        .execute(
            format!(
                "SET password_encryption = 'scram-sha-256'; CREATE ROLE \"{role}\" PASSWORD '{}'",
                password.expose()
            )
            .as_str(),
        )
        .await
        .unwrap();
    let (stored, ours) = stored_and_ours(&mut owner, &role, password.expose()).await;
    assert_eq!(stored, ours);
}

#[tokio::test]
async fn an_invitation_creates_a_login_that_sees_only_its_account() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = local_account("Padaria Pão Quente");
    let b = local_account("Clínica Sorriso");
    let invitation = |email: &str, account: &Account, role| Invitation {
        email: email.to_owned(),
        display_name: "  Maria   Souza ".to_owned(),
        role,
        account: account.id,
    };
    let email = format!("Maria.{}@Agencia.com.br", suffix());
    let invited = invite(
        &db.owner(),
        &invitation(&email, &a, MemberRole::Agent),
        Some(&a),
    )
    .await
    .unwrap();
    assert!(!invited.existing);
    assert_eq!(invited.operator, invited.role_name);
    assert_eq!((invited.host.as_str(), invited.port), ("127.0.0.1", 5432));
    assert_eq!(invited.database, db.name);
    let password = invited.password.clone().unwrap();

    // The server stores the verifier of the very password handed out.
    let mut owner = db.connect_owner().await;
    let (stored, ours) = stored_and_ours(&mut owner, &invited.role_name, password.expose()).await;
    assert_eq!(stored, ours);
    let (login, in_group): (bool, bool) = sqlx::query_as(
        "SELECT rolcanlogin, pg_has_role(rolname, $2, 'MEMBER') FROM pg_roles WHERE rolname = $1",
    )
    .bind(&invited.role_name)
    .bind(&db.group)
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert!(login && in_group);
    let (stored_email, name): (String, String) =
        sqlx::query_as("SELECT email, display_name FROM zapdesk.operators WHERE role_name = $1")
            .bind(&invited.role_name)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(stored_email, email.to_lowercase());
    assert_eq!(name, "Maria Souza");
    // The account came from the local store, as it was there.
    let (plan, status, phone): (String, String, Option<String>) =
        sqlx::query_as("SELECT plan, status, phone FROM zapdesk.accounts WHERE id = $1")
            .bind(a.id.as_uuid())
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!((plan.as_str(), status.as_str()), ("pro", "trial"));
    assert_eq!(phone, a.phone);

    // Another operator in another account: the first one never sees it.
    invite(
        &db.owner(),
        &invitation(&format!("{}@x.com.br", suffix()), &b, MemberRole::Owner),
        Some(&b),
    )
    .await
    .unwrap();
    let settings = ConnectionSettings::new("127.0.0.1", 5432, &db.name, &invited.operator);
    let status = test_connection(&settings, &password).await.unwrap();
    assert_eq!(status.display_name, "Maria Souza");
    assert_eq!(status.memberships.len(), 1);
    assert_eq!(status.memberships[0].account, a.id);
    let mut conn = db.connect_as(&invited.role_name).await;
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM zapdesk.accounts")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(names, vec!["Padaria Pão Quente".to_owned()]);

    // Inviting the same e-mail to B adds the membership, keeps the login.
    let again = invite(
        &db.owner(),
        &invitation(&email, &b, MemberRole::Admin),
        None,
    )
    .await
    .unwrap();
    assert!(again.existing && again.password.is_none());
    assert_eq!(again.role_name, invited.role_name);
    let status = test_connection(&settings, &password).await.unwrap();
    assert_eq!(status.memberships.len(), 2);
}

#[tokio::test]
async fn an_invitation_needs_the_account_and_the_schema() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let nowhere = Invitation {
        email: "ana@agencia.com.br".to_owned(),
        display_name: "Ana".to_owned(),
        role: MemberRole::Agent,
        account: AccountId::new(),
    };
    let err = invite(&db.owner(), &nowhere, None).await.unwrap_err();
    assert!(matches!(err, RemoteError::AccountNotRemote(_)), "{err:?}");
    // Nothing was left behind by the refusal.
    let mut owner = db.connect_owner().await;
    let operators: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.operators")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(operators, 0);

    let bare = ScratchDatabase::create().await;
    let err = invite(&bare.owner(), &nowhere, None).await.unwrap_err();
    assert!(matches!(err, RemoteError::SchemaMissing), "{err:?}");

    let bad = Invitation {
        email: "not an e-mail".to_owned(),
        ..nowhere
    };
    let err = invite(&db.owner(), &bad, None).await.unwrap_err();
    assert!(matches!(err, RemoteError::EmailInvalid(_)), "{err:?}");
}
