//! Row-level security by direct SQL: an agent of account A, logged in as their
//! own role, reads and writes A's rows in every synced table and none of B's.

use crate::common::{HLC, Seeded, operator, outcome, seed_account};
use sqlx::{Executor, PgConnection};
use zapdesk_sync::MemberRole;
use zapdesk_sync::testing::ScratchDatabase;

/// How a synced table is exercised: a new row of an account, and a harmless change.
struct Table {
    name: &'static str,
    insert: fn(&Seeded) -> String,
    touch: &'static str,
}

fn id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// Every synced table. `every_table_of_the_schema_is_covered` fails when a
/// migration adds a table that is not here.
fn tables() -> Vec<Table> {
    vec![
        Table {
            name: "accounts",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.accounts (id, name, created_at, updated_at, hlc)
                     VALUES ('{}', 'Nova', 1, 1, '{HLC}') -- of {}",
                    id(),
                    s.account
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "contacts",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.contacts (id, account_id, phone, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', '+5511987659999', 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "tags",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.tags (id, account_id, name, created_at, hlc)
                     VALUES ('{}', '{}', 'Outra', 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "color = '#000000'",
        },
        Table {
            name: "contact_tags",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.contact_tags (account_id, contact_id, tag_id, created_at, hlc)
                     VALUES ('{}', '{}', '{}', 1, '{HLC}')",
                    s.account, s.contact, s.other_tag
                )
            },
            touch: "created_at = created_at + 1",
        },
        Table {
            name: "custom_fields",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.custom_fields (id, account_id, key, label, kind, created_at, hlc)
                     VALUES ('{}', '{}', 'bairro', 'Bairro', 'text', 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "label = label",
        },
        Table {
            name: "contact_fields",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.contact_fields (account_id, contact_id, field_id, value, num, hlc)
                     VALUES ('{}', '{}', '{}', '42', 42, '{HLC}')",
                    s.account, s.contact, s.other_field
                )
            },
            touch: "value = value",
        },
        Table {
            name: "segments",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.segments (id, account_id, name, filter, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', 'Outro', '{{}}', 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "instances",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.instances (id, account_id, name, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', 'Suporte', 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "conversations",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.conversations (id, account_id, contact_id, instance_id, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', '{}', '{}', 1, 1, '{HLC}')",
                    id(),
                    s.account,
                    s.other_contact,
                    s.instance
                )
            },
            touch: "unread_count = unread_count + 1",
        },
        Table {
            name: "messages",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.messages (id, account_id, conversation_id, instance_id, direction, body, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', '{}', '{}', 'outbound', 'Bom dia', 1, 1, '{HLC}')",
                    id(),
                    s.account,
                    s.conversation,
                    s.instance
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "notes",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.notes (id, account_id, conversation_id, body, created_at, hlc)
                     VALUES ('{}', '{}', '{}', 'Ligar amanhã', 1, '{HLC}')",
                    id(),
                    s.account,
                    s.conversation
                )
            },
            touch: "created_at = created_at + 1",
        },
        Table {
            name: "quick_replies",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.quick_replies (id, account_id, shortcut, body, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', 'tchau', 'Até logo!', 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "campaigns",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.campaigns (id, account_id, name, message, status, audience, numbers, pacing,
                                                    recipients_total, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', 'Natal', 'Feliz Natal', 'draft', '{{}}', '[]', '{{}}', 0, 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "campaign_recipients",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.campaign_recipients (account_id, campaign_id, contact_id, position, state, hlc)
                     VALUES ('{}', '{}', '{}', 1, 'pending', '{HLC}')",
                    s.account, s.campaign, s.other_contact
                )
            },
            touch: "position = position + 1",
        },
        Table {
            name: "campaign_files",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.campaign_files (account_id, campaign_id, mime, name, bytes, created_at, hlc)
                     VALUES ('{}', '{}', 'application/pdf', 'menu.pdf', '\\x25504446', 1, '{HLC}')",
                    s.account, s.other_campaign
                )
            },
            touch: "created_at = created_at + 1",
        },
        Table {
            name: "automation_settings",
            // One row per account, seeded already: a second save is an upsert.
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.automation_settings (account_id, enabled, time_zone, handoff_words, handoff_reply,
                                                              session_expiry_minutes, allow_private_http, ai_instructions,
                                                              updated_at, hlc)
                     VALUES ('{}', 0, 'America/Recife', '[]', 'Um momento.', 60, 1, 'Seja breve.', 2, '{HLC}')
                     ON CONFLICT (account_id) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at",
                    s.account
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "keywords",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.keywords (id, account_id, name, match_kind, words, numbers, priority, enabled,
                                                   cooldown_minutes, actions, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', 'Horário', 'exact', '[\"horario\"]', '[]', 1, 1, 5, '{{}}', 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "priority = priority + 1",
        },
        Table {
            name: "automation_files",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.automation_files (id, account_id, name, mime, kind, bytes, created_at, hlc)
                     VALUES ('{}', '{}', 'logo.png', 'image/png', 'image', '\\x89504e47', 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "created_at = created_at + 1",
        },
        Table {
            name: "flows",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.flows (id, account_id, name, draft, revision, triggers, enabled, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', 'Pesquisa', '{{}}', 1, '[]', 0, 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "revision = revision + 1",
        },
        Table {
            name: "flow_versions",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.flow_versions (id, account_id, flow_id, number, document, published_at, hlc)
                     VALUES ('{}', '{}', '{}', 2, '{{}}', 2, '{HLC}')",
                    id(),
                    s.account,
                    s.flow
                )
            },
            touch: "published_at = published_at + 1",
        },
        Table {
            name: "flow_sessions",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.flow_sessions (id, account_id, conversation_id, flow_id, version_id, state, status,
                                                        started_by, started_at, updated_at, hlc)
                     VALUES ('{}', '{}', '{}', '{}', '{}', '{{}}', 'ended', '\"hand\"', 1, 1, '{HLC}')",
                    id(),
                    s.account,
                    s.conversation,
                    s.flow,
                    s.flow_version
                )
            },
            touch: "wake_at = 5",
        },
        Table {
            name: "pipeline_stages",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.pipeline_stages (id, account_id, name, color, position, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', 'Proposta', '#0f766e', 1, 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "position = position + 1",
        },
        Table {
            name: "pipeline_cards",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.pipeline_cards (id, account_id, contact_id, stage_id, value_cents, position, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', '{}', '{}', 100, 'n', 1, 1, '{HLC}')",
                    id(),
                    s.account,
                    s.contact,
                    s.stage
                )
            },
            touch: "value_cents = value_cents + 1",
        },
        Table {
            name: "assignment_operators",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.assignment_operators (id, account_id, email, available, updated_at, hlc)
                     VALUES ('{}', '{}', 'bia@agencia.com.br', 0, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "available = 1 - available",
        },
        Table {
            name: "webhooks",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.webhooks (id, account_id, url, events, created_at, updated_at, hlc)
                     VALUES ('{}', '{}', 'https://example.com/outro', '[\"tag.added\"]', 1, 1, '{HLC}')",
                    id(),
                    s.account
                )
            },
            touch: "updated_at = updated_at + 1",
        },
        Table {
            name: "audit_log",
            insert: |s| {
                format!(
                    "INSERT INTO zapdesk.audit_log (id, account_id, actor_name, action, contact_id, at, hlc)
                     VALUES ('{}', '{}', 'Agente', 'contact_erased', '{}', 1, '{HLC}')",
                    id(),
                    s.account,
                    s.contact
                )
            },
            touch: "at = at + 1",
        },
    ]
}

/// Tables of the schema that are not synced data, each with its own test.
const NOT_SYNCED: &[&str] = &[
    "config",
    "account_channels",
    "account_versions",
    "memberships",
    "operators",
    "number_leases",
    "commands",
    // The agency's, not an account's: sync_plans.rs.
    "plan_limits",
    // Server-only (never pulled), owners' and admins': webhook_secrets.rs.
    "webhook_secrets",
    "_sqlx_migrations",
];

async fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

async fn affected(conn: &mut PgConnection, sql: &str) -> Result<u64, sqlx::Error> {
    conn.execute(sql).await.map(|r| r.rows_affected())
}

#[tokio::test]
async fn every_table_of_the_schema_is_covered() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let mut found: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'zapdesk' ORDER BY 1",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    let mut expected: Vec<String> = tables()
        .iter()
        .map(|t| t.name.to_owned())
        .chain(NOT_SYNCED.iter().map(|t| (*t).to_owned()))
        .collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
}

#[tokio::test]
async fn an_agent_reads_and_writes_only_their_accounts_rows_in_every_table() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let b = seed_account(&mut owner, "Clínica B").await;
    let agent = operator(&db, a.account, MemberRole::Agent).await;
    let mut conn = db.connect_as(&agent).await;

    for t in tables() {
        let name = t.name;
        let of = |s: &Seeded| format!("account_id = '{}'", s.account);
        let b_rows = count(
            &mut owner,
            &format!("SELECT count(*) FROM zapdesk.{name} WHERE {}", of(&b)),
        )
        .await;
        assert!(b_rows > 0, "{name}: B has rows to protect");

        // SELECT: A's rows, and nothing of B's even when asked by id.
        let seen_b = count(
            &mut conn,
            &format!("SELECT count(*) FROM zapdesk.{name} WHERE {}", of(&b)),
        )
        .await;
        assert_eq!(seen_b, 0, "{name}: the agent sees B's rows");
        let seen_a = count(
            &mut conn,
            &format!("SELECT count(*) FROM zapdesk.{name} WHERE {}", of(&a)),
        )
        .await;
        let seen_all = count(&mut conn, &format!("SELECT count(*) FROM zapdesk.{name}")).await;
        assert!(seen_a > 0, "{name}: the agent does not see A's rows");
        assert_eq!(
            seen_all, seen_a,
            "{name}: the agent sees rows of other accounts"
        );

        // INSERT: a row of B is refused (by policy, or by privilege for
        // accounts); a row of A goes in, except a new account.
        let into_b = affected(&mut conn, &(t.insert)(&b)).await;
        assert_eq!(outcome(&into_b), "42501", "{name}: insert into B");
        let into_a = affected(&mut conn, &(t.insert)(&a)).await;
        let expected = if name == "accounts" { "42501" } else { "ok" };
        assert_eq!(outcome(&into_a), expected, "{name}: insert into A");

        // UPDATE: nothing of B changes. On A: data rows change; an agent
        // cannot edit the account; nobody edits the audit log.
        let touch = t.touch;
        let update = |s: &Seeded| format!("UPDATE zapdesk.{name} SET {touch} WHERE {}", of(s));
        let on_b = affected(&mut conn, &update(&b)).await;
        let on_a = affected(&mut conn, &update(&a)).await;
        match name {
            "audit_log" => {
                assert_eq!(outcome(&on_b), "42501", "{name}: update B");
                assert_eq!(outcome(&on_a), "42501", "{name}: update A");
            }
            "accounts" => {
                assert_eq!(on_b.unwrap(), 0, "{name}: update B");
                assert_eq!(on_a.unwrap(), 0, "{name}: an agent updates the account");
            }
            _ => {
                assert_eq!(on_b.unwrap(), 0, "{name}: update B");
                assert!(on_a.unwrap() > 0, "{name}: update A");
            }
        }

        // DELETE: nothing of B goes; on A a delete becomes tombstones
        // (reported as 0 rows, since no row was removed).
        let delete = |s: &Seeded| format!("DELETE FROM zapdesk.{name} WHERE {}", of(s));
        let live = |s: &Seeded| {
            format!(
                "SELECT count(*) FROM zapdesk.{name} WHERE {} {}",
                of(s),
                if name == "audit_log" {
                    ""
                } else {
                    "AND deleted_at IS NULL"
                }
            )
        };
        let before_a = count(&mut owner, &live(&a)).await;
        let on_b = affected(&mut conn, &delete(&b)).await;
        let on_a = affected(&mut conn, &delete(&a)).await;
        match name {
            "audit_log" | "accounts" => {
                assert_eq!(outcome(&on_b), "42501", "{name}: delete B");
                assert_eq!(outcome(&on_a), "42501", "{name}: delete A");
                assert_eq!(count(&mut owner, &live(&a)).await, before_a, "{name}");
            }
            _ => {
                assert_eq!(on_b.unwrap(), 0, "{name}: delete B");
                assert_eq!(on_a.unwrap(), 0, "{name}: delete A is not a real delete");
                assert_eq!(
                    count(&mut owner, &live(&a)).await,
                    0,
                    "{name}: A's tombstones"
                );
                let kept = count(
                    &mut owner,
                    &format!("SELECT count(*) FROM zapdesk.{name} WHERE {}", of(&a)),
                )
                .await;
                assert_eq!(kept, before_a, "{name}: tombstones stay as rows");
            }
        }
        assert_eq!(
            count(&mut owner, &live(&b)).await,
            b_rows,
            "{name}: B's rows are untouched"
        );
    }

    // The counters too: the agent sees A's and not B's.
    let counters = count(
        &mut conn,
        &format!(
            "SELECT count(*) FROM zapdesk.account_versions WHERE account_id IN ('{}', '{}')",
            a.account, b.account
        ),
    )
    .await;
    assert_eq!(counters, 1);
}
