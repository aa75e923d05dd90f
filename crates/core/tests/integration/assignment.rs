//! Fair assignment (issue 18, item 6): the bot leaves a chat to people, it
//! waits in the account's queue, and `assignment::drain` gives the queue in
//! turn to the available operators up to their caps; transfers keep a note;
//! and two desktops syncing through the real PostgreSQL, each assigning the
//! numbers whose lease it holds, never give one chat twice.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use zapdesk_core::assignment::{self, AssignmentError, Transfer};
use zapdesk_core::domain::{ConversationStatus, Role};
use zapdesk_core::error::{ErrorCode, UserError};
use zapdesk_core::inbox::{conversations, work};
use zapdesk_core::lease::LeaseAnswer;
use zapdesk_core::team::{self, Invitation};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, ConversationId, Lang, Store, UserId, users};
use zapdesk_sync::leases::RemoteLeases;
use zapdesk_sync::testing::ScratchDatabase;
use zapdesk_sync::testing::desktop::{first_desktop, other_desktop};

use crate::support::automation::{Bot, bot};

/// Invites operators with the account, by name (e-mail `<name>@loja.com.br`).
async fn operators(store: &Store, acc: AccountId, names: &[&str]) -> Vec<UserId> {
    let mut ids = Vec::new();
    for name in names {
        ids.push(
            team::invite(
                store,
                &Invitation {
                    name: (*name).into(),
                    email: format!("{}@loja.com.br", name.to_lowercase()),
                    role: Role::Agent,
                    accounts: vec![acc],
                },
            )
            .await
            .unwrap()
            .id,
        );
    }
    ids
}

/// `user` sits at the desktop and says they are available (or away).
async fn available(store: &Store, user: UserId, yes: bool) {
    users::set_me(store, user).await.unwrap();
    let status = assignment::set_available(store, yes).await.unwrap();
    assert_eq!(status.available, yes);
}

/// Contacts write one after the other; the bot (no flows) leaves each chat
/// to people. Their conversations, oldest first.
async fn chats(b: &Bot, phones: &[&str]) -> Vec<ConversationId> {
    let start = now_ms();
    let mut out = Vec::new();
    for (i, phone) in phones.iter().enumerate() {
        let at = start + i64::try_from(i).unwrap() * 1000;
        out.push(
            b.write_at(phone, "Oi, quero um orçamento", at)
                .await
                .conversation,
        );
        b.handle_at(at).await;
    }
    out
}

async fn drain(b: &Bot) -> Vec<String> {
    assignment::drain(&b.store, b.acc, &|_| true, now_ms())
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.email)
        .collect()
}

async fn assigned_to(b: &Bot, conv: ConversationId) -> Option<String> {
    sqlx::query_scalar("SELECT assigned_to FROM conversations WHERE id = ?")
        .bind(conv)
        .fetch_one(&b.raw)
        .await
        .unwrap()
}

/// Nobody chosen at the desktop again (a desktop without a team manages it).
async fn nobody_here(b: &Bot) {
    sqlx::query("DELETE FROM settings WHERE key = 'current_user'")
        .execute(&b.raw)
        .await
        .unwrap();
}

/// Switches the account's automatic assignment on with this default cap,
/// as nobody in particular (a desktop without a team may do everything).
async fn switch_on(b: &Bot, cap: u32) {
    assignment::set_account(&b.store, b.acc, true, cap)
        .await
        .unwrap();
}

const PHONES: [&str; 6] = [
    "+5511990000001",
    "+5511990000002",
    "+5511990000003",
    "+5511990000004",
    "+5511990000005",
    "+5511990000006",
];

#[tokio::test]
async fn chats_go_round_robin_to_the_available_operators_oldest_first() {
    let b = bot().await;
    switch_on(&b, 10).await;
    let ids = operators(&b.store, b.acc, &["Ana", "Bia", "Caio"]).await;
    for id in &ids {
        available(&b.store, *id, true).await;
    }
    let convs = chats(&b, &PHONES).await;
    let queue = assignment::queue(&b.store, b.acc).await.unwrap();
    assert_eq!(
        queue.iter().map(|w| w.conversation_id).collect::<Vec<_>>(),
        convs,
        "the queue is oldest first"
    );
    let order = drain(&b).await;
    assert_eq!(
        order,
        [
            "ana@loja.com.br",
            "bia@loja.com.br",
            "caio@loja.com.br",
            "ana@loja.com.br",
            "bia@loja.com.br",
            "caio@loja.com.br"
        ]
    );
    assert_eq!(
        assigned_to(&b, convs[0]).await.as_deref(),
        Some("ana@loja.com.br")
    );
    assert_eq!(
        assigned_to(&b, convs[4]).await.as_deref(),
        Some("bia@loja.com.br")
    );
    assert!(assignment::queue(&b.store, b.acc).await.unwrap().is_empty());
    // The list shows who has it, and "mine" is this desktop's row.
    let line = conversations::get(&b.store, b.acc, convs[0]).await.unwrap();
    assert_eq!(line.assignee_id, Some(ids[0]));
    assert_eq!(line.assignee_name.as_deref(), Some("Ana"));
    // The rotation goes on where it stopped: the next chat is Ana's.
    let more = chats(&b, &["+5511990000007"]).await;
    assert_eq!(drain(&b).await, ["ana@loja.com.br"]);
    assert_eq!(
        assigned_to(&b, more[0]).await.as_deref(),
        Some("ana@loja.com.br")
    );
}

#[tokio::test]
async fn at_the_cap_chats_wait_and_go_out_oldest_first_when_room_appears() {
    let b = bot().await;
    switch_on(&b, 1).await;
    let ids = operators(&b.store, b.acc, &["Ana", "Bia"]).await;
    for id in &ids {
        available(&b.store, *id, true).await;
    }
    let convs = chats(&b, &PHONES[..5]).await;
    assert_eq!(drain(&b).await, ["ana@loja.com.br", "bia@loja.com.br"]);
    let waiting = |q: Vec<assignment::QueuedChat>| {
        q.into_iter().map(|w| w.conversation_id).collect::<Vec<_>>()
    };
    assert_eq!(
        waiting(assignment::queue(&b.store, b.acc).await.unwrap()),
        convs[2..].to_vec()
    );
    // Nobody has room: nothing moves.
    assert!(drain(&b).await.is_empty());
    let settings = assignment::settings(&b.store, b.acc).await.unwrap();
    assert!(settings.operators.iter().all(|o| o.open == 1));

    // Ana resolves her chat: the oldest waiting one is hers.
    work::set_status(&b.store, b.acc, convs[0], ConversationStatus::Resolved)
        .await
        .unwrap();
    assert_eq!(drain(&b).await, ["ana@loja.com.br"]);
    assert_eq!(
        assigned_to(&b, convs[2]).await.as_deref(),
        Some("ana@loja.com.br")
    );

    // The cap raised: Bia (whose last chat is older) first, then Ana.
    nobody_here(&b).await;
    switch_on(&b, 2).await;
    assert_eq!(drain(&b).await, ["bia@loja.com.br", "ana@loja.com.br"]);
    assert_eq!(
        assigned_to(&b, convs[3]).await.as_deref(),
        Some("bia@loja.com.br")
    );
    assert_eq!(
        assigned_to(&b, convs[4]).await.as_deref(),
        Some("ana@loja.com.br")
    );
    assert!(assignment::queue(&b.store, b.acc).await.unwrap().is_empty());
}

#[tokio::test]
async fn away_operators_are_skipped_until_they_are_back() {
    let b = bot().await;
    switch_on(&b, 1).await;
    let ids = operators(&b.store, b.acc, &["Ana", "Bia"]).await;
    available(&b.store, ids[0], false).await;
    available(&b.store, ids[1], true).await;
    let convs = chats(&b, &PHONES[..2]).await;
    assert_eq!(drain(&b).await, ["bia@loja.com.br"]);
    assert_eq!(assignment::queue(&b.store, b.acc).await.unwrap().len(), 1);
    // Ana comes back: the waiting chat is hers.
    available(&b.store, ids[0], true).await;
    assert_eq!(drain(&b).await, ["ana@loja.com.br"]);
    assert_eq!(
        assigned_to(&b, convs[1]).await.as_deref(),
        Some("ana@loja.com.br")
    );
    // Away again: a new chat waits rather than going to her.
    available(&b.store, ids[0], false).await;
    work::set_status(&b.store, b.acc, convs[1], ConversationStatus::Resolved)
        .await
        .unwrap();
    chats(&b, &PHONES[2..3]).await;
    assert!(drain(&b).await.is_empty());
}

#[tokio::test]
async fn an_operators_own_cap_overrides_the_accounts() {
    let b = bot().await;
    switch_on(&b, 1).await;
    let ids = operators(&b.store, b.acc, &["Ana", "Bia"]).await;
    assignment::set_operator_cap(&b.store, b.acc, ids[0], Some(3))
        .await
        .unwrap();
    for id in &ids {
        available(&b.store, *id, true).await;
    }
    chats(&b, &PHONES[..5]).await;
    assert_eq!(
        drain(&b).await,
        [
            "ana@loja.com.br",
            "bia@loja.com.br",
            "ana@loja.com.br",
            "ana@loja.com.br"
        ]
    );
    let settings = assignment::settings(&b.store, b.acc).await.unwrap();
    let ana = settings.operators.iter().find(|o| o.name == "Ana").unwrap();
    assert_eq!((ana.cap, ana.open, ana.available), (Some(3), 3, true));
}

#[tokio::test]
async fn with_the_switch_off_nothing_waits_and_agents_may_not_turn_it_on() {
    let b = bot().await;
    let ids = operators(&b.store, b.acc, &["Ana"]).await;
    available(&b.store, ids[0], true).await;
    chats(&b, &PHONES[..1]).await;
    assert!(assignment::queue(&b.store, b.acc).await.unwrap().is_empty());
    assert!(drain(&b).await.is_empty());
    // Ana, an agent, is at this desktop.
    let refused = assignment::set_account(&b.store, b.acc, true, 3)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::OperatorForbidden);
    let refused = assignment::set_operator_cap(&b.store, b.acc, ids[0], Some(9))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::OperatorForbidden);
    assert!(!assignment::settings(&b.store, b.acc).await.unwrap().auto);
    let bad = assignment::set_account(&b.store, b.acc, true, 0).await;
    assert!(matches!(bad, Err(AssignmentError::Access(_))));
}

#[tokio::test]
async fn a_transfer_moves_the_chat_and_keeps_the_note_with_its_author() {
    let b = bot().await;
    switch_on(&b, 5).await;
    let ids = operators(&b.store, b.acc, &["Ana", "Bia"]).await;
    available(&b.store, ids[0], true).await;
    let convs = chats(&b, &PHONES[..1]).await;
    assert_eq!(drain(&b).await, ["ana@loja.com.br"]);
    // Ana (at this desktop) hands it to Bia with a note.
    users::set_me(&b.store, ids[0]).await.unwrap();
    let at = assignment::transfer(
        &b.store,
        b.acc,
        convs[0],
        &Transfer {
            operator: Some(ids[1]),
            instance: None,
            note: "Cliente quer parcelar em 3x".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(at, convs[0]);
    assert_eq!(
        assigned_to(&b, convs[0]).await.as_deref(),
        Some("bia@loja.com.br")
    );
    let notes = work::notes(&b.store, b.acc, convs[0]).await.unwrap();
    let note = notes.last().unwrap();
    assert_eq!(note.body, "Cliente quer parcelar em 3x");
    assert_eq!(
        (note.author_id, note.author_name.as_deref()),
        (Some(ids[0]), Some("Ana"))
    );

    // To another number of the account, without an operator: the chat
    // moves there, waits in the queue, and the old one is resolved.
    let other = crate::support::number(&b.store, b.acc, "Suporte", true).await;
    let moved = assignment::transfer(
        &b.store,
        b.acc,
        convs[0],
        &Transfer {
            operator: None,
            instance: Some(other),
            note: "Assunto de suporte".into(),
        },
    )
    .await
    .unwrap();
    assert_ne!(moved, convs[0]);
    let line = conversations::get(&b.store, b.acc, moved).await.unwrap();
    assert_eq!(
        (line.instance_id, line.status),
        (other, ConversationStatus::Open)
    );
    let old = conversations::get(&b.store, b.acc, convs[0]).await.unwrap();
    assert_eq!(old.status, ConversationStatus::Resolved);
    let queue = assignment::queue(&b.store, b.acc).await.unwrap();
    assert_eq!(
        queue.iter().map(|w| w.conversation_id).collect::<Vec<_>>(),
        [moved]
    );
    for conv in [moved, convs[0]] {
        let notes = work::notes(&b.store, b.acc, conv).await.unwrap();
        assert!(
            notes.iter().any(|n| n.body == "Assunto de suporte"),
            "{conv}"
        );
    }
    // Neither an operator nor a number: refused with the reason.
    let refused = assignment::transfer(
        &b.store,
        b.acc,
        moved,
        &Transfer {
            operator: None,
            instance: None,
            note: "x".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::TransferInvalid);
    assert!(
        refused
            .message(Lang::PtBr)
            .contains("Escolha outro atendente")
    );
}

/// Two desktops share the account; each takes the leases of the numbers it
/// can, at once, and drains at once what it holds; after syncing both ways,
/// every chat was given once, on both desktops alike, by its number's holder.
#[tokio::test]
async fn two_desktops_assigning_at_once_never_give_a_chat_twice() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let acc = a.account_id();
    let numbers = [
        crate::support::number(&a.store, acc, "Vendas", true).await,
        crate::support::number(&a.store, acc, "Suporte", true).await,
    ];
    switch_on_store(&a.store, acc, 50).await;
    let ids = operators(&a.store, acc, &["Ana", "Bia", "Caio"]).await;
    for id in &ids {
        available(&a.store, *id, true).await;
    }
    // Eight contacts write, four on each number, and wait.
    let start = now_ms();
    let mut convs = Vec::new();
    for i in 0..8u8 {
        let number = numbers[usize::from(i % 2)];
        let ingested = zapdesk_core::inbox::ingest::ingest(
            &a.store,
            acc,
            number,
            &zapdesk_core::inbox::ingest::Inbound {
                wa_id: format!("false_x_IN{i}"),
                phone: format!("+55119900001{i:02}"),
                push_name: Some("Cliente".into()),
                body: "Oi".into(),
                sent_at: start + i64::from(i),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
        convs.push(ingested.conversation);
    }
    handle_all(&a.store, start + 100).await;
    assert_eq!(assignment::queue(&a.store, acc).await.unwrap().len(), 8);
    let b = other_desktop(&db, &a).await;
    a.sync().await;
    b.sync().await;
    a.sync().await;
    assert_eq!(assignment::queue(&b.store, acc).await.unwrap().len(), 8);

    // Both ask for both leases at once: each number gets one holder.
    let la = RemoteLeases::new(
        &a.store,
        a.remote.clone(),
        Duration::from_secs(60),
        Lang::PtBr,
    )
    .await
    .unwrap();
    let lb = RemoteLeases::new(
        &b.store,
        b.remote.clone(),
        Duration::from_secs(60),
        Lang::PtBr,
    )
    .await
    .unwrap();
    let (a0, b0, b1, a1) = tokio::join!(
        la.take(acc, numbers[0]),
        lb.take(acc, numbers[0]),
        lb.take(acc, numbers[1]),
        la.take(acc, numbers[1]),
    );
    let held = |answer: &Result<LeaseAnswer, _>| matches!(answer, Ok(LeaseAnswer::Held { .. }));
    let a_holds: BTreeSet<_> = [(numbers[0], &a0), (numbers[1], &a1)]
        .into_iter()
        .filter(|(_, ans)| held(ans))
        .map(|(n, _)| n)
        .collect();
    let b_holds: BTreeSet<_> = [(numbers[0], &b0), (numbers[1], &b1)]
        .into_iter()
        .filter(|(_, ans)| held(ans))
        .map(|(n, _)| n)
        .collect();
    assert!(a_holds.is_disjoint(&b_holds), "one holder per number");
    assert_eq!(
        a_holds.len() + b_holds.len(),
        2,
        "every number has a holder"
    );

    // Both drain at once, each only the numbers it holds.
    let now = now_ms();
    let on_a = |n| a_holds.contains(&n);
    let on_b = |n| b_holds.contains(&n);
    let (by_a, by_b) = tokio::join!(
        assignment::drain(&a.store, acc, &on_a, now),
        assignment::drain(&b.store, acc, &on_b, now),
    );
    let (by_a, by_b) = (by_a.unwrap(), by_b.unwrap());
    let given_a: BTreeSet<_> = by_a.iter().map(|x| x.conversation).collect();
    let given_b: BTreeSet<_> = by_b.iter().map(|x| x.conversation).collect();
    assert!(
        given_a.is_disjoint(&given_b),
        "a chat given on both desktops"
    );
    assert_eq!(given_a.len() + given_b.len(), 8);

    // And drained again after the other's rows arrive: nothing more.
    for _ in 0..2 {
        a.sync().await;
        b.sync().await;
    }
    assert!(
        assignment::drain(&a.store, acc, &|_| true, now_ms())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        assignment::drain(&b.store, acc, &|_| true, now_ms())
            .await
            .unwrap()
            .is_empty()
    );
    let read = |pool: sqlx::SqlitePool| async move {
        sqlx::query_as::<_, (ConversationId, Option<String>)>(
            "SELECT id, assigned_to FROM conversations ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect::<BTreeMap<_, _>>()
    };
    let on_a = read(a.pool().clone()).await;
    let on_b = read(b.pool().clone()).await;
    assert_eq!(on_a, on_b, "both desktops see the same assignments");
    let given: BTreeMap<_, _> = by_a
        .iter()
        .chain(by_b.iter())
        .map(|x| (x.conversation, Some(x.email.clone())))
        .collect();
    assert_eq!(on_a, given, "each chat is with whom its holder gave it");
    // The turn held across the two desktops' halves: nobody got more than
    // one chat more than anyone else within each desktop's share.
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for email in on_a.values().flatten() {
        *per.entry(email.as_str()).or_default() += 1;
    }
    assert!(per.len() == 3, "{per:?}");
    la.close().await;
    lb.close().await;
}

async fn switch_on_store(store: &Store, acc: AccountId, cap: u32) {
    assignment::set_account(store, acc, true, cap)
        .await
        .unwrap();
}

/// The bot's queue, handled as the runner of a desktop that runs every number.
async fn handle_all(store: &Store, now: i64) {
    use zapdesk_core::automation::run::{self, Handled};
    loop {
        let items = run::next_queued(store, &|_| true, 0, now, 10)
            .await
            .unwrap();
        if items.is_empty() {
            return;
        }
        for item in items {
            assert!(matches!(
                run::handle_queued(store, &item, &|_| true, now)
                    .await
                    .unwrap(),
                Handled::Done(_)
            ));
        }
    }
}

async fn bot_setting(b: &Bot, column: &str) -> Option<String> {
    sqlx::query_scalar(&format!(
        "SELECT CAST({column} AS TEXT) FROM automation_settings WHERE account_id = ?"
    ))
    .bind(b.acc)
    .fetch_optional(&b.raw)
    .await
    .unwrap()
}

/// Review of item 6, 1: the roster, the switch and the caps write only
/// their own columns of the bot's settings row (whole rows sync: a row made
/// with defaults on a desktop would overwrite the account's bot settings on
/// the server), and going away writes nothing where there is nothing to say.
#[tokio::test]
async fn assignment_saves_keep_the_bot_settings_and_make_no_row_for_nothing() {
    let b = bot().await;
    let ids = operators(&b.store, b.acc, &["Ana"]).await;
    // No settings row on this desktop: away is the state already.
    available(&b.store, ids[0], false).await;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM automation_settings")
        .fetch_one(&b.raw)
        .await
        .unwrap();
    assert_eq!(rows, 0, "no settings row made to say nothing");

    b.setting("handoff_reply", serde_json::json!("Já chamo alguém"))
        .await;
    b.setting("enabled", serde_json::json!(false)).await;
    available(&b.store, ids[0], true).await;
    nobody_here(&b).await;
    switch_on(&b, 3).await;
    assignment::set_operator_cap(&b.store, b.acc, ids[0], Some(2))
        .await
        .unwrap();
    assert_eq!(
        bot_setting(&b, "handoff_reply").await.as_deref(),
        Some("Já chamo alguém")
    );
    assert_eq!(bot_setting(&b, "enabled").await.as_deref(), Some("0"));
    let settings = assignment::settings(&b.store, b.acc).await.unwrap();
    assert_eq!((settings.auto, settings.default_cap), (true, 3));
    let ana = &settings.operators[0];
    assert_eq!((ana.available, ana.cap), (true, Some(2)));
}

/// The roster of migration 0029 (JSON on the bot settings row) is copied
/// into `assignment_operators` (0035) with the smallest clock there is and
/// an outbox entry, once: it only fills gaps (review: with the settings
/// row's clock it won on the server over an operator's newer row), and once
/// copied a store open finds nothing pending. A JSON that does not read is
/// left where it is; one pulled later from an older desktop fills gaps only.
#[tokio::test]
async fn a_json_roster_is_copied_into_its_table_once_with_the_smallest_clock() {
    let b = bot().await;
    let ids = operators(&b.store, b.acc, &["Ana", "Bruno"]).await;
    b.setting("enabled", serde_json::json!(true)).await;
    let emails: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM users WHERE email LIKE '%@loja.com.br' ORDER BY name",
    )
    .fetch_all(&b.raw)
    .await
    .unwrap();
    let team = serde_json::json!({
        &emails[0]: {"name": "Ana", "available": true, "cap": 2},
        &emails[1]: {"name": "Bruno", "available": false, "cap": null},
    });
    sqlx::query("UPDATE automation_settings SET assign_team = ? WHERE account_id = ?")
        .bind(team.to_string())
        .bind(b.acc)
        .execute(&b.raw)
        .await
        .unwrap();
    let settings_clock: String =
        sqlx::query_scalar("SELECT hlc FROM automation_settings WHERE account_id = ?")
            .bind(b.acc)
            .fetch_one(&b.raw)
            .await
            .unwrap();
    let clock = "0000000000000-00000-0".to_string();
    assert!(clock < settings_clock);
    assert!(assignment::json_rosters_pending(&b.store).await.unwrap());
    assert_eq!(assignment::adopt_json_rosters(&b.store).await.unwrap(), 2);
    assert!(!assignment::json_rosters_pending(&b.store).await.unwrap());
    assert_eq!(assignment::adopt_json_rosters(&b.store).await.unwrap(), 0);
    let rows: Vec<(String, bool, Option<u32>, String)> = sqlx::query_as(
        "SELECT email, available, cap, hlc FROM assignment_operators WHERE account_id = ?
         ORDER BY email",
    )
    .bind(b.acc)
    .fetch_all(&b.raw)
    .await
    .unwrap();
    let mut expected = vec![
        (emails[0].clone(), true, Some(2), clock.clone()),
        (emails[1].clone(), false, None, clock.clone()),
    ];
    expected.sort();
    assert_eq!(rows, expected);
    let queued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sync_outbox WHERE table_name = 'assignment_operators' AND hlc = ?",
    )
    .bind(&clock)
    .fetch_one(&b.raw)
    .await
    .unwrap();
    assert_eq!(queued, 2);
    let settings = assignment::settings(&b.store, b.acc).await.unwrap();
    let ana = settings
        .operators
        .iter()
        .find(|o| o.user_id == Some(ids[0]))
        .unwrap();
    assert_eq!((ana.available, ana.cap), (true, Some(2)));

    // Damaged JSON: nothing copied, nothing lost, the store still works.
    sqlx::query(
        "UPDATE automation_settings SET assign_team = '{\"x@y.com\": 7' WHERE account_id = ?",
    )
    .bind(b.acc)
    .execute(&b.raw)
    .await
    .unwrap();
    assert!(assignment::json_rosters_pending(&b.store).await.unwrap());
    assert_eq!(assignment::adopt_json_rosters(&b.store).await.unwrap(), 0);
    assert!(!assignment::json_rosters_pending(&b.store).await.unwrap());
    assert_eq!(
        assignment::settings(&b.store, b.acc)
            .await
            .unwrap()
            .operators
            .len(),
        2
    );

    // A JSON pulled from a desktop on an older ZapDesk: copied again, but
    // only the operator without a row; Ana's row stays as it was.
    let team = serde_json::json!({
        &emails[0]: {"name": "Ana", "available": false, "cap": 9},
        "carla@loja.com.br": {"name": "Carla", "available": true, "cap": null},
    });
    sqlx::query("UPDATE automation_settings SET assign_team = ? WHERE account_id = ?")
        .bind(team.to_string())
        .bind(b.acc)
        .execute(&b.raw)
        .await
        .unwrap();
    assert!(assignment::json_rosters_pending(&b.store).await.unwrap());
    assert_eq!(assignment::adopt_json_rosters(&b.store).await.unwrap(), 1);
    assert!(!assignment::json_rosters_pending(&b.store).await.unwrap());
    let ana: (bool, Option<u32>) = sqlx::query_as(
        "SELECT available, cap FROM assignment_operators WHERE account_id = ? AND email = ?",
    )
    .bind(b.acc)
    .bind(&emails[0])
    .fetch_one(&b.raw)
    .await
    .unwrap();
    assert_eq!(ana, (true, Some(2)));
}

/// Saving an operator's status writes their own roster row and nothing of
/// the bot settings row: a desktop that never pulled it makes none (its
/// defaults would overwrite the account's settings everywhere).
#[tokio::test]
async fn being_available_writes_only_the_operators_row() {
    let b = bot().await;
    let ids = operators(&b.store, b.acc, &["Ana"]).await;
    available(&b.store, ids[0], true).await;
    let settings_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM automation_settings")
        .fetch_one(&b.raw)
        .await
        .unwrap();
    assert_eq!(settings_rows, 0);
    let rows: Vec<bool> =
        sqlx::query_scalar("SELECT available FROM assignment_operators WHERE account_id = ?")
            .bind(b.acc)
            .fetch_all(&b.raw)
            .await
            .unwrap();
    assert_eq!(rows, vec![true]);
}

/// Review of item 6, 2: a flow's hand-off reached after a timer (not a
/// contact's message) puts the chat in the queue once the session ended.
#[tokio::test]
async fn a_flow_handoff_after_a_delay_enters_the_queue() {
    use crate::support::automation::{actions, delay, doc, handoff};
    use zapdesk_core::automation::run;
    let b = bot().await;
    switch_on(&b, 5).await;
    let flow = b
        .publish(
            "Espera",
            doc(
                "d",
                vec![delay("d", 5), handoff("h", "Precisa de gente")],
                vec![("d", "next", "h")],
            ),
            serde_json::json!([]),
        )
        .await;
    b.keyword(
        "oi",
        "exact",
        &["oi"],
        actions(serde_json::json!({"start_flow": flow})),
    )
    .await;
    let conv = b.write(PHONES[0], "oi").await.conversation;
    let t = now_ms();
    b.handle_at(t).await;
    assert!(
        assignment::queue(&b.store, b.acc).await.unwrap().is_empty(),
        "the flow is talking to the contact"
    );
    let later = t + 5 * 60_000;
    let due = run::due(&b.store, &|_| true, later, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    run::handle_due(&b.store, b.acc, due[0].session, due[0].wake_at, later)
        .await
        .unwrap();
    let queue = assignment::queue(&b.store, b.acc).await.unwrap();
    assert_eq!(
        queue.iter().map(|w| w.conversation_id).collect::<Vec<_>>(),
        [conv]
    );
}

/// Review of item 6, 3: transfers, caps and assignments go only to someone
/// who may see the account: an agent never given it is unknown there; an
/// admin (who sees every account) is not.
#[tokio::test]
async fn chats_go_only_to_operators_who_may_see_the_account() {
    let b = bot().await;
    let ids = operators(&b.store, b.acc, &["Ana"]).await;
    let outsider = team::invite(
        &b.store,
        &Invitation {
            name: "Zé".into(),
            email: "ze@loja.com.br".into(),
            role: Role::Agent,
            accounts: vec![],
        },
    )
    .await
    .unwrap()
    .id;
    let admin = team::invite(
        &b.store,
        &Invitation {
            name: "Dora".into(),
            email: "dora@loja.com.br".into(),
            role: Role::Admin,
            accounts: vec![],
        },
    )
    .await
    .unwrap()
    .id;
    let convs = chats(&b, &PHONES[..1]).await;
    let to = |operator| Transfer {
        operator: Some(operator),
        instance: None,
        note: String::new(),
    };
    let refused = assignment::transfer(&b.store, b.acc, convs[0], &to(outsider))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UserUnknown);
    let refused = assignment::set_operator_cap(&b.store, b.acc, outsider, Some(2))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UserUnknown);
    let refused = work::assign(&b.store, b.acc, convs[0], Some(outsider))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UserUnknown);
    assert_eq!(assigned_to(&b, convs[0]).await, None);
    assert!(
        !assignment::settings(&b.store, b.acc)
            .await
            .unwrap()
            .operators
            .iter()
            .any(|o| o.email == "ze@loja.com.br")
    );

    work::assign(&b.store, b.acc, convs[0], Some(admin))
        .await
        .unwrap();
    assignment::transfer(&b.store, b.acc, convs[0], &to(ids[0]))
        .await
        .unwrap();
    assert_eq!(
        assigned_to(&b, convs[0]).await.as_deref(),
        Some("ana@loja.com.br")
    );
}

/// Review of item 6, 4: "Minhas" finds a chat that names the operator only
/// by e-mail (pulled before this desktop had their row).
#[tokio::test]
async fn mine_includes_chats_named_only_by_email() {
    let b = bot().await;
    let ids = operators(&b.store, b.acc, &["Ana"]).await;
    let convs = chats(&b, &PHONES[..2]).await;
    sqlx::query(
        "UPDATE conversations SET assigned_to = 'ana@loja.com.br', assignee_id = NULL WHERE id = ?",
    )
    .bind(convs[0])
    .execute(&b.raw)
    .await
    .unwrap();
    work::assign(&b.store, b.acc, convs[1], Some(ids[0]))
        .await
        .unwrap();
    let mine = conversations::list(
        &b.store,
        b.acc,
        &conversations::ListFilter {
            instance: None,
            assignee: Some(conversations::AssigneeFilter::User(ids[0])),
            status: None,
            campaign_unanswered: None,
            after: None,
            limit: 50,
        },
    )
    .await
    .unwrap();
    let found: BTreeSet<_> = mine.iter().map(|l| l.id).collect();
    assert_eq!(found, convs.iter().copied().collect::<BTreeSet<_>>());
}

/// Review of item 6, 5: a removed operator's open chats go back to the
/// queue (the account assigns automatically) and they are away in every
/// roster, so the next drain gives the chat to someone else.
#[tokio::test]
async fn removing_an_operator_puts_their_chats_back_in_the_queue() {
    let b = bot().await;
    switch_on(&b, 5).await;
    let ids = operators(&b.store, b.acc, &["Ana", "Bia"]).await;
    available(&b.store, ids[0], true).await;
    let convs = chats(&b, &PHONES[..1]).await;
    assert_eq!(drain(&b).await, ["ana@loja.com.br"]);
    available(&b.store, ids[1], true).await;
    nobody_here(&b).await;
    team::remove(&b.store, ids[0]).await.unwrap();
    let queue = assignment::queue(&b.store, b.acc).await.unwrap();
    assert_eq!(
        queue.iter().map(|w| w.conversation_id).collect::<Vec<_>>(),
        convs
    );
    let settings = assignment::settings(&b.store, b.acc).await.unwrap();
    let ana = settings
        .operators
        .iter()
        .find(|o| o.email == "ana@loja.com.br")
        .unwrap();
    assert!(!ana.available);
    assert_eq!(drain(&b).await, ["bia@loja.com.br"]);
}
