//! Plans per account (issue 18, item 4) against a real SQLite file: each
//! limit refused at the limit with nothing written, two creates at the last
//! slot (two connections to one file, as two processes), an account's
//! override over its plan, the month's messages rolling over, what the bot
//! may still send, and who may change limits.

use zapdesk_core::accounts::Plan;
use zapdesk_core::automation::flows;
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::Role;
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::import::{self, read};
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::outbox;
use zapdesk_core::plans::{self, Limit, Override, PlanLimits, PlanOverrides};
use zapdesk_core::team::{self, Invitation};
use zapdesk_core::time::now_ms;
use zapdesk_core::users;
use zapdesk_core::{
    AccountId, ConversationId, ErrorCode, InstanceId, Lang, Store, UserError, UserId,
};

use crate::support;

/// The Starter plan (every account's default) with these limits.
async fn starter(store: &Store, limits: PlanLimits) {
    plans::set_defaults(store, Plan::Starter, &limits)
        .await
        .unwrap();
}

async fn count(pool: &sqlx::SqlitePool, sql: &str, account: AccountId) -> i64 {
    sqlx::query_scalar(sql)
        .bind(account)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn contact(phone: &str) -> ContactInput {
    ContactInput {
        phone: phone.into(),
        name: None,
    }
}

/// A conversation opened by the contact writing first.
async fn chat(
    store: &Store,
    account: AccountId,
    number: InstanceId,
    phone: &str,
) -> ConversationId {
    let msg = Inbound {
        wa_id: format!("in-{phone}"),
        phone: phone.into(),
        body: "oi".into(),
        sent_at: now_ms(),
        ..Default::default()
    };
    ingest(store, account, number, &msg)
        .await
        .unwrap()
        .unwrap()
        .conversation
}

/// The monthly tests' set-up: an account on the Starter plan with
/// `messages` a month, a connected number, and a conversation with each
/// phone (the contact wrote first, so nothing was sent yet).
struct Month {
    /// The store's folder, deleted when dropped: bind it (`_dir`), never `..`.
    _dir: tempfile::TempDir,
    store: Store,
    acc: AccountId,
    pool: sqlx::SqlitePool,
    number: InstanceId,
    convs: Vec<ConversationId>,
}

async fn month_with(messages: u32, phones: &[&str]) -> Month {
    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let pool = support::raw(&dir).await;
    starter(
        &store,
        PlanLimits {
            messages: Some(messages),
            ..PlanLimits::default()
        },
    )
    .await;
    let number = support::number(&store, acc, "Vendas", true).await;
    let mut convs = Vec::new();
    for phone in phones {
        convs.push(chat(&store, acc, number, phone).await);
    }
    Month {
        _dir: dir,
        store,
        acc,
        pool,
        number,
        convs,
    }
}

/// The messages counted in a usage's month.
fn messages_used(usage: &plans::PlanUsage) -> (u32, Option<u32>) {
    let item = usage
        .items
        .iter()
        .find(|i| i.limit == Limit::Messages)
        .unwrap();
    (item.used, item.max)
}

/// An operator `name` (e-mail `name@agencia.com`, lower-cased) with `role`
/// over `accounts`, invited by whoever is chosen on this desktop.
fn invitation(name: &str, role: Role, accounts: &[AccountId]) -> Invitation {
    Invitation {
        name: name.into(),
        email: format!("{}@agencia.com", name.to_lowercase()),
        role,
        accounts: accounts.to_vec(),
    }
}

/// Invites [`invitation`]'s operator; the id of the operator made.
async fn member(store: &Store, name: &str, role: Role, accounts: &[AccountId]) -> UserId {
    team::invite(store, &invitation(name, role, accounts))
        .await
        .unwrap()
        .id
}

/// The desktop's first operator, an owner, chosen: who may then invite.
async fn owner_chosen(store: &Store) -> UserId {
    let dona = member(store, "Dona", Role::Owner, &[]).await;
    users::set_me(store, dona).await.unwrap();
    dona
}

fn refused<E: UserError>(e: &E, limit_text_pt: &str) {
    assert_eq!(e.code(), ErrorCode::PlanLimitReached, "{e}");
    let pt = e.message(Lang::PtBr);
    assert!(pt.contains(limit_text_pt), "{pt}");
    assert!(!e.message(Lang::En).is_empty());
}

#[tokio::test]
async fn numbers_contacts_flows_and_operators_are_refused_at_the_limit_with_nothing_written() {
    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let pool = support::raw(&dir).await;
    starter(
        &store,
        PlanLimits {
            numbers: Some(1),
            contacts: Some(2),
            operators: Some(1),
            flows: Some(1),
            messages: None,
        },
    )
    .await;

    // Numbers.
    support::number(&store, acc, "Vendas", false).await;
    let e = zapdesk_core::instances::create(
        &store,
        acc,
        &zapdesk_core::instances::NumberInput {
            name: "Suporte".into(),
            kind: zapdesk_core::domain::InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap_err();
    refused(
        &e,
        "O plano Inicial permite 1 números; esta conta já tem 1.",
    );
    assert!(
        e.message(Lang::En)
            .contains("The Starter plan allows 1 numbers")
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM instances WHERE account_id = ?",
            acc
        )
        .await,
        1
    );

    // Contacts: one made, one left. An import of three new phones (and
    // the known one) does not fit and writes nothing.
    contacts::create(&store, acc, &contact("11987654321"))
        .await
        .unwrap();
    let csv = "nome;telefone;etiquetas\nAna;11987654321;vip\nBia;11987654323;vip\nCid;11987654324;vip\nDu;11987654325;vip\n";
    let sheet = read::read(csv.as_bytes()).unwrap();
    let preview = import::preview(&store, acc, &sheet).await.unwrap();
    let mut progress = |_, _| {};
    let e = import::run(
        &store,
        acc,
        &sheet,
        &preview.columns,
        Lang::PtBr,
        &mut progress,
    )
    .await
    .unwrap_err();
    refused(
        &e,
        "esta conta já tem 1 e a importação traria 3 novos; cabem 1",
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM contacts WHERE account_id = ?",
            acc
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM tags WHERE account_id = ?", acc).await,
        0
    );
    // The known phone's name was not changed either.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM contacts WHERE account_id = ? AND name IS NULL",
            acc
        )
        .await,
        1
    );
    // A file that fits is imported.
    let csv = "nome;telefone\nAna;11987654321\nBia;11987654323\n";
    let sheet = read::read(csv.as_bytes()).unwrap();
    let preview = import::preview(&store, acc, &sheet).await.unwrap();
    let report = import::run(
        &store,
        acc,
        &sheet,
        &preview.columns,
        Lang::PtBr,
        &mut progress,
    )
    .await
    .unwrap();
    assert_eq!((report.created, report.updated), (1, 1));
    let e = contacts::create(&store, acc, &contact("11987654399"))
        .await
        .unwrap_err();
    refused(
        &e,
        "O plano Inicial permite 2 contatos; esta conta já tem 2.",
    );

    // Flows: create, duplicate and import each refused at the limit.
    let first = flows::create(&store, acc, "Menu", None).await.unwrap();
    let e = flows::create(&store, acc, "Outro", None).await.unwrap_err();
    refused(&e, "O plano Inicial permite 1 fluxos; esta conta já tem 1.");
    let e = flows::duplicate(&store, acc, first.id, "Cópia")
        .await
        .unwrap_err();
    refused(&e, "1 fluxos");
    let json = flows::export(&store, acc, first.id, None).await.unwrap();
    let e = flows::import(&store, acc, "Importado", &json)
        .await
        .unwrap_err();
    refused(&e, "1 fluxos");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM flows WHERE account_id = ?",
            acc
        )
        .await,
        1
    );

    // Operators given the account.
    owner_chosen(&store).await;
    let agent = |name: &str| invitation(name, Role::Agent, &[acc]);
    let ana = member(&store, "ana", Role::Agent, &[acc]).await;
    let e = team::check_invitation(&store, &agent("bia"))
        .await
        .unwrap_err();
    refused(
        &e,
        "O plano Inicial permite 1 operadores por conta; esta conta já tem 1.",
    );
    let e = team::invite(&store, &agent("bia")).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PlanLimitReached);
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'bia@agencia.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(users, 0, "the refused invitation left no operator behind");
    // Editing Ana, who has the account already, is not a new grant.
    team::edit(
        &store,
        ana,
        &team::MemberEdit {
            name: "Ana Souza".into(),
            role: Role::Agent,
            accounts: vec![acc],
        },
    )
    .await
    .unwrap();

    // The usage, limit by limit.
    let usage = plans::usage(&store, acc).await.unwrap();
    let of = |l: Limit| {
        let u = usage.items.iter().find(|i| i.limit == l).unwrap();
        (u.used, u.max)
    };
    assert_eq!(usage.plan, Plan::Starter);
    assert_eq!(of(Limit::Numbers), (1, Some(1)));
    assert_eq!(of(Limit::Contacts), (2, Some(2)));
    assert_eq!(of(Limit::Flows), (1, Some(1)));
    assert_eq!(of(Limit::Operators), (1, Some(1)));
    assert_eq!(of(Limit::Messages), (0, None));
}

#[tokio::test]
async fn messages_are_refused_at_the_month_limit_and_a_campaign_that_does_not_fit_is_not_started() {
    let Month {
        _dir,
        store,
        acc,
        pool,
        number,
        convs,
        ..
    } = month_with(3, &["+5511987654321", "+5511987654322", "+5511987654323"]).await;
    let conv = convs[0];

    outbox::enqueue_text(&store, acc, conv, "Olá!")
        .await
        .unwrap();
    // Three contacts, two messages left: the campaign does not fit.
    let e = campaigns::create(&store, acc, &campaign(number, None), now_ms())
        .await
        .unwrap_err();
    refused(
        &e,
        "esta conta já enviou 1 neste mês e a campanha tem 3 destinatários. Restam 2",
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM campaigns WHERE account_id = ?",
            acc
        )
        .await,
        0
    );

    outbox::enqueue_text(&store, acc, conv, "Tudo bem?")
        .await
        .unwrap();
    outbox::enqueue_text(&store, acc, conv, "Posso ajudar?")
        .await
        .unwrap();
    let e = outbox::enqueue_text(&store, acc, conv, "Mais uma")
        .await
        .unwrap_err();
    refused(
        &e,
        "O plano Inicial permite 3 mensagens enviadas por mês; esta conta já enviou 3 neste mês.",
    );
    let out = "SELECT count(*) FROM messages WHERE account_id = ? AND direction = 'outbound'";
    assert_eq!(count(&pool, out, acc).await, 3);

    // What answers the contact by itself is not refused (an opt-out's
    // confirmation here; flows and keywords alike): it counts, past the limit.
    let msg = Inbound {
        wa_id: "sair-1".into(),
        phone: "+5511987654321".into(),
        body: "SAIR".into(),
        sent_at: now_ms(),
        ..Default::default()
    };
    ingest(&store, acc, number, &msg).await.unwrap().unwrap();
    assert_eq!(count(&pool, out, acc).await, 4);
    let usage = plans::usage(&store, acc).await.unwrap();
    assert_eq!(messages_used(&usage), (4, Some(3)));
}

#[tokio::test]
async fn the_months_messages_roll_over_at_the_first_of_the_month_in_the_accounts_time_zone() {
    let Month {
        _dir,
        store,
        acc,
        pool,
        convs,
        ..
    } = month_with(1, &["+5511987654321"]).await;
    let conv = convs[0];
    let sent = outbox::enqueue_text(&store, acc, conv, "Olá!")
        .await
        .unwrap();
    let e = outbox::enqueue_text(&store, acc, conv, "De novo")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PlanLimitReached);

    // The account's month (São Paulo, UTC-3): the message sent one
    // millisecond before this month began counts in the month before.
    let tz = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
    let (start, end) = plans::month_of(now_ms(), &tz);
    sqlx::query("UPDATE messages SET created_at = ? WHERE account_id = ? AND id = ?")
        .bind(start - 1)
        .bind(acc)
        .bind(sent.id)
        .execute(&pool)
        .await
        .unwrap();
    outbox::enqueue_text(&store, acc, conv, "Novo mês")
        .await
        .unwrap();
    let usage = plans::usage(&store, acc).await.unwrap();
    assert_eq!((usage.month_start, usage.month_end), (start, end));
    assert_eq!(messages_used(&usage).0, 1);
    // Looking at next month: nothing sent yet.
    let next = plans::usage_at(&store, acc, end).await.unwrap();
    assert_eq!(messages_used(&next).0, 0);

    // 2024-03-01 00:00 in São Paulo is 03:00 UTC; February 2024 has 29 days.
    let (march, april) = plans::month_of(1_709_290_800_000 + 5_000, &tz);
    assert_eq!(march, 1_709_262_000_000);
    assert_eq!(april - march, 31 * 24 * 3_600_000);
    let (feb, _) = plans::month_of(1_709_262_000_000 - 1, &tz);
    assert_eq!(march - feb, 29 * 24 * 3_600_000);
}

#[tokio::test]
async fn two_creates_at_the_last_slot_from_two_connections_let_exactly_one_through() {
    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    starter(
        &store,
        PlanLimits {
            contacts: Some(3),
            numbers: Some(2),
            ..PlanLimits::default()
        },
    )
    .await;
    contacts::create(&store, acc, &contact("11987654301"))
        .await
        .unwrap();
    contacts::create(&store, acc, &contact("11987654302"))
        .await
        .unwrap();
    support::number(&store, acc, "Vendas", false).await;
    // A second store on the same file: another process (the CLI, `serve`).
    let other = Store::open(dir.path()).await.unwrap();
    for round in 0..5 {
        let (one, two) = (
            contact(&format!("1198765{round}411")),
            contact(&format!("1198765{round}422")),
        );
        let (a, b) = tokio::join!(
            contacts::create(&store, acc, &one),
            contacts::create(&other, acc, &two),
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            usize::from(round == 0),
            "round {round}: {a:?} {b:?}"
        );
        for r in [a, b] {
            if let Err(e) = r {
                assert_eq!(e.code(), ErrorCode::PlanLimitReached);
            }
        }
    }
    let numbers = |name: &'static str, s: Store| async move {
        zapdesk_core::instances::create(
            &s,
            acc,
            &zapdesk_core::instances::NumberInput {
                name: name.into(),
                kind: zapdesk_core::domain::InstanceKind::Sandbox,
            },
        )
        .await
    };
    let (a, b) = tokio::join!(numbers("A", store.clone()), numbers("B", other.clone()));
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1);
    let pool = support::raw(&dir).await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM contacts WHERE account_id = ?",
            acc
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM instances WHERE account_id = ?",
            acc
        )
        .await,
        2
    );
}

#[tokio::test]
async fn an_accounts_override_beats_its_plan_and_only_owners_and_admins_change_limits() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let other = support::account(&store, "Padaria").await;
    starter(
        &store,
        PlanLimits {
            numbers: Some(1),
            ..PlanLimits::default()
        },
    )
    .await;
    support::number(&store, acc, "1", false).await;
    let more = PlanOverrides {
        numbers: Some(Override::Max { value: 2 }),
        ..PlanOverrides::default()
    };
    plans::set_overrides(&store, acc, &more).await.unwrap();
    assert_eq!(plans::overrides(&store, acc).await.unwrap(), more);
    support::number(&store, acc, "2", false).await;
    let e = zapdesk_core::instances::create(
        &store,
        acc,
        &zapdesk_core::instances::NumberInput {
            name: "3".into(),
            kind: zapdesk_core::domain::InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap_err();
    refused(&e, "permite 2 números; esta conta já tem 2.");
    let usage = plans::usage(&store, acc).await.unwrap();
    let n = usage
        .items
        .iter()
        .find(|i| i.limit == Limit::Numbers)
        .unwrap();
    assert_eq!((n.used, n.max, n.overridden), (2, Some(2), true));

    // "No limit" for this account; the other keeps the plan's.
    plans::set_overrides(
        &store,
        acc,
        &PlanOverrides {
            numbers: Some(Override::Unlimited),
            ..PlanOverrides::default()
        },
    )
    .await
    .unwrap();
    support::number(&store, acc, "3", false).await;
    support::number(&store, other, "1", false).await;
    let e = zapdesk_core::instances::create(
        &store,
        other,
        &zapdesk_core::instances::NumberInput {
            name: "2".into(),
            kind: zapdesk_core::domain::InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PlanLimitReached);
    // Another plan, another limit.
    let pro = plans::defaults(&store).await.unwrap();
    assert_eq!(
        pro.iter().find(|d| d.plan == Plan::Pro).unwrap().limits,
        PlanLimits::default()
    );

    // An agent may neither raise a plan nor their account's limits.
    owner_chosen(&store).await;
    let ana = member(&store, "Ana", Role::Agent, &[other]).await;
    users::set_me(&store, ana).await.unwrap();
    let e = plans::set_defaults(&store, Plan::Starter, &PlanLimits::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    let e = plans::set_overrides(&store, other, &more)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert_eq!(
        plans::overrides(&store, other).await.unwrap(),
        PlanOverrides::default()
    );
}

fn campaign(number: InstanceId, starts_at: Option<i64>) -> CampaignInput {
    CampaignInput {
        name: "Promo".into(),
        message: "Oi!".into(),
        audience: ContactFilter::default(),
        numbers: vec![number],
        pacing: Pacing::default(),
        starts_at,
        attachment: None,
        reply_flow: None,
    }
}

/// Item 3, review: a started campaign's recipients not sent yet count
/// against the month. With 5 a month and a running campaign still owing 3,
/// a second campaign of 3 is refused whole (not cut to the 2 left), and an
/// inbox reply still fits in what is left.
#[tokio::test]
async fn recipients_of_a_started_campaign_not_sent_yet_count_against_the_month() {
    let Month {
        _dir,
        store,
        acc,
        pool,
        number,
        convs,
        ..
    } = month_with(5, &["+5511987654321", "+5511987654322", "+5511987654323"]).await;
    let conv = convs[0];

    // Nothing sends here (no runner): its 3 recipients stay pending.
    campaigns::create(&store, acc, &campaign(number, None), now_ms())
        .await
        .unwrap();
    let pending =
        "SELECT count(*) FROM campaign_recipients WHERE account_id = ? AND state = 'pending'";
    assert_eq!(count(&pool, pending, acc).await, 3);
    let e = campaigns::create(&store, acc, &campaign(number, None), now_ms())
        .await
        .unwrap_err();
    refused(
        &e,
        "esta conta já enviou 0 neste mês, e campanhas já iniciadas ainda vão enviar 3 e a campanha tem 3 destinatários. Restam 2",
    );
    assert!(
        e.message(Lang::En)
            .contains("campaigns already started will still send 3")
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM campaigns WHERE account_id = ?",
            acc
        )
        .await,
        1
    );
    let usage = plans::usage(&store, acc).await.unwrap();
    assert_eq!(messages_used(&usage), (3, Some(5)));

    // Two replies fit in what is left; a third is refused.
    outbox::enqueue_text(&store, acc, conv, "Olá!")
        .await
        .unwrap();
    outbox::enqueue_text(&store, acc, conv, "Tudo bem?")
        .await
        .unwrap();
    let e = outbox::enqueue_text(&store, acc, conv, "Mais uma")
        .await
        .unwrap_err();
    refused(
        &e,
        "esta conta já enviou 2 neste mês, e campanhas já iniciadas ainda vão enviar 3.",
    );
}

/// Item 3, review: a scheduled campaign is checked against the month it
/// starts in, not the month it was scheduled in. This month is used up; the
/// next one is empty, and a campaign scheduled for it fits there.
#[tokio::test]
async fn a_scheduled_campaign_is_checked_against_the_month_it_starts_in() {
    let Month {
        _dir,
        store,
        acc,
        pool,
        number,
        convs,
        ..
    } = month_with(3, &["+5511987654321", "+5511987654322"]).await;
    let conv = convs[0];
    for text in ["Olá!", "Tudo bem?", "Posso ajudar?"] {
        outbox::enqueue_text(&store, acc, conv, text).await.unwrap();
    }
    let now = now_ms();
    let tz = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
    let (_, next_month) = plans::month_of(now, &tz);
    let starts = next_month + 3_600_000;

    // Now, this month: refused (3 of 3 sent).
    let e = campaigns::create(&store, acc, &campaign(number, None), now)
        .await
        .unwrap_err();
    refused(
        &e,
        "esta conta já enviou 3 neste mês e a campanha tem 2 destinatários",
    );
    // Next month: 0 sent there, 2 fit.
    campaigns::create(&store, acc, &campaign(number, Some(starts)), now)
        .await
        .unwrap();
    let scheduled = "SELECT count(*) FROM campaigns WHERE account_id = ? AND status = 'scheduled'";
    assert_eq!(count(&pool, scheduled, acc).await, 1);
    // Its 2 recipients are owed to next month, not to this one's usage…
    let used = |u: plans::PlanUsage| messages_used(&u).0;
    assert_eq!(used(plans::usage(&store, acc).await.unwrap()), 3);
    assert_eq!(used(plans::usage_at(&store, acc, starts).await.unwrap()), 2);
    // …so a second one for next month has 1 left there: refused.
    let e = campaigns::create(&store, acc, &campaign(number, Some(starts + 60_000)), now)
        .await
        .unwrap_err();
    refused(
        &e,
        "campanhas já iniciadas ainda vão enviar 2 e a campanha tem 2 destinatários. Restam 1",
    );
}

/// Review of item 4: a campaign scheduled for a later month is checked
/// against what that month owes, not against this month's running or paused
/// campaigns; and one scheduled for the month after is not owed to the next.
/// 3 a month: a running campaign owes 2 now; a campaign of 2 for next month
/// fits there (it was refused, charged with this month's 2).
#[tokio::test]
async fn a_campaign_for_a_later_month_is_not_charged_for_this_months_running_ones() {
    let Month {
        _dir,
        store,
        acc,
        number,
        ..
    } = month_with(3, &["+5511987654321", "+5511987654322"]).await;
    let now = now_ms();
    let tz = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
    let (_, next_month) = plans::month_of(now, &tz);
    let (_, after_next) = plans::month_of(next_month + 3_600_000, &tz);
    let used = |u: plans::PlanUsage| messages_used(&u).0;

    // Running now, nothing sends here: 2 owed to this month.
    let running = campaigns::create(&store, acc, &campaign(number, None), now)
        .await
        .unwrap();
    assert_eq!(used(plans::usage(&store, acc).await.unwrap()), 2);
    // Paused, it may resume at any moment: still this month's, only.
    campaigns::set_status(
        &store,
        acc,
        running.id,
        zapdesk_core::domain::CampaignStatus::Paused,
        now,
    )
    .await
    .unwrap();
    assert_eq!(used(plans::usage(&store, acc).await.unwrap()), 2);
    let starts = next_month + 3_600_000;
    assert_eq!(used(plans::usage_at(&store, acc, starts).await.unwrap()), 0);

    // Next month owes nothing yet: a campaign of 2 fits there.
    campaigns::create(&store, acc, &campaign(number, Some(starts)), now)
        .await
        .unwrap();
    assert_eq!(used(plans::usage_at(&store, acc, starts).await.unwrap()), 2);
    assert_eq!(used(plans::usage(&store, acc).await.unwrap()), 2);
    // The month after next owes nothing of either: 2 more fit there.
    let later = after_next + 3_600_000;
    assert_eq!(used(plans::usage_at(&store, acc, later).await.unwrap()), 0);
    campaigns::create(&store, acc, &campaign(number, Some(later)), now)
        .await
        .unwrap();
    assert_eq!(used(plans::usage_at(&store, acc, starts).await.unwrap()), 2);
    assert_eq!(used(plans::usage_at(&store, acc, later).await.unwrap()), 2);
}

/// Review of item 4: limits saved before 0035 reach the server. They got no
/// clock and `unpushed = 0`, so the sync engine never sent them; now each
/// written row gets the clock of when it was written and waits to be pushed,
/// and a row never written (0028's defaults) stays without one.
#[tokio::test]
async fn limits_saved_before_the_upgrade_get_a_clock_and_wait_to_be_pushed() {
    use sqlx::{ConnectOptions, Connection};
    let dir = tempfile::tempdir().unwrap();
    let before: Vec<_> = zapdesk_core::store::MIGRATOR
        .iter()
        .take_while(|m| m.version < 35)
        .cloned()
        .collect();
    assert_eq!(before.last().unwrap().version, 34);
    let old = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(before),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join(zapdesk_core::store::DB_FILE))
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    old.run(&mut conn).await.unwrap();
    // Written on 2023-11-14 22:13:20 UTC by the ZapDesk before this one.
    sqlx::query(
        "UPDATE plan_limits SET messages_month = 500, updated_at = 1700000000000
         WHERE plan = 'starter'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let node: String = sqlx::query_scalar("SELECT node FROM sync_clock")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    let rows: Vec<(String, Option<String>, i64)> =
        sqlx::query_as("SELECT plan, hlc, unpushed FROM plan_limits ORDER BY plan")
            .fetch_all(store.pool_for_sync())
            .await
            .unwrap();
    let starter = rows.iter().find(|r| r.0 == "starter").unwrap();
    assert_eq!(
        starter.1.as_deref(),
        Some(format!("1700000000000-00000-{node}").as_str()),
        "{rows:?}"
    );
    assert_eq!(starter.2, 1, "{rows:?}");
    for (plan, hlc, unpushed) in rows.iter().filter(|r| r.0 != "starter") {
        assert_eq!((hlc, unpushed), (&None, &0), "{plan}");
    }
    // A write after the upgrade is later than the adopted clock.
    plans::set_defaults(
        &store,
        Plan::Starter,
        &PlanLimits {
            messages: Some(600),
            ..PlanLimits::default()
        },
    )
    .await
    .unwrap();
    let later: String = sqlx::query_scalar("SELECT hlc FROM plan_limits WHERE plan = 'starter'")
        .fetch_one(store.pool_for_sync())
        .await
        .unwrap();
    assert!(later.as_str() > starter.1.as_deref().unwrap(), "{later}");
}

/// Review of item 4: each plan's limits are every account's, so only an
/// owner sets them (the agency's server admits owners only, postgres
/// 0022); an admin still sets an account's own limits.
#[tokio::test]
async fn only_an_owner_sets_a_plans_limits_and_an_admin_an_accounts_own() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let dona = owner_chosen(&store).await;
    let bia = member(&store, "Bia", Role::Admin, &[acc]).await;
    let three = PlanLimits {
        numbers: Some(3),
        ..PlanLimits::default()
    };

    users::set_me(&store, bia).await.unwrap();
    let e = plans::set_defaults(&store, Plan::Starter, &three)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert!(e.message(Lang::PtBr).contains("Só donos"), "{e}");
    assert!(e.message(Lang::En).contains("Only owners"), "{e}");
    let all = plans::defaults(&store).await.unwrap();
    let starter = all.iter().find(|d| d.plan == Plan::Starter).unwrap();
    assert_eq!(starter.limits, PlanLimits::default(), "nothing written");
    let own = PlanOverrides {
        numbers: Some(Override::Unlimited),
        ..PlanOverrides::default()
    };
    plans::set_overrides(&store, acc, &own).await.unwrap();

    users::set_me(&store, dona).await.unwrap();
    plans::set_defaults(&store, Plan::Starter, &three)
        .await
        .unwrap();
    let all = plans::defaults(&store).await.unwrap();
    let starter = all.iter().find(|d| d.plan == Plan::Starter).unwrap();
    assert_eq!(starter.limits, three);
}
