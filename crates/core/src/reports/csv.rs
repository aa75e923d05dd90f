//! Each dashboard table as a CSV file a spreadsheet opens as is, with the
//! conventions of the contacts export (`crate::export`): UTF-8 with a BOM,
//! `;` between cells and a decimal comma in Portuguese, `,` and a decimal
//! point in English, every cell through `csv_safe` (operators' and
//! campaigns' names are typed by people). Durations are in minutes.
//! Exports are refused to agents (`access::Area::Export`).

use serde::{Deserialize, Serialize};

use super::{DateRange, Durations, Report, ReportError, Totals};
use crate::access::{self, Area};
use crate::{AccountId, Lang, Store, csv_safe};

/// Which table of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportTable {
    /// Messages in and out, new contacts, per day.
    Days,
    /// The period's totals beside the previous period's.
    Summary,
    Operators,
    Numbers,
    Campaigns,
    /// The agency's accounts, one line each.
    Accounts,
}

/// One table of a dashboard as CSV bytes: one account's (`Some`) or the
/// agency's (`None`).
pub async fn table_csv(
    store: &Store,
    account: Option<AccountId>,
    range: &DateRange,
    table: ReportTable,
    lang: Lang,
    now: i64,
) -> Result<Vec<u8>, ReportError> {
    access::require(store, Area::Export).await?;
    let report = match account {
        Some(account) => super::account(store, account, range, now).await?,
        None => super::agency(store, range, now).await?,
    };
    Ok(csv(&report, table, lang))
}

/// A suggested file name, such as `atendimento-2026-11-01-a-2026-11-30.csv`.
pub fn file_name(table: ReportTable, range: &DateRange, lang: Lang) -> String {
    let what = match table {
        ReportTable::Days => lang.pick("mensagens-por-dia", "messages-per-day"),
        ReportTable::Summary => lang.pick("resumo", "summary"),
        ReportTable::Operators => lang.pick("operadores", "operators"),
        ReportTable::Numbers => lang.pick("numeros", "numbers"),
        ReportTable::Campaigns => lang.pick("campanhas", "campaigns"),
        ReportTable::Accounts => lang.pick("contas", "accounts"),
    };
    let clean = |d: &str| -> String {
        d.chars()
            .filter(|c| c.is_ascii_digit() || *c == '-')
            .collect()
    };
    format!(
        "{what}-{}-{}-{}.csv",
        clean(&range.from),
        lang.pick("a", "to"),
        clean(&range.to)
    )
}

/// Minutes with one decimal in the language's way; empty when unmeasured.
fn minutes(ms: Option<i64>, lang: Lang) -> String {
    let Some(ms) = ms else {
        return String::new();
    };
    let text = format!("{:.1}", ms as f64 / 60_000.0);
    match lang {
        Lang::PtBr => text.replace('.', ","),
        Lang::En => text,
    }
}

fn durations(d: &Durations, lang: Lang) -> [String; 2] {
    [minutes(d.median_ms, lang), minutes(d.p90_ms, lang)]
}

/// The report's `table` as CSV bytes.
pub fn csv(report: &Report, table: ReportTable, lang: Lang) -> Vec<u8> {
    let (header, rows) = cells(report, table, lang);
    let mut out = ::csv::WriterBuilder::new()
        .delimiter(match lang {
            Lang::PtBr => b';',
            Lang::En => b',',
        })
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to memory cannot fail; a failed record would only be missing.
    let _ = out.write_record(csv_safe::record(header.iter().copied()));
    for row in &rows {
        let _ = out.write_record(csv_safe::record(row.iter().map(String::as_str)));
    }
    out.into_inner().unwrap_or_default()
}

fn summary_rows(t: &Totals, p: &Totals, lang: Lang) -> Vec<Vec<String>> {
    let line = |label: &str, a: String, b: String| vec![label.to_owned(), a, b];
    let n = |x: u32| x.to_string();
    vec![
        line(
            lang.pick("mensagens recebidas", "messages in"),
            n(t.messages_in),
            n(p.messages_in),
        ),
        line(
            lang.pick("mensagens enviadas", "messages out"),
            n(t.messages_out),
            n(p.messages_out),
        ),
        line(
            lang.pick("contatos novos", "new contacts"),
            n(t.new_contacts),
            n(p.new_contacts),
        ),
        line(
            lang.pick("conversas abertas", "conversations opened"),
            n(t.conversations_opened),
            n(p.conversations_opened),
        ),
        line(
            lang.pick("conversas resolvidas", "conversations resolved"),
            n(t.conversations_resolved),
            n(p.conversations_resolved),
        ),
        line(
            lang.pick(
                "primeira resposta, mediana (min)",
                "first response, median (min)",
            ),
            minutes(t.first_response.median_ms, lang),
            minutes(p.first_response.median_ms, lang),
        ),
        line(
            lang.pick("primeira resposta, p90 (min)", "first response, p90 (min)"),
            minutes(t.first_response.p90_ms, lang),
            minutes(p.first_response.p90_ms, lang),
        ),
        line(
            lang.pick("resolução, mediana (min)", "resolution, median (min)"),
            minutes(t.resolution.median_ms, lang),
            minutes(p.resolution.median_ms, lang),
        ),
        line(
            lang.pick("resolução, p90 (min)", "resolution, p90 (min)"),
            minutes(t.resolution.p90_ms, lang),
            minutes(p.resolution.p90_ms, lang),
        ),
        line(
            lang.pick("mensagens de campanha", "campaign messages"),
            n(t.campaign_messages),
            n(p.campaign_messages),
        ),
        line(
            lang.pick("fluxos iniciados", "flows started"),
            n(t.flows_started),
            n(p.flows_started),
        ),
        line(
            lang.pick("fluxos concluídos", "flows completed"),
            n(t.flows_completed),
            n(p.flows_completed),
        ),
        line(
            lang.pick("fluxos passados a pessoas", "flows handed off"),
            n(t.flows_handed_off),
            n(p.flows_handed_off),
        ),
    ]
}

fn cells(report: &Report, table: ReportTable, lang: Lang) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let n = |x: u32| x.to_string();
    let nobody = lang.pick("(sem responsável)", "(unassigned)");
    match table {
        ReportTable::Days => (
            lang.pick(
                vec!["data", "recebidas", "enviadas", "contatos_novos"],
                vec!["date", "messages_in", "messages_out", "new_contacts"],
            ),
            report
                .days
                .iter()
                .map(|d| {
                    vec![
                        d.date.clone(),
                        n(d.messages_in),
                        n(d.messages_out),
                        n(d.new_contacts),
                    ]
                })
                .collect(),
        ),
        ReportTable::Summary => (
            lang.pick(
                vec!["indicador", "periodo", "periodo_anterior"],
                vec!["metric", "period", "previous_period"],
            ),
            summary_rows(&report.totals, &report.previous, lang),
        ),
        ReportTable::Operators => (
            lang.pick(
                vec![
                    "operador",
                    "conversas",
                    "mensagens_enviadas",
                    "resolvidas",
                    "primeira_resposta_mediana_min",
                    "primeira_resposta_p90_min",
                    "resolucao_mediana_min",
                    "resolucao_p90_min",
                ],
                vec![
                    "operator",
                    "conversations",
                    "messages_sent",
                    "resolved",
                    "first_response_median_min",
                    "first_response_p90_min",
                    "resolution_median_min",
                    "resolution_p90_min",
                ],
            ),
            report
                .operators
                .iter()
                .map(|o| {
                    let mut row = vec![
                        o.name.clone().unwrap_or_else(|| nobody.to_owned()),
                        n(o.conversations),
                        n(o.messages_sent),
                        n(o.resolved),
                    ];
                    row.extend(durations(&o.first_response, lang));
                    row.extend(durations(&o.resolution, lang));
                    row
                })
                .collect(),
        ),
        ReportTable::Numbers => (
            lang.pick(
                vec![
                    "numero",
                    "telefone",
                    "status",
                    "enviadas_hoje",
                    "limite_diario",
                    "dia_de_aquecimento",
                    "recebidas",
                    "enviadas",
                    "falhas",
                ],
                vec![
                    "number",
                    "phone",
                    "status",
                    "sent_today",
                    "daily_cap",
                    "warmup_day",
                    "messages_in",
                    "messages_out",
                    "failed",
                ],
            ),
            report
                .numbers
                .iter()
                .map(|x| {
                    vec![
                        x.name.clone(),
                        x.phone.clone().unwrap_or_default(),
                        serde_json::to_value(x.status)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        n(x.sent_today),
                        n(x.daily_cap),
                        x.warmup_day.map(n).unwrap_or_default(),
                        n(x.messages_in),
                        n(x.messages_out),
                        n(x.failed),
                    ]
                })
                .collect(),
        ),
        ReportTable::Campaigns => (
            lang.pick(
                vec![
                    "campanha",
                    "destinatarios",
                    "enviadas",
                    "entregues",
                    "lidas",
                    "responderam",
                    "falhas",
                    "puladas",
                    "descadastrados",
                ],
                vec![
                    "campaign",
                    "recipients",
                    "sent",
                    "delivered",
                    "read",
                    "replied",
                    "failed",
                    "skipped",
                    "opted_out",
                ],
            ),
            report
                .campaigns
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        n(c.recipients),
                        n(c.sent),
                        n(c.delivered),
                        n(c.read),
                        n(c.replied),
                        n(c.failed),
                        n(c.skipped),
                        n(c.opted_out),
                    ]
                })
                .collect(),
        ),
        ReportTable::Accounts => (
            lang.pick(
                vec![
                    "conta",
                    "recebidas",
                    "enviadas",
                    "contatos_novos",
                    "abertas_agora",
                    "pendentes_agora",
                    "resolvidas",
                    "primeira_resposta_mediana_min",
                    "resolucao_mediana_min",
                ],
                vec![
                    "account",
                    "messages_in",
                    "messages_out",
                    "new_contacts",
                    "open_now",
                    "pending_now",
                    "resolved",
                    "first_response_median_min",
                    "resolution_median_min",
                ],
            ),
            report
                .accounts
                .iter()
                .map(|a| {
                    vec![
                        a.name.clone(),
                        n(a.totals.messages_in),
                        n(a.totals.messages_out),
                        n(a.totals.new_contacts),
                        n(a.waiting.open),
                        n(a.waiting.pending),
                        n(a.totals.conversations_resolved),
                        minutes(a.totals.first_response.median_ms, lang),
                        minutes(a.totals.resolution.median_ms, lang),
                    ]
                })
                .collect(),
        ),
    }
}
