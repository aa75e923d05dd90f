//! Actions from the cloud on the real server (remote 0012): rows of
//! `zapdesk.commands` written by an integration's login are claimed once,
//! only by the desktop holding the number's lease, come back to the same
//! desktop after it was killed between claim and finish (and to another one
//! only once it has been gone ten minutes), and stay within their account.

use std::time::Duration;

use crate::common::desktop::{Desktop, first_desktop, other_desktop};
use crate::common::{operator, outcome, seed_account};
use serde_json::json;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;
use zapdesk_core::ids::CommandId;
use zapdesk_core::lease::LeaseAnswer;
use zapdesk_core::{AccountId, ErrorCode, InstanceId, Lang};
use zapdesk_sync::MemberRole;
use zapdesk_sync::commands::{self, BATCH, Command, Outcome};
use zapdesk_sync::leases::RemoteLeases;
use zapdesk_sync::testing::ScratchDatabase;

const WAIT: Duration = Duration::from_secs(30);

/// An account shared by two desktops (A and B, each running one of its
/// numbers) and written to by an integration's login (an agent of its own).
struct Shared {
    db: ScratchDatabase,
    a: Desktop,
    b: Desktop,
    la: RemoteLeases,
    lb: RemoteLeases,
    /// Run by A, and by B.
    na: InstanceId,
    nb: InstanceId,
    zapier: PgConnection,
}

impl Shared {
    async fn new() -> Shared {
        let (db, _) = ScratchDatabase::provisioned().await;
        let a = first_desktop(&db).await;
        let b = other_desktop(&db, &a).await;
        let mut owner = db.connect_owner().await;
        let (na, nb) = (InstanceId::new(), InstanceId::new());
        for (number, name) in [(na, "Balcão"), (nb, "Entregas")] {
            sqlx::query(
                "INSERT INTO zapdesk.instances (id, account_id, name, created_at, updated_at, hlc)
                 VALUES ($1, $2, $3, 1, 1, '1700000000000-00000-test')",
            )
            .bind(number.as_uuid())
            .bind(a.account)
            .bind(name)
            .execute(&mut owner)
            .await
            .unwrap();
        }
        let ttl = Duration::from_secs(60);
        let la = RemoteLeases::new(&a.store, a.remote.clone(), ttl, Lang::PtBr)
            .await
            .unwrap();
        let lb = RemoteLeases::new(&b.store, b.remote.clone(), ttl, Lang::PtBr)
            .await
            .unwrap();
        assert_ne!(la.node(), lb.node());
        let acc = a.account_id();
        assert!(matches!(
            la.take(acc, na).await.unwrap(),
            LeaseAnswer::Held { .. }
        ));
        assert!(matches!(
            lb.take(acc, nb).await.unwrap(),
            LeaseAnswer::Held { .. }
        ));
        let role = operator(&db, a.account, MemberRole::Agent).await;
        let zapier = db.connect_as(&role).await;
        Shared {
            db,
            a,
            b,
            la,
            lb,
            na,
            nb,
            zapier,
        }
    }

    fn account(&self) -> AccountId {
        self.a.account_id()
    }

    /// A row as Zapier's "New Row" writes it: one field per column.
    async fn insert(&mut self, number: Option<InstanceId>, text: &str) -> CommandId {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO zapdesk.commands (account_id, instance_id, kind, phone, text)
             VALUES ($1, $2, 'send_text', '+5511987650001', $3) RETURNING id",
        )
        .bind(self.a.account)
        .bind(number.map(|n| n.as_uuid()))
        .bind(text)
        .fetch_one(&mut self.zapier)
        .await
        .unwrap();
        CommandId::from_uuid(id)
    }
}

async fn claim(
    conn: &mut PgConnection,
    leases: &RemoteLeases,
    numbers: &[InstanceId],
    local_ms: i64,
) -> Vec<Command> {
    commands::claim(conn, leases.node(), numbers, local_ms, BATCH)
        .await
        .unwrap()
}

fn ids(claimed: &[Command]) -> Vec<CommandId> {
    claimed.iter().map(|c| c.id).collect()
}

/// (status, attempts, claimed_by) of a row, as the owner sees it.
async fn row(db: &ScratchDatabase, id: CommandId) -> (String, i32, Option<String>) {
    let mut owner = db.connect_owner().await;
    sqlx::query_as("SELECT status, attempts, claimed_by FROM zapdesk.commands WHERE id = $1")
        .bind(id.as_uuid())
        .fetch_one(&mut owner)
        .await
        .unwrap()
}

fn done(id: CommandId) -> Outcome {
    Outcome::Done(json!({ "message_id": id.to_string() }))
}

#[tokio::test]
async fn each_command_is_claimed_by_one_desktop_and_finished_once() {
    let mut s = Shared::new().await;
    let mut written = Vec::new();
    for i in 0..(3 * BATCH) {
        written.push(s.insert(None, &format!("Pedido {i} confirmado")).await);
    }

    // Both desktops run a number of the account: both may take rows without
    // a number, at the same moment, each finishing what it took.
    let drain = |leases: &RemoteLeases, number: InstanceId, mut conn: PgConnection| {
        let node = leases.node().to_owned();
        async move {
            let mut took = Vec::new();
            loop {
                let claimed = commands::claim(&mut conn, &node, &[number], 1, 5)
                    .await
                    .unwrap();
                if claimed.is_empty() {
                    return took;
                }
                for command in claimed {
                    assert_eq!(command.attempts, 1, "{command:?} claimed before");
                    assert!(
                        commands::finish(&mut conn, &node, command.id, &done(command.id))
                            .await
                            .unwrap()
                    );
                    took.push(command.id);
                }
            }
        }
    };
    let (by_a, by_b) = tokio::join!(
        drain(&s.la, s.na, s.a.connect().await),
        drain(&s.lb, s.nb, s.b.connect().await),
    );
    let mut all: Vec<CommandId> = by_a.iter().chain(&by_b).copied().collect();
    all.sort();
    let mut expected = written.clone();
    expected.sort();
    assert_eq!(all, expected, "every row once, none twice");

    for id in &written {
        let (status, attempts, by) = row(&s.db, *id).await;
        assert_eq!((status.as_str(), attempts), ("done", 1));
        let by = by.unwrap();
        assert!(by == s.la.node() || by == s.lb.node(), "{by}");
    }
    // Finished rows are not claimed again, and not finished again.
    let mut conn = s.a.connect().await;
    assert!(claim(&mut conn, &s.la, &[s.na], 2).await.is_empty());
    assert!(
        !commands::finish(&mut conn, s.la.node(), written[0], &done(written[0]))
            .await
            .unwrap()
    );
    // The integration reads each result back.
    let results: Vec<(String, String)> =
        sqlx::query_as("SELECT status, result::text FROM zapdesk.commands WHERE account_id = $1")
            .bind(s.a.account)
            .fetch_all(&mut s.zapier)
            .await
            .unwrap();
    assert_eq!(results.len(), written.len());
    for (status, result) in results {
        let result: serde_json::Value = serde_json::from_str(&result).unwrap();
        assert_eq!(status, "done");
        assert!(result["message_id"].is_string(), "{result}");
    }
}

#[tokio::test]
async fn a_command_for_a_number_another_desktop_runs_is_not_taken() {
    let mut s = Shared::new().await;
    let for_a = s.insert(Some(s.na), "Seu pedido saiu para entrega").await;
    let (mut ca, mut cb) = (s.a.connect().await, s.b.connect().await);

    // B runs another number of the account: not its row, even when it says
    // it runs A's number (the server goes by the lease).
    assert!(claim(&mut cb, &s.lb, &[s.nb], 1).await.is_empty());
    assert!(claim(&mut cb, &s.lb, &[s.na, s.nb], 1).await.is_empty());
    // A holds the lease but its number does not run here any more: nothing.
    assert!(claim(&mut ca, &s.la, &[], 1).await.is_empty());
    assert_eq!(row(&s.db, for_a).await.0, "pending");

    // A lease run out is nobody's: the row waits for whoever takes it.
    let mut owner = s.db.connect_owner().await;
    owner
        .execute(
            format!(
                "UPDATE zapdesk.number_leases SET expires_at = zapdesk.now_ms() - 1 WHERE instance_id = '{}'",
                s.na
            )
            .as_str(),
        )
        .await
        .unwrap();
    assert!(claim(&mut ca, &s.la, &[s.na], 1).await.is_empty());
    assert!(claim(&mut cb, &s.lb, &[s.na, s.nb], 1).await.is_empty());

    // B takes the number over (A went silent): now the row is B's.
    assert!(matches!(
        s.lb.take(s.account(), s.na).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
    let claimed = claim(&mut cb, &s.lb, &[s.na, s.nb], 1).await;
    assert_eq!(ids(&claimed), [for_a]);
    assert_eq!(claimed[0].instance, Some(s.na));
    assert_eq!(claimed[0].account, s.account());
    assert_eq!(
        claimed[0].payload,
        json!({"phone": "+5511987650001", "text": "Seu pedido saiu para entrega"})
    );
}

#[tokio::test]
async fn a_desktop_killed_between_claim_and_finish_takes_its_rows_again_and_others_only_once_it_is_gone()
 {
    let mut s = Shared::new().await;
    let id = s.insert(None, "Lembrete: consulta amanhã às 9h").await;

    // A claims, then dies before finishing (its connection just goes away).
    {
        let mut ca = s.a.connect().await;
        let claimed = claim(&mut ca, &s.la, &[s.na], 1_000).await;
        assert_eq!(ids(&claimed), [id]);
        assert_eq!(
            (claimed[0].attempts, claimed[0].claimed_local_ms),
            (1, 1_000)
        );
        drop(ca);
    }
    assert_eq!(row(&s.db, id).await.0, "running");

    // B runs a number of the account too, but the row is A's while A may
    // still be executing it.
    let mut cb = s.b.connect().await;
    assert!(claim(&mut cb, &s.lb, &[s.nb], 5_000).await.is_empty());
    assert!(
        !commands::finish(&mut cb, s.lb.node(), id, &done(id))
            .await
            .unwrap()
    );

    // A starts again: its row comes back, with the clock of its first claim
    // (what A wrote since then may be the first attempt's).
    let mut ca = s.a.connect().await;
    let again = claim(&mut ca, &s.la, &[s.na], 2_000).await;
    assert_eq!(ids(&again), [id]);
    assert_eq!((again[0].attempts, again[0].claimed_local_ms), (2, 1_000));

    // A dies again and never comes back: after ten minutes B takes the row,
    // with its own clock, and A's late finish is refused.
    drop(ca);
    let mut owner = s.db.connect_owner().await;
    owner
        .execute(
            format!(
                "UPDATE zapdesk.commands SET claimed_at = now() - interval '11 minutes' WHERE id = '{id}'"
            )
            .as_str(),
        )
        .await
        .unwrap();
    let taken = claim(&mut cb, &s.lb, &[s.nb], 7_000).await;
    assert_eq!(ids(&taken), [id]);
    assert_eq!((taken[0].attempts, taken[0].claimed_local_ms), (3, 7_000));
    let mut ca = s.a.connect().await;
    assert!(
        !commands::finish(&mut ca, s.la.node(), id, &done(id))
            .await
            .unwrap()
    );
    let failed = Outcome::Failed {
        code: ErrorCode::CommandInvalid,
        message: "O comando send_text precisa do campo \"text\".".into(),
    };
    assert!(
        commands::finish(&mut cb, s.lb.node(), id, &failed)
            .await
            .unwrap()
    );
    let (status, code, message): (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT status, error_code, error_message FROM zapdesk.commands WHERE id = $1",
    )
    .bind(id.as_uuid())
    .fetch_one(&mut s.zapier)
    .await
    .unwrap();
    assert_eq!(status, "failed");
    assert_eq!(code.as_deref(), Some("command_invalid"));
    assert_eq!(
        message.as_deref(),
        Some("O comando send_text precisa do campo \"text\".")
    );
}

#[tokio::test]
async fn commands_stay_within_their_account_and_only_desktops_change_them() {
    let mut s = Shared::new().await;
    let mut owner = s.db.connect_owner().await;
    let other = seed_account(&mut owner, "Clínica B").await;
    let outsider_role = operator(&s.db, other.account, MemberRole::Admin).await;
    let mut outsider = s.db.connect_as(&outsider_role).await;
    let id = s.insert(None, "Oi").await;
    let a = s.a.account;

    // Another account's member: neither reads nor writes this account's commands.
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.commands")
        .fetch_one(&mut outsider)
        .await
        .unwrap();
    assert_eq!(seen, 0);
    let into_a = outsider
        .execute(
            format!(
                "INSERT INTO zapdesk.commands (account_id, kind, phone, text) VALUES ('{a}', 'send_text', '+5511987650001', 'Oi')"
            )
            .as_str(),
        )
        .await;
    assert_eq!(outcome(&into_a), "42501");
    let queued = sqlx::query_scalar::<_, Uuid>(
        "SELECT zapdesk.queue_command($1, 'send_text', '+5511987650001', 'Oi')",
    )
    .bind(a)
    .fetch_one(&mut outsider)
    .await;
    assert_eq!(outcome(&queued), "42501");
    let cleared = outsider
        .execute(format!("DELETE FROM zapdesk.commands WHERE id = '{id}'").as_str())
        .await
        .unwrap();
    assert_eq!(cleared.rows_affected(), 0);
    // Naming A's desktop finishes nothing for someone who is not A's login.
    let mut ca = s.a.connect().await;
    let claimed = claim(&mut ca, &s.la, &[s.na], 1).await;
    assert_eq!(ids(&claimed), [id]);
    assert!(
        !commands::finish(&mut outsider, s.la.node(), id, &done(id))
            .await
            .unwrap()
    );
    let stolen = commands::claim(&mut outsider, s.la.node(), &[s.na], 1, BATCH)
        .await
        .unwrap();
    assert!(stolen.is_empty());

    // A member writes and reads, but a status, claim or result sent with
    // the row is the server's to set; and changes go through the functions.
    let forged: Uuid = sqlx::query_scalar(
        "INSERT INTO zapdesk.commands (account_id, kind, payload, tag, status, result, claimed_by, attempts, phone)
         VALUES ($1, 'add_tag', '{\"phone\": \"+5511987650009\", \"tag\": \"x\"}', 'Cliente \"VIP\"', 'done',
                 '{\"ok\": true}', 'abc', 7, '')
         RETURNING id",
    )
    .bind(a)
    .fetch_one(&mut s.zapier)
    .await
    .unwrap();
    let (status, result, by, attempts, payload): (String, Option<String>, Option<String>, i32, String) =
        sqlx::query_as(
            "SELECT status, result::text, claimed_by, attempts, payload::text FROM zapdesk.commands WHERE id = $1",
        )
        .bind(forged)
        .fetch_one(&mut s.zapier)
        .await
        .unwrap();
    assert_eq!(
        (status.as_str(), result, by, attempts),
        ("pending", None, None, 0)
    );
    // Columns win over the payload's fields; a blank column is no column.
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&payload).unwrap(),
        json!({"phone": "+5511987650009", "tag": "Cliente \"VIP\""})
    );
    let update = s
        .zapier
        .execute(
            format!("UPDATE zapdesk.commands SET status = 'done' WHERE id = '{forged}'").as_str(),
        )
        .await;
    assert_eq!(outcome(&update), "42501");
    let finish_by_member = commands::finish(&mut s.zapier, s.la.node(), id, &done(id))
        .await
        .unwrap();
    assert!(!finish_by_member, "a member is not the claiming desktop");

    // Make's way: one function call, the same rules.
    let text = "Olá, \"Maria\"!\nSeu horário: 9h";
    let made: Uuid = sqlx::query_scalar(
        "SELECT zapdesk.queue_command($1, 'send_text', '+5511987650001', $2, instance_id => $3)",
    )
    .bind(a)
    .bind(text)
    .bind(s.nb.as_uuid())
    .fetch_one(&mut s.zapier)
    .await
    .unwrap();
    let (kind, number, payload): (String, Option<Uuid>, String) = sqlx::query_as(
        "SELECT kind, instance_id, payload::text FROM zapdesk.commands WHERE id = $1",
    )
    .bind(made)
    .fetch_one(&mut s.zapier)
    .await
    .unwrap();
    assert_eq!((kind.as_str(), number), ("send_text", Some(s.nb.as_uuid())));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&payload).unwrap(),
        json!({"phone": "+5511987650001", "text": text})
    );
    // A number of another account, or an unknown kind, is refused at once.
    let wrong_number = sqlx::query_scalar::<_, Uuid>(
        "SELECT zapdesk.queue_command($1, 'send_text', '+5511987650001', 'Oi', instance_id => $2)",
    )
    .bind(a)
    .bind(other.instance)
    .fetch_one(&mut s.zapier)
    .await;
    assert_eq!(outcome(&wrong_number), "23503");
    let wrong_kind = sqlx::query_scalar::<_, Uuid>(
        "SELECT zapdesk.queue_command($1, 'send_file', '+5511987650001')",
    )
    .bind(a)
    .fetch_one(&mut s.zapier)
    .await;
    assert_eq!(outcome(&wrong_kind), "23514");

    // What is being executed stays; the rest can be cleared.
    let running = s
        .zapier
        .execute(format!("DELETE FROM zapdesk.commands WHERE id = '{id}'").as_str())
        .await
        .unwrap();
    assert_eq!(running.rows_affected(), 0);
    let pending = s
        .zapier
        .execute(format!("DELETE FROM zapdesk.commands WHERE id = '{made}'").as_str())
        .await
        .unwrap();
    assert_eq!(pending.rows_affected(), 1);
    s.zapier.close().await.unwrap();
}

#[tokio::test]
async fn a_new_command_is_heard_at_once_by_the_accounts_members_only() {
    let mut s = Shared::new().await;
    let mut owner = s.db.connect_owner().await;
    let other = seed_account(&mut owner, "Clínica B").await;
    let outsider_role = operator(&s.db, other.account, MemberRole::Agent).await;
    let outsider = zapdesk_sync::testing::desktop::operator_options(&s.db, &outsider_role);
    let mut a_hears = commands::listen(&s.a.remote, WAIT).await.unwrap();
    let mut outsider_hears = commands::listen(&outsider, WAIT).await.unwrap();

    s.insert(Some(s.na), "Oi").await;
    let heard = tokio::time::timeout(WAIT, a_hears.next()).await.unwrap();
    assert_eq!(heard, Some(s.account()));

    // The other account's member hears its own account's rows, not this one's:
    // a row of theirs, inserted after this one, is the first they hear.
    sqlx::query("SELECT zapdesk.queue_command($1, 'add_tag', '+5511987650001', tag => 'VIP')")
        .bind(other.account)
        .execute(&mut s.db.connect_as(&outsider_role).await)
        .await
        .unwrap();
    let theirs = tokio::time::timeout(WAIT, outsider_hears.next())
        .await
        .unwrap();
    assert_eq!(theirs, Some(AccountId::from_uuid(other.account)));
}

#[tokio::test]
async fn a_desktop_checks_its_claim_before_executing_and_gives_back_what_it_did_not_start() {
    let mut s = Shared::new().await;
    let first = s.insert(None, "Pedido 1").await;
    let second = s.insert(None, "Pedido 2").await;
    let (mut ca, mut cb) = (s.a.connect().await, s.b.connect().await);
    assert_eq!(
        ids(&claim(&mut ca, &s.la, &[s.na], 1).await),
        [first, second]
    );

    // Still A's: the check renews the claim (another desktop waits ten
    // minutes from it).
    let mut owner = s.db.connect_owner().await;
    let stale = format!(
        "UPDATE zapdesk.commands SET claimed_at = now() - interval '11 minutes' WHERE id = '{first}'"
    );
    owner.execute(stale.as_str()).await.unwrap();
    assert!(commands::hold(&mut ca, s.la.node(), first).await.unwrap());
    assert!(claim(&mut cb, &s.lb, &[s.nb], 2).await.is_empty());
    // Nobody else holds it: not B, not a member naming A's desktop.
    assert!(!commands::hold(&mut cb, s.lb.node(), first).await.unwrap());
    assert!(
        !commands::hold(&mut s.zapier, s.la.node(), first)
            .await
            .unwrap()
    );

    // A sleeps for more than ten minutes: B takes the row over, and A,
    // awake, learns it is no longer its own before executing it.
    owner.execute(stale.as_str()).await.unwrap();
    assert_eq!(ids(&claim(&mut cb, &s.lb, &[s.nb], 3).await), [first]);
    assert!(!commands::hold(&mut ca, s.la.node(), first).await.unwrap());
    assert!(commands::hold(&mut ca, s.la.node(), second).await.unwrap());

    // A closes without starting `second`: given back, pending, B claims it
    // at once. Giving back touches only the caller's own claims.
    assert_eq!(
        commands::release(&mut s.zapier, s.la.node(), None)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        commands::release(&mut ca, s.la.node(), None).await.unwrap(),
        1
    );
    assert_eq!(row(&s.db, second).await, ("pending".into(), 1, None));
    assert_eq!(row(&s.db, first).await.0, "running");
    // (With B's own unfinished `first`, which comes back to B.)
    let taken = claim(&mut cb, &s.lb, &[s.nb], 4).await;
    let given_back = taken.iter().find(|c| c.id == second).unwrap();
    assert_eq!((given_back.attempts, given_back.claimed_local_ms), (2, 4));
    assert_eq!(taken.len(), 2);
    // Only the ids named, when named.
    assert_eq!(
        commands::release(&mut cb, s.lb.node(), Some(&[second]))
            .await
            .unwrap(),
        1
    );
    assert_eq!(row(&s.db, first).await.0, "running");
    assert_eq!(row(&s.db, second).await.0, "pending");
}

#[tokio::test]
async fn a_lease_on_a_number_the_account_does_not_have_claims_nothing() {
    let mut s = Shared::new().await;
    let id = s.insert(None, "Oi").await;
    // Leases are taken for any id: a member holding one on a made-up number,
    // or on a number deleted since, is not the account's executor.
    let made_up = InstanceId::new();
    assert!(matches!(
        s.la.take(s.account(), made_up).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
    let mut ca = s.a.connect().await;
    assert!(claim(&mut ca, &s.la, &[made_up], 1).await.is_empty());
    let mut owner = s.db.connect_owner().await;
    owner
        .execute(
            format!(
                "UPDATE zapdesk.instances SET deleted_at = 2 WHERE id = '{}'",
                s.nb
            )
            .as_str(),
        )
        .await
        .unwrap();
    let mut cb = s.b.connect().await;
    assert!(claim(&mut cb, &s.lb, &[s.nb], 1).await.is_empty());
    assert_eq!(row(&s.db, id).await.0, "pending");
    // A real number's lease still claims it.
    assert_eq!(ids(&claim(&mut ca, &s.la, &[s.na, made_up], 1).await), [id]);
}

#[tokio::test]
async fn a_queue_command_retried_with_its_id_queues_once() {
    let mut s = Shared::new().await;
    let chosen = CommandId::new().as_uuid();
    let queue = "SELECT zapdesk.queue_command($1, 'send_text', '+5511987650001', 'Oi', id => $2)";
    for _ in 0..2 {
        let id: Option<Uuid> = sqlx::query_scalar(queue)
            .bind(s.a.account)
            .bind(chosen)
            .fetch_one(&mut s.zapier)
            .await
            .unwrap();
        assert_eq!(id, Some(chosen));
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.commands WHERE id = $1")
        .bind(chosen)
        .fetch_one(&mut s.zapier)
        .await
        .unwrap();
    assert_eq!(count, 1);
    // Without an id: a new command each call.
    let fresh = "SELECT zapdesk.queue_command($1, 'send_text', '+5511987650001', 'Oi')";
    let mut made = Vec::new();
    for _ in 0..2 {
        let id: Option<Uuid> = sqlx::query_scalar(fresh)
            .bind(s.a.account)
            .fetch_one(&mut s.zapier)
            .await
            .unwrap();
        made.push(id.unwrap());
    }
    assert_ne!(made[0], made[1]);
    // Another account's id is neither reused nor told of.
    let mut owner = s.db.connect_owner().await;
    let other = seed_account(&mut owner, "Clínica B").await;
    let outsider_role = operator(&s.db, other.account, MemberRole::Agent).await;
    let mut outsider = s.db.connect_as(&outsider_role).await;
    let theirs: Option<Uuid> = sqlx::query_scalar(queue)
        .bind(other.account)
        .bind(chosen)
        .fetch_one(&mut outsider)
        .await
        .unwrap();
    assert_eq!(theirs, None);
}
