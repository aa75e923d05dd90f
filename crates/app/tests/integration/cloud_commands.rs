//! Actions from the cloud, run by the whole app as the window runs it: rows
//! an integration's login inserts into the agency's `zapdesk.commands` (the
//! real PostgreSQL) are executed by the desktop running the number — a text
//! reaches the Sandbox's fake WhatsApp once, a tag lands on the contact, a
//! flow starts — and their outcome is written back; a row for a number
//! this desktop does not run waits; a row that cannot be executed fails
//! with `command_invalid` and a text in the desktop's language. Killed
//! between claim and finish (even after executing half of a batch), the
//! desktop executes the rows again at its next start, and nothing is sent
//! or started twice; nor when another desktop takes a row over after ten
//! minutes. Closed mid-batch, the desktop writes the outcome of the row it
//! was executing and gives the others back; a row that keeps failing here
//! does not hold up the rows after it, and fails at its fifth claim. A
//! send given up as `database_failed` and run again from Settings is
//! executed only by the desktop that ran it (remote 0021), once; the
//! Settings panel asks again on one kept connection.

use std::time::Duration;

use crate::support::{self, Recorder};

use serde_json::Value;
use sqlx::PgConnection;
use zapdesk_app::{App, Scope, SendContent, SendRequest, SendTo, command_message, command_session};
use zapdesk_core::automation::{flow, flows, sessions, settings as bot_settings};
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::ids::{CommandId, FlowId};
use zapdesk_core::inbox::conversations;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::lease::LeaseAnswer;
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, InstanceId, Lang, opt_out, settings, tags};
use zapdesk_sync::MemberRole;
use zapdesk_sync::commands::{BATCH, RemoteCommands};
use zapdesk_sync::invite::{Invitation, invite};
use zapdesk_sync::leases::RemoteLeases;
use zapdesk_sync::testing::desktop::{Desktop, first_desktop};
use zapdesk_sync::testing::{ScratchDatabase, use_memory_keyring};
use zapdesk_sync::{ConnectionSettings, Password, SyncRunner};
use zapdesk_whatsapp::fleet::FleetConfig;
use zapdesk_whatsapp::sandbox::{SandboxServer, SandboxState};
use zapdesk_whatsapp::status::Status;

const MARIA: &str = "+5511987650001";
const JOAO: &str = "+5511987650002";
const ANA: &str = "+5511987650003";
const WELCOME: &str = "Bem-vindo à Padaria Pão Quente!";

/// A desktop sharing its account through the scratch server, with a
/// Sandbox number it runs, another number it does not run, a published
/// flow, and the login an integration (Zapier) writes commands with.
struct Setup {
    /// Dropped (database and roles) when the test ends.
    db: ScratchDatabase,
    desk: Desktop,
    acc: AccountId,
    number: InstanceId,
    /// A number of the account nobody runs.
    idle: InstanceId,
    flow: FlowId,
    fake: SandboxServer,
    zapier: PgConnection,
}

async fn setup() -> Setup {
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let desk = first_desktop(&db).await;
    let acc = desk.account_id();
    let store = &desk.store;
    let mut numbers = Vec::new();
    for name in ["Balcão", "Entregas"] {
        let input = NumberInput {
            name: name.into(),
            kind: InstanceKind::Sandbox,
        };
        numbers.push(instances::create(store, acc, &input).await.unwrap().id);
    }
    let (number, idle) = (numbers[0], numbers[1]);
    instances::set_autostart(store, acc, number, true)
        .await
        .unwrap();
    let mut bot = bot_settings::get(store, acc).await.unwrap();
    bot.enabled = true;
    bot_settings::save(store, acc, &bot).await.unwrap();
    let doc = serde_json::json!({
        "schema": 1, "start": "oi",
        "nodes": [{"id": "oi", "position": {"x": 0, "y": 0}, "type": "send",
                   "content": {"kind": "text", "text": WELCOME}, "typing_ms": 0}],
        "edges": []
    });
    let made = flows::create(
        store,
        acc,
        "Boas-vindas",
        Some(flow::parse(&doc.to_string()).unwrap()),
    )
    .await
    .unwrap();
    flows::publish(store, acc, made.id, made.revision)
        .await
        .unwrap();
    // The numbers on the server: a command names them.
    desk.push().await;

    let fake =
        SandboxServer::open(&desk.dir.path().join("sandbox").join(number.to_string())).unwrap();
    fake.set_state(&SandboxState {
        paired: true,
        autopilot: false,
        qr_rotate_ms: 3_600_000,
        ..SandboxState::default()
    })
    .unwrap();

    // As Settings saves it: the app resumes sync (and commands) from it.
    let saving = SyncRunner::new(store.clone(), std::sync::Arc::new(|_| {}));
    saving
        .connect(
            ConnectionSettings::new("127.0.0.1", 5432, &db.name, &desk.role),
            &Password::new("senha-de-teste-123"),
            Lang::PtBr,
        )
        .await
        .unwrap();
    saving.shutdown().await;

    // The integration logs in as an operator invited for it.
    let zapier_role = invite(
        &db.owner(),
        &Invitation {
            email: format!("zapier-{}@agencia.com.br", zapdesk_sync::testing::suffix()),
            display_name: "Zapier".into(),
            role: MemberRole::Agent,
            account: acc,
        },
        None,
    )
    .await
    .unwrap()
    .role_name;
    let zapier = db.connect_as(&zapier_role).await;
    Setup {
        db,
        desk,
        acc,
        number,
        idle,
        flow: made.id,
        fake,
        zapier,
    }
}

/// The app on the desktop's folder, with this machine's Chromium.
async fn open(desk: &Desktop, told: &Recorder) -> App {
    let config = FleetConfig {
        chromium: support::chromium(),
        ..FleetConfig::new(desk.dir.path().to_path_buf())
    };
    App::open_with(config, told.host()).await.unwrap()
}

/// A row as Zapier's "New Row" writes it: one column per field.
async fn insert(
    s: &mut Setup,
    number: Option<InstanceId>,
    kind: &str,
    phone: &str,
    field: (&str, &str),
) -> CommandId {
    let (column, value) = field;
    assert!(["text", "tag", "flow"].contains(&column));
    let id: String = sqlx::query_scalar(&format!(
        "INSERT INTO zapdesk.commands (account_id, instance_id, kind, phone, {column})
         VALUES ($1, $2, $3, $4, $5) RETURNING id::text"
    ))
    .bind(s.acc.as_uuid())
    .bind(number.map(|n| n.as_uuid()))
    .bind(kind)
    .bind(phone)
    .bind(value)
    .fetch_one(&mut s.zapier)
    .await
    .unwrap();
    id.parse().unwrap()
}

/// A row as the integration reads it back.
#[derive(Debug)]
struct Row {
    status: String,
    attempts: i32,
    result: Option<Value>,
    code: Option<String>,
    message: Option<String>,
}

async fn read(conn: &mut PgConnection, id: CommandId) -> Row {
    let (status, attempts, result, code, message): (
        String,
        i32,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT status, attempts, result::text, error_code, error_message
         FROM zapdesk.commands WHERE id = $1",
    )
    .bind(id.as_uuid())
    .fetch_one(conn)
    .await
    .unwrap();
    Row {
        status,
        attempts,
        result: result.map(|r| serde_json::from_str(&r).unwrap()),
        code,
        message,
    }
}

/// Waits until each row is done or failed, as an integration polling the
/// table would (the server tells nobody of a finished row).
async fn finished(conn: &mut PgConnection, ids: &[CommandId]) -> Vec<Row> {
    let found = tokio::time::timeout(support::WAIT, async {
        loop {
            let mut rows = Vec::new();
            for id in ids {
                rows.push(read(conn, *id).await);
            }
            if rows
                .iter()
                .all(|r| r.status == "done" || r.status == "failed")
            {
                return rows;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("commands {ids:?} never finished"))
}

/// How many times the fake WhatsApp received `text` in the chat of `phone`.
fn on_whatsapp(fake: &SandboxServer, phone: &str, text: &str) -> usize {
    let digits = phone.trim_start_matches('+');
    fake.sent()
        .unwrap()
        .iter()
        .filter(|s| s.chat.contains(digits) && s.text == text)
        .count()
}

async fn connected(told: &Recorder, number: InstanceId) {
    told.until_status(number, "connected", |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_from_the_cloud_run_on_the_desktop_that_runs_the_number_and_say_how_they_ended() {
    let _one = support::serial();
    let mut s = setup().await;
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    let started = app.start(Scope::All).await.unwrap();
    assert!(started.sync.is_ok(), "{:?}", started.sync);
    connected(&told, s.number).await;

    let (number, idle) = (s.number, s.idle);
    let elsewhere = insert(&mut s, Some(idle), "send_text", MARIA, ("text", "Oi")).await;
    let text = "Olá Maria!\nSeu pedido \"Pão de queijo\" está pronto.";
    let sent = insert(&mut s, Some(number), "send_text", MARIA, ("text", text)).await;
    let tagged = insert(&mut s, None, "add_tag", MARIA, ("tag", "Cliente VIP")).await;
    let bad = insert(&mut s, None, "send_text", MARIA, ("tag", "sem texto")).await;
    let flow = insert(&mut s, None, "start_flow", JOAO, ("flow", "BOAS-VINDAS")).await;
    let rows = finished(&mut s.zapier, &[sent, tagged, bad, flow]).await;

    // The text: queued under the id derived from the command, sent once.
    let sent_row = &rows[0];
    assert_eq!((sent_row.status.as_str(), sent_row.attempts), ("done", 1));
    let result = sent_row.result.as_ref().unwrap();
    let message = command_message(s.acc, sent);
    assert_eq!(result["message_id"], message.to_string());
    assert_eq!(result["instance_id"], number.to_string());
    told.until("the text on WhatsApp", |_| {
        on_whatsapp(&s.fake, MARIA, text) > 0
    })
    .await;
    assert_eq!(on_whatsapp(&s.fake, MARIA, text), 1);

    // The tag, made for the occasion, on the contact.
    let tagged_row = &rows[1];
    assert_eq!(tagged_row.status, "done", "{tagged_row:?}");
    let result = tagged_row.result.as_ref().unwrap();
    assert_eq!(
        (&result["added"], &result["tag_created"]),
        (&Value::Bool(true), &Value::Bool(true))
    );
    let maria: zapdesk_core::ContactId =
        serde_json::from_value(result["contact_id"].clone()).unwrap();
    let on_maria = tags::of_contact(app.store(), s.acc, maria).await.unwrap();
    assert_eq!(
        on_maria.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["Cliente VIP"]
    );

    // No text: refused as written, in the desktop's language (pt-BR).
    let bad_row = &rows[2];
    assert_eq!(bad_row.status, "failed");
    assert_eq!(bad_row.code.as_deref(), Some("command_invalid"));
    let said = bad_row.message.as_deref().unwrap();
    assert!(said.contains("precisa do campo \"text\""), "{said}");
    assert!(bad_row.result.is_none());

    // The flow, named without care for case, started for a new contact on
    // the running number: its message reaches WhatsApp.
    let flow_row = &rows[3];
    assert_eq!(flow_row.status, "done", "{flow_row:?}");
    let result = flow_row.result.as_ref().unwrap();
    assert_eq!(result["already_started"], Value::Bool(false));
    assert_eq!(result["contact_created"], Value::Bool(true));
    assert_eq!(result["instance_id"], number.to_string());
    told.until("the flow's message on WhatsApp", |_| {
        on_whatsapp(&s.fake, JOAO, WELCOME) > 0
    })
    .await;

    // English when the desktop speaks English; a tag taken off again.
    settings::set_language(app.store(), Lang::En).await.unwrap();
    let bad_en = insert(&mut s, None, "add_tag", MARIA, ("text", "no tag")).await;
    let untag = insert(&mut s, None, "remove_tag", MARIA, ("tag", "cliente vip")).await;
    let rows = finished(&mut s.zapier, &[bad_en, untag]).await;
    assert_eq!(rows[0].code.as_deref(), Some("command_invalid"));
    let said = rows[0].message.as_deref().unwrap();
    assert!(said.contains("needs the \"tag\" field"), "{said}");
    assert_eq!(rows[1].status, "done", "{:?}", rows[1]);
    assert_eq!(
        rows[1].result.as_ref().unwrap()["removed"],
        Value::Bool(true)
    );
    assert!(
        tags::of_contact(app.store(), s.acc, maria)
            .await
            .unwrap()
            .is_empty()
    );

    // The row for the number nobody runs here was never taken.
    let waiting = read(&mut s.zapier, elsewhere).await;
    assert_eq!((waiting.status.as_str(), waiting.attempts), ("pending", 0));
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_killed_between_claim_and_finish_executes_the_rows_again_without_doing_anything_twice()
 {
    let _one = support::serial();
    let mut s = setup().await;
    let (acc, number, flow) = (s.acc, s.number, s.flow);
    let reminder = "Lembrete: sua encomenda fica pronta às 16h.";
    let text = insert(&mut s, Some(number), "send_text", ANA, ("text", reminder)).await;
    let started = insert(&mut s, None, "start_flow", ANA, ("flow", &flow.to_string())).await;
    let tagged = insert(&mut s, None, "add_tag", ANA, ("tag", "Encomenda")).await;

    // The desktop holds the number's lease and claims the three rows…
    let lease = RemoteLeases::new(
        &s.desk.store,
        s.desk.remote.clone(),
        Duration::from_secs(60),
        Lang::PtBr,
    )
    .await
    .unwrap();
    assert!(matches!(
        lease.take(acc, number).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
    let mut server =
        RemoteCommands::connect(&s.desk.store, &s.desk.remote, Duration::from_secs(15))
            .await
            .unwrap();
    let claimed = server.claim(&[number], now_ms(), BATCH).await.unwrap();
    assert_eq!(
        claimed.iter().map(|c| c.id).collect::<Vec<_>>(),
        [text, started, tagged]
    );
    // …executes the first two as the app does (the text queued under the
    // command's message id, the flow started in Ana's conversation)…
    let first = {
        let told = Recorder::new();
        let app = open(&s.desk, &told).await;
        let request = SendRequest {
            to: SendTo::Phone(ANA.into()),
            from: Some(number),
            content: SendContent::Text {
                text: reminder.into(),
            },
        };
        let queued = app
            .send(acc, command_message(acc, text), request)
            .await
            .unwrap();
        let session = app
            .flow_start_as(
                acc,
                queued.conversation,
                flow,
                command_session(acc, started),
            )
            .await
            .unwrap()
            .session;
        app.shutdown().await;
        (queued, session)
    };
    // …and is killed before writing any outcome.
    drop(server);
    for id in [text, started, tagged] {
        assert_eq!(read(&mut s.zapier, id).await.status, "running");
    }

    // Started again: the same rows, executed again, finished once.
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    app.start(Scope::All).await.unwrap();
    connected(&told, number).await;
    let rows = finished(&mut s.zapier, &[text, started, tagged]).await;
    for row in &rows {
        assert_eq!((row.status.as_str(), row.attempts), ("done", 2), "{row:?}");
    }
    let (queued, session) = first;
    let result = rows[0].result.as_ref().unwrap();
    assert_eq!(result["message_id"], queued.message.id.to_string());
    let result = rows[1].result.as_ref().unwrap();
    assert_eq!(result["session_id"], session.to_string());
    assert_eq!(result["already_started"], Value::Bool(true));
    assert_eq!(rows[2].result.as_ref().unwrap()["added"], Value::Bool(true));

    // One message queued and one sent; one session, whose message went once.
    told.until("the reminder and the flow's message on WhatsApp", |_| {
        on_whatsapp(&s.fake, ANA, reminder) > 0 && on_whatsapp(&s.fake, ANA, WELCOME) > 0
    })
    .await;
    let thread = conversations::thread(app.store(), acc, queued.conversation, None, 50)
        .await
        .unwrap();
    assert_eq!(thread.iter().filter(|m| m.body == reminder).count(), 1);
    assert_eq!(thread.iter().filter(|m| m.body == WELCOME).count(), 1);
    let log = sessions::log(app.store(), acc, queued.conversation, 100)
        .await
        .unwrap();
    assert_eq!(
        log.iter().filter(|l| l.what == "started").count(),
        1,
        "{log:?}"
    );
    // Shut down: whatever was still on its way has been sent.
    app.shutdown().await;
    assert_eq!(on_whatsapp(&s.fake, ANA, reminder), 1);
    assert_eq!(on_whatsapp(&s.fake, ANA, WELCOME), 1);
}

/// Reclaimable at once by whichever desktop claims next, as if the desktop
/// that claimed it had been gone ten minutes.
async fn abandoned(db: &ScratchDatabase, id: CommandId) {
    let mut owner = db.connect_owner().await;
    sqlx::query(
        "UPDATE zapdesk.commands SET status = 'running', result = NULL, finished_at = NULL,
                claimed_by = 'a-desktop-that-slept', claimed_at = now() - interval '11 minutes',
                claimed_local_ms = 1
         WHERE id = $1",
    )
    .bind(id.as_uuid())
    .execute(&mut owner)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_taken_over_from_another_desktop_is_not_done_twice() {
    let _one = support::serial();
    let mut s = setup().await;
    let (acc, flow) = (s.acc, s.flow);
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    app.start(Scope::All).await.unwrap();
    connected(&told, s.number).await;
    let reminder = "Sua consulta é amanhã às 9h.";
    let text = insert(&mut s, None, "send_text", ANA, ("text", reminder)).await;
    let started = insert(&mut s, None, "start_flow", ANA, ("flow", &flow.to_string())).await;
    let first = finished(&mut s.zapier, &[text, started]).await;
    assert_eq!(
        first[1].result.as_ref().unwrap()["already_started"],
        Value::Bool(false)
    );
    let session = command_session(acc, started);
    assert_eq!(
        first[1].result.as_ref().unwrap()["session_id"],
        session.to_string()
    );

    // The desktop that executed them (this one, its session and message
    // synced to any other) never wrote the outcome and was gone for ten
    // minutes; meanwhile Ana opted out. This desktop takes both rows over.
    for id in [text, started] {
        abandoned(&s.db, id).await;
    }
    let ana: zapdesk_core::ContactId =
        serde_json::from_value(first[0].result.as_ref().unwrap()["contact_id"].clone()).unwrap();
    assert!(opt_out::set(app.store(), acc, ana, true).await.unwrap());
    // A new row pokes the desktop to claim.
    let poke = insert(&mut s, None, "add_tag", MARIA, ("tag", "Agendado")).await;
    let rows = finished(&mut s.zapier, &[text, started, poke]).await;

    // The text was queued: done, with that message, not refused now.
    assert_eq!(
        (rows[0].status.as_str(), rows[0].attempts),
        ("done", 2),
        "{:?}",
        rows[0]
    );
    let result = rows[0].result.as_ref().unwrap();
    assert_eq!(result["message_id"], command_message(acc, text).to_string());
    assert_eq!(result["contact_id"], ana.to_string());
    // The flow was started: that session, not a second one.
    assert_eq!(
        (rows[1].status.as_str(), rows[1].attempts),
        ("done", 2),
        "{:?}",
        rows[1]
    );
    let result = rows[1].result.as_ref().unwrap();
    assert_eq!(result["session_id"], session.to_string());
    assert_eq!(result["already_started"], Value::Bool(true));
    let conversation: zapdesk_core::ConversationId =
        serde_json::from_value(result["conversation_id"].clone()).unwrap();
    let log = sessions::log(app.store(), acc, conversation, 100)
        .await
        .unwrap();
    assert_eq!(
        log.iter().filter(|l| l.what == "started").count(),
        1,
        "{log:?}"
    );
    told.until("the reminder and the flow's message on WhatsApp", |_| {
        on_whatsapp(&s.fake, ANA, reminder) > 0 && on_whatsapp(&s.fake, ANA, WELCOME) > 0
    })
    .await;
    app.shutdown().await;
    assert_eq!(on_whatsapp(&s.fake, ANA, reminder), 1);
    assert_eq!(on_whatsapp(&s.fake, ANA, WELCOME), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_mid_batch_the_desktop_writes_what_it_did_and_gives_back_the_rest() {
    let _one = support::serial();
    let mut s = setup().await;
    let acc = s.acc;
    let mut ids = Vec::new();
    for i in 0..(2 * BATCH) {
        ids.push(
            insert(
                &mut s,
                None,
                "add_tag",
                MARIA,
                ("tag", &format!("Lote {i}")),
            )
            .await,
        );
    }
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    app.start(Scope::All).await.unwrap();
    // Closed as soon as the first row has been executed (its outcome on its
    // way to the server).
    told.until_change(Change::of(acc, Table::ContactTags)).await;
    app.shutdown().await;

    let mut done = 0;
    for id in &ids {
        let row = read(&mut s.zapier, *id).await;
        match row.status.as_str() {
            "done" => {
                assert!(row.result.is_some(), "{row:?}");
                done += 1;
            }
            // Given back: any desktop running the number claims it at once.
            "pending" => {}
            _ => panic!("{id} left {row:?}"),
        }
    }
    assert!(done >= 1);
    let on_maria = tags::of_contact(&s.desk.store, acc, maria_of(&s).await)
        .await
        .unwrap();
    assert_eq!(
        on_maria.len(),
        done,
        "what was done was written, and only that"
    );
}

async fn maria_of(s: &Setup) -> zapdesk_core::ContactId {
    let maria = zapdesk_core::phone::normalize(MARIA).unwrap();
    zapdesk_core::ContactId::from_uuid(zapdesk_core::ids::natural(s.acc, "contact", &maria))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_that_keeps_failing_here_holds_up_nothing_and_fails_at_its_fifth_claim() {
    let _one = support::serial();
    let mut s = setup().await;
    // The local store refuses this tag, as a damaged or full disk would.
    sqlx::query(
        "CREATE TRIGGER refuse_tag BEFORE INSERT ON tags WHEN NEW.name = 'Quebrada'
         BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
    )
    .execute(s.desk.store.pool_for_sync())
    .await
    .unwrap();
    let worn = insert(&mut s, None, "add_tag", JOAO, ("tag", "Quebrada")).await;
    let fresh = insert(&mut s, None, "add_tag", ANA, ("tag", "Quebrada")).await;
    let after = insert(&mut s, None, "add_tag", MARIA, ("tag", "VIP")).await;
    // `worn` was claimed four times already (by this desktop: it comes back).
    let mut owner = s.db.connect_owner().await;
    sqlx::query("UPDATE zapdesk.commands SET attempts = 4 WHERE id = $1")
        .bind(worn.as_uuid())
        .execute(&mut owner)
        .await
        .unwrap();

    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    app.start(Scope::All).await.unwrap();
    let rows = finished(&mut s.zapier, &[worn, after]).await;
    // Given up at its fifth claim, saying why.
    assert_eq!(
        (rows[0].status.as_str(), rows[0].attempts),
        ("failed", 5),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[0].code.as_deref(), Some("database_failed"));
    assert!(!rows[0].message.as_deref().unwrap().is_empty());
    // The row after the failing ones was executed all the same.
    assert_eq!(rows[1].status, "done", "{:?}", rows[1]);
    // The other failing row waits for a later claim, its attempts counted.
    let waiting = read(&mut s.zapier, fresh).await;
    assert_eq!(waiting.status, "running", "{waiting:?}");
    assert!((1..5).contains(&waiting.attempts), "{waiting:?}");
    app.shutdown().await;
    // Closed: given back, not left claimed.
    assert_eq!(read(&mut s.zapier, fresh).await.status, "pending");
}

// Settings → Integrações (issue 17, item 7): the account's commands as the
// server has them, and "run again" for a failed one.

use zapdesk_app::{CloudCommand, CommandState, CommandsServer, retry_command};
use zapdesk_core::{ErrorCode, UserError};

fn listed(list: &[CloudCommand]) -> Vec<CommandId> {
    list.iter().map(|c| c.id).collect()
}

async fn rows_with_id(conn: &mut PgConnection, id: CommandId) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM zapdesk.commands WHERE id = $1")
        .bind(id.as_uuid())
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_lists_the_accounts_commands_and_runs_a_failed_one_again_once() {
    let _one = support::serial();
    let mut s = setup().await;
    let (acc, idle) = (s.acc, s.idle);
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    app.start(Scope::All).await.unwrap();
    connected(&told, s.number).await;

    let waiting = insert(&mut s, Some(idle), "send_text", MARIA, ("text", "Oi")).await;
    let no_flow = insert(&mut s, None, "start_flow", JOAO, ("flow", "Pesquisa")).await;
    let tagged = insert(&mut s, None, "add_tag", MARIA, ("tag", "VIP")).await;
    let rows = finished(&mut s.zapier, &[no_flow, tagged]).await;
    assert_eq!(
        rows[0].code.as_deref(),
        Some("flow_unknown"),
        "{:?}",
        rows[0]
    );

    // Newest first, each as it stands, with who ran it.
    let all = app.cloud_commands_list(acc, None, None).await.unwrap();
    assert_eq!(all.server, CommandsServer::Ready);
    assert_eq!(listed(&all.items), [tagged, no_flow, waiting]);
    let (done, failed, wait) = (&all.items[0], &all.items[1], &all.items[2]);
    assert_eq!(
        (done.state, done.kind.as_str()),
        (CommandState::Done, "add_tag")
    );
    assert_eq!(done.detail.as_deref(), Some("VIP"));
    assert_eq!(done.phone.as_deref(), Some(MARIA));
    assert!(done.ran_here && done.ran_by.is_some(), "{done:?}");
    assert!(done.finished_ms.is_some_and(|f| f >= done.created_ms));
    assert_eq!(failed.state, CommandState::Failed);
    assert_eq!(failed.error_code.as_deref(), Some("flow_unknown"));
    assert!(
        failed
            .error_message
            .as_deref()
            .unwrap()
            .contains("Pesquisa")
    );
    assert_eq!(failed.retried_as, None);
    assert_eq!(
        (wait.state, wait.instance_id),
        (CommandState::Waiting, Some(idle))
    );
    assert!(!wait.ran_here && wait.ran_by.is_none() && wait.finished_ms.is_none());

    // Filtered by state.
    for (state, expected) in [
        (CommandState::Failed, no_flow),
        (CommandState::Waiting, waiting),
        (CommandState::Done, tagged),
    ] {
        let only = app
            .cloud_commands_list(acc, Some(state), None)
            .await
            .unwrap();
        assert_eq!(listed(&only.items), [expected], "{state:?}");
    }
    let one = app.cloud_commands_list(acc, None, Some(1)).await.unwrap();
    assert_eq!(listed(&one.items), [tagged]);

    // Only a failed row runs again; another account's (or no) row is unknown.
    for id in [tagged, waiting] {
        let refused = app.cloud_commands_retry(acc, id).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::CommandNotRetriable);
        assert!(refused.message(Lang::PtBr).contains("falhou"));
    }
    let stranger = CommandId::from_uuid(zapdesk_core::ids::natural(acc, "nada", "x"));
    let unknown = app.cloud_commands_retry(acc, stranger).await.unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::CommandUnknown);
    let other = AccountId::from_uuid(zapdesk_core::ids::natural(acc, "outra", "conta"));
    let unknown = app.cloud_commands_retry(other, no_flow).await.unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::CommandUnknown);

    // The flow made, the failed row run again — twice, as a double click:
    // one new row, which starts the flow once, in the session derived from
    // the first row.
    let doc = serde_json::json!({
        "schema": 1, "start": "oi",
        "nodes": [{"id": "oi", "position": {"x": 0, "y": 0}, "type": "send",
                   "content": {"kind": "text", "text": "Pesquisa rápida!"}, "typing_ms": 0}],
        "edges": []
    });
    let made = flows::create(
        app.store(),
        acc,
        "Pesquisa",
        Some(flow::parse(&doc.to_string()).unwrap()),
    )
    .await
    .unwrap();
    flows::publish(app.store(), acc, made.id, made.revision)
        .await
        .unwrap();
    let again = app.cloud_commands_retry(acc, no_flow).await.unwrap();
    assert_eq!(again, retry_command(acc, no_flow));
    assert_eq!(app.cloud_commands_retry(acc, no_flow).await.unwrap(), again);
    assert_eq!(rows_with_id(&mut s.zapier, again).await, 1);
    let rows = finished(&mut s.zapier, &[again]).await;
    assert_eq!(rows[0].status, "done", "{:?}", rows[0]);
    let result = rows[0].result.as_ref().unwrap();
    assert_eq!(
        result["session_id"],
        command_session(acc, no_flow).to_string()
    );
    told.until("the flow run again on WhatsApp", |_| {
        on_whatsapp(&s.fake, JOAO, "Pesquisa rápida!") > 0
    })
    .await;

    // The list ties both rows together.
    let all = app.cloud_commands_list(acc, None, None).await.unwrap();
    assert_eq!(listed(&all.items), [again, tagged, no_flow, waiting]);
    assert_eq!(all.items[0].retry_of, Some(no_flow));
    assert_eq!(all.items[0].state, CommandState::Done);
    assert_eq!(all.items[2].retried_as, Some(again));
    app.shutdown().await;
    assert_eq!(on_whatsapp(&s.fake, JOAO, "Pesquisa rápida!"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_again_a_failed_send_whose_message_was_queued_sends_it_once() {
    let _one = support::serial();
    let mut s = setup().await;
    let (acc, number) = (s.acc, s.number);
    let reminder = "Seu pedido saiu para entrega.";
    let first = insert(&mut s, None, "send_text", ANA, ("text", reminder)).await;
    // An earlier attempt queued the text, and the row was then given up as
    // failed (its outcome never reached the server as done).
    let mut owner = s.db.connect_owner().await;
    sqlx::query(
        "UPDATE zapdesk.commands SET status = 'failed', attempts = 5, finished_at = now(),
                error_code = 'database_failed', error_message = 'disco cheio'
         WHERE id = $1",
    )
    .bind(first.as_uuid())
    .execute(&mut owner)
    .await
    .unwrap();
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    let request = SendRequest {
        to: SendTo::Phone(ANA.into()),
        from: Some(number),
        content: SendContent::Text {
            text: reminder.into(),
        },
    };
    app.send(acc, command_message(acc, first), request)
        .await
        .unwrap();
    app.start(Scope::All).await.unwrap();
    connected(&told, number).await;

    let again = app.cloud_commands_retry(acc, first).await.unwrap();
    let rows = finished(&mut s.zapier, &[again]).await;
    assert_eq!(rows[0].status, "done", "{:?}", rows[0]);
    assert_eq!(
        rows[0].result.as_ref().unwrap()["message_id"],
        command_message(acc, first).to_string()
    );
    told.until("the text on WhatsApp", |_| {
        on_whatsapp(&s.fake, ANA, reminder) > 0
    })
    .await;
    app.shutdown().await;
    assert_eq!(on_whatsapp(&s.fake, ANA, reminder), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_sync_connection_the_list_says_commands_need_the_agencys_database() {
    use_memory_keyring();
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let list = app.cloud_commands_list(acc, None, None).await.unwrap();
    assert_eq!(list.server, CommandsServer::None);
    assert!(list.items.is_empty());
    let any = CommandId::from_uuid(zapdesk_core::ids::natural(acc, "x", "y"));
    let refused = app.cloud_commands_retry(acc, any).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::CommandsNeedServer);
    assert!(
        refused
            .message(Lang::PtBr)
            .contains("banco de dados da agência")
    );
    app.shutdown().await;
}

// Once across desktops: a send that failed with `database_failed` may have
// queued its message in the store of the desktop that ran it (not pushed
// yet). Run again, the new row is executed only there — never by another
// desktop, which would not find the message and send it a second time.

use zapdesk_core::ErrorCode as Code;
use zapdesk_sync::commands::Outcome;
use zapdesk_sync::testing::desktop::other_desktop;

/// Saves `desk`'s connection to the scratch server, as Settings does.
async fn save_connection(db: &ScratchDatabase, desk: &Desktop) {
    let saving = SyncRunner::new(desk.store.clone(), std::sync::Arc::new(|_| {}));
    saving
        .connect(
            ConnectionSettings::new("127.0.0.1", 5432, &db.name, &desk.role),
            &Password::new("senha-de-teste-123"),
            Lang::PtBr,
        )
        .await
        .unwrap();
    saving.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_run_again_waits_for_the_desktop_that_ran_it_and_is_sent_once() {
    let _one = support::serial();
    let mut s = setup().await;
    let (acc, number) = (s.acc, s.number);
    let text = "Seu pedido 101 saiu para entrega.";
    let failed = insert(&mut s, Some(number), "send_text", ANA, ("text", text)).await;
    let refused = insert(&mut s, None, "add_tag", MARIA, ("tag", "Pós-venda")).await;

    // Desktop A (this setup's) runs the number and claims both rows. It
    // begins the send (its claim checked): the message is queued in A's
    // store under the command's id, and never pushed; then its store fails
    // and it gives the row up as `database_failed`. The tag it refuses
    // (a refusal says nothing was done).
    let lease = RemoteLeases::new(
        &s.desk.store,
        s.desk.remote.clone(),
        Duration::from_secs(60),
        Lang::PtBr,
    )
    .await
    .unwrap();
    assert!(matches!(
        lease.take(acc, number).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
    let mut server =
        RemoteCommands::connect(&s.desk.store, &s.desk.remote, Duration::from_secs(15))
            .await
            .unwrap();
    let claimed = server.claim(&[number], now_ms(), BATCH).await.unwrap();
    assert_eq!(
        claimed.iter().map(|c| c.id).collect::<Vec<_>>(),
        [failed, refused]
    );
    {
        let told = Recorder::new();
        let app = open(&s.desk, &told).await;
        assert!(server.hold(failed).await.unwrap());
        let request = SendRequest {
            to: SendTo::Phone(ANA.into()),
            from: Some(number),
            content: SendContent::Text { text: text.into() },
        };
        app.send(acc, command_message(acc, failed), request)
            .await
            .unwrap();
        app.shutdown().await;
    }
    let gave_up = Outcome::Failed {
        code: Code::DatabaseFailed,
        message: "disco cheio".into(),
    };
    assert!(server.finish(failed, &gave_up).await.unwrap());
    let no_contact = Outcome::Failed {
        code: Code::ContactUnknown,
        message: "Nenhum contato com o telefone".into(),
    };
    assert!(server.finish(refused, &no_contact).await.unwrap());
    drop(server);
    lease.release(acc, number).await;
    lease.close().await;

    // Desktop B runs the number now, and an operator there runs both rows
    // again.
    let b = other_desktop(&s.db, &s.desk).await;
    b.pull().await;
    instances::set_autostart(&b.store, acc, number, true)
        .await
        .unwrap();
    save_connection(&s.db, &b).await;
    let fake_b =
        SandboxServer::open(&b.dir.path().join("sandbox").join(number.to_string())).unwrap();
    fake_b
        .set_state(&SandboxState {
            paired: true,
            autopilot: false,
            qr_rotate_ms: 3_600_000,
            ..SandboxState::default()
        })
        .unwrap();
    let told_b = Recorder::new();
    let app_b = open(&b, &told_b).await;
    app_b.start(Scope::All).await.unwrap();
    connected(&told_b, number).await;
    let again = app_b.cloud_commands_retry(acc, failed).await.unwrap();
    let tag_again = app_b.cloud_commands_retry(acc, refused).await.unwrap();
    // The refusal's retry, the later row, is B's to execute: once it is
    // done, B's claim has passed the send's retry, which it would have
    // taken first.
    let rows = finished(&mut s.zapier, &[tag_again]).await;
    assert_eq!(rows[0].status, "done", "{:?}", rows[0]);
    let row = read(&mut s.zapier, again).await;
    assert_eq!(
        (row.status.as_str(), row.attempts),
        ("pending", 0),
        "{row:?}"
    );
    // B's panel says why it waits: for A's desktop, which may have done it.
    let listed_b = app_b.cloud_commands_list(acc, None, None).await.unwrap();
    let item = listed_b.items.iter().find(|c| c.id == again).unwrap();
    assert!(item.pinned && !item.pinned_here, "{item:?}");
    assert_eq!(item.pinned_by.as_deref(), Some("Operador"), "{item:?}");
    for id in [failed, refused, tag_again] {
        let item = listed_b.items.iter().find(|c| c.id == id).unwrap();
        assert!(!item.pinned && item.pinned_by.is_none(), "{item:?}");
    }
    app_b.shutdown().await;
    assert_eq!(on_whatsapp(&fake_b, ANA, text), 0);

    // A comes back and runs the number: its panel says the row is its own;
    // it executes the row, finds the message it queued, and sends it once.
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    app.start(Scope::All).await.unwrap();
    let listed_a = app.cloud_commands_list(acc, None, None).await.unwrap();
    let item = listed_a.items.iter().find(|c| c.id == again).unwrap();
    assert!(item.pinned && item.pinned_here, "{item:?}");
    connected(&told, number).await;
    let rows = finished(&mut s.zapier, &[again]).await;
    assert_eq!(rows[0].status, "done", "{:?}", rows[0]);
    assert_eq!(
        rows[0].result.as_ref().unwrap()["message_id"],
        command_message(acc, failed).to_string()
    );
    told.until("the text on WhatsApp", |_| {
        on_whatsapp(&s.fake, ANA, text) > 0
    })
    .await;
    app.shutdown().await;
    assert_eq!(on_whatsapp(&s.fake, ANA, text), 1);
    assert_eq!(on_whatsapp(&fake_b, ANA, text), 0);
}

/// The panel's server connections, by their backend's pid.
async fn panel_connections(conn: &mut PgConnection, role: &str) -> Vec<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND application_name = $2
         ORDER BY pid",
    )
    .bind(role)
    .bind(zapdesk_app::PANEL_APPLICATION)
    .fetch_all(conn)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_panel_asks_again_on_one_connection_without_reading_the_keyring() {
    let _one = support::serial();
    let mut s = setup().await;
    let acc = s.acc;
    let tagged = insert(&mut s, None, "add_tag", MARIA, ("tag", "VIP")).await;
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    let started = app.start(Scope::All).await.unwrap();
    assert!(started.sync.is_ok(), "{:?}", started.sync);
    finished(&mut s.zapier, &[tagged]).await;
    let mut mine = s.db.connect_as(&s.desk.role).await;

    let first = app.cloud_commands_list(acc, None, None).await.unwrap();
    assert_eq!(listed(&first.items), [tagged]);
    let kept = panel_connections(&mut mine, &s.desk.role).await;
    assert_eq!(kept.len(), 1, "{kept:?}");
    // The password gone from the credential store: the panel's next reads
    // (every 5 s while it is open) neither need it nor open another
    // connection.
    let saved = ConnectionSettings::new("127.0.0.1", 5432, &s.db.name, &s.desk.role);
    zapdesk_sync::SavedPassword::of(&saved)
        .unwrap()
        .forget()
        .unwrap();
    for _ in 0..3 {
        let again = app.cloud_commands_list(acc, None, None).await.unwrap();
        assert_eq!(listed(&again.items), [tagged]);
        assert_eq!(panel_connections(&mut mine, &s.desk.role).await, kept);
    }
    // The server drops the connection (a restart, a pooler's limit): the
    // next read makes one again, still without the credential store.
    let mut owner = s.db.connect_owner().await;
    // (Waits, up to 10 s, for the backend to be gone: PostgreSQL 14+.)
    let ended: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1, 10000)")
        .bind(kept[0])
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert!(ended);
    let again = app.cloud_commands_list(acc, None, None).await.unwrap();
    assert_eq!(listed(&again.items), [tagged]);
    let remade = panel_connections(&mut mine, &s.desk.role).await;
    assert_eq!(remade.len(), 1, "{remade:?}");
    assert_ne!(remade, kept);
    app.shutdown().await;
    // Closed with the app (its backend ends a moment after the goodbye).
    let gone = tokio::time::timeout(support::WAIT, async {
        while !panel_connections(&mut mine, &s.desk.role).await.is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert!(
        gone.await.is_ok(),
        "the panel's connection outlived the app"
    );
}

/// The row's pin, as the server keeps it.
async fn pin_of(conn: &mut PgConnection, id: CommandId) -> Option<String> {
    sqlx::query_scalar("SELECT pinned_to FROM zapdesk.commands WHERE id = $1")
        .bind(id.as_uuid())
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_server_pins_a_row_and_a_row_stuck_on_a_silent_desktop_can_be_given_up() {
    let _one = support::serial();
    let mut s = setup().await;
    let acc = s.acc;
    let mut owner = s.db.connect_owner().await;
    // Failed rows, as desktops end them: one given up on "a" as
    // `database_failed`, one refused on "b".
    let given_up = insert(&mut s, None, "send_text", ANA, ("text", "Pedido 1")).await;
    let refused = insert(&mut s, None, "start_flow", ANA, ("flow", "Pesquisa")).await;
    for (id, node, code) in [
        (given_up, "desktop-a", "database_failed"),
        (refused, "desktop-b", "flow_unknown"),
    ] {
        sqlx::query(
            "UPDATE zapdesk.commands SET status = 'failed', attempts = 1, finished_at = now(),
                    claimed_by = $2, claimed_at = now(), error_code = $3
             WHERE id = $1",
        )
        .bind(id.as_uuid())
        .bind(node)
        .bind(code)
        .execute(&mut owner)
        .await
        .unwrap();
    }
    // An integration cannot pin a row (nor unpin one) by writing the column.
    let id: sqlx::types::Uuid = sqlx::query_scalar(
        "INSERT INTO zapdesk.commands (account_id, kind, phone, text, pinned_to)
         VALUES ($1, 'send_text', $2, 'Oi', 'desktop-z') RETURNING id",
    )
    .bind(acc.as_uuid())
    .bind(ANA)
    .fetch_one(&mut s.zapier)
    .await
    .unwrap();
    assert_eq!(pin_of(&mut s.zapier, CommandId::from_uuid(id)).await, None);

    // Run again: the send given up on "a" is pinned there; the refusal is
    // not; a retry of a pinned row stays pinned, whatever it failed with.
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    app.start(Scope::All).await.unwrap();
    let again = app.cloud_commands_retry(acc, given_up).await.unwrap();
    let flow_again = app.cloud_commands_retry(acc, refused).await.unwrap();
    assert_eq!(
        pin_of(&mut s.zapier, again).await.as_deref(),
        Some("desktop-a")
    );
    assert_eq!(pin_of(&mut s.zapier, flow_again).await, None);
    sqlx::query(
        "UPDATE zapdesk.commands SET status = 'failed', finished_at = now(),
                claimed_by = 'desktop-a', claimed_at = now(), error_code = 'number_offline'
         WHERE id = $1",
    )
    .bind(again.as_uuid())
    .execute(&mut owner)
    .await
    .unwrap();
    let third = app.cloud_commands_retry(acc, again).await.unwrap();
    assert_eq!(
        pin_of(&mut s.zapier, third).await.as_deref(),
        Some("desktop-a")
    );
    app.shutdown().await;

    // "a" claimed the third and went silent: no other desktop takes it
    // over, so a member may delete it — once "a" has been silent ten
    // minutes, not while it may be executing it.
    let stuck = |ago: &'static str| {
        format!(
            "UPDATE zapdesk.commands SET status = 'running', claimed_by = 'desktop-a',
                    claimed_at = now() - interval '{ago}' WHERE id = '{third}'"
        )
    };
    sqlx::query(&stuck("1 minute"))
        .execute(&mut owner)
        .await
        .unwrap();
    let delete = "DELETE FROM zapdesk.commands WHERE account_id = $1 AND id = $2";
    let deleted = sqlx::query(delete)
        .bind(acc.as_uuid())
        .bind(third.as_uuid())
        .execute(&mut s.zapier)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 0);
    sqlx::query(&stuck("11 minutes"))
        .execute(&mut owner)
        .await
        .unwrap();
    let deleted = sqlx::query(delete)
        .bind(acc.as_uuid())
        .bind(third.as_uuid())
        .execute(&mut s.zapier)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_retry_given_up_is_gone_from_the_server_and_never_runs_and_no_other_row_is_deleted()
 {
    let _one = support::serial();
    let mut s = setup().await;
    let (acc, idle) = (s.acc, s.idle);
    let mut owner = s.db.connect_owner().await;
    let here = zapdesk_sync::hlc::node_id(s.desk.store.pool_for_sync())
        .await
        .unwrap();
    // Sends on the number nobody runs yet, given up here as
    // `database_failed` (their retries are pinned to this desktop), and a
    // flow refused elsewhere (its retry is not pinned).
    let mut failed = Vec::new();
    for n in 0..5 {
        let text = format!("Pedido {n}");
        failed.push(
            insert(
                &mut s,
                Some(idle),
                "send_text",
                ANA,
                ("text", text.as_str()),
            )
            .await,
        );
    }
    let refused = insert(&mut s, Some(idle), "start_flow", ANA, ("flow", "Pesquisa")).await;
    for (id, node, code) in failed
        .iter()
        .map(|id| (*id, here.as_str(), "database_failed"))
        .chain([(refused, "desktop-b", "flow_unknown")])
    {
        sqlx::query(
            "UPDATE zapdesk.commands SET status = 'failed', attempts = 5, finished_at = now(),
                    claimed_by = $2, claimed_at = now(), error_code = $3
             WHERE id = $1",
        )
        .bind(id.as_uuid())
        .bind(node)
        .bind(code)
        .execute(&mut owner)
        .await
        .unwrap();
    }
    let told = Recorder::new();
    let app = open(&s.desk, &told).await;
    app.start(Scope::All).await.unwrap();
    let mut pinned = Vec::new();
    for id in &failed {
        pinned.push(app.cloud_commands_retry(acc, *id).await.unwrap());
    }
    let unpinned = app.cloud_commands_retry(acc, refused).await.unwrap();
    let [pending, kept, silent, busy, done] = pinned[..] else {
        unreachable!()
    };
    // One stuck `running` on this desktop, silent for eleven minutes; one
    // claimed a minute ago (it may be executing it); one finished.
    for (id, set) in [
        (
            silent,
            "status = 'running', claimed_by = $2, claimed_at = now() - interval '11 minutes'",
        ),
        (
            busy,
            "status = 'running', claimed_by = $2, claimed_at = now() - interval '1 minute'",
        ),
        (
            done,
            "status = 'done', claimed_by = $2, claimed_at = now(), finished_at = now()",
        ),
    ] {
        sqlx::query(&format!("UPDATE zapdesk.commands SET {set} WHERE id = $1"))
            .bind(id.as_uuid())
            .bind(&here)
            .execute(&mut owner)
            .await
            .unwrap();
    }

    // The panel offers to give up only the pinned rows that wait.
    let list = app.cloud_commands_list(acc, None, None).await.unwrap();
    let offered: Vec<CommandId> = list
        .items
        .iter()
        .filter(|c| c.can_give_up)
        .map(|c| c.id)
        .collect();
    let mut expected = vec![pending, kept, silent];
    expected.sort();
    let mut offered_sorted = offered.clone();
    offered_sorted.sort();
    assert_eq!(offered_sorted, expected);

    // Given up: gone from the server, and only that row.
    app.cloud_commands_give_up(acc, pending).await.unwrap();
    app.cloud_commands_give_up(acc, silent).await.unwrap();
    for id in [pending, silent] {
        assert_eq!(rows_with_id(&mut s.zapier, id).await, 0);
    }
    // Refused, and still there: a row not pinned, one a desktop claimed a
    // minute ago, a finished one, a failed one; another account's call
    // names no row of this one.
    for id in [unpinned, busy, done, failed[0]] {
        let refused = app.cloud_commands_give_up(acc, id).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::CommandNotAbandonable, "{id}");
        assert!(
            refused
                .message(Lang::PtBr)
                .starts_with("Só é possível desistir")
        );
        assert!(
            refused
                .message(Lang::En)
                .starts_with("You can only give up")
        );
        assert_eq!(rows_with_id(&mut s.zapier, id).await, 1, "{id}");
    }
    let other = AccountId::from_uuid(sqlx::types::Uuid::from_u128(7));
    let refused = app.cloud_commands_give_up(other, kept).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::CommandUnknown);
    assert_eq!(rows_with_id(&mut s.zapier, kept).await, 1);
    // Asked again (a double click): the row is gone.
    let again = app.cloud_commands_give_up(acc, pending).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::CommandUnknown);
    let listed_now = listed(
        &app.cloud_commands_list(acc, None, None)
            .await
            .unwrap()
            .items,
    );
    assert!(!listed_now.contains(&pending) && !listed_now.contains(&silent));
    assert!(listed_now.contains(&kept));
    app.shutdown().await;

    // The desktop they were pinned to runs the number: it claims the pinned
    // row kept and the one not pinned, never a row given up.
    let lease = RemoteLeases::new(
        &s.desk.store,
        s.desk.remote.clone(),
        Duration::from_secs(60),
        Lang::PtBr,
    )
    .await
    .unwrap();
    assert!(matches!(
        lease.take(acc, idle).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
    let mut server =
        RemoteCommands::connect(&s.desk.store, &s.desk.remote, Duration::from_secs(15))
            .await
            .unwrap();
    let mut claimed: Vec<CommandId> = server
        .claim(&[idle], now_ms(), BATCH)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    claimed.sort();
    let mut expected = vec![kept, unpinned];
    expected.sort();
    assert_eq!(claimed, expected);
    drop(server);
    lease.release(acc, idle).await;
    lease.close().await;
}
