//! Leaks across accounts found by probing the schema as operators (issue 13,
//! items 13–16), each as the operator roles against the real server. Every
//! test here failed before migrations/postgres/0007_shared_database_leaks.sql.

use crate::common::{HLC, operator, outcome, seed_account};
use sqlx::postgres::PgListener;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;
use zapdesk_sync::MemberRole;
use zapdesk_sync::testing::{ScratchDatabase, suffix};

type Lease = (bool, Option<String>, Option<String>, Option<i64>);

async fn take_lease(
    conn: &mut PgConnection,
    account: Uuid,
    instance: Uuid,
    node: &str,
) -> Result<Option<Lease>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM zapdesk.take_lease($1, $2, $3, 60000)")
        .bind(account)
        .bind(instance)
        .bind(node)
        .fetch_optional(conn)
        .await
}

async fn counter(owner: &mut PgConnection, account: Uuid) -> i64 {
    sqlx::query_scalar("SELECT version FROM zapdesk.account_versions WHERE account_id = $1")
        .bind(account)
        .fetch_one(owner)
        .await
        .unwrap()
}

fn new_contact(account: Uuid, id: Uuid, phone: &str) -> String {
    format!(
        "INSERT INTO zapdesk.contacts (id, account_id, phone, name, created_at, updated_at, hlc)
         VALUES ('{id}', '{account}', '{phone}', 'Ana', 1, 1, '{HLC}')"
    )
}

async fn contact_version(owner: &mut PgConnection, id: Uuid) -> i64 {
    sqlx::query_scalar("SELECT version FROM zapdesk.contacts WHERE id = $1")
        .bind(id)
        .fetch_one(owner)
        .await
        .unwrap()
}

/// Item 13: an agent of A asks for the lease of B's number naming A; the row
/// it left must neither block B nor outlive its expiry.
#[tokio::test]
async fn an_agent_of_one_account_cannot_block_a_number_of_another() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let b = seed_account(&mut owner, "Clínica B").await;
    let mut agent_a = db
        .connect_as(&operator(&db, a.account, MemberRole::Agent).await)
        .await;
    let mut agent_b = db
        .connect_as(&operator(&db, b.account, MemberRole::Agent).await)
        .await;

    let squat = take_lease(&mut agent_a, a.account, b.instance, "intruso").await;
    assert!(
        !matches!(squat, Ok(Some((true, Some(ref h), ..))) if h == "intruso"),
        "A holds B's number: {squat:?}"
    );
    // Whatever A left behind, expired: B must get its own number.
    owner
        .execute("UPDATE zapdesk.number_leases SET expires_at = zapdesk.now_ms() - 1")
        .await
        .unwrap();
    let taken = take_lease(&mut agent_b, b.account, b.instance, "deskb")
        .await
        .unwrap();
    assert!(
        matches!(taken, Some((true, Some(ref h), ..)) if h == "deskb"),
        "B cannot take its own number: {taken:?}"
    );
}

/// Item 16: a colleague names another desktop's node to renew or release
/// that desktop's lease as if it were theirs.
#[tokio::test]
async fn a_lease_cannot_be_taken_or_released_by_naming_another_desktop() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let ana = operator(&db, a.account, MemberRole::Agent).await;
    let bruno = operator(&db, a.account, MemberRole::Agent).await;
    let (mut conn_ana, mut conn_bruno) = (db.connect_as(&ana).await, db.connect_as(&bruno).await);

    take_lease(&mut conn_ana, a.account, a.instance, "deskana")
        .await
        .unwrap();
    let _ = take_lease(&mut conn_bruno, a.account, a.instance, "deskana").await;
    let released: Result<bool, _> = sqlx::query_scalar("SELECT zapdesk.release_lease($1, $2, $3)")
        .bind(a.account)
        .bind(a.instance)
        .bind("deskana")
        .fetch_one(&mut conn_bruno)
        .await;
    let lease: Option<(String, String)> =
        sqlx::query_as("SELECT holder, operator FROM zapdesk.number_leases WHERE instance_id = $1")
            .bind(a.instance)
            .fetch_optional(&mut owner)
            .await
            .unwrap();
    assert_eq!(
        lease,
        Some(("deskana".to_owned(), ana.clone())),
        "Ana's lease after Bruno named her desktop (release: {released:?})"
    );
}

/// Item 14: an admin adds an operator of another account to theirs, reads
/// the operator's e-mail, and rolls back.
#[tokio::test]
async fn adding_a_stranger_to_an_account_does_not_reveal_them() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let b = seed_account(&mut owner, "Clínica B").await;
    let c = seed_account(&mut owner, "Oficina C").await;
    let admin_a = operator(&db, a.account, MemberRole::Admin).await;
    let stranger = operator(&db, b.account, MemberRole::Agent).await;
    let mut conn = db.connect_as(&admin_a).await;

    let mut tx = conn.begin().await.unwrap();
    let added = sqlx::query(
        "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ($1, $2, 'agent')",
    )
    .bind(&stranger)
    .bind(a.account)
    .execute(&mut *tx)
    .await;
    let seen: Vec<String> = if added.is_ok() {
        sqlx::query_scalar("SELECT email FROM zapdesk.operators WHERE role_name = $1")
            .bind(&stranger)
            .fetch_all(&mut *tx)
            .await
            .unwrap()
    } else {
        Vec::new()
    };
    tx.rollback().await.unwrap();
    assert_eq!(outcome(&added), "42501", "the stranger's e-mail: {seen:?}");

    // A colleague the admin already sees (both in C) may still be added.
    sqlx::query(
        "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ($1, $2, 'agent')",
    )
    .bind(&admin_a)
    .bind(c.account)
    .execute(&mut owner)
    .await
    .unwrap();
    let colleague = operator(&db, c.account, MemberRole::Agent).await;
    let added = sqlx::query(
        "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ($1, $2, 'agent')",
    )
    .bind(&colleague)
    .bind(a.account)
    .execute(&mut conn)
    .await;
    assert_eq!(outcome(&added), "ok");
}

/// Item 15: the per-transaction count 0005 kept in `zapdesk.v<account>` is
/// a setting any session may set: a stale one hides the write below every
/// desktop's cursor, a huge one makes every later write overflow.
#[tokio::test]
async fn the_version_counter_cannot_be_steered_by_a_setting() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let mut agent = db
        .connect_as(&operator(&db, a.account, MemberRole::Agent).await)
        .await;
    let setting = format!("zapdesk.v{}", a.account.simple());

    let before = counter(&mut owner, a.account).await;
    let stale = Uuid::now_v7();
    let mut tx = agent.begin().await.unwrap();
    sqlx::query("SELECT set_config($1, '1', true)")
        .bind(&setting)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.execute(new_contact(a.account, stale, "+5511900000001").as_str())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let stale_version = contact_version(&mut owner, stale).await;
    assert!(
        stale_version > before,
        "version {stale_version} below the cursor {before}: no desktop will pull it"
    );

    let mut tx = agent.begin().await.unwrap();
    sqlx::query("SELECT set_config($1, '9223372036854775000', true)")
        .bind(&setting)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.execute(new_contact(a.account, Uuid::now_v7(), "+5511900000002").as_str())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let after = counter(&mut owner, a.account).await;
    assert!(after < before + 1_000, "counter pushed to {after}");
    // And the account still takes writes.
    let later = agent
        .execute(new_contact(a.account, Uuid::now_v7(), "+5511900000003").as_str())
        .await;
    assert_eq!(outcome(&later), "ok");
}

/// Item 16: an operator of B listening on the old shared channel learns
/// nothing of A's writes. The marker is notified after A's commit; the
/// server delivers notifications in commit order, so everything A's write
/// could have sent arrives before it.
#[tokio::test]
async fn an_outsider_hears_no_pokes_of_another_account() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let b = seed_account(&mut owner, "Clínica B").await;
    let agent_a = operator(&db, a.account, MemberRole::Agent).await;
    let agent_b = operator(&db, b.account, MemberRole::Agent).await;
    let marker = format!("marker_{}", suffix());
    let mut listener = PgListener::connect_with(
        &sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with(db.owner().username(&agent_b).password(""))
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    listener
        .listen_all(["zapdesk", marker.as_str()])
        .await
        .unwrap();

    let mut conn_a = db.connect_as(&agent_a).await;
    conn_a
        .execute(new_contact(a.account, Uuid::now_v7(), "+5511900000004").as_str())
        .await
        .unwrap();
    owner
        .execute(format!("NOTIFY \"{marker}\"").as_str())
        .await
        .unwrap();
    let mut heard = Vec::new();
    loop {
        let n = listener.recv().await.unwrap();
        if n.channel() == marker {
            break;
        }
        heard.push(n.payload().to_owned());
    }
    assert!(heard.is_empty(), "B's operator heard A's pokes: {heard:?}");
    // Nor can they learn A's channel: the table is the owner's, and
    // my_channels() lists the caller's own accounts only.
    let mut conn_b = db.connect_as(&agent_b).await;
    let read = sqlx::query("SELECT * FROM zapdesk.account_channels")
        .fetch_all(&mut conn_b)
        .await;
    assert_eq!(outcome(&read), "42501");
    let mine: Vec<Uuid> = sqlx::query_scalar("SELECT account_id FROM zapdesk.my_channels()")
        .fetch_all(&mut conn_b)
        .await
        .unwrap();
    assert_eq!(mine, vec![b.account]);
}

/// Item 16: a function the owner adds to the schema later is not callable
/// by operators unless a migration grants it.
#[tokio::test]
async fn functions_added_later_are_not_executable_by_operators() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let agent = operator(&db, a.account, MemberRole::Agent).await;
    owner
        .execute("CREATE FUNCTION zapdesk.added_later() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        .await
        .unwrap();
    let mut conn = db.connect_as(&agent).await;
    let called = sqlx::query_scalar::<_, i32>("SELECT zapdesk.added_later()")
        .fetch_one(&mut conn)
        .await;
    assert_eq!(outcome(&called), "42501");
}

/// Item 16: the audit log names who wrote an entry (its operator id),
/// whatever the entry says.
#[tokio::test]
async fn an_audit_entry_names_the_operator_who_wrote_it() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let admin = operator(&db, a.account, MemberRole::Admin).await;
    let agent = operator(&db, a.account, MemberRole::Agent).await;
    let admin_id: Uuid =
        sqlx::query_scalar("SELECT id FROM zapdesk.operators WHERE role_name = $1")
            .bind(&admin)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    let (agent_id, agent_name): (Uuid, String) =
        sqlx::query_as("SELECT id, display_name FROM zapdesk.operators WHERE role_name = $1")
            .bind(&agent)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    let entry = Uuid::now_v7();
    let mut conn = db.connect_as(&agent).await;
    sqlx::query(
        "INSERT INTO zapdesk.audit_log (id, account_id, actor_id, actor_name, action, contact_id, at, hlc)
         VALUES ($1, $2, $3, 'Administradora', 'contact_erased', $4, 1, $5)",
    )
    .bind(entry)
    .bind(a.account)
    .bind(admin_id)
    .bind(a.contact)
    .bind(HLC)
    .execute(&mut conn)
    .await
    .unwrap();
    let stored: (Option<Uuid>, String) =
        sqlx::query_as("SELECT actor_id, actor_name FROM zapdesk.audit_log WHERE id = $1")
            .bind(entry)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    // The id is the server's word for who wrote it; the name stays the
    // desktop's label for its local user (docs/remote-store.md).
    assert_eq!(
        stored.0,
        Some(agent_id),
        "signed as {stored:?}, not {agent_name}"
    );
}

/// Item 16: the 16 MiB limit of a campaign's file holds in the schema.
#[tokio::test]
async fn a_campaign_file_over_16_mib_is_refused() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let mut conn = db
        .connect_as(&operator(&db, a.account, MemberRole::Agent).await)
        .await;
    let written = sqlx::query(
        "INSERT INTO zapdesk.campaign_files (account_id, campaign_id, mime, name, bytes, created_at, hlc)
         VALUES ($1, $2, 'image/png', 'grande.png', $3, 1, $4)",
    )
    .bind(a.account)
    .bind(a.other_campaign)
    .bind(vec![0u8; 16 * 1024 * 1024 + 1])
    .bind(HLC)
    .execute(&mut conn)
    .await;
    assert_eq!(outcome(&written), "23514");
}

/// Item 16: the server's clock after the largest clock is later, never an
/// older one made by cutting a 14-digit time to 13.
#[tokio::test]
async fn a_server_clock_never_goes_back() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let mut conn = db
        .connect_as(&operator(&db, a.account, MemberRole::Agent).await)
        .await;
    let last = "9999999999999-99999-zzz";
    let next: Result<String, _> = sqlx::query_scalar("SELECT zapdesk.server_hlc($1)")
        .bind(last)
        .fetch_one(&mut conn)
        .await;
    if let Ok(next) = &next {
        assert!(next.as_str() > last, "{next} after {last}");
    }
    // A row holding that clock (stored before remote 0008, which refuses
    // clocks far ahead: written here with triggers off) deleted by an
    // operator keeps a clock at least as new (or the delete is refused).
    let id = Uuid::now_v7();
    owner
        .execute("SET session_replication_role = replica")
        .await
        .unwrap();
    owner
        .execute(
            format!(
                "INSERT INTO zapdesk.contacts (id, account_id, phone, created_at, updated_at, hlc)
             VALUES ('{id}', '{}', '+5511900000005', 1, 1, '{last}')",
                a.account
            )
            .as_str(),
        )
        .await
        .unwrap();
    owner
        .execute("SET session_replication_role = origin")
        .await
        .unwrap();
    let _ = conn
        .execute(format!("DELETE FROM zapdesk.contacts WHERE id = '{id}'").as_str())
        .await;
    let kept: String = sqlx::query_scalar("SELECT hlc FROM zapdesk.contacts WHERE id = $1")
        .bind(id)
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert!(kept.as_str() >= last, "{kept}");
}

/// Item 16: CONNECT and TEMP are not PUBLIC's: a login made later outside
/// the operator group cannot connect, and operators cannot make temp tables.
#[tokio::test]
async fn only_operators_connect_and_nobody_makes_temp_tables() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let agent = operator(&db, a.account, MemberRole::Agent).await;
    let outsider = format!("zd_outsider_{}", suffix());
    db.track_role(&outsider);
    owner
        .execute(format!("CREATE ROLE \"{outsider}\" LOGIN").as_str())
        .await
        .unwrap();
    let connected =
        sqlx::ConnectOptions::connect(&db.owner().username(&outsider).password("")).await;
    assert!(connected.is_err(), "a login outside the group connected");
    let mut conn = db.connect_as(&agent).await;
    let temp = conn.execute("CREATE TEMP TABLE scratch (x int)").await;
    assert_eq!(outcome(&temp), "42501");
}

/// Issue 15: a bot's file has the campaign files' limit, 16 MiB.
#[tokio::test]
async fn an_automation_file_over_16_mib_is_refused() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let mut conn = db
        .connect_as(&operator(&db, a.account, MemberRole::Agent).await)
        .await;
    let write = |size: usize| {
        sqlx::query(
            "INSERT INTO zapdesk.automation_files (id, account_id, name, mime, kind, bytes, created_at, hlc)
             VALUES ($1, $2, 'video.mp4', 'video/mp4', 'document', $3, 1, $4)",
        )
        .bind(Uuid::now_v7())
        .bind(a.account)
        .bind(vec![0u8; size])
        .bind(HLC)
    };
    let over = write(16 * 1024 * 1024 + 1).execute(&mut conn).await;
    assert_eq!(outcome(&over), "23514");
    let at = write(16 * 1024 * 1024).execute(&mut conn).await;
    assert_eq!(outcome(&at), "ok");
}

/// Issue 15: an operator of B cannot hang a session of B on A's
/// conversation, flow or version (to have B's desktops step it, or to learn
/// whether an id exists there): every key names the row's own account, so
/// the server refuses each one alike, whether A's row exists or not.
#[tokio::test]
async fn a_session_cannot_point_at_another_accounts_conversation_or_flow() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let b = seed_account(&mut owner, "Clínica B").await;
    let mut conn = db
        .connect_as(&operator(&db, b.account, MemberRole::Agent).await)
        .await;
    let session = |conversation: Uuid, flow: Uuid, version: Uuid| {
        format!(
            "INSERT INTO zapdesk.flow_sessions (id, account_id, conversation_id, flow_id, version_id, state, status,
                                                started_by, started_at, updated_at, hlc)
             VALUES ('{}', '{}', '{conversation}', '{flow}', '{version}', '{{}}', 'active', '\"hand\"', 1, 1, '{HLC}')",
            Uuid::now_v7(),
            b.account
        )
    };
    let cases = [
        (
            "A's conversation",
            session(a.conversation, b.flow, b.flow_version),
        ),
        ("A's flow", session(b.conversation, a.flow, b.flow_version)),
        (
            "A's version",
            session(b.conversation, b.flow, a.flow_version),
        ),
        (
            "no conversation",
            session(Uuid::now_v7(), b.flow, b.flow_version),
        ),
    ];
    for (what, sql) in cases {
        let written = conn.execute(sql.as_str()).await;
        assert_eq!(outcome(&written), "23503", "{what}");
    }
    // A version of B under A's flow, likewise.
    let version = conn
        .execute(
            format!(
                "INSERT INTO zapdesk.flow_versions (id, account_id, flow_id, number, document, published_at, hlc)
                 VALUES ('{}', '{}', '{}', 9, '{{}}', 1, '{HLC}')",
                Uuid::now_v7(),
                b.account,
                a.flow
            )
            .as_str(),
        )
        .await;
    assert_eq!(outcome(&version), "23503");
    // B's own: fine.
    let own = conn
        .execute(session(b.conversation, b.flow, b.flow_version).as_str())
        .await;
    assert_eq!(outcome(&own), "ok");
}
