//! What an agent may not do, refused by the app's functions themselves (not
//! only hidden in the UI): exports, erasing a contact, other accounts; and
//! the team's changes reach the open screens.

use crate::support::{self, Recorder};

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::{InstanceKind, Role};
use zapdesk_core::filter::ContactSelection;
use zapdesk_core::ids::CampaignId;
use zapdesk_core::inbox::conversations;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::work;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::team::Invitation;
use zapdesk_core::{ErrorCode, Lang, UserError, users};

#[tokio::test]
async fn an_agent_is_refused_exports_erasure_and_accounts_not_given() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let store = app.store();
    let given = support::account(store).await;
    let other = accounts::create(
        store,
        &AccountInput {
            name: "Outra loja".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let maria = contacts::create(
        store,
        given,
        &ContactInput {
            phone: "+5511987654321".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap();
    let invite = |name: &str, role| Invitation {
        name: name.into(),
        email: format!("{name}@agencia.com"),
        role,
        accounts: vec![given],
    };
    let admin = app
        .team_invite(&invite("carlos", Role::Admin))
        .await
        .unwrap();
    let agent = app.team_invite(&invite("ana", Role::Agent)).await.unwrap();
    users::set_me(store, agent.id).await.unwrap();

    let csv = dir.path().join("contatos.csv");
    let all = ContactSelection::Ids {
        ids: vec![maria.id],
    };
    // Exports: contacts, a campaign's recipients, a contact's LGPD copy.
    let e = app
        .contacts_export(given, &all, Lang::PtBr, &csv)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert!(e.message(Lang::PtBr).contains("exportar"));
    assert!(!csv.exists(), "nothing written");
    let e = app
        .campaigns_export(given, CampaignId::new(), Lang::En, &csv)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    let e = app
        .contacts_lgpd_export(given, maria.id, Lang::En, &csv)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    // Erasing a contact (LGPD).
    let e = app
        .contacts_erase(given, maria.id, Lang::En)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert!(e.message(Lang::En).contains("erase"));
    contacts::get(store, given, maria.id).await.unwrap();
    // Settings the shell guards through the app.
    let e = app
        .require(zapdesk_core::access::Area::Settings)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    // Accounts: only the one given is listed.
    let seen: Vec<_> = app
        .accounts_visible(false)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(seen, [given]);
    // The window hears no event before the grant is read, then only the
    // account given; an admin's window, every account once read again.
    let grants = zapdesk_app::WindowGrants::new();
    assert!(!grants.may_see(given));
    grants.read_again(&app).await.unwrap();
    assert!(grants.may_see(given));
    assert!(!grants.may_see(other));
    users::set_me(store, admin.id).await.unwrap();
    assert!(!grants.may_see(other), "kept until read again");
    grants.read_again(&app).await.unwrap();
    assert!(grants.may_see(other) && grants.may_see(given));
    users::set_me(store, agent.id).await.unwrap();
    grants.read_again(&app).await.unwrap();
    assert!(!grants.may_see(other));
    // The window's badge counts only the chats of the account given.
    for (account, wa_id) in [(given, "m1"), (other, "m2")] {
        let number = instances::create(
            store,
            account,
            &NumberInput {
                name: "Balcão".into(),
                kind: InstanceKind::Sandbox,
            },
        )
        .await
        .unwrap()
        .id;
        let inbound = Inbound {
            wa_id: wa_id.into(),
            phone: "+5511912345678".into(),
            body: "oi".into(),
            sent_at: 1_000,
            ..Default::default()
        };
        ingest(store, account, number, &inbound).await.unwrap();
    }
    assert_eq!(app.unread_visible().await.unwrap(), 1);

    // An admin may: the same calls go through (or fail for their own reasons).
    users::set_me(store, admin.id).await.unwrap();
    assert_eq!(app.unread_visible().await.unwrap(), 2);
    app.contacts_export(given, &all, Lang::PtBr, &csv)
        .await
        .unwrap();
    assert!(std::fs::read_to_string(&csv).unwrap().contains("Maria"));
    let e = app
        .campaigns_export(given, CampaignId::new(), Lang::En, &csv)
        .await
        .unwrap_err();
    assert_ne!(e.code(), ErrorCode::OperatorForbidden);
    let seen: Vec<_> = app
        .accounts_visible(false)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert!(seen.contains(&other) && seen.contains(&given));
    app.contacts_erase(given, maria.id, Lang::En).await.unwrap();
}

#[tokio::test]
async fn removing_an_operator_tells_the_screens_of_the_chats_sent_back_to_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let number = instances::create(
        app.store(),
        acc,
        &NumberInput {
            name: "Vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let chat = ingest(
        app.store(),
        acc,
        number,
        &Inbound {
            wa_id: "m1".into(),
            phone: "+5511987654321".into(),
            body: "oi".into(),
            sent_at: 1_000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap()
    .conversation;
    let ana = app
        .team_invite(&Invitation {
            name: "Ana".into(),
            email: "ana@agencia.com".into(),
            role: Role::Agent,
            accounts: vec![acc],
        })
        .await
        .unwrap();
    let users_changed = Change {
        account: None,
        table: Table::Users,
    };
    told.until_change(users_changed).await;
    work::assign(app.store(), acc, chat, Some(ana.id))
        .await
        .unwrap();
    told.clear();
    app.team_remove(ana.id).await.unwrap();
    told.until_change(users_changed).await;
    told.until_change(Change::of(acc, Table::Conversations))
        .await;
    assert!(users::list(app.store()).await.unwrap().is_empty());
    let summary = conversations::get(app.store(), acc, chat).await.unwrap();
    assert_eq!(summary.assignee_id, None);
}
