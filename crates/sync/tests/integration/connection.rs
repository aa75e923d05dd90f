//! How a desktop connects: the TLS rule, the transaction pooler, the checks of
//! a connection test against a real server, and passwords in the credential
//! store (keyring's mock store: no real keychain is touched).

use crate::common::{operator, seed_account};
use sqlx::Executor;
use zapdesk_core::{ErrorCode, Lang, UserError};
use zapdesk_sync::connection::{owner_options, refuse_transaction_pooler};
use zapdesk_sync::testing::{ScratchDatabase, suffix};
use zapdesk_sync::{
    ConnectionSettings, MemberRole, Password, RemoteError, SavedPassword, TlsMode, test_connection,
};

fn local(db: &ScratchDatabase, operator: &str) -> ConnectionSettings {
    ConnectionSettings::new("127.0.0.1", 5432, &db.name, operator)
}

#[test]
fn tls_is_verified_for_remote_hosts_and_off_only_for_this_computer() {
    let remote = ConnectionSettings::new("db.abcdefgh.supabase.co", 5432, "postgres", "zd_ana");
    assert_eq!(remote.tls, TlsMode::VerifyFull);
    remote.validate().unwrap();
    let plain = ConnectionSettings {
        tls: TlsMode::Disable,
        ..remote.clone()
    };
    let err = plain.validate().unwrap_err();
    assert!(matches!(err, RemoteError::TlsRequired { .. }), "{err:?}");
    assert_eq!(err.code(), ErrorCode::RemoteInvalid);
    assert!(err.message(Lang::PtBr).contains("verify-full"));

    for host in ["localhost", "127.0.0.1", "::1"] {
        let settings = ConnectionSettings::new(host, 5432, "zapdesk", "zd_ana");
        assert_eq!(settings.tls, TlsMode::Disable, "{host}");
        settings.validate().unwrap();
    }

    // The owner's URL follows the same rule.
    assert!(matches!(
        owner_options("postgresql://postgres:segredo@db.abcdefgh.supabase.co:5432/postgres")
            .unwrap()
            .get_ssl_mode(),
        sqlx::postgres::PgSslMode::VerifyFull
    ));
    let weak = owner_options(
        "postgresql://postgres:segredo@db.abcdefgh.supabase.co:5432/postgres?sslmode=require",
    )
    .unwrap_err();
    assert!(matches!(weak, RemoteError::TlsRequired { .. }), "{weak:?}");
    owner_options("postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable").unwrap();
}

#[test]
fn the_transaction_pooler_is_recognised_and_explained() {
    let url =
        "postgresql://postgres.abcdefgh:segredo@aws-0-sa-east-1.pooler.supabase.com:6543/postgres";
    let err = owner_options(url).unwrap_err();
    assert!(
        matches!(err, RemoteError::PoolerTransactionMode { port: 6543 }),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::RemotePoolerTransactionMode);
    for lang in Lang::ALL {
        let text = err.message(lang);
        assert!(text.contains("6543") && text.contains("5432"), "{text}");
        assert!(!text.contains("segredo"));
    }
    assert!(err.message(Lang::PtBr).contains("modo sessão"));
    assert!(err.message(Lang::En).contains("session-mode pooler"));

    let bouncer = "postgresql://u:p@db.example.com:5432/app?pgbouncer=true";
    assert!(matches!(
        owner_options(bouncer).unwrap_err(),
        RemoteError::PoolerTransactionMode { .. }
    ));
    let settings = ConnectionSettings::new(
        "aws-0-sa-east-1.pooler.supabase.com",
        6543,
        "postgres",
        "zd_ana.abcdefgh",
    );
    assert!(matches!(
        settings.validate().unwrap_err(),
        RemoteError::PoolerTransactionMode { .. }
    ));
    refuse_transaction_pooler(5432).unwrap();
    // The session pooler shares port 5432 with direct connections: accepted.
    let session = owner_options(
        "postgresql://postgres.abcdefgh:s@aws-0-sa-east-1.pooler.supabase.com:5432/postgres",
    )
    .unwrap();
    assert_eq!(session.get_port(), 5432);
}

#[test]
fn a_bad_url_is_refused_without_repeating_it() {
    for url in [
        "mysql://root:segredo@host/db",
        "postgresql://root:segredo@host:notaport/db",
    ] {
        let err = owner_options(url).unwrap_err();
        assert!(
            matches!(err, RemoteError::UrlInvalid { .. }),
            "{url}: {err:?}"
        );
        for lang in Lang::ALL {
            assert!(!err.message(lang).contains("segredo"));
        }
        assert!(!format!("{err:?}").contains("segredo"));
    }
}

#[tokio::test]
async fn a_connection_test_returns_the_operators_accounts() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let b = seed_account(&mut owner, "Clínica B").await.account;
    let agent = operator(&db, a, MemberRole::Agent).await;
    owner
        .execute(
            format!(
                "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ('{agent}', '{b}', 'admin')"
            )
            .as_str(),
        )
        .await
        .unwrap();
    let status = test_connection(&local(&db, &agent), &Password::new("trust"))
        .await
        .unwrap();
    assert_eq!(status.operator, agent);
    assert_eq!(status.schema_version, zapdesk_sync::latest_version());
    let seen: Vec<(String, MemberRole)> = status
        .memberships
        .iter()
        .map(|m| (m.account_name.clone(), m.role))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("Clínica B".to_owned(), MemberRole::Admin),
            ("Padaria A".to_owned(), MemberRole::Agent)
        ]
    );
}

#[tokio::test]
async fn a_connection_test_says_what_is_wrong() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let password = Password::new("trust");

    // A login that is not a ZapDesk operator.
    let stranger = format!("zd_stranger_{}", suffix());
    db.track_role(&stranger);
    let mut owner = db.connect_owner().await;
    owner
        .execute(format!("CREATE ROLE \"{stranger}\" LOGIN").as_str())
        .await
        .unwrap();
    let err = test_connection(&local(&db, &stranger), &password)
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::NotOperator { .. }), "{err:?}");
    assert_eq!(err.code(), ErrorCode::RemoteForbidden);

    // No such login (pg_hba trusts 127.0.0.1, so the role name is what fails).
    let ghost = local(&db, &format!("zd_ghost_{}", suffix()));
    let err = test_connection(&ghost, &password).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteAuthFailed, "{err:?}");

    // No such database.
    let mut nowhere = local(&db, "postgres");
    nowhere.database = format!("zapdesk_missing_{}", suffix());
    let err = test_connection(&nowhere, &password).await.unwrap_err();
    assert!(
        matches!(err, RemoteError::DatabaseUnknown { .. }),
        "{err:?}"
    );

    // Nothing listening.
    let mut closed = local(&db, "postgres");
    closed.port = 1;
    let err = test_connection(&closed, &password).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteUnreachable, "{err:?}");

    // Verified TLS against a server whose certificate nobody vouches for
    // (Debian's self-signed one, or none at all).
    let verified = ConnectionSettings {
        tls: TlsMode::VerifyFull,
        ..local(&db, "postgres")
    };
    let err = test_connection(&verified, &password).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteTlsFailed, "{err:?}");

    // A schema older, or newer, than this binary.
    owner
        .execute("DELETE FROM zapdesk._sqlx_migrations WHERE version >= 2")
        .await
        .unwrap();
    let agent = {
        let a = seed_account(&mut owner, "Padaria A").await.account;
        // Invitations check the schema version too; make this operator by hand.
        let role = format!("zd_agent_{}", suffix());
        owner
            .execute(
                format!(
                    "CREATE ROLE \"{role}\" LOGIN IN ROLE \"{group}\";
                     INSERT INTO zapdesk.operators (role_name, email, display_name) VALUES ('{role}', '{role}@x.com', 'A');
                     INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ('{role}', '{a}', 'agent');",
                    group = db.group
                )
                .as_str(),
            )
            .await
            .unwrap();
        role
    };
    let err = test_connection(&local(&db, &agent), &password)
        .await
        .unwrap_err();
    assert!(
        matches!(err, RemoteError::SchemaOutdated { found: 1, .. }),
        "{err:?}"
    );
    owner
        .execute(
            "INSERT INTO zapdesk._sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (2, 'access', true, '\\x00', 0), (3, 'notify', true, '\\x00', 0),
                    (9999, 'future', true, '\\x00', 0)",
        )
        .await
        .unwrap();
    let err = test_connection(&local(&db, &agent), &password)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteSchemaTooNew, "{err:?}");
}

#[tokio::test]
async fn a_database_without_the_schema_is_reported_as_such() {
    let db = ScratchDatabase::create().await;
    let err = test_connection(&local(&db, "postgres"), &Password::new("trust"))
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::SchemaMissing), "{err:?}");
    assert!(
        err.message(Lang::PtBr)
            .contains("zapdesk-cli remote provision")
    );
}

#[test]
fn passwords_live_in_the_credential_store_and_never_print() {
    keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    let settings = ConnectionSettings::new("db.abcdefgh.supabase.co", 5432, "postgres", "zd_ana");
    let saved = SavedPassword::of(&settings).unwrap();
    let err = saved.load().unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteSecretUnavailable);

    let password = Password::generate();
    assert_eq!(password.expose().len(), 32);
    assert!(password.expose().chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(password, Password::generate());
    saved.save(&password).unwrap();
    assert_eq!(saved.load().unwrap(), password);
    saved.forget().unwrap();
    assert!(saved.load().is_err());
    saved.forget().unwrap();

    let shown = format!("{password:?} {settings:?}");
    assert!(!shown.contains(password.expose()), "{shown}");
    assert!(shown.contains("<redacted>"));
}
