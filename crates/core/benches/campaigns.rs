//! Campaigns at agency scale: creating a campaign for 100 000 recipients
//! (every check, the audience query, spreading over numbers, one recipient row
//! each), then the sender's own cost per message with pacing turned off (the
//! claim: pick the next recipient, render, write the outbox row and the
//! recipient's state in one transaction). Prints Markdown rows for
//! docs/benchmarks.md. Run: `cargo bench -p zapdesk-core --bench campaigns`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::sender::step;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
use zapdesk_core::domain::{InstanceKind, InstanceStatus};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::import::{self, read};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{Lang, Store};

const CONTACTS: usize = 100_000;
const STEPS: usize = 2_000;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let acc = accounts::create(
        &store,
        &AccountInput {
            name: "Bench".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let mut csv = String::from("nome;telefone\n");
    for i in 0..CONTACTS {
        csv.push_str(&format!("Cliente {i};+55 11 9{:08}\n", 10_000_000 + i));
    }
    let sheet = read::read(csv.as_bytes()).unwrap();
    let preview = import::preview(&store, acc, &sheet).await.unwrap();
    import::run(
        &store,
        acc,
        &sheet,
        &preview.columns,
        Lang::PtBr,
        &mut |_, _| {},
    )
    .await
    .unwrap();
    let mut numbers = Vec::new();
    for name in ["Vendas", "Suporte", "Recepção"] {
        let n = instances::create(
            &store,
            acc,
            &NumberInput {
                name: name.into(),
                kind: InstanceKind::Sandbox,
            },
        )
        .await
        .unwrap();
        instances::set_status(&store, acc, n.id, InstanceStatus::Connected, None, None)
            .await
            .unwrap();
        numbers.push(n.id);
    }
    let now = 1_796_007_600_000 + 10 * 3_600_000;
    let input = CampaignInput {
        name: "Liquidação".into(),
        message: "{Olá|Oi} {{primeiro_nome|cliente}}, liquidação só hoje!".into(),
        audience: ContactFilter::default(),
        numbers: numbers.clone(),
        pacing: Pacing {
            window_start: 0,
            window_end: 24 * 60,
            weekdays: [true; 7],
            delay_min_s: 0,
            delay_max_s: 0,
            daily_cap: 1_000_000,
            warmup_days: 0,
            ..Pacing::default()
        },
        starts_at: None,
        attachment: None,
        reply_flow: None,
    };
    let started = Instant::now();
    let campaign = campaigns::create(&store, acc, &input, now).await.unwrap();
    let create = started.elapsed();
    println!(
        "| Create a campaign for {CONTACTS} recipients over 3 numbers | {:.2} s | < 3 s |",
        create.as_secs_f64()
    );

    let started = Instant::now();
    let mut queued = 0;
    for i in 0..STEPS {
        let s = step(
            &store,
            acc,
            campaign.id,
            now + i64::try_from(i).unwrap(),
            1,
            &|_| true,
        )
        .await
        .unwrap();
        queued += s.queued;
    }
    let per = started.elapsed().as_secs_f64() * 1000.0 / f64::from(queued);
    println!(
        "| Sender cost per message, pacing off ({queued} messages in {STEPS} steps) | {per:.3} ms | < 0.2 ms |"
    );
}
