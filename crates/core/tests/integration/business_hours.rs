//! Business hours (issue 18, item 3) against a real SQLite file: saved and
//! refused as a person would type them, the instants they answer (open now,
//! next opening, working time between two moments, with known answers across
//! a weekend, a lunch break, a holiday and daylight-saving changes), and the
//! away message the bot sends once per conversation per closed period.

use serde_json::json;
use zapdesk_core::business_hours::{self, BusinessHours, BusinessHoursError, Interval, Schedule};
use zapdesk_core::domain::Role;
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{ErrorCode, Lang, UserError};

use crate::support::automation::{JOAO, MARIA, bot};

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

fn iv(from: &str, to: &str) -> Interval {
    let minutes = |t: &str| {
        let (h, m) = t.split_once(':').unwrap();
        h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap()
    };
    Interval {
        start: minutes(from),
        end: minutes(to),
    }
}

/// Monday to Friday 08:00–12:00 and 13:00–18:00 in `zone`, on.
fn office(zone: &str) -> BusinessHours {
    let day = vec![iv("08:00", "12:00"), iv("13:00", "18:00")];
    let mut week = vec![day; 5];
    week.extend([vec![], vec![]]);
    BusinessHours {
        enabled: true,
        time_zone: zone.into(),
        week,
        ..BusinessHours::default()
    }
}

/// Every day 00:00–06:00 in `zone`: the hours daylight-saving changes cut.
fn nights(zone: &str) -> BusinessHours {
    BusinessHours {
        enabled: true,
        time_zone: zone.into(),
        week: vec![vec![iv("00:00", "06:00")]; 7],
        ..BusinessHours::default()
    }
}

/// Local `YYYY-MM-DD HH:MM` in `zone` as Unix ms (a skipped time read one
/// hour later, as the schedule reads it).
fn at(zone: &str, text: &str) -> i64 {
    let tz = jiff::tz::TimeZone::get(zone).unwrap();
    let dt: jiff::civil::DateTime = text.replacen(' ', "T", 1).parse().unwrap();
    tz.to_timestamp(dt).unwrap().as_millisecond()
}

fn schedule(hours: &BusinessHours) -> Schedule {
    Schedule::new(hours).unwrap()
}

const SP: &str = "America/Sao_Paulo";
const NY: &str = "America/New_York";

#[test]
fn working_time_across_a_weekend_and_a_lunch_break() {
    let s = schedule(&office(SP));
    // Friday 2026-12-04 17:00 to Monday 2026-12-07 09:30: one hour on
    // Friday, an hour and a half on Monday.
    assert_eq!(
        s.working_ms(at(SP, "2026-12-04 17:00"), at(SP, "2026-12-07 09:30")),
        2 * HOUR + 30 * MINUTE
    );
    // Monday 11:00 to 14:00: the lunch hour does not count.
    assert_eq!(
        s.working_ms(at(SP, "2026-12-07 11:00"), at(SP, "2026-12-07 14:00")),
        2 * HOUR
    );
    // Inside one interval: the plain difference.
    assert_eq!(
        s.working_ms(at(SP, "2026-12-07 08:10"), at(SP, "2026-12-07 08:25")),
        15 * MINUTE
    );
    // A whole week: 9 hours a day, 5 days.
    assert_eq!(
        s.working_ms(at(SP, "2026-12-07 00:00"), at(SP, "2026-12-14 00:00")),
        45 * HOUR
    );
    // Entirely in the weekend, backwards, or empty: nothing.
    assert_eq!(
        s.working_ms(at(SP, "2026-12-05 09:00"), at(SP, "2026-12-06 17:00")),
        0
    );
    assert_eq!(
        s.working_ms(at(SP, "2026-12-07 10:00"), at(SP, "2026-12-07 09:00")),
        0
    );
}

#[test]
fn a_holiday_is_closed_all_day() {
    let mut hours = office(SP);
    hours.holidays = vec!["2026-12-25".into()];
    let s = schedule(&hours);
    // Thursday 24 at 17:00 to Monday 28 at 09:00, Christmas (Friday) off:
    // an hour on Thursday, an hour on Monday.
    let (from, to) = (at(SP, "2026-12-24 17:00"), at(SP, "2026-12-28 09:00"));
    assert_eq!(s.working_ms(from, to), 2 * HOUR);
    assert_eq!(schedule(&office(SP)).working_ms(from, to), 11 * HOUR);
    assert!(!s.is_open(at(SP, "2026-12-25 10:00")));
    assert_eq!(
        s.next_open(at(SP, "2026-12-24 18:30")),
        Some(at(SP, "2026-12-28 08:00"))
    );
}

#[test]
fn daylight_saving_changes_are_read_from_the_tz_database() {
    let s = schedule(&nights(NY));
    // 2026-03-08: New York's clocks jump from 02:00 to 03:00, so 00:00–06:00
    // holds five hours; on 2026-11-01 they go back, and it holds seven.
    let day = |d1: &str, d2: &str| s.working_ms(at(NY, d1), at(NY, d2));
    assert_eq!(day("2026-03-08 00:00", "2026-03-09 00:00"), 5 * HOUR);
    assert_eq!(day("2026-03-07 00:00", "2026-03-08 00:00"), 6 * HOUR);
    assert_eq!(day("2026-11-01 00:00", "2026-11-02 00:00"), 7 * HOUR);
    // Brazil, 2018-11-04: clocks jumped from midnight to 01:00, so the
    // night interval started at 01:00 (-02) and held five hours.
    let br = schedule(&nights(SP));
    assert_eq!(
        br.working_ms(at(SP, "2018-11-04 00:00"), at(SP, "2018-11-05 00:00")),
        5 * HOUR
    );
    assert_eq!(
        br.next_open(at(SP, "2018-11-03 12:00")),
        Some(at(SP, "2018-11-04 01:00"))
    );
    // Office hours over that weekend: Friday 17:00 (-03) to Monday 09:00
    // (-02) is 63 hours of clock but two hours of work.
    let office = schedule(&office(SP));
    let (from, to) = (at(SP, "2018-11-02 17:00"), at(SP, "2018-11-05 09:00"));
    assert_eq!(to - from, 63 * HOUR);
    assert_eq!(office.working_ms(from, to), 2 * HOUR);
    assert_eq!(
        office.next_open(at(SP, "2018-11-03 12:00")),
        Some(at(SP, "2018-11-05 08:00"))
    );
}

#[test]
fn open_now_next_opening_and_since_when_closed() {
    let s = schedule(&office(SP));
    let monday_nine = at(SP, "2026-12-07 09:00");
    assert!(s.is_open(monday_nine));
    assert_eq!(s.next_open(monday_nine), Some(monday_nine));
    assert_eq!(s.closed_since(monday_nine), None);
    // Lunch: closed since noon, opens at one.
    let lunch = at(SP, "2026-12-07 12:30");
    assert!(!s.is_open(lunch));
    assert_eq!(s.next_open(lunch), Some(at(SP, "2026-12-07 13:00")));
    assert_eq!(s.closed_since(lunch), Some(at(SP, "2026-12-07 12:00")));
    // The end is excluded, the start included.
    assert!(!s.is_open(at(SP, "2026-12-07 18:00")));
    assert!(s.is_open(at(SP, "2026-12-07 13:00")));
    // Saturday: closed since Friday 18:00, opens Monday 08:00.
    let saturday = at(SP, "2026-12-05 10:00");
    assert_eq!(s.closed_since(saturday), Some(at(SP, "2026-12-04 18:00")));
    assert_eq!(s.next_open(saturday), Some(at(SP, "2026-12-07 08:00")));
    // A week with no hours never opens.
    let closed = schedule(&BusinessHours {
        week: vec![vec![]; 7],
        ..office(SP)
    });
    assert_eq!(closed.next_open(saturday), None);
    assert_eq!(closed.closed_since(saturday), Some(i64::MIN));
}

fn refused(hours: &BusinessHours) -> BusinessHoursError {
    business_hours::validate(hours).unwrap_err()
}

#[tokio::test]
async fn saved_as_typed_and_refused_with_what_to_fix() {
    let b = bot().await;
    // Never saved: off, with the São Paulo office week to start from.
    let first = business_hours::get(&b.store, b.acc).await.unwrap();
    assert!(!first.enabled);
    assert_eq!(first.time_zone, SP);
    assert!(
        business_hours::schedule(&b.store, b.acc)
            .await
            .unwrap()
            .is_none()
    );

    let mut hours = office(NY);
    hours.holidays = vec![
        "2026-12-25".into(),
        " 2026-01-01".into(),
        "2026-12-25".into(),
    ];
    hours.away_enabled = true;
    hours.away_message = "  Voltamos segunda!  ".into();
    let saved = business_hours::save(&b.store, b.acc, &hours).await.unwrap();
    assert_eq!(saved.holidays, ["2026-01-01", "2026-12-25"]);
    assert_eq!(saved.away_message, "Voltamos segunda!");
    assert_eq!(business_hours::get(&b.store, b.acc).await.unwrap(), saved);
    // One zone per account: the bot's conditions read the same one.
    let bot_settings = zapdesk_core::automation::settings::get(&b.store, b.acc)
        .await
        .unwrap();
    assert_eq!(bot_settings.time_zone, NY);
    assert!(
        business_hours::schedule(&b.store, b.acc)
            .await
            .unwrap()
            .is_some()
    );

    // Overlapping intervals: named with the day and both intervals.
    let mut overlap = office(SP);
    overlap.week[0] = vec![iv("08:00", "12:00"), iv("11:00", "13:00")];
    let e = refused(&overlap);
    assert_eq!(e.code(), ErrorCode::BusinessHoursInvalid);
    assert_eq!(
        e.message(Lang::PtBr),
        "Segunda: os horários 08:00–12:00 e 11:00–13:00 se sobrepõem ou estão fora de ordem. Coloque-os em ordem, sem sobreposição."
    );
    assert!(
        e.message(Lang::En)
            .starts_with("Monday: the intervals 08:00–12:00 and 11:00–13:00 overlap")
    );
    // Out of order is refused too; touching is fine.
    let mut unordered = office(SP);
    unordered.week[2] = vec![iv("13:00", "18:00"), iv("08:00", "12:00")];
    assert!(matches!(
        refused(&unordered),
        BusinessHoursError::IntervalsOverlap { day: 2, .. }
    ));
    let mut touching = office(SP);
    touching.week[2] = vec![iv("08:00", "12:00"), iv("12:00", "24:00")];
    assert!(business_hours::validate(&touching).is_ok());
    let mut backwards = office(SP);
    backwards.week[6] = vec![iv("18:00", "08:00")];
    assert!(
        refused(&backwards)
            .message(Lang::PtBr)
            .starts_with("Domingo: o horário 18:00–08:00 não é válido")
    );

    let zone = refused(&BusinessHours {
        time_zone: "America/Sao_Paolo".into(),
        ..office(SP)
    });
    assert_eq!(zone.code(), ErrorCode::BusinessHoursInvalid);
    assert!(
        zone.message(Lang::En)
            .contains("“America/Sao_Paolo” is not a known time zone")
    );
    let holiday = refused(&BusinessHours {
        holidays: vec!["2026-02-30".into()],
        ..office(SP)
    });
    assert!(
        holiday
            .message(Lang::PtBr)
            .contains("“2026-02-30” não é uma data válida")
    );
    let away = refused(&BusinessHours {
        away_enabled: true,
        away_message: "  ".into(),
        ..office(SP)
    });
    assert_eq!(
        away.message(Lang::PtBr),
        "Escreva a mensagem de ausência, ou desligue-a."
    );

    // A refusal writes nothing.
    assert!(
        business_hours::save(&b.store, b.acc, &overlap)
            .await
            .is_err()
    );
    assert_eq!(business_hours::get(&b.store, b.acc).await.unwrap(), saved);
}

#[tokio::test]
async fn an_agent_may_not_change_business_hours() {
    let b = bot().await;
    let user = |name: &str, role| UserInput {
        name: name.into(),
        email: format!("{name}@agencia.com.br"),
        role,
    };
    let agent = users::create(&b.store, &user("atendente", Role::Agent))
        .await
        .unwrap();
    let admin = users::create(&b.store, &user("gerente", Role::Admin))
        .await
        .unwrap();
    users::set_me(&b.store, agent.id).await.unwrap();
    let e = business_hours::save(&b.store, b.acc, &office(SP))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    assert_eq!(
        e.message(Lang::PtBr),
        "Só donos e administradores podem mudar as configurações."
    );
    assert!(!business_hours::get(&b.store, b.acc).await.unwrap().enabled);
    // Reading is everyone's.
    users::set_me(&b.store, admin.id).await.unwrap();
    assert!(
        business_hours::save(&b.store, b.acc, &office(SP))
            .await
            .unwrap()
            .enabled
    );
}

/// The away message the bot queued in the conversation (its bodies).
async fn away_messages(
    b: &crate::support::automation::Bot,
    conv: zapdesk_core::ConversationId,
) -> usize {
    sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM messages WHERE conversation_id = ? AND bot_source = 'system' AND bot_node = 'away'",
    )
    .bind(conv)
    .fetch_one(&b.raw)
    .await
    .unwrap() as usize
}

#[tokio::test]
async fn the_away_message_goes_once_per_conversation_per_closed_period() {
    let b = bot().await;
    let mut hours = office(SP);
    hours.away_enabled = true;
    hours.away_message = "Estamos fechados; voltamos às 8h.".into();
    business_hours::save(&b.store, b.acc, &hours).await.unwrap();

    // Saturday: Maria writes twice, João once; each conversation gets it once.
    let saturday = at(SP, "2026-12-05 10:00");
    let maria = b.write(MARIA, "oi").await.conversation;
    b.handle_at(saturday).await;
    b.write(MARIA, "alguém aí?").await;
    b.handle_at(saturday + HOUR).await;
    // Sunday is the same closed period (since Friday 18:00).
    b.write(MARIA, "??").await;
    b.handle_at(at(SP, "2026-12-06 20:00")).await;
    let joao = b.write(JOAO, "bom dia").await.conversation;
    b.handle_at(saturday + 2 * HOUR).await;
    assert_eq!(
        b.bot_said(maria).await,
        ["Estamos fechados; voltamos às 8h."]
    );
    assert_eq!(away_messages(&b, maria).await, 1);
    assert_eq!(away_messages(&b, joao).await, 1);

    // Monday, open: nothing.
    b.write(MARIA, "oi de novo").await;
    b.handle_at(at(SP, "2026-12-07 09:00")).await;
    assert_eq!(away_messages(&b, maria).await, 1);
    // Monday at lunch is a new closed period: once more.
    b.write(MARIA, "almoço?").await;
    b.handle_at(at(SP, "2026-12-07 12:15")).await;
    b.write(MARIA, "ainda no almoço?").await;
    b.handle_at(at(SP, "2026-12-07 12:45")).await;
    assert_eq!(away_messages(&b, maria).await, 2);
}

#[tokio::test]
async fn no_away_message_without_business_hours_or_with_it_off() {
    let b = bot().await;
    let saturday = at(SP, "2026-12-05 10:00");
    // The away message on, but business hours off: nothing.
    let mut hours = office(SP);
    hours.enabled = false;
    hours.away_enabled = true;
    business_hours::save(&b.store, b.acc, &hours).await.unwrap();
    let maria = b.write(MARIA, "oi").await.conversation;
    b.handle_at(saturday).await;
    assert_eq!(away_messages(&b, maria).await, 0);
    // Business hours on, the away message off: nothing.
    hours.enabled = true;
    hours.away_enabled = false;
    business_hours::save(&b.store, b.acc, &hours).await.unwrap();
    b.write(MARIA, "oi?").await;
    b.handle_at(saturday + MINUTE).await;
    assert_eq!(away_messages(&b, maria).await, 0);
    // The bot switched off: nothing automatic at all.
    hours.away_enabled = true;
    business_hours::save(&b.store, b.acc, &hours).await.unwrap();
    b.setting("enabled", json!(false)).await;
    b.write(MARIA, "oi??").await;
    b.handle_at(saturday + 2 * MINUTE).await;
    assert_eq!(away_messages(&b, maria).await, 0);
    // Both on: it goes.
    b.setting("enabled", json!(true)).await;
    b.write(MARIA, "oi!!").await;
    b.handle_at(saturday + 3 * MINUTE).await;
    assert_eq!(away_messages(&b, maria).await, 1);
}

#[test]
fn the_time_zone_picker_lists_area_city_names() {
    let zones = business_hours::time_zones();
    assert!(zones.iter().any(|z| z == SP) && zones.iter().any(|z| z == NY));
    assert!(zones.windows(2).all(|w| w[0] < w[1]));
    assert!(!zones.iter().any(|z| z == "Brazil/East" || z == "EST5EDT"));
}

/// A flow's condition "inside business hours" (a rule on `business_hours`):
/// open by the account's hours takes the `true` branch, closed or without
/// hours the `false` one.
#[tokio::test]
async fn a_flow_condition_follows_the_business_hours() {
    use crate::support::automation::{actions, doc, end, node, send};
    let b = bot().await;
    let flow = b
        .publish(
            "Horário",
            doc(
                "open",
                vec![
                    node(
                        "open",
                        json!({"type": "condition", "combine": "all",
                               "rules": [{"subject": {"kind": "business_hours"}, "operator": "is_set", "value": ""}]}),
                    ),
                    send("yes", "Estamos abertos!", 0),
                    send("no", "Estamos fechados.", 0),
                    end("end"),
                ],
                vec![
                    ("open", "true", "yes"),
                    ("open", "false", "no"),
                    ("yes", "next", "end"),
                    ("no", "next", "end"),
                ],
            ),
            json!([]),
        )
        .await;
    b.keyword(
        "Horário",
        "exact",
        &["horario"],
        actions(json!({"start_flow": flow})),
    )
    .await;
    let monday = at(SP, "2026-12-07 10:00");
    // No business hours: never open.
    let conv = b.write(MARIA, "horario").await.conversation;
    b.handle_at(monday).await;
    assert_eq!(b.bot_said(conv).await, ["Estamos fechados."]);
    business_hours::save(&b.store, b.acc, &office(SP))
        .await
        .unwrap();
    b.write(MARIA, "horario").await;
    b.handle_at(monday + MINUTE).await;
    b.write(MARIA, "horario").await;
    b.handle_at(at(SP, "2026-12-05 10:00")).await;
    assert_eq!(
        b.bot_said(conv).await,
        ["Estamos fechados.", "Estamos abertos!", "Estamos fechados."]
    );
}

/// Campaigns of an account that keeps them to its business hours wait for
/// them as well as for their own window, in the zone by name: across New
/// York's change to summer time the opening moves with the clocks, where
/// the campaign's fixed UTC offset alone would be an hour off.
#[test]
fn campaigns_wait_for_business_hours_in_the_zone_by_name() {
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use zapdesk_core::campaigns::pacing::{NumberLoad, Pacing, next_send, next_send_within};
    let load = NumberLoad {
        added_at: 0,
        sent_today: 0,
        last_sent_at: None,
    };
    // All day, every day, no pause: only the business hours decide.
    let always = Pacing {
        utc_offset_minutes: -300,
        window_start: 0,
        window_end: 24 * 60,
        weekdays: [true; 7],
        delay_min_s: 0,
        delay_max_s: 0,
        warmup_days: 0,
        ..Pacing::default()
    };
    let rng = || StdRng::seed_from_u64(7);
    let ny = schedule(&office(NY));
    // Friday 2026-03-06 19:00 (EST) → Monday 2026-03-09 08:00, now EDT.
    let friday = at(NY, "2026-03-06 19:00");
    let monday = at(NY, "2026-03-09 08:00");
    assert_eq!(
        next_send_within(&always, &load, friday, &mut rng(), Some(&ny)),
        monday
    );
    // 08:00 EDT is 12:00 UTC; the campaign's fixed offset (-05:00) would
    // have opened at 13:00 UTC.
    let utc: jiff::Timestamp = "2026-03-09T12:00:00Z".parse().unwrap();
    assert_eq!(monday, utc.as_millisecond());
    // Inside business hours: at once; without them, the window alone.
    let tuesday = at(NY, "2026-03-10 10:15");
    assert_eq!(
        next_send_within(&always, &load, tuesday, &mut rng(), Some(&ny)),
        tuesday
    );
    assert_eq!(next_send(&always, &load, friday, &mut rng()), friday);
    // The campaign's own window still holds: 09:00–20:00 at São Paulo's
    // offset with São Paulo office hours opens on Monday at 09:00, and
    // from Monday 12:30 (lunch) at 13:00.
    let sp = schedule(&office(SP));
    let window = Pacing {
        utc_offset_minutes: -180,
        window_start: 9 * 60,
        window_end: 20 * 60,
        ..always.clone()
    };
    assert_eq!(
        next_send_within(
            &window,
            &load,
            at(SP, "2026-12-05 10:00"),
            &mut rng(),
            Some(&sp)
        ),
        at(SP, "2026-12-07 09:00")
    );
    assert_eq!(
        next_send_within(
            &window,
            &load,
            at(SP, "2026-12-07 12:30"),
            &mut rng(),
            Some(&sp)
        ),
        at(SP, "2026-12-07 13:00")
    );
    // A window and hours that never meet (the campaign sends on Sundays
    // only, the office never opens then): it looks again a day later.
    let sundays = Pacing {
        weekdays: [false, false, false, false, false, false, true],
        ..window
    };
    let saturday = at(SP, "2026-12-05 10:00");
    assert_eq!(
        next_send_within(&sundays, &load, saturday, &mut rng(), Some(&sp)),
        saturday + 24 * HOUR
    );
}

/// The account's switch: its campaigns follow the business hours only when
/// asked to, and only while the hours are on.
#[tokio::test]
async fn campaigns_follow_business_hours_only_when_asked() {
    let b = bot().await;
    let mut hours = office(SP);
    business_hours::save(&b.store, b.acc, &hours).await.unwrap();
    assert!(
        business_hours::campaign_schedule(&b.store, b.acc)
            .await
            .unwrap()
            .is_none()
    );
    hours.campaigns_in_hours = true;
    business_hours::save(&b.store, b.acc, &hours).await.unwrap();
    assert!(
        business_hours::campaign_schedule(&b.store, b.acc)
            .await
            .unwrap()
            .is_some()
    );
    hours.enabled = false;
    business_hours::save(&b.store, b.acc, &hours).await.unwrap();
    assert!(
        business_hours::campaign_schedule(&b.store, b.acc)
            .await
            .unwrap()
            .is_none()
    );
}
