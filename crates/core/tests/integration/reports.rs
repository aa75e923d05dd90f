//! The dashboard and reports (issue 18, items 1 and 2) on a real SQLite
//! file, with data written at known moments and answers worked out by hand:
//! first response across a lunch break and a weekend in São Paulo's
//! business hours, resolution time, the bot's, the away message's and a
//! campaign's messages not taken for a person's reply, per-operator counts,
//! days cut at São Paulo's midnight (not UTC's), the previous period, the
//! agency's sum, and an agent who does not see an account not given to them.

use zapdesk_core::business_hours::{self, BusinessHours, Interval};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::Role;
use zapdesk_core::ids::{CampaignId, UserId};
use zapdesk_core::reports::csv::{ReportTable, csv};
use zapdesk_core::reports::{self, DateRange, Report};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{
    AccountId, ContactId, ConversationId, ErrorCode, InstanceId, Lang, MessageId, Store, UserError,
};

use crate::support;

const SP: &str = "America/Sao_Paulo";
const MINUTE: i64 = 60_000;

/// Local `YYYY-MM-DD HH:MM` in São Paulo as Unix ms.
fn at(text: &str) -> i64 {
    let tz = jiff::tz::TimeZone::get(SP).unwrap();
    let dt: jiff::civil::DateTime = text.replacen(' ', "T", 1).parse().unwrap();
    tz.to_timestamp(dt).unwrap().as_millisecond()
}

/// Monday to Friday 08:00–12:00 and 13:00–18:00, São Paulo.
fn office() -> BusinessHours {
    let iv = |s: u16, e: u16| Interval {
        start: s * 60,
        end: e * 60,
    };
    let mut week = vec![vec![iv(8, 12), iv(13, 18)]; 5];
    week.extend([vec![], vec![]]);
    BusinessHours {
        enabled: true,
        time_zone: SP.into(),
        week,
        ..BusinessHours::default()
    }
}

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    pool: sqlx::SqlitePool,
    acc: AccountId,
    other: AccountId,
    number: InstanceId,
    ana: UserId,
    bruno: UserId,
}

impl World {
    async fn contact(&self, acc: AccountId, phone: &str, created: &str) -> ContactId {
        let c = contacts::create(
            &self.store,
            acc,
            &ContactInput {
                phone: phone.into(),
                name: None,
            },
        )
        .await
        .unwrap();
        sqlx::query("UPDATE contacts SET created_at = ? WHERE account_id = ? AND id = ?")
            .bind(at(created))
            .bind(acc)
            .bind(c.id)
            .execute(&self.pool)
            .await
            .unwrap();
        c.id
    }

    async fn conversation(
        &self,
        acc: AccountId,
        number: InstanceId,
        contact: ContactId,
        assignee: Option<UserId>,
    ) -> ConversationId {
        let id = ConversationId::new();
        sqlx::query(
            "INSERT INTO conversations (id, account_id, contact_id, instance_id, status, assignee_id,
                                        last_message_at, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'open', ?, 0, 0, 0)",
        )
        .bind(id)
        .bind(acc)
        .bind(contact)
        .bind(number)
        .bind(assignee)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    /// A message: `who` is "contact", "person", "flow", "system" or "failed"
    /// (a person's message that did not go). What a contact sent was stored
    /// `stored_late` ms after WhatsApp's time (a catch-up).
    async fn message_in(
        &self,
        acc: AccountId,
        number: InstanceId,
        conv: ConversationId,
        who: &str,
        when: &str,
        stored_late: i64,
    ) -> MessageId {
        let id = MessageId::new();
        let t = at(when);
        let (direction, status, sent_at, created_at, bot) = match who {
            "contact" => ("inbound", "received", Some(t), t + stored_late, None),
            "person" => ("outbound", "delivered", None, t, None),
            "failed" => ("outbound", "failed", None, t, None),
            bot => ("outbound", "sent", None, t, Some(bot)),
        };
        sqlx::query(
            "INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind, body, status,
                                   sent_at, created_at, updated_at, bot_source)
             VALUES (?, ?, ?, ?, ?, 'text', 'oi', ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(acc)
        .bind(conv)
        .bind(number)
        .bind(direction)
        .bind(status)
        .bind(sent_at)
        .bind(created_at)
        .bind(created_at)
        .bind(bot)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    async fn message(&self, conv: ConversationId, who: &str, when: &str) -> MessageId {
        self.message_in(self.acc, self.number, conv, who, when, 0)
            .await
    }

    /// Resolved at `when`, as the inbox writes it (the trigger logs it).
    async fn resolve(&self, conv: ConversationId, when: &str) {
        sqlx::query(
            "UPDATE conversations SET status = 'resolved', updated_at = ? WHERE account_id = ? AND id = ?",
        )
        .bind(at(when))
        .bind(self.acc)
        .bind(conv)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    async fn set_status(&self, conv: ConversationId, status: &str) {
        sqlx::query("UPDATE conversations SET status = ? WHERE account_id = ? AND id = ?")
            .bind(status)
            .bind(self.acc)
            .bind(conv)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    /// A campaign message to `contact` in `conv`, queued at `when`.
    async fn campaign_message(&self, contact: ContactId, conv: ConversationId, when: &str) {
        let campaign = CampaignId::new();
        sqlx::query(
            "INSERT INTO campaigns (id, account_id, name, message, status, created_at, updated_at)
             VALUES (?, ?, '=Promo', 'oi', 'done', 0, 0)",
        )
        .bind(campaign)
        .bind(self.acc)
        .execute(&self.pool)
        .await
        .unwrap();
        let message = self.message(conv, "person", when).await;
        sqlx::query(
            "INSERT INTO campaign_recipients (account_id, campaign_id, contact_id, instance_id, position,
                                              state, message_id, queued_at)
             VALUES (?, ?, ?, ?, 0, 'queued', ?, ?)",
        )
        .bind(self.acc)
        .bind(campaign)
        .bind(contact)
        .bind(self.number)
        .bind(message)
        .bind(at(when))
        .execute(&self.pool)
        .await
        .unwrap();
    }
}

async fn user(store: &Store, name: &str, email: &str, role: Role) -> UserId {
    users::create(
        store,
        &UserInput {
            name: name.into(),
            email: email.into(),
            role,
        },
    )
    .await
    .unwrap()
    .id
}

/// Two weeks from Monday 2026-12-07 (the previous period: 2026-11-23 to
/// 2026-12-06), written as described beside each line.
async fn world() -> World {
    let (dir, store) = support::store().await;
    let pool = support::raw(&dir).await;
    let acc = support::account(&store, "Padaria").await;
    let other = support::account(&store, "Oficina").await;
    business_hours::save(&store, acc, &office()).await.unwrap();
    let number = support::number(&store, acc, "Loja", true).await;
    let ana = user(&store, "Ana", "ana@agencia.com.br", Role::Admin).await;
    let bruno = user(&store, "=Bruno", "bruno@agencia.com.br", Role::Agent).await;
    let w = World {
        _dir: dir,
        store,
        pool,
        acc,
        other,
        number,
        ana,
        bruno,
    };

    // A (Ana): writes Friday 17:30 and 17:40, the flow answers at once,
    // Ana on Monday 09:15, resolved Monday 10:00. First response: 30 min on
    // Friday + 75 on Monday = 105; resolution: 30 + 120 = 150.
    let a = w.contact(acc, "+5511900000001", "2026-12-11 17:29").await;
    let ca = w.conversation(acc, number, a, Some(ana)).await;
    w.message(ca, "contact", "2026-12-11 17:30").await;
    w.message(ca, "flow", "2026-12-11 17:31").await;
    w.message(ca, "contact", "2026-12-11 17:40").await;
    w.message(ca, "person", "2026-12-14 09:15").await;
    w.resolve(ca, "2026-12-14 10:00").await;

    // B (Bruno): writes Tuesday 12:30 (lunch), gets the away message, a
    // campaign's message at 12:40, a failed reply at 12:50, Bruno's at
    // 13:20 (first response 20 min), resolved 15:00 (resolution 120 min).
    // Writes again Wednesday 09:00, Bruno answers 09:05 (5 min); still open.
    let b = w.contact(acc, "+5511900000002", "2026-12-08 12:29").await;
    let cb = w.conversation(acc, number, b, Some(bruno)).await;
    w.message(cb, "contact", "2026-12-08 12:30").await;
    w.message(cb, "system", "2026-12-08 12:30").await;
    w.campaign_message(b, cb, "2026-12-08 12:40").await;
    w.message(cb, "failed", "2026-12-08 12:50").await;
    w.message(cb, "person", "2026-12-08 13:20").await;
    w.resolve(cb, "2026-12-08 15:00").await;
    w.message(cb, "contact", "2026-12-09 09:00").await;
    w.message(cb, "person", "2026-12-09 09:05").await;
    w.set_status(cb, "open").await;

    // C (nobody): writes Wednesday 10:00, 23:30 (stored next morning, as a
    // catch-up) and Thursday 00:30; no answer; pending.
    let c = w.contact(acc, "+5511900000003", "2026-12-09 23:50").await;
    let cc = w.conversation(acc, number, c, None).await;
    w.message(cc, "contact", "2026-12-09 10:00").await;
    w.message_in(
        acc,
        number,
        cc,
        "contact",
        "2026-12-09 23:30",
        9 * 60 * MINUTE,
    )
    .await;
    w.message(cc, "contact", "2026-12-10 00:30").await;
    w.set_status(cc, "pending").await;

    // D (Ana), the previous period: writes Monday 11-30 08:00, Ana answers
    // 08:10, resolved 09:00.
    let d = w.contact(acc, "+5511900000004", "2026-11-30 07:59").await;
    let cd = w.conversation(acc, number, d, Some(ana)).await;
    w.message(cd, "contact", "2026-11-30 08:00").await;
    w.message(cd, "person", "2026-11-30 08:10").await;
    w.resolve(cd, "2026-11-30 09:00").await;

    // The other account: one contact who wrote once.
    let other_number = support::number(&w.store, other, "Oficina", false).await;
    let e = w.contact(other, "+5511900000005", "2026-12-08 10:00").await;
    let ce = w.conversation(other, other_number, e, None).await;
    w.message_in(other, other_number, ce, "contact", "2026-12-08 10:00", 0)
        .await;
    w
}

fn range() -> DateRange {
    DateRange {
        from: "2026-12-07".into(),
        to: "2026-12-20".into(),
    }
}

async fn padaria(w: &World) -> Report {
    reports::account(&w.store, w.acc, &range(), at("2026-12-20 12:00"))
        .await
        .unwrap()
}

fn day(report: &Report, date: &str) -> (u32, u32, u32) {
    let d = report.days.iter().find(|d| d.date == date).unwrap();
    (d.messages_in, d.messages_out, d.new_contacts)
}

#[tokio::test]
async fn first_response_and_resolution_in_business_hours() {
    let w = world().await;
    let r = padaria(&w).await;
    let t = &r.totals;
    // Openings: A, B (twice), C.
    assert_eq!(t.conversations_opened, 4);
    // 5, 20 and 105 minutes: the median is the 2nd, the p90 the 3rd.
    assert_eq!(t.first_response.count, 3);
    assert_eq!(t.first_response.median_ms, Some(20 * MINUTE));
    assert_eq!(t.first_response.p90_ms, Some(105 * MINUTE));
    // 120 and 150 minutes.
    assert_eq!(t.conversations_resolved, 2);
    assert_eq!(t.resolution.median_ms, Some(120 * MINUTE));
    assert_eq!(t.resolution.p90_ms, Some(150 * MINUTE));
    assert_eq!(t.campaign_messages, 1);
    assert_eq!((r.waiting.open, r.waiting.pending), (1, 1));
}

#[tokio::test]
async fn without_business_hours_the_whole_elapsed_time_counts() {
    let w = world().await;
    let mut hours = office();
    hours.enabled = false;
    business_hours::save(&w.store, w.acc, &hours).await.unwrap();
    let r = padaria(&w).await;
    // A: Friday 17:30 to Monday 09:15 is 63 h 45 min.
    assert_eq!(
        r.totals.first_response.p90_ms,
        Some((63 * 60 + 45) * MINUTE)
    );
    assert_eq!(r.totals.first_response.median_ms, Some(50 * MINUTE));
}

#[tokio::test]
async fn days_are_cut_at_the_accounts_midnight() {
    let w = world().await;
    let r = padaria(&w).await;
    assert_eq!(r.days.len(), 14);
    assert_eq!(r.days[0].date, "2026-12-07");
    assert_eq!(r.days[13].date, "2026-12-20");
    // Tuesday: B's message in; the away message, the campaign's, the failed
    // one and Bruno's out; B's contact.
    assert_eq!(day(&r, "2026-12-08"), (1, 4, 1));
    // Wednesday: B at 09:00, C at 10:00 and 23:30 (02:30 UTC on Thursday,
    // stored on Thursday morning); Bruno's answer; C's contact at 23:50.
    assert_eq!(day(&r, "2026-12-09"), (3, 1, 1));
    assert_eq!(day(&r, "2026-12-10"), (1, 0, 0));
    assert_eq!(day(&r, "2026-12-11"), (2, 1, 1));
    assert_eq!(day(&r, "2026-12-14"), (0, 1, 0));
    assert_eq!(day(&r, "2026-12-20"), (0, 0, 0));
    assert_eq!(
        (
            r.totals.messages_in,
            r.totals.messages_out,
            r.totals.new_contacts
        ),
        (7, 7, 3)
    );
}

#[tokio::test]
async fn the_previous_period_is_as_long_and_ends_the_day_before() {
    let w = world().await;
    let r = padaria(&w).await;
    assert_eq!(
        (r.previous_from.as_str(), r.previous_to.as_str()),
        ("2026-11-23", "2026-12-06")
    );
    let p = &r.previous;
    assert_eq!((p.messages_in, p.messages_out, p.new_contacts), (1, 1, 1));
    assert_eq!(p.conversations_opened, 1);
    assert_eq!(p.first_response.median_ms, Some(10 * MINUTE));
    assert_eq!(p.conversations_resolved, 1);
    assert_eq!(p.resolution.median_ms, Some(60 * MINUTE));
}

#[tokio::test]
async fn per_operator_counts() {
    let w = world().await;
    let r = padaria(&w).await;
    let ana = r
        .operators
        .iter()
        .find(|o| o.user_id == Some(w.ana))
        .unwrap();
    assert_eq!(ana.name.as_deref(), Some("Ana"));
    assert_eq!(
        (ana.conversations, ana.messages_sent, ana.resolved),
        (1, 1, 1)
    );
    assert_eq!(ana.first_response.median_ms, Some(105 * MINUTE));
    assert_eq!(ana.resolution.median_ms, Some(150 * MINUTE));
    let bruno = r
        .operators
        .iter()
        .find(|o| o.user_id == Some(w.bruno))
        .unwrap();
    // Two answers (the campaign's and the failed message are not his).
    assert_eq!(
        (bruno.conversations, bruno.messages_sent, bruno.resolved),
        (1, 2, 1)
    );
    assert_eq!(bruno.first_response.median_ms, Some(5 * MINUTE));
    assert_eq!(bruno.first_response.p90_ms, Some(20 * MINUTE));
    assert_eq!(bruno.resolution.median_ms, Some(120 * MINUTE));
    // C waits unanswered: nobody worked it.
    assert_eq!(r.operators.len(), 2);
}

#[tokio::test]
async fn numbers_show_their_cap_warm_up_and_failures() {
    let w = world().await;
    // Added on Tuesday 12-01; today is Tuesday 12-08, evening.
    sqlx::query("UPDATE instances SET created_at = ? WHERE account_id = ? AND id = ?")
        .bind(at("2026-12-01 09:00"))
        .bind(w.acc)
        .bind(w.number)
        .execute(&w.pool)
        .await
        .unwrap();
    let r = reports::account(&w.store, w.acc, &range(), at("2026-12-08 20:00"))
        .await
        .unwrap();
    let n = &r.numbers[0];
    assert_eq!(n.instance_id, w.number);
    // Day 8 of the default two weeks: from 20 a day towards 200, 7/14 of
    // the way: 20 + 180 * 7 / 14 = 110. Today's campaign message counts.
    assert_eq!(
        (n.warmup_day, n.warmup_days, n.daily_cap, n.sent_today),
        (Some(8), 14, 110, 1)
    );
    assert_eq!((n.messages_in, n.messages_out, n.failed), (7, 7, 1));
    // Three weeks later it is warmed up.
    let r = reports::account(&w.store, w.acc, &range(), at("2026-12-29 09:00"))
        .await
        .unwrap();
    assert_eq!(
        (r.numbers[0].warmup_day, r.numbers[0].daily_cap),
        (None, 200)
    );
}

#[tokio::test]
async fn the_agency_adds_up_and_an_agent_sees_only_their_accounts() {
    let w = world().await;
    let now = at("2026-12-20 12:00");
    let all = reports::agency(&w.store, &range(), now).await.unwrap();
    assert_eq!(all.accounts.len(), 2);
    assert_eq!(all.totals.messages_in, 8);
    assert_eq!(day(&all, "2026-12-08").0, 2);
    assert_eq!(all.numbers.len(), 2);

    // Bruno, an agent given only the bakery.
    sqlx::query("INSERT INTO user_accounts (user_id, account_id, created_at) VALUES (?, ?, 0)")
        .bind(w.bruno)
        .bind(w.acc)
        .execute(&w.pool)
        .await
        .unwrap();
    users::set_me(&w.store, w.bruno).await.unwrap();
    let his = reports::agency(&w.store, &range(), now).await.unwrap();
    assert_eq!(his.accounts.len(), 1);
    assert_eq!(his.accounts[0].account_id, w.acc);
    assert_eq!(his.totals.messages_in, 7);
    assert!(his.numbers.iter().all(|n| n.account_id == w.acc));
    let refused = reports::account(&w.store, w.other, &range(), now)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::AccountNotGranted);
    // Nor may he export.
    let refused = reports::csv::table_csv(
        &w.store,
        Some(w.acc),
        &range(),
        ReportTable::Days,
        Lang::PtBr,
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::OperatorForbidden);
}

#[tokio::test]
async fn csv_of_a_table_as_a_spreadsheet_reads_it() {
    let w = world().await;
    let r = padaria(&w).await;
    let bytes = csv(&r, ReportTable::Operators, Lang::PtBr);
    let text = String::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "operador;conversas;mensagens_enviadas;resolvidas;primeira_resposta_mediana_min;primeira_resposta_p90_min;resolucao_mediana_min;resolucao_p90_min"
    );
    assert!(lines.contains(&"Ana;1;1;1;105,0;105,0;150,0;150,0"));
    // A name a spreadsheet would run as a formula is neutralised.
    assert!(lines.contains(&"'=Bruno;1;2;1;5,0;20,0;120,0;120,0"));

    let days = String::from_utf8(csv(&r, ReportTable::Days, Lang::En)).unwrap();
    assert!(days.contains("date,messages_in,messages_out,new_contacts\n"));
    assert!(days.contains("2026-12-09,3,1,1\n"));
    let campaigns = String::from_utf8(csv(&r, ReportTable::Campaigns, Lang::En)).unwrap();
    assert!(campaigns.contains("'=Promo,1,1,1,0,"));

    // One writer for both dashboards' files: an account's is that account's
    // report, the agency's adds the workshop's message in.
    let (now, period) = (at("2026-12-20 12:00"), range());
    let export = |account| {
        reports::csv::table_csv(
            &w.store,
            account,
            &period,
            ReportTable::Summary,
            Lang::En,
            now,
        )
    };
    let one = export(Some(w.acc)).await.unwrap();
    assert_eq!(one, csv(&r, ReportTable::Summary, Lang::En));
    assert!(String::from_utf8_lossy(&one).contains("messages in,7,"));
    let agency = reports::agency(&w.store, &range(), now).await.unwrap();
    let all = export(None).await.unwrap();
    assert_eq!(all, csv(&agency, ReportTable::Summary, Lang::En));
    assert!(String::from_utf8_lossy(&all).contains("messages in,8,"));
}

#[tokio::test]
async fn a_period_that_does_not_read_is_refused() {
    let w = world().await;
    for (from, to) in [
        ("2026-12-20", "2026-12-07"),
        ("07/12/2026", "2026-12-20"),
        ("2025-01-01", "2026-12-31"),
    ] {
        let e = reports::account(
            &w.store,
            w.acc,
            &DateRange {
                from: from.into(),
                to: to.into(),
            },
            0,
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::ReportPeriodInvalid, "{from}..{to}");
        assert!(e.message(Lang::En).contains("366 days"));
    }
}
