//! The team managed in the app (issue 18) against a real SQLite file: invite
//! with a role and accounts, edit, remove keeping history, the last owner,
//! and what an agent is refused by the core itself.

use zapdesk_core::access::{self, Area};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::api_tokens::{self, ApiTokenInput, Scope};
use zapdesk_core::domain::{ConversationStatus, InstanceKind, Role};
use zapdesk_core::inbox::conversations;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::work;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::team::{self, Invitation, Login, MemberEdit};
use zapdesk_core::users;
use zapdesk_core::{AccountId, ConversationId, ErrorCode, Lang, Store, UserError, UserId};

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    loja: AccountId,
    padaria: AccountId,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let loja = account(&store, "Loja").await;
    let padaria = account(&store, "Padaria").await;
    Fixture {
        _dir: dir,
        store,
        loja,
        padaria,
    }
}

async fn account(store: &Store, name: &str) -> AccountId {
    accounts::create(
        store,
        &AccountInput {
            name: name.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

fn invitation(name: &str, role: Role, accounts: &[AccountId]) -> Invitation {
    Invitation {
        name: name.into(),
        email: format!("{}@agencia.com", name.to_lowercase()),
        role,
        accounts: accounts.to_vec(),
    }
}

async fn chat(store: &Store, account: AccountId, phone: &str, wa_id: &str) -> ConversationId {
    let number = instances::create(
        store,
        account,
        &NumberInput {
            name: format!("Número {wa_id}"),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let msg = Inbound {
        wa_id: wa_id.into(),
        phone: phone.into(),
        body: "oi".into(),
        sent_at: 1_000,
        ..Default::default()
    };
    ingest(store, account, number, &msg)
        .await
        .unwrap()
        .unwrap()
        .conversation
}

#[tokio::test]
async fn operators_are_invited_edited_and_removed_keeping_their_history() {
    let f = fixture().await;
    let dona = team::invite(&f.store, &invitation("Dona", Role::Owner, &[]))
        .await
        .unwrap();
    users::set_me(&f.store, dona.id).await.unwrap();

    let ana = team::invite(&f.store, &invitation("Ana", Role::Agent, &[f.loja]))
        .await
        .unwrap();
    assert_eq!(ana.role, Role::Agent);
    assert_eq!(ana.accounts, [f.loja]);
    let e = team::invite(&f.store, &invitation("Ana", Role::Agent, &[]))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::EmailDuplicate);

    let ana = team::edit(
        &f.store,
        ana.id,
        &MemberEdit {
            name: "Ana Souza".into(),
            role: Role::Admin,
            accounts: vec![f.padaria, f.loja],
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (ana.name.as_str(), ana.role, ana.accounts.len()),
        ("Ana Souza", Role::Admin, 2)
    );

    // Ana has one chat resolved and one open; removing her keeps the first
    // with her name and sends the second back to the queue.
    let done = chat(&f.store, f.loja, "+5511911110001", "m1").await;
    let open = chat(&f.store, f.padaria, "+5511911110002", "m2").await;
    work::assign(&f.store, f.loja, done, Some(ana.id))
        .await
        .unwrap();
    work::set_status(&f.store, f.loja, done, ConversationStatus::Resolved)
        .await
        .unwrap();
    work::assign(&f.store, f.padaria, open, Some(ana.id))
        .await
        .unwrap();

    let removed = team::remove(&f.store, ana.id).await.unwrap();
    assert_eq!(removed.released, [f.padaria]);
    let kept = conversations::get(&f.store, f.loja, done).await.unwrap();
    assert_eq!(kept.assignee_id, Some(ana.id));
    assert_eq!(kept.assignee_name.as_deref(), Some("Ana Souza"));
    let queued = conversations::get(&f.store, f.padaria, open).await.unwrap();
    assert_eq!(queued.assignee_id, None);
    let names: Vec<String> = team::members(&f.store)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["Dona"]);
    assert!(
        users::list(&f.store)
            .await
            .unwrap()
            .iter()
            .all(|u| u.id != ana.id)
    );
    // Nobody assigns a chat to someone who left.
    let e = work::assign(&f.store, f.padaria, open, Some(ana.id))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UserUnknown);

    // Invited again, the same person comes back (their history is theirs).
    let back = team::invite(&f.store, &invitation("Ana", Role::Agent, &[f.loja]))
        .await
        .unwrap();
    assert_eq!(back.id, ana.id);
    assert_eq!(back.accounts, [f.loja]);
}

#[tokio::test]
async fn the_last_owner_is_neither_removed_nor_demoted() {
    let f = fixture().await;
    let dona = team::invite(&f.store, &invitation("Dona", Role::Owner, &[]))
        .await
        .unwrap();
    users::set_me(&f.store, dona.id).await.unwrap();
    let e = team::remove(&f.store, dona.id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::LastOwner);
    assert!(e.message(Lang::PtBr).contains("pelo menos um dono"));
    assert!(e.message(Lang::En).contains("at least one owner"));
    let demote = MemberEdit {
        name: "Dona".into(),
        role: Role::Admin,
        accounts: vec![],
    };
    let e = team::edit(&f.store, dona.id, &demote).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::LastOwner);
    assert_eq!(team::members(&f.store).await.unwrap()[0].role, Role::Owner);

    // With a second owner, the first may step down.
    team::invite(&f.store, &invitation("Bia", Role::Owner, &[]))
        .await
        .unwrap();
    team::edit(&f.store, dona.id, &demote).await.unwrap();
}

#[tokio::test]
async fn an_admin_does_not_touch_owners_and_an_agent_does_not_manage_the_team() {
    let f = fixture().await;
    let dona = team::invite(&f.store, &invitation("Dona", Role::Owner, &[]))
        .await
        .unwrap();
    let admin = team::invite(&f.store, &invitation("Carlos", Role::Admin, &[]))
        .await
        .unwrap();
    let agent = team::invite(&f.store, &invitation("Ana", Role::Agent, &[f.loja]))
        .await
        .unwrap();

    users::set_me(&f.store, admin.id).await.unwrap();
    let e = team::remove(&f.store, dona.id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    let e = team::invite(&f.store, &invitation("Nova", Role::Owner, &[]))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    team::invite(&f.store, &invitation("Beto", Role::Agent, &[]))
        .await
        .unwrap();

    users::set_me(&f.store, agent.id).await.unwrap();
    let e = team::invite(&f.store, &invitation("Caio", Role::Agent, &[]))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert!(e.message(Lang::PtBr).contains("equipe"));
    // Not even their own accounts.
    let e = team::edit(
        &f.store,
        agent.id,
        &MemberEdit {
            name: "Ana".into(),
            role: Role::Agent,
            accounts: vec![f.loja, f.padaria],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    let e = team::remove(&f.store, dona.id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert_eq!(team::members(&f.store).await.unwrap().len(), 4);
}

#[tokio::test]
async fn an_agent_sees_only_their_accounts_and_no_settings() {
    let f = fixture().await;
    let agent = team::invite(&f.store, &invitation("Ana", Role::Agent, &[f.loja]))
        .await
        .unwrap();
    // Nobody chosen yet: a desktop without a team may do everything.
    assert_eq!(access::visible_accounts(&f.store).await.unwrap(), None);
    access::require(&f.store, Area::Settings).await.unwrap();

    users::set_me(&f.store, agent.id).await.unwrap();
    let visible = access::visible_accounts(&f.store).await.unwrap().unwrap();
    assert_eq!(visible.into_iter().collect::<Vec<_>>(), [f.loja]);
    access::require_account(&f.store, f.loja).await.unwrap();
    let e = access::require_account(&f.store, f.padaria)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::AccountNotGranted);
    assert!(e.message(Lang::PtBr).contains("não tem acesso"));

    // Settings, refused by the core functions themselves.
    let e = accounts::update(
        &f.store,
        f.loja,
        &AccountInput {
            name: "Loja nova".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert!(e.message(Lang::En).contains("settings"));
    let e = accounts::create(
        &f.store,
        &AccountInput {
            name: "Outra".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    let e = accounts::set_archived(&f.store, f.loja, true)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    // The agency's tokens (names, scopes, accounts) are settings too.
    let e = api_tokens::list(&f.store).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    let e = api_tokens::create(
        &f.store,
        &ApiTokenInput {
            name: "n8n".into(),
            account_id: Some(f.loja),
            scopes: vec![Scope::Read],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert_eq!(
        accounts::get(&f.store, f.loja).await.unwrap().name,
        "Loja",
        "nothing written"
    );
    assert_eq!(accounts::list(&f.store, true).await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_operator_removed_while_chosen_here_may_do_nothing() {
    let f = fixture().await;
    team::invite(&f.store, &invitation("Dona", Role::Owner, &[]))
        .await
        .unwrap();
    let bia = team::invite(&f.store, &invitation("Bia", Role::Owner, &[]))
        .await
        .unwrap();
    users::set_me(&f.store, bia.id).await.unwrap();
    team::remove(&f.store, bia.id).await.unwrap();
    // Not "nobody chosen" (which may do everything): nothing until someone
    // else is chosen.
    assert_eq!(users::me(&f.store).await.unwrap().map(|u| u.id), None);
    let e = access::require(&f.store, Area::Export).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert!(
        access::visible_accounts(&f.store)
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
    let e = team::invite(&f.store, &invitation("Caio", Role::Agent, &[]))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
}

#[tokio::test]
async fn with_sync_the_operator_is_the_login() {
    let f = fixture().await;
    let picked = team::invite(&f.store, &invitation("Dona", Role::Owner, &[]))
        .await
        .unwrap();
    users::set_me(&f.store, picked.id).await.unwrap();
    assert!(!team::me_from_login(&f.store).await.unwrap());

    let login = Login {
        id: UserId::new(),
        name: "Ana do servidor".into(),
        email: "ANA@agencia.com".into(),
        role: Role::Agent,
        accounts: vec![f.padaria, AccountId::new()],
    };
    let id = team::adopt_login(&f.store, &login).await.unwrap();
    assert_eq!(id, login.id);
    let me = users::me(&f.store).await.unwrap().unwrap();
    assert_eq!(
        (me.id, me.name.as_str(), me.email.as_str(), me.role),
        (login.id, "Ana do servidor", "ana@agencia.com", Role::Agent)
    );
    assert!(team::me_from_login(&f.store).await.unwrap());
    // Only the accounts this desktop has; the rest come at a later connection.
    let visible = access::visible_accounts(&f.store).await.unwrap().unwrap();
    assert_eq!(visible.into_iter().collect::<Vec<_>>(), [f.padaria]);
    // No picking someone else from the list while connected.
    let e = users::set_me(&f.store, picked.id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert!(e.message(Lang::PtBr).contains("sincronização"));

    // The same e-mail logging in again is the same row, with the server's word.
    let again = team::adopt_login(
        &f.store,
        &Login {
            id: UserId::new(),
            role: Role::Admin,
            ..login.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(again, login.id);
    assert_eq!(
        users::me(&f.store).await.unwrap().unwrap().role,
        Role::Admin
    );

    team::forget_login(&f.store).await.unwrap();
    users::set_me(&f.store, picked.id).await.unwrap();
}
