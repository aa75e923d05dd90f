//! Contacts at agency scale: importing a 100 000-row CSV (as Excel in Brazil
//! writes it: `;`, Windows-1252, tags and custom fields in cells), importing it
//! again (nothing to change), and counting segments over the 100 000 contacts
//! (p50/p95 of many runs) from the in-memory index, against the SQL count of
//! the same filter and the floor (an unfiltered `count(*)`) in the same run,
//! then a count right after a write (the index rebuilt). Prints Markdown rows
//! for docs/benchmarks.md.
//! Run: `cargo bench -p zapdesk-core --bench contacts`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::filter::{ContactFilter, FieldCondition, FieldOp};
use zapdesk_core::import::{self, read};
use zapdesk_core::{Lang, Store, tags};
use zapdesk_core::{contact_index, contacts};

const ROWS: usize = 100_000;
const RUNS: usize = 200;
/// The SQL path is 10–50 times slower: fewer runs.
const SQL_RUNS: usize = 40;
const WRITES: usize = 20;

const FIRST: &[&str] = &[
    "João",
    "Maria",
    "José",
    "Ana",
    "Antônio",
    "Francisca",
    "Conceição",
    "Luís",
    "Márcia",
    "Sebastião",
];
const LAST: &[&str] = &[
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Lima",
    "Pereira",
    "Ferreira",
    "Araújo",
    "Gonçalves",
    "Ribeiro",
];
const TAGS: &[&str] = &["VIP", "SP", "Atacado", "Varejo", "Inativo", "Black Friday"];
const PLANS: &[&str] = &["Ouro", "Prata", "Bronze"];

fn csv(rng: &mut StdRng) -> Vec<u8> {
    let mut text = String::from("Nome;Celular;Etiquetas;Plano;Pontos\r\n");
    for i in 0..ROWS {
        let name = format!(
            "{} {} {}",
            FIRST[rng.random_range(0..FIRST.len())],
            LAST[rng.random_range(0..LAST.len())],
            i
        );
        // Written the many ways people write phones.
        let n = 10_000_000 + i;
        let phone = match i % 4 {
            0 => format!("(11) 9{}-{:04}", n / 10_000, n % 10_000),
            1 => format!("+55 21 9{n}"),
            2 => format!("031 9 {n}"),
            _ => format!("55419{n}"),
        };
        let tags: Vec<&str> = TAGS
            .iter()
            .copied()
            .filter(|_| rng.random_bool(0.3))
            .collect();
        let plan = PLANS[rng.random_range(0..PLANS.len())];
        let points = rng.random_range(0..10_000);
        text.push_str(&format!(
            "{name};{phone};{};{plan};{points},5\r\n",
            tags.join(", ")
        ));
    }
    encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
}

fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let i = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    // ZAPDESK_BENCH_DIR keeps the database for a look at query plans.
    let path = std::env::var_os("ZAPDESK_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().to_path_buf());
    let store = Store::open(&path).await.unwrap();
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
    let plan = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Plano".into(),
            kind: FieldKind::Choice,
            choices: PLANS.iter().map(|s| s.to_string()).collect(),
        },
    )
    .await
    .unwrap();
    let points = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Pontos".into(),
            kind: FieldKind::Number,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    println!(
        "load average at the start: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    let mut rng = StdRng::seed_from_u64(7);
    let bytes = csv(&mut rng);
    println!("CSV: {ROWS} rows, {:.1} MB", bytes.len() as f64 / 1e6);

    let import_once = async || {
        let started = Instant::now();
        let sheet = read::read(&bytes).unwrap();
        let parsed = started.elapsed();
        let preview = import::preview(&store, acc, &sheet).await.unwrap();
        let mut progress = |_, _| {};
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
        (started.elapsed(), parsed, report)
    };
    let (first, parsed, report) = import_once().await;
    assert_eq!(
        report.created as usize,
        ROWS,
        "{:?}",
        report.problems.first()
    );
    println!(
        "| Import {ROWS} rows (new contacts, tags, 2 fields) | {:.2} s (reading the file: {:.2} s) |",
        first.as_secs_f64(),
        parsed.as_secs_f64()
    );
    let (again, _, report) = import_once().await;
    assert_eq!(report.unchanged as usize, ROWS);
    println!(
        "| Import the same file again (no change) | {:.2} s |",
        again.as_secs_f64()
    );

    let all_tags = tags::list(&store, acc).await.unwrap();
    let tag = |name: &str| all_tags.iter().find(|t| t.name == name).unwrap().id;
    let segments = [
        (
            "has tag VIP",
            ContactFilter {
                tags_all: vec![tag("VIP")],
                ..Default::default()
            },
        ),
        (
            "any of SP/Atacado, none of Inativo",
            ContactFilter {
                tags_any: vec![tag("SP"), tag("Atacado")],
                tags_none: vec![tag("Inativo")],
                ..Default::default()
            },
        ),
        (
            "Pontos > 5000 and Plano is Ouro",
            ContactFilter {
                fields: vec![
                    FieldCondition {
                        field: points.id,
                        op: FieldOp::Greater,
                        value: "5000".into(),
                    },
                    FieldCondition {
                        field: plan.id,
                        op: FieldOp::Is,
                        value: "Ouro".into(),
                    },
                ],
                ..Default::default()
            },
        ),
        (
            "campaign-like: VIP and SP, not Inativo, not opted out, Pontos set",
            ContactFilter {
                tags_all: vec![tag("VIP"), tag("SP")],
                tags_none: vec![tag("Inativo")],
                opted_out: Some(false),
                fields: vec![FieldCondition {
                    field: points.id,
                    op: FieldOp::IsSet,
                    value: String::new(),
                }],
                ..Default::default()
            },
        ),
        (
            "name search 'conceicao'",
            ContactFilter {
                search: Some("conceicao".into()),
                ..Default::default()
            },
        ),
    ];
    // The floor: the cheapest count of the account's contacts SQLite can do
    // (its index on `contacts`, no filter), on a pool of its own opened as
    // the store's (same page cache), in the same run as the rows below.
    let floor_pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path.join(zapdesk_core::store::DB_FILE))
                .read_only(true)
                .pragma("cache_size", "-65536"),
        )
        .await
        .unwrap();
    let mut floor = Vec::with_capacity(RUNS);
    let mut everyone = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        everyone =
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM contacts WHERE account_id = ?")
                .bind(acc)
                .fetch_one(&floor_pool)
                .await
                .unwrap();
        floor.push(started.elapsed());
    }
    let floor_p50 = percentile(&mut floor, 0.5);
    let floor_p95 = percentile(&mut floor, 0.95);
    println!(
        "| floor: `SELECT count(*) FROM contacts WHERE account_id = ?` ({everyone}) | {floor_p50:.2} ms | {floor_p95:.2} ms |"
    );

    // The first count builds the account's index (what the first count after
    // any change to contacts, tags or values pays).
    let started = Instant::now();
    contact_index::warm(&store, acc).await.unwrap();
    println!(
        "| first count: builds the index | {:.0} ms | index ≈ {:.1} MB |",
        started.elapsed().as_secs_f64() * 1000.0,
        contact_index::kept_bytes(&store, acc).unwrap_or(0) as f64 / 1e6
    );

    println!(
        "| Segment count over {ROWS} contacts | p50 | p95 | SQL count (before) p50 | p95 | matches | p95 / floor p95 |"
    );
    for (name, filter) in &segments {
        let mut times = Vec::with_capacity(RUNS);
        let mut count = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            count = contacts::count(&store, acc, filter).await.unwrap();
            times.push(started.elapsed());
        }
        let mut sql_times = Vec::with_capacity(SQL_RUNS);
        for _ in 0..SQL_RUNS {
            let started = Instant::now();
            let sql = contacts::count_in_sql(&store, acc, filter).await.unwrap();
            sql_times.push(started.elapsed());
            assert_eq!(sql, count, "{name}: the index and the SQL disagree");
        }
        let p95 = percentile(&mut times, 0.95);
        println!(
            "| {name} | {:.2} ms | {p95:.2} ms | {:.1} ms | {:.1} ms | {count} | {:.1} |",
            percentile(&mut times, 0.5),
            percentile(&mut sql_times, 0.5),
            percentile(&mut sql_times, 0.95),
            p95 / floor_p95
        );
    }

    // A count right after a write: one contact's tag toggled, then the
    // campaign audience counted (the index is rebuilt first).
    let campaign = &segments[3].1;
    let someone = contacts::resolve(
        &store,
        acc,
        &zapdesk_core::filter::ContactSelection::Filter {
            filter: ContactFilter::default(),
        },
    )
    .await
    .unwrap()[0];
    let mut times = Vec::with_capacity(WRITES);
    let mut builds = Vec::with_capacity(WRITES);
    // Every write below changes something: the tag is off to start with.
    tags::apply(&store, acc, tag("Atacado"), &[someone], false)
        .await
        .unwrap();
    for _ in 0..WRITES {
        let changed = tags::apply(&store, acc, tag("Atacado"), &[someone], true)
            .await
            .unwrap();
        assert_eq!(changed, 1);
        let started = Instant::now();
        let count = contacts::count(&store, acc, campaign).await.unwrap();
        times.push(started.elapsed());
        assert_eq!(
            count,
            contacts::count_in_sql(&store, acc, campaign).await.unwrap()
        );
        // The build that count started in the background, waited for.
        contact_index::warm(&store, acc).await.unwrap();
        let changed = tags::apply(&store, acc, tag("Atacado"), &[someone], false)
            .await
            .unwrap();
        assert_eq!(changed, 1);
        let started = Instant::now();
        contact_index::warm(&store, acc).await.unwrap();
        builds.push(started.elapsed());
    }
    println!(
        "| campaign audience right after a tag write (SQL while the index is rebuilt) | {:.0} ms | {:.0} ms |",
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.95)
    );
    println!(
        "| index rebuild after a tag write | {:.0} ms | {:.0} ms |",
        percentile(&mut builds, 0.5),
        percentile(&mut builds, 0.95)
    );
    println!(
        "load average at the end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}
