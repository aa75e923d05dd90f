//! The inbox at agency scale: an account with 100 000 conversations and
//! 1 000 000 messages, then the first page of the chat list, opening a thread,
//! and a full-text search, each timed many times (p50/p95). Prints Markdown
//! rows for docs/benchmarks.md. Run: `cargo bench -p zapdesk-core --bench inbox`.
//!
//! The data is written straight into the SQLite file in large transactions
//! (the public API would take an hour for a million messages); the FTS index
//! is kept by the same triggers as in the app. Timings go through the public
//! functions the app calls.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::domain::{ConversationStatus, InstanceKind};
use zapdesk_core::inbox::conversations::{self, ListFilter};
use zapdesk_core::inbox::search;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::store::DB_FILE;
use zapdesk_core::{ContactId, ConversationId, MessageId, Store};

const CONVERSATIONS: usize = 100_000;
const MESSAGES_EACH: usize = 10;
const RUNS: usize = 300;

const WORDS: &[&str] = &[
    "olá",
    "bom",
    "dia",
    "boa",
    "tarde",
    "pedido",
    "entrega",
    "pão",
    "queijo",
    "promoção",
    "preço",
    "horário",
    "sábado",
    "domingo",
    "pix",
    "cartão",
    "obrigado",
    "obrigada",
    "amanhã",
    "hoje",
    "cardápio",
    "bolo",
    "café",
    "encomenda",
    "endereço",
    "frete",
    "desconto",
    "cupom",
    "troca",
    "devolução",
    "tamanho",
    "cor",
    "estoque",
    "reserva",
    "mesa",
    "aniversário",
    "ação",
    "atenção",
    "informação",
    "orçamento",
    "confirmação",
    "agendamento",
];

fn sentence(rng: &mut StdRng) -> String {
    let n = rng.random_range(3..12);
    (0..n)
        .map(|_| WORDS[rng.random_range(0..WORDS.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn row(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "| {what} | {:.2} ms | {:.2} ms | {:.2} ms |",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
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
    let mut numbers = Vec::new();
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

    let mut rng = StdRng::seed_from_u64(42);
    let started = Instant::now();
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.path().join(DB_FILE))
        .foreign_keys(true)
        .connect()
        .await
        .unwrap();
    let mut conversation_ids = Vec::with_capacity(CONVERSATIONS);
    let base = 1_700_000_000_000i64;
    for chunk in 0..CONVERSATIONS / 10_000 {
        let mut tx = conn.begin().await.unwrap();
        for i in chunk * 10_000..(chunk + 1) * 10_000 {
            let contact = ContactId::new();
            let conversation = ConversationId::new();
            let instance = numbers[i % numbers.len()];
            let at = base + (i as i64) * 60_000;
            sqlx::query("INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(contact).bind(account).bind(format!("+55119{:08}", i)).bind(format!("Cliente {i}")).bind(format!("cliente {i}")).bind(at).bind(at)
                .execute(&mut *tx).await.unwrap();
            let status = match i % 10 {
                0..=5 => "open",
                6 | 7 => "pending",
                _ => "resolved",
            };
            let message_ids: Vec<MessageId> =
                (0..MESSAGES_EACH).map(|_| MessageId::new()).collect();
            sqlx::query("INSERT INTO conversations (id, account_id, contact_id, instance_id, status, unread_count, last_message_at, last_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(conversation).bind(account).bind(contact).bind(instance).bind(status).bind((i % 3) as i64).bind(at + 9_000)
                .bind(message_ids[MESSAGES_EACH - 1]).bind(at).bind(at)
                .execute(&mut *tx).await.unwrap();
            for (m, message_id) in message_ids.iter().enumerate() {
                let t = at + m as i64 * 1_000;
                let inbound = m % 2 == 0;
                sqlx::query("INSERT INTO messages (id, account_id, conversation_id, instance_id, wa_message_id, direction, kind, body, status, sent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?)")
                    .bind(message_id).bind(account).bind(conversation).bind(instance).bind(format!("w{i}_{m}"))
                    .bind(if inbound { "inbound" } else { "outbound" }).bind(sentence(&mut rng)).bind(if inbound { "received" } else { "read" })
                    .bind(t).bind(t).bind(t)
                    .execute(&mut *tx).await.unwrap();
            }
            conversation_ids.push(conversation);
        }
        tx.commit().await.unwrap();
    }
    sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let size = std::fs::metadata(dir.path().join(DB_FILE))
        .map(|m| m.len())
        .unwrap_or(0)
        + std::fs::metadata(dir.path().join(format!("{DB_FILE}-wal")))
            .map(|m| m.len())
            .unwrap_or(0);
    eprintln!(
        "generated {CONVERSATIONS} conversations, {} messages in {:.0} s ({} MiB)",
        CONVERSATIONS * MESSAGES_EACH,
        started.elapsed().as_secs_f64(),
        size / 1024 / 1024
    );

    println!(
        "| what ({CONVERSATIONS} conversations, {} messages) | p50 | p95 | max |",
        CONVERSATIONS * MESSAGES_EACH
    );
    println!("|---|---|---|---|");
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let page = conversations::list(
            &store,
            account,
            &ListFilter {
                limit: 100,
                ..ListFilter::default()
            },
        )
        .await
        .unwrap();
        times.push(t.elapsed());
        assert_eq!(page.len(), 100);
    }
    row("chat list, first page (100), all", times);

    let mut times = Vec::new();
    for _ in 0..RUNS {
        let filter = ListFilter {
            status: Some(ConversationStatus::Open),
            instance: Some(numbers[1]),
            limit: 100,
            ..ListFilter::default()
        };
        let t = Instant::now();
        conversations::list(&store, account, &filter).await.unwrap();
        times.push(t.elapsed());
    }
    row("chat list, first page (100), open on one number", times);

    let mut times = Vec::new();
    for _ in 0..RUNS {
        let conversation = conversation_ids[rng.random_range(0..conversation_ids.len())];
        let t = Instant::now();
        let thread = conversations::thread(&store, account, conversation, None, 100)
            .await
            .unwrap();
        times.push(t.elapsed());
        assert_eq!(thread.len(), MESSAGES_EACH);
    }
    row("open a thread (its last 100 messages)", times);

    for (label, words) in [
        (
            "search, one common word (~20% of messages), top 50",
            vec!["pedido"],
        ),
        ("search, two words, top 50", vec!["queijo", "amanha"]),
        (
            "search, accent-free rare word prefix, top 50",
            vec!["orcam"],
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..RUNS / 3 {
            let t = Instant::now();
            let hits = search::messages(&store, account, &words.join(" "), 50)
                .await
                .unwrap();
            times.push(t.elapsed());
            assert!(!hits.is_empty());
        }
        row(label, times);
    }
}
