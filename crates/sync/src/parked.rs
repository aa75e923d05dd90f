//! Changes the agency's server refused for good, set aside by the push
//! (`sync_parked`, migrations/sqlite/0014) so one row never stops a desktop's
//! sync: listed in Settings → Sincronização with the reason in the user's
//! language, and pushed again on request (or by the row's next edit). Each
//! plan's limits, refused, are listed and pushed again with them
//! ([`crate::plan_limits`]; the agency's, not one account's).

use serde::Serialize;
use sqlx::SqlitePool;
use uuid::Uuid;
use zapdesk_core::{AccountId, Lang};

use crate::sync_error::SyncError;

/// One parked change, as the Sync screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ParkedChange {
    /// `None` for a plan's limits: the agency's, every account's.
    pub account_id: Option<AccountId>,
    /// The account's name; "Todas as contas" for a plan's limits.
    pub account_name: String,
    /// What kind of row, in words ("Contato", "Etiqueta", …).
    pub what: String,
    /// Which one: a name, a phone, the start of a message; empty when the
    /// row is gone here.
    pub label: String,
    /// Why the server refused it, in words.
    pub reason: String,
    /// The server's own message, for support.
    pub detail: String,
    pub parked_at: i64,
}

/// A parked row as listed: account, its name, table, key, reason, detail, when.
type Listed = (Uuid, String, String, Option<Uuid>, String, String, i64);

/// A parked row as retried: place, table, account, keys, operation, clock.
type Entry = (
    i64,
    String,
    Uuid,
    Option<Uuid>,
    Option<Uuid>,
    String,
    String,
);

/// Every parked change, newest first.
pub async fn list(local: &SqlitePool, lang: Lang) -> Result<Vec<ParkedChange>, SyncError> {
    let rows: Vec<Listed> = sqlx::query_as(
        "SELECT p.account_id, coalesce(a.name, ''), p.table_name, p.key1, p.reason, p.detail, p.parked_at
         FROM sync_parked p LEFT JOIN accounts a ON a.id = p.account_id
         ORDER BY p.parked_at DESC, p.seq DESC",
    )
    .fetch_all(local)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (account, account_name, table, key1, reason, detail, parked_at) in rows {
        let label = match (label_sql(&table), key1) {
            (Some(sql), Some(key)) => sqlx::query_scalar::<_, Option<String>>(sql)
                .bind(account)
                .bind(key)
                .fetch_optional(local)
                .await?
                .flatten()
                .unwrap_or_default(),
            _ => String::new(),
        };
        out.push(ParkedChange {
            account_id: Some(AccountId::from_uuid(account)),
            account_name,
            what: what(&table, lang).to_owned(),
            label,
            reason: reason_text(&reason, lang),
            detail,
            parked_at,
        });
    }
    for (plan, refused) in crate::plan_limits::refused(local).await? {
        out.push(ParkedChange {
            account_id: None,
            account_name: lang.pick("Todas as contas", "Every account").to_owned(),
            what: what("plan_limits", lang).to_owned(),
            label: plan_label(&plan, lang),
            reason: reason_text(&refused.reason, lang),
            detail: refused.detail,
            parked_at: refused.at,
        });
    }
    // Newest first, the plans among the rows.
    out.sort_by_key(|c| std::cmp::Reverse(c.parked_at));
    Ok(out)
}

/// A plan's name as Settings → Planos shows it.
fn plan_label(plan: &str, lang: Lang) -> String {
    match serde_json::from_value::<zapdesk_core::accounts::Plan>(serde_json::Value::from(plan)) {
        Ok(plan) => zapdesk_core::plans::plan_name(plan, lang).to_owned(),
        Err(_) => plan.to_owned(),
    }
}

/// Puts every parked change back in the outbox (with a fresh place at its
/// end); the caller pokes the engine. Returns how many.
///
/// A change refused because this desktop's clock was ahead (`hlc_ahead`)
/// would be refused again with the same clock, and a hybrid clock never
/// goes back on its own: once the operator fixed the date, the local clock
/// comes back to the wall clock and those rows get a fresh one.
pub async fn retry(local: &SqlitePool) -> Result<u64, SyncError> {
    let now = zapdesk_core::time::now_ms();
    let limit = now + crate::hlc::MAX_AHEAD_MS;
    let mut tx = local.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("UPDATE sync_clock SET ms = ?1, counter = 0 WHERE id = 1 AND ms > ?2")
        .bind(now)
        .bind(limit)
        .execute(&mut *tx)
        .await?;
    let parked: Vec<Entry> = sqlx::query_as(
        "SELECT seq, table_name, account_id, key1, key2, op, hlc FROM sync_parked ORDER BY seq",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut moved = 0;
    for (_, table_name, account, key1, key2, op, hlc) in parked {
        let ahead = crate::hlc::Hlc::parse(&hlc).is_some_and(|h| h.ms > limit);
        let hlc = if ahead {
            sqlx::query(
                "UPDATE sync_clock SET counter = CASE WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
                        ms = CASE WHEN counter >= 99999 THEN ms + 1 ELSE ms END WHERE id = 1",
            )
            .execute(&mut *tx)
            .await?;
            let fresh: String = sqlx::query_scalar("SELECT hlc FROM sync_clock WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
            if let Some(table) = crate::tables::table(&table_name)
                && op == "upsert"
            {
                // Changing only the clock: the sync triggers stay quiet. A
                // column's own clock (the opt-out's) was stamped with the
                // same clock ahead, and is refused alike: it moves too.
                let own = table
                    .own_clock
                    .map(|(_, c)| format!(", {c} = CASE WHEN {c} > ?1 THEN ?1 ELSE {c} END"))
                    .unwrap_or_default();
                let mut sql = format!(
                    "UPDATE {} SET hlc = ?1{own} WHERE account_id = ?2 AND {} = ?3",
                    table.name, table.outbox_key[0]
                );
                if let Some(k2) = table.outbox_key.get(1) {
                    sql.push_str(&format!(" AND {k2} = ?4"));
                }
                let mut query = sqlx::query(&sql).bind(&fresh).bind(account).bind(key1);
                if table.outbox_key.len() > 1 {
                    query = query.bind(key2);
                }
                query.execute(&mut *tx).await?;
            }
            fresh
        } else {
            hlc
        };
        sqlx::query(
            "INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(account)
        .bind(&table_name)
        .bind(key1)
        .bind(key2)
        .bind(&op)
        .bind(&hlc)
        .execute(&mut *tx)
        .await?;
        moved += 1;
    }
    sqlx::query("DELETE FROM sync_parked")
        .execute(&mut *tx)
        .await?;
    // Each plan refused: waiting to be pushed again, with a fresh clock when
    // its own was ahead (the server refuses that one again).
    for (plan, _) in crate::plan_limits::refused(&mut *tx).await? {
        let hlc: Option<String> = sqlx::query_scalar("SELECT hlc FROM plan_limits WHERE plan = ?")
            .bind(&plan)
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
        if hlc
            .as_deref()
            .and_then(crate::hlc::Hlc::parse)
            .is_some_and(|h| h.ms > limit)
        {
            sqlx::query(zapdesk_core::store::CLOCK_TICK)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE plan_limits SET hlc = (SELECT hlc FROM sync_clock WHERE id = 1) WHERE plan = ?",
            )
            .bind(&plan)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE plan_limits SET unpushed = 1 WHERE plan = ? AND hlc IS NOT NULL")
            .bind(&plan)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM settings WHERE key = ?")
            .bind(format!("{}{plan}", crate::plan_limits::REFUSED))
            .execute(&mut *tx)
            .await?;
        moved += 1;
    }
    tx.commit().await?;
    Ok(moved)
}

/// The row's own words: `?1` the account, `?2` the row's id.
fn label_sql(table: &str) -> Option<&'static str> {
    Some(match table {
        "contacts" => {
            "SELECT coalesce(name || ' · ', '') || phone FROM contacts WHERE account_id = ?1 AND id = ?2"
        }
        "tags" => "SELECT name FROM tags WHERE account_id = ?1 AND id = ?2",
        "custom_fields" => "SELECT label FROM custom_fields WHERE account_id = ?1 AND id = ?2",
        "segments" => "SELECT name FROM segments WHERE account_id = ?1 AND id = ?2",
        "quick_replies" => {
            "SELECT '/' || shortcut FROM quick_replies WHERE account_id = ?1 AND id = ?2"
        }
        "instances" => "SELECT name FROM instances WHERE account_id = ?1 AND id = ?2",
        "campaigns" => "SELECT name FROM campaigns WHERE account_id = ?1 AND id = ?2",
        "messages" => "SELECT substr(body, 1, 60) FROM messages WHERE account_id = ?1 AND id = ?2",
        "notes" => "SELECT substr(body, 1, 60) FROM notes WHERE account_id = ?1 AND id = ?2",
        "keywords" => "SELECT name FROM keywords WHERE account_id = ?1 AND id = ?2",
        "automation_files" => "SELECT name FROM automation_files WHERE account_id = ?1 AND id = ?2",
        "flows" => "SELECT name FROM flows WHERE account_id = ?1 AND id = ?2",
        "flow_versions" => {
            "SELECT f.name || ' · v' || v.number FROM flow_versions v
             JOIN flows f ON f.account_id = v.account_id AND f.id = v.flow_id
             WHERE v.account_id = ?1 AND v.id = ?2"
        }
        "pipeline_stages" => "SELECT name FROM pipeline_stages WHERE account_id = ?1 AND id = ?2",
        // The card's title (when it has one) and its contact.
        "pipeline_cards" => {
            "SELECT coalesce(c.title || ' · ', '') || coalesce(ct.name, ct.phone) FROM pipeline_cards c
             JOIN contacts ct ON ct.account_id = c.account_id AND ct.id = c.contact_id
             WHERE c.account_id = ?1 AND c.id = ?2"
        }
        "webhooks" => "SELECT url FROM webhooks WHERE account_id = ?1 AND id = ?2",
        _ => return None,
    })
}

fn what(table: &str, lang: Lang) -> &'static str {
    let (pt, en) = match table {
        "contacts" => ("Contato", "Contact"),
        "tags" => ("Etiqueta", "Tag"),
        "contact_tags" => ("Etiqueta de um contato", "A contact's tag"),
        "custom_fields" => ("Campo personalizado", "Custom field"),
        "contact_fields" => ("Valor de campo de um contato", "A contact's field value"),
        "segments" => ("Segmento", "Segment"),
        "quick_replies" => ("Resposta rápida", "Quick reply"),
        "instances" => ("Número", "Number"),
        "conversations" => ("Conversa", "Conversation"),
        "messages" => ("Mensagem", "Message"),
        "notes" => ("Nota interna", "Internal note"),
        "campaigns" => ("Campanha", "Campaign"),
        "campaign_recipients" => ("Destinatário de campanha", "Campaign recipient"),
        "automation_settings" => ("Configurações da automação", "Automation settings"),
        "keywords" => ("Palavra-chave", "Keyword"),
        "automation_files" => ("Arquivo da automação", "Automation file"),
        "flows" => ("Fluxo", "Flow"),
        "flow_versions" => ("Versão publicada de um fluxo", "A flow's published version"),
        "flow_sessions" => ("Conversa em um fluxo", "A conversation in a flow"),
        "pipeline_stages" => ("Etapa do funil", "Pipeline stage"),
        "pipeline_cards" => ("Cartão do funil", "Pipeline card"),
        "webhooks" => ("Webhook", "Webhook"),
        // The agency's, no account's (crate::plan_limits).
        "plan_limits" => ("Limites do plano", "Plan limits"),
        _ => ("Registro", "Record"),
    };
    lang.pick(pt, en)
}

/// The server's constraint, in words (remote schema: migrations/postgres).
fn reason_text(reason: &str, lang: Lang) -> String {
    let (pt, en) = match reason {
        "contacts_phone" => (
            "Outro contato no servidor já tem este telefone.",
            "Another contact on the server has this phone.",
        ),
        "tags_name" => (
            "Outra etiqueta no servidor já tem este nome.",
            "Another tag on the server has this name.",
        ),
        "custom_fields_key" => (
            "Outro campo no servidor já tem esta chave.",
            "Another field on the server has this key.",
        ),
        "segments_name" => (
            "Outro segmento no servidor já tem este nome.",
            "Another segment on the server has this name.",
        ),
        "messages_wa_id" => (
            "Outra mensagem no servidor já tem este id do WhatsApp.",
            "Another message on the server has this WhatsApp id.",
        ),
        "conversations_thread" => (
            "Este contato já tem outra conversa neste número no servidor.",
            "This contact already has another conversation on this number on the server.",
        ),
        "automation_files_at_most_16_mib" => (
            "O arquivo passa de 16 MiB, o limite do servidor; envie um arquivo menor.",
            "The file is over 16 MiB, the server's limit; upload a smaller file.",
        ),
        "plan_limits_owners" => (
            "Só donos podem mudar os limites dos planos no servidor da agência, e este login não é dono de nenhuma conta lá. Peça a um dono para mudá-los, ou para dar a este login o papel de dono.",
            "Only owners can change the plans' limits on the agency's server, and this login owns no account there. Ask an owner to change them, or to make this login an owner.",
        ),
        "hlc_ahead" => (
            "O relógio deste computador estava adiantado quando a alteração foi feita; acerte a data e a hora e tente de novo.",
            "This computer's clock was ahead when the change was made; fix the date and time and try again.",
        ),
        _ => (
            "O servidor recusou esta alteração.",
            "The server refused this change.",
        ),
    };
    lang.pick(pt, en).to_owned()
}
