//! The local API under load (issue 17): `wrk` on loopback against an
//! account with 100 000 contacts and 1 000 000 messages (100 000 chats of
//! ten), for `GET contacts?limit=50`, `GET chats`, `POST send` (queued: with
//! the group commit, and with a commit per send), and
//! the floor: a bare axum handler answering a constant on the same machine.
//! Prints Markdown rows for docs/benchmarks.md.
//!
//! Run: `cargo bench -p zapdesk-api --bench api` (needs `wrk`: Debian's
//! package). The data is written straight into the SQLite file in large
//! transactions, with the ids the app itself would give (contacts by their
//! phone), so every request takes the paths real data takes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Instant;

use axum::Router;
use axum::routing::get;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use zapdesk_api::{ApiConfig, ApiServer, RateLimit};
use zapdesk_app::{App, Host};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::api_tokens::{self, ApiTokenInput, Scope};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::store::DB_FILE;
use zapdesk_core::{AccountId, ContactId, ConversationId, MessageId, ids};
use zapdesk_whatsapp::fleet::FleetConfig;

/// `ZAPDESK_BENCH_CONTACTS` makes a smaller store to try a change quickly;
/// the figures in docs/benchmarks.md are of the default.
fn contacts_wanted() -> usize {
    std::env::var("ZAPDESK_BENCH_CONTACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}
const MESSAGES_EACH: usize = 10;
/// wrk's run per endpoint.
const SECONDS: u32 = 10;
const CONNECTIONS: u32 = 32;

struct Measured {
    what: String,
    rps: f64,
    p50: String,
    p99: String,
}

/// Runs wrk and reads its requests/s and latency percentiles.
fn wrk(what: &str, url: &str, token: Option<&str>, script: Option<&std::path::Path>) -> Measured {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t2",
        &format!("-c{CONNECTIONS}"),
        &format!("-d{SECONDS}s"),
        "--latency",
    ]);
    if let Some(token) = token {
        cmd.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    if let Some(script) = script {
        cmd.arg("-s").arg(script);
    }
    cmd.arg(url);
    let out = cmd
        .output()
        .expect("wrk is installed (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        !text.contains("Non-2xx"),
        "{what}: some answers were errors:\n{text}"
    );
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{what}: no Requests/sec in\n{text}"));
    let percentile = |p: &str| {
        text.lines()
            .find_map(|l| {
                let l = l.trim();
                l.strip_prefix(p).map(|v| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    Measured {
        what: what.to_owned(),
        rps,
        p50: percentile("50%"),
        p99: percentile("99%"),
    }
}

async fn generate(dir: &std::path::Path, account: AccountId, contacts: usize) {
    let mut numbers = Vec::new();
    let store = zapdesk_core::Store::open(dir).await.unwrap();
    for name in ["Vendas", "Suporte", "Delivery", "Loja 2"] {
        numbers.push(
            instances::create(
                &store,
                account,
                &NumberInput {
                    name: name.into(),
                    kind: InstanceKind::Sandbox,
                },
            )
            .await
            .unwrap()
            .id,
        );
    }
    store.close().await;
    let started = Instant::now();
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.join(DB_FILE))
        .foreign_keys(true)
        .connect()
        .await
        .unwrap();
    let base = 1_700_000_000_000i64;
    for chunk in 0..contacts.div_ceil(10_000) {
        let mut tx = conn.begin().await.unwrap();
        for i in chunk * 10_000..((chunk + 1) * 10_000).min(contacts) {
            let phone = format!("+55119{:08}", 10_000_000 + i);
            // The id the app gives a contact made from its phone.
            let contact = ContactId::from_uuid(ids::natural(account, "contact", &phone));
            let conversation = ConversationId::new();
            let instance = numbers[i % numbers.len()];
            let at = base + (i as i64) * 60_000;
            sqlx::query("INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(contact).bind(account).bind(&phone).bind(format!("Cliente {i}")).bind(format!("cliente {i}")).bind(at).bind(at)
                .execute(&mut *tx).await.unwrap();
            let message_ids: Vec<MessageId> =
                (0..MESSAGES_EACH).map(|_| MessageId::new()).collect();
            sqlx::query("INSERT INTO conversations (id, account_id, contact_id, instance_id, status, unread_count, last_message_at, last_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'open', 0, ?, ?, ?, ?)")
                .bind(conversation).bind(account).bind(contact).bind(instance).bind(at + 9_000)
                .bind(message_ids[MESSAGES_EACH - 1]).bind(at).bind(at)
                .execute(&mut *tx).await.unwrap();
            for (m, message_id) in message_ids.iter().enumerate() {
                let t = at + m as i64 * 1_000;
                let inbound = m % 2 == 0;
                sqlx::query("INSERT INTO messages (id, account_id, conversation_id, instance_id, wa_message_id, direction, kind, body, status, sent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?)")
                    .bind(message_id).bind(account).bind(conversation).bind(instance).bind(format!("w{i}_{m}"))
                    .bind(if inbound { "inbound" } else { "outbound" }).bind(format!("mensagem {m} do pedido {i}")).bind(if inbound { "received" } else { "read" })
                    .bind(t).bind(t).bind(t)
                    .execute(&mut *tx).await.unwrap();
            }
        }
        tx.commit().await.unwrap();
    }
    sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    eprintln!(
        "generated {contacts} contacts and chats, {} messages in {:.0} s",
        contacts * MESSAGES_EACH,
        started.elapsed().as_secs_f64()
    );
}

/// p50 of `runs` sequential calls of `f`, in microseconds.
async fn p50<F, Fut>(runs: usize, mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

/// What one request's work costs, one call at a time (no HTTP): the token
/// check, the account check, and the core call each endpoint makes.
async fn pieces(app: &App, account: AccountId, token: &str, contacts_made: usize) {
    use zapdesk_core::contacts::{self, ContactQuery};
    use zapdesk_core::inbox::conversations::{self, ListFilter};
    let store = app.store().clone();
    let runs = 300;
    let verify = p50(runs, || async {
        api_tokens::verify(&store, token).await.unwrap().unwrap();
    })
    .await;
    let account_get = p50(runs, || async {
        accounts::get(&store, account).await.unwrap();
    })
    .await;
    let contacts_page = p50(runs, || async {
        let query = ContactQuery {
            limit: 50,
            ..ContactQuery::default()
        };
        contacts::list(&store, account, &query).await.unwrap();
    })
    .await;
    let contacts_count = p50(runs, || async {
        contacts::count(&store, account, &Default::default())
            .await
            .unwrap();
    })
    .await;
    let chats_page = p50(runs, || async {
        let filter = ListFilter {
            limit: 50,
            ..ListFilter::default()
        };
        conversations::list(&store, account, &filter).await.unwrap();
    })
    .await;
    let mut n = 0u32;
    let send = p50(runs, || {
        n += 1;
        let phone = format!(
            "+55119{:08}",
            10_000_000 + (n as usize * 7919) % contacts_made
        );
        async move {
            app.send(
                account,
                MessageId::new(),
                zapdesk_app::SendRequest {
                    to: zapdesk_app::SendTo::Phone(phone),
                    from: None,
                    content: zapdesk_app::SendContent::Text {
                        text: "Seu pedido saiu para entrega.".into(),
                    },
                },
            )
            .await
            .unwrap();
        }
    })
    .await;
    println!("| one call, sequential, no HTTP | p50 |");
    println!("|---|---|");
    for (what, us) in [
        ("token check (`api_tokens::verify`)", verify),
        ("account check (`accounts::get`)", account_get),
        ("`contacts::list`, 50 of all", contacts_page),
        ("… of which `contacts::count`", contacts_count),
        ("`conversations::list`, 50 of all", chats_page),
        ("`App::send`, text to a known contact", send),
    ] {
        println!("| {what} | {us:.0} µs |");
    }
    println!();
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `ZAPDESK_BENCH_DIR`: a folder kept between runs, its data generated
    // once (3–4 minutes for the default size); otherwise a temporary one.
    let temp = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("ZAPDESK_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let contacts = contacts_wanted();
    let store = zapdesk_core::Store::open(&dir).await.unwrap();
    let made = accounts::list(&store, true).await.unwrap();
    let account = match made.as_slice() {
        [account] if kept.is_some() => {
            // The same ZAPDESK_BENCH_CONTACTS as when it was made.
            eprintln!("reusing the data in {}", dir.display());
            let account = account.id;
            store.close().await;
            account
        }
        [] => {
            let account = accounts::create(
                &store,
                &AccountInput {
                    name: "Agência".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .id;
            store.close().await;
            generate(&dir, account, contacts).await;
            account
        }
        _ => panic!("{} holds something else: empty it", dir.display()),
    };

    let app = App::open_with(FleetConfig::new(dir.clone()), Host::silent())
        .await
        .unwrap();
    let token = api_tokens::create(
        app.store(),
        &ApiTokenInput {
            name: "bench".into(),
            account_id: Some(account),
            scopes: vec![Scope::Read, Scope::Send],
        },
    )
    .await
    .unwrap()
    .secret;
    // The rate limit would measure itself: lifted for the benchmark.
    let config = ApiConfig {
        port: 0,
        rate: RateLimit {
            per_second: 1_000_000,
            burst: 1_000_000,
        },
        ..ApiConfig::default()
    };
    pieces(&app, account, &token, contacts).await;
    let server = ApiServer::start(app.clone(), config.clone()).await;
    let base = format!("http://{}", server.local_addr().unwrap());
    // The same API keeping nothing: every request pays for its query, as
    // when the store changes between two requests.
    let fresh = ApiServer::start(
        app.clone(),
        ApiConfig {
            keep_answers: false,
            ..config.clone()
        },
    )
    .await;
    let fresh_base = format!("http://{}", fresh.local_addr().unwrap());
    // The same API with a commit per send (no group commit): the send's
    // figure before it.
    let alone = ApiServer::start(
        app.clone(),
        ApiConfig {
            group_sends: false,
            ..config.clone()
        },
    )
    .await;
    let alone_base = format!("http://{}", alone.local_addr().unwrap());

    // The floor: axum answering a constant, on the same runtime.
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bare_addr = bare.local_addr().unwrap();
    tokio::spawn(async move {
        let router = Router::new().route("/", get(|| async { "{\"ok\":true}" }));
        axum::serve(bare, router).await.unwrap();
    });

    // POST send: each request to one of the 100 000 contacts, by phone.
    let script = dir.join("send.lua");
    std::fs::write(
        &script,
        format!("CONTACTS = {contacts}\n")
            + r#"
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"phone":"+55119%08d","text":"Seu pedido %d saiu para entrega."}', 10000000 + (counter * 7919) % CONTACTS, counter)
  -- wrk.format's headers replace the -H ones: the token is copied in.
  local headers = {["Content-Type"] = "application/json"}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", nil, headers, body)
end
"#,
    )
    .unwrap();

    let runs = tokio::task::spawn_blocking(move || {
        vec![
            wrk(
                "bare axum, constant",
                &format!("http://{bare_addr}/"),
                None,
                None,
            ),
            wrk(
                "GET contacts?limit=50",
                &format!("{base}/api/accounts/{account}/contacts?limit=50"),
                Some(&token),
                None,
            ),
            wrk(
                "GET contacts?limit=50, nothing kept",
                &format!("{fresh_base}/api/accounts/{account}/contacts?limit=50"),
                Some(&token),
                None,
            ),
            wrk(
                "GET chats (50)",
                &format!("{base}/api/accounts/{account}/chats"),
                Some(&token),
                None,
            ),
            wrk(
                "GET chats (50), nothing kept",
                &format!("{fresh_base}/api/accounts/{account}/chats"),
                Some(&token),
                None,
            ),
            wrk(
                "POST send (queued), a commit per send",
                &format!("{alone_base}/api/accounts/{account}/send"),
                Some(&token),
                Some(&script),
            ),
            wrk(
                "POST send (queued), group commit",
                &format!("{base}/api/accounts/{account}/send"),
                Some(&token),
                Some(&script),
            ),
        ]
    })
    .await
    .unwrap();

    println!(
        "| endpoint ({contacts} contacts, {} messages; wrk -t2 -c{CONNECTIONS} -d{SECONDS}s) | req/s | p50 | p99 |",
        contacts * MESSAGES_EACH
    );
    println!("|---|---|---|---|");
    for m in runs {
        println!("| {} | {:.0} | {} | {} |", m.what, m.rps, m.p50, m.p99);
    }
    server.stop().await;
    fresh.stop().await;
    alone.stop().await;
    app.shutdown().await;
}
