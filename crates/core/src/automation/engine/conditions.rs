//! A condition node's rules: what each subject is now and how each operator
//! compares it, the way a person reading the rule would expect.
//!
//! - Text is compared folded (case and accents aside): `equals São Paulo`
//!   holds for `sao paulo`; `contains` and `starts with` look inside it.
//! - A number field compares as numbers (`greater 1.000` holds for 1500),
//!   a date field as dates (`less 31/12/2024`), a yes/no field by meaning
//!   (`equals sim` holds for `true`). The rule's value is read by the
//!   field's own parser; one it cannot read compares as text.
//! - Time of day is `HH:MM` and the weekday 1 (Monday) to 7 (Sunday), both
//!   in the account's time zone at the step's moment.
//! - A tag: `is set` / `equals` hold when the contact has it, `is empty` /
//!   `not equals` when not; the other operators do not apply (false).
//! - Business hours, the same way: `is set` / `equals` hold while the
//!   account is open by them, `is empty` / `not equals` while it is closed
//!   or has none.
//! - The last reply and a text field: `greater`/`less` compare numbers when
//!   both sides are numbers, dates when both are dates, else do not hold.
//! - `matches`: a regular expression searched in the folded text, case
//!   aside, compiled with a size limit; a pattern that does not compile
//!   never holds (publishing refuses it first).
//!
//! An unset subject (no value, or only spaces) holds only for `is empty`
//! and `not equals`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::Contact;
use super::answers::read_as;
use super::delay::parse_hhmm;
use crate::automation::flow::{Combine, Operator, Rule, Subject};
use crate::fields::{CustomField, FieldKind};
use crate::text::fold;

/// Longest compiled pattern accepted (as for keywords).
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// Whether a condition node's rules hold. No rule: `All` holds, `Any` does not.
/// `open`: whether the account is open by its business hours (`None`: it
/// has none).
#[allow(clippy::too_many_arguments)]
pub fn holds(
    combine: Combine,
    rules: &[Rule],
    contact: &Contact,
    fields: &[CustomField],
    vars: &BTreeMap<String, String>,
    now: i64,
    tz: &jiff::tz::TimeZone,
    open: Option<bool>,
) -> bool {
    let one = |rule: &Rule| rule_holds(rule, contact, fields, vars, now, tz, open);
    match combine {
        Combine::All => rules.iter().all(one),
        Combine::Any => rules.iter().any(one),
    }
}

/// How a subject's value compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text; numbers or dates when both sides read as such.
    Loose,
    Field(FieldKind),
    Time,
    Weekday,
}

fn rule_holds(
    rule: &Rule,
    contact: &Contact,
    fields: &[CustomField],
    vars: &BTreeMap<String, String>,
    now: i64,
    tz: &jiff::tz::TimeZone,
    open: Option<bool>,
) -> bool {
    let yes_no = |yes: bool| match rule.operator {
        Operator::IsSet | Operator::Equals => yes,
        Operator::IsEmpty | Operator::NotEquals => !yes,
        _ => false,
    };
    let (value, kind) = match &rule.subject {
        Subject::Tag(name) => return yes_no(contact.tags.contains(&fold(name.trim()))),
        Subject::BusinessHours => return yes_no(open == Some(true)),
        Subject::Field(key) => {
            let kind = fields
                .iter()
                .find(|f| f.key == *key)
                .map_or(Kind::Loose, |f| Kind::Field(f.kind));
            (contact.fields.get(key).cloned(), kind)
        }
        Subject::LastReply => (vars.get("ultima_resposta").cloned(), Kind::Loose),
        Subject::TimeOfDay => (
            local(now, tz).map(|z| format!("{:02}:{:02}", z.hour(), z.minute())),
            Kind::Time,
        ),
        Subject::Weekday => (
            local(now, tz).map(|z| z.weekday().to_monday_one_offset().to_string()),
            Kind::Weekday,
        ),
    };
    let value = value.filter(|v| !v.trim().is_empty());
    let Some(value) = value else {
        return matches!(rule.operator, Operator::IsEmpty | Operator::NotEquals);
    };
    let wanted = rule.value.trim();
    match rule.operator {
        Operator::IsSet => true,
        Operator::IsEmpty => false,
        Operator::Equals => compare(kind, &value, wanted) == Some(Ordering::Equal),
        Operator::NotEquals => compare(kind, &value, wanted) != Some(Ordering::Equal),
        Operator::Greater => ordered(kind, &value, wanted) == Some(Ordering::Greater),
        Operator::Less => ordered(kind, &value, wanted) == Some(Ordering::Less),
        Operator::Contains => fold(&value).contains(&fold(wanted)),
        Operator::StartsWith => fold(value.trim()).starts_with(&fold(wanted)),
        Operator::Matches => pattern(&rule.value).is_some_and(|r| r.is_match(&fold(&value))),
    }
}

fn local(now: i64, tz: &jiff::tz::TimeZone) -> Option<jiff::ZonedDateTime> {
    jiff::Timestamp::from_millisecond(now)
        .ok()
        .map(|t| t.to_zoned_datetime(tz.clone()))
}

/// Equality: by meaning where the kind has one, else folded text.
fn compare(kind: Kind, value: &str, wanted: &str) -> Option<Ordering> {
    let typed = match kind {
        Kind::Field(FieldKind::YesNo) => {
            read_as(FieldKind::YesNo, wanted).map(|w| value.cmp(w.as_str()))
        }
        Kind::Field(FieldKind::Choice) | Kind::Field(FieldKind::Text) => None,
        _ => ordered(kind, value, wanted),
    };
    typed.or_else(|| Some(fold(value.trim()).cmp(&fold(wanted))))
}

/// Order: numbers, dates or times of day, when both sides read as such.
fn ordered(kind: Kind, value: &str, wanted: &str) -> Option<Ordering> {
    match kind {
        Kind::Time => Some(parse_hhmm(value)?.cmp(&parse_hhmm(wanted)?)),
        Kind::Weekday | Kind::Field(FieldKind::Number) => numbers(value, wanted),
        Kind::Field(FieldKind::Date) => dates(value, wanted),
        Kind::Field(FieldKind::YesNo) => None,
        Kind::Loose | Kind::Field(FieldKind::Text) | Kind::Field(FieldKind::Choice) => {
            numbers(value, wanted).or_else(|| dates(value, wanted))
        }
    }
}

fn numbers(a: &str, b: &str) -> Option<Ordering> {
    let a: f64 = read_as(FieldKind::Number, a)?.parse().ok()?;
    let b: f64 = read_as(FieldKind::Number, b)?.parse().ok()?;
    a.partial_cmp(&b)
}

/// Both as canonical `aaaa-mm-dd`, whose text order is the calendar's.
fn dates(a: &str, b: &str) -> Option<Ordering> {
    Some(read_as(FieldKind::Date, a)?.cmp(&read_as(FieldKind::Date, b)?))
}

/// A rule's pattern, folded as the text it searches is, except the letter
/// after a backslash (`\D` is not `\d`); case aside.
fn pattern(raw: &str) -> Option<regex::Regex> {
    regex::RegexBuilder::new(&crate::text::fold_pattern(raw))
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .ok()
}

/// Whether a rule's pattern compiles (for `flow_check`).
pub(crate) fn pattern_compiles(raw: &str) -> bool {
    pattern(raw).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, FieldId};

    fn field(key: &str, kind: FieldKind) -> CustomField {
        CustomField {
            id: FieldId::from_uuid(uuid::Uuid::nil()),
            account_id: AccountId::from_uuid(uuid::Uuid::nil()),
            key: key.into(),
            label: key.into(),
            kind,
            choices: vec!["Ouro".into(), "Prata".into()],
            created_at: 0,
        }
    }

    struct World {
        contact: Contact,
        fields: Vec<CustomField>,
        vars: BTreeMap<String, String>,
        now: i64,
        tz: jiff::tz::TimeZone,
        /// Open by business hours (`None`: the account has none).
        open: Option<bool>,
    }

    impl World {
        fn new() -> World {
            let mut contact = Contact {
                name: Some("Ana".into()),
                phone: "+5511987654321".into(),
                ..Contact::default()
            };
            for (k, v) in [
                ("cidade", "São Paulo"),
                ("total", "1500"),
                ("nascimento", "1990-05-17"),
                ("vip", "true"),
                ("plano", "Ouro"),
                ("vazio", "  "),
            ] {
                contact.fields.insert(k.into(), v.into());
            }
            contact.tags.insert("cliente ouro".into());
            World {
                contact,
                fields: vec![
                    field("cidade", FieldKind::Text),
                    field("total", FieldKind::Number),
                    field("nascimento", FieldKind::Date),
                    field("vip", FieldKind::YesNo),
                    field("plano", FieldKind::Choice),
                    field("vazio", FieldKind::Text),
                ],
                vars: BTreeMap::from([("ultima_resposta".to_owned(), "Quero 2 pizzas".to_owned())]),
                // Monday 2025-06-02 14:30 UTC = 11:30 in São Paulo.
                now: 1_748_874_600_000,
                tz: jiff::tz::TimeZone::UTC,
                open: None,
            }
        }

        fn holds(&self, subject: Subject, operator: Operator, value: &str) -> bool {
            let rule = Rule {
                subject,
                operator,
                value: value.into(),
            };
            rule_holds(
                &rule,
                &self.contact,
                &self.fields,
                &self.vars,
                self.now,
                &self.tz,
                self.open,
            )
        }
    }

    #[test]
    fn every_operator_on_fields() {
        use Operator::*;
        let w = World::new();
        let f = |k: &str| Subject::Field(k.into());
        let table = [
            (f("cidade"), Equals, "sao paulo", true),
            (f("cidade"), Equals, "São", false),
            (f("cidade"), NotEquals, "Rio", true),
            (f("cidade"), Contains, "PAULO", true),
            (f("cidade"), StartsWith, "sao", true),
            (f("cidade"), StartsWith, "paulo", false),
            (f("cidade"), Matches, r"^s[aã]o\s+paulo$", true),
            (f("cidade"), Matches, r"^SÃO \D+$", true),
            (f("cidade"), Matches, "(", false),
            (f("cidade"), IsSet, "", true),
            (f("cidade"), IsEmpty, "", false),
            (f("total"), Equals, "1.500", true),
            (f("total"), Equals, "1500,00", true),
            (f("total"), Greater, "1.000", true),
            (f("total"), Greater, "1.500", false),
            (f("total"), Less, "2000", true),
            (f("total"), Less, "abc", false),
            (f("nascimento"), Equals, "17/05/1990", true),
            (f("nascimento"), Less, "01/01/2000", true),
            (f("nascimento"), Greater, "1990-05-16", true),
            (f("nascimento"), Greater, "31/12/1990", false),
            (f("vip"), Equals, "sim", true),
            (f("vip"), Equals, "não", false),
            (f("vip"), NotEquals, "nao", true),
            (f("plano"), Equals, "ouro", true),
            (f("plano"), NotEquals, "prata", true),
            // Unset: only "is empty" and "not equals" hold.
            (f("vazio"), IsEmpty, "", true),
            (f("vazio"), IsSet, "", false),
            (f("vazio"), NotEquals, "x", true),
            (f("vazio"), Equals, "", false),
            (f("vazio"), Contains, "", false),
            (f("sumiu"), IsEmpty, "", true),
            (f("sumiu"), Greater, "0", false),
        ];
        for (subject, op, value, want) in table {
            assert_eq!(
                w.holds(subject.clone(), op, value),
                want,
                "{subject:?} {op:?} {value:?}"
            );
        }
    }

    #[test]
    fn tags_and_the_last_reply() {
        use Operator::*;
        let w = World::new();
        let tag = |t: &str| Subject::Tag(t.into());
        assert!(w.holds(tag("Cliente Ouro"), IsSet, ""));
        assert!(w.holds(tag("CLIENTE OURO"), Equals, ""));
        assert!(!w.holds(tag("Cliente Ouro"), IsEmpty, ""));
        assert!(w.holds(tag("Lead"), IsEmpty, ""));
        assert!(w.holds(tag("Lead"), NotEquals, ""));
        assert!(!w.holds(tag("Cliente Ouro"), Contains, "ouro"));
        let last = || Subject::LastReply;
        assert!(w.holds(last(), Contains, "pizza"));
        assert!(w.holds(last(), StartsWith, "QUERO"));
        assert!(w.holds(last(), Matches, r"\d+ pizzas?"));
        assert!(!w.holds(last(), Greater, "1"));
        let mut w = w;
        w.vars.insert("ultima_resposta".into(), "10".into());
        assert!(w.holds(last(), Greater, "9"));
        assert!(w.holds(last(), Equals, "10,0"));
        w.vars.insert("ultima_resposta".into(), "05/03/2024".into());
        assert!(w.holds(last(), Less, "10/03/2024"));
        w.vars.clear();
        assert!(w.holds(last(), IsEmpty, ""));
    }

    #[test]
    fn time_of_day_and_weekday_are_the_accounts_across_midnight() {
        use Operator::*;
        let mut w = World::new();
        // Tuesday 2025-06-03 01:30 UTC is still Monday 22:30 in São Paulo.
        w.now = 1_748_914_200_000;
        assert!(w.holds(Subject::Weekday, Equals, "2"));
        assert!(w.holds(Subject::TimeOfDay, Equals, "01:30"));
        assert!(w.holds(Subject::TimeOfDay, Less, "8:00"));
        w.tz = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
        assert!(w.holds(Subject::Weekday, Equals, "1"));
        assert!(w.holds(Subject::Weekday, Less, "6"));
        assert!(w.holds(Subject::TimeOfDay, Equals, "22:30"));
        assert!(w.holds(Subject::TimeOfDay, Greater, "18:00"));
        assert!(w.holds(Subject::TimeOfDay, Greater, "22h"));
        assert!(!w.holds(Subject::TimeOfDay, Greater, "22:30"));
        assert!(w.holds(Subject::TimeOfDay, StartsWith, "22"));
        // Sunday 2025-06-08 23:59 in São Paulo is Monday 02:59 UTC.
        w.now = 1_749_437_940_000;
        assert!(w.holds(Subject::Weekday, Equals, "7"));
        w.tz = jiff::tz::TimeZone::UTC;
        assert!(w.holds(Subject::Weekday, Equals, "1"));
        assert!(w.holds(Subject::TimeOfDay, Less, "03:00"));
    }

    #[test]
    fn all_and_any() {
        let w = World::new();
        let rule = |op, value: &str| Rule {
            subject: Subject::Field("total".into()),
            operator: op,
            value: value.into(),
        };
        let both = [
            rule(Operator::Greater, "1000"),
            rule(Operator::Less, "1000"),
        ];
        let run = |c, rules: &[Rule]| {
            holds(
                c, rules, &w.contact, &w.fields, &w.vars, w.now, &w.tz, w.open,
            )
        };
        assert!(!run(Combine::All, &both));
        assert!(run(Combine::Any, &both));
        assert!(run(Combine::All, &[]));
        assert!(!run(Combine::Any, &[]));
    }

    #[test]
    fn business_hours_hold_while_open() {
        use Operator::*;
        let mut w = World::new();
        let rule = |op| (Subject::BusinessHours, op, "");
        for (open, op, want) in [
            (Some(true), IsSet, true),
            (Some(true), Equals, true),
            (Some(true), IsEmpty, false),
            (Some(false), IsSet, false),
            (Some(false), IsEmpty, true),
            (Some(false), NotEquals, true),
            // No business hours: never open.
            (None, IsSet, false),
            (None, IsEmpty, true),
            (Some(true), Contains, false),
        ] {
            w.open = open;
            let (subject, op, value) = rule(op);
            assert_eq!(w.holds(subject, op, value), want, "{open:?} {op:?}");
        }
    }
}
