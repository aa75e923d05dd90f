//! Whether a reply answers an `ask` node, and the answer as it is kept: the
//! way a Brazilian writes each kind (`1.234,56`, `05/03/2024`, `(11)
//! 98765-4321`, `529.982.247-25`, `sim`), checked for real (calendar dates,
//! CPF and CNPJ check digits, the app's phone rules) and written one way.
//!
//! Numbers and dates are read by the custom fields' own rules
//! (`CustomField::parse`), so an answer a number or date field would refuse
//! is never accepted here.

use crate::automation::flow::AnswerKind;
use crate::automation::matching::{MatchKind, Matcher};
use crate::fields::{CustomField, FieldKind};
use crate::ids::{AccountId, FieldId};
use crate::phone;

/// The answer as kept (in the session's variables, and what a field is
/// given), or `None` when the reply does not answer:
///
/// - text: the reply, trimmed;
/// - number: as written (`1.234,56`, `1234.56`, `R$ 10`);
/// - e-mail: lower case;
/// - phone: E.164 (`+5511987654321`);
/// - date: `dd/mm/aaaa` (`5/3/2024` → `05/03/2024`), a real calendar date;
/// - CPF/CNPJ: formatted (`529.982.247-25`, `11.222.333/0001-81`), also
///   the alphanumeric CNPJ issued from July 2026 (`12.ABC.345/01DE-35`);
/// - yes/no: `sim` or `não`.
pub fn validate_answer(kind: AnswerKind, reply: &str) -> Option<String> {
    let reply = reply.trim();
    if reply.is_empty() {
        return None;
    }
    match kind {
        AnswerKind::Text => Some(reply.to_owned()),
        AnswerKind::Number => read_as(FieldKind::Number, reply).map(|_| reply.to_owned()),
        AnswerKind::Email => email(reply),
        AnswerKind::Phone => phone::normalize(reply).ok(),
        AnswerKind::Date => date(reply),
        AnswerKind::CpfCnpj => cpf_cnpj(reply),
        AnswerKind::YesNo => yes_no(reply).map(|yes| if yes { "sim" } else { "não" }.to_owned()),
    }
}

/// Whether a field of `field` kind can hold answers of `answer` kind (an
/// `ask` saving into it is refused at publish otherwise): a text field any
/// answer; a number, date or yes/no field its own kind; a choice field a
/// text or a yes/no (the reply must then be one of its choices, else it
/// counts as a failed try).
pub fn answer_fits(answer: AnswerKind, field: FieldKind) -> bool {
    match field {
        FieldKind::Text => true,
        FieldKind::Number => answer == AnswerKind::Number,
        FieldKind::Date => answer == AnswerKind::Date,
        FieldKind::YesNo => answer == AnswerKind::YesNo,
        FieldKind::Choice => matches!(answer, AnswerKind::Text | AnswerKind::YesNo),
    }
}

/// The canonical value a field of `kind` makes of `raw`, by the fields' own
/// parser.
pub(crate) fn read_as(kind: FieldKind, raw: &str) -> Option<String> {
    let probe = CustomField {
        id: FieldId::from_uuid(uuid::Uuid::nil()),
        account_id: AccountId::from_uuid(uuid::Uuid::nil()),
        key: String::new(),
        label: String::new(),
        kind,
        choices: Vec::new(),
        created_at: 0,
    };
    probe.parse(raw).ok().flatten()
}

fn email(reply: &str) -> Option<String> {
    let lower = reply.to_lowercase();
    let (local, domain) = lower.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-'".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    (local_ok && domain_ok).then_some(lower)
}

/// Day first, with `/`, `-` or `.` between: `31/12/2024`, `5/3/2024`.
fn date(reply: &str) -> Option<String> {
    let parts: Vec<&str> = reply.split(['/', '-', '.']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    if d.len() > 2 || m.len() > 2 || y.len() != 4 {
        return None;
    }
    let canonical = read_as(FieldKind::Date, reply)?;
    let (year, rest) = canonical.split_once('-')?;
    let (month, day) = rest.split_once('-')?;
    Some(format!("{day}/{month}/{year}"))
}

fn cpf_cnpj(reply: &str) -> Option<String> {
    // Only the separators people type: a letter or other sign means the
    // reply is something else ("meu cpf é …" is not a CPF).
    if !reply
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " .-/".contains(c))
    {
        return None;
    }
    let bare: Vec<u8> = reply
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if bare.windows(2).all(|w| w[0] == w[1]) {
        return None;
    }
    let text = String::from_utf8(bare.clone()).ok()?;
    match bare.len() {
        11 if bare.iter().all(u8::is_ascii_digit) && cpf_ok(&bare) => Some(format!(
            "{}.{}.{}-{}",
            &text[..3],
            &text[3..6],
            &text[6..9],
            &text[9..]
        )),
        14 if cnpj_ok(&bare) => Some(format!(
            "{}.{}.{}/{}-{}",
            &text[..2],
            &text[2..5],
            &text[5..8],
            &text[8..12],
            &text[12..]
        )),
        _ => None,
    }
}

fn cpf_ok(digits: &[u8]) -> bool {
    let d: Vec<u32> = digits.iter().map(|b| u32::from(b - b'0')).collect();
    [9usize, 10].iter().all(|&n| {
        let sum: u32 = (0..n).map(|i| d[i] * (n as u32 + 1 - i as u32)).sum();
        (sum * 10 % 11) % 10 == d[n]
    })
}

/// The Receita Federal's rule, which since the alphanumeric CNPJ reads each
/// character as its ASCII code minus 48 (digits as themselves, `A` as 17);
/// the two check digits stay digits.
fn cnpj_ok(chars: &[u8]) -> bool {
    if !chars[..12].iter().all(u8::is_ascii_alphanumeric)
        || !chars[12..].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let value: Vec<u32> = chars.iter().map(|c| u32::from(c - b'0')).collect();
    let check = |len: usize| {
        let sum: u32 = (0..len)
            .map(|i| value[i] * [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2][13 - len + i])
            .sum();
        match sum % 11 {
            0 | 1 => 0,
            r => 11 - r,
        }
    };
    check(12) == value[12] && check(13) == value[13]
}

/// `sim`, `s`, `yes`, `y`, 👍 or `não`, `nao`, `n`, `no`, 👎, alone in the
/// reply (punctuation and case aside): "não sei" is not a no.
fn yes_no(reply: &str) -> Option<bool> {
    let emoji: String = reply
        .chars()
        .filter(|c| !matches!(c, '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}') && !c.is_whitespace())
        .collect();
    match emoji.as_str() {
        "👍" => return Some(true),
        "👎" => return Some(false),
        _ => {}
    }
    let words = |list: &[&str]| {
        Matcher::new(
            MatchKind::Exact,
            &list.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>(),
        )
        .ok()
        .and_then(|m| m.find(reply))
        .is_some()
    };
    if words(&["sim", "s", "yes", "y"]) {
        Some(true)
    } else if words(&["nao", "n", "no"]) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: AnswerKind, table: &[(&str, Option<&str>)]) {
        for (reply, want) in table {
            assert_eq!(
                validate_answer(kind, reply).as_deref(),
                *want,
                "{kind:?} {reply:?}"
            );
        }
    }

    #[test]
    fn cpfs_and_cnpjs_are_checked_by_their_digits() {
        check(
            AnswerKind::CpfCnpj,
            &[
                ("529.982.247-25", Some("529.982.247-25")),
                ("52998224725", Some("529.982.247-25")),
                (" 111 444 777 35 ", Some("111.444.777-35")),
                ("123.456.789-09", Some("123.456.789-09")),
                ("529.982.247-24", None),
                ("123.456.789-00", None),
                ("111.111.111-11", None),
                ("000.000.000-00", None),
                ("5299822472", None),
                ("meu cpf 52998224725", None),
                ("11.222.333/0001-81", Some("11.222.333/0001-81")),
                ("11222333000181", Some("11.222.333/0001-81")),
                ("11.222.333/0001-82", None),
                ("11.111.111/1111-11", None),
                ("00000000000000", None),
                // The alphanumeric CNPJ (IN RFB 2.229/2024), lower case too.
                ("12.ABC.345/01DE-35", Some("12.ABC.345/01DE-35")),
                ("12abc34501de35", Some("12.ABC.345/01DE-35")),
                ("12.ABC.345/01DE-36", None),
                ("12.ABC.345/01DE-3A", None),
                ("", None),
            ],
        );
    }

    #[test]
    fn dates_are_real_calendar_days_written_day_first() {
        check(
            AnswerKind::Date,
            &[
                ("31/12/2024", Some("31/12/2024")),
                ("5/3/2024", Some("05/03/2024")),
                ("05-03-2024", Some("05/03/2024")),
                ("05.03.2024", Some("05/03/2024")),
                ("29/02/2024", Some("29/02/2024")),
                ("29/02/2000", Some("29/02/2000")),
                ("29/02/2023", None),
                ("29/02/1900", None),
                ("31/04/2024", None),
                ("32/01/2024", None),
                ("12/13/2024", None),
                ("2024-12-31", None),
                ("31/12/24", None),
                ("amanhã", None),
                ("31/12", None),
            ],
        );
    }

    #[test]
    fn numbers_read_the_brazilian_way_and_the_plain_way() {
        check(
            AnswerKind::Number,
            &[
                ("1.234,56", Some("1.234,56")),
                ("1234.56", Some("1234.56")),
                ("1234,5", Some("1234,5")),
                (" 42 ", Some("42")),
                ("-3", Some("-3")),
                ("R$ 10", Some("R$ 10")),
                ("1.500", Some("1.500")),
                ("dez", None),
                ("12abc", None),
                ("1e5", None),
                (".", None),
                ("", None),
            ],
        );
        assert_eq!(read_as(FieldKind::Number, "1.500").as_deref(), Some("1500"));
        assert_eq!(
            read_as(FieldKind::Number, "1.234,56").as_deref(),
            Some("1234.56")
        );
    }

    #[test]
    fn phones_follow_the_apps_brazilian_rules() {
        check(
            AnswerKind::Phone,
            &[
                ("(11) 98765-4321", Some("+5511987654321")),
                ("11987654321", Some("+5511987654321")),
                ("+55 11 98765-4321", Some("+5511987654321")),
                // Written before the ninth digit.
                ("(11) 8765-4321", Some("+5511987654321")),
                ("0800 123 4567", None),
                ("123", None),
                ("meu número", None),
            ],
        );
    }

    #[test]
    fn emails_texts_and_yes_no() {
        check(
            AnswerKind::Email,
            &[
                ("Ana.Silva@Empresa.com.br", Some("ana.silva@empresa.com.br")),
                ("joão+vendas@exemplo.com", Some("joão+vendas@exemplo.com")),
                ("ana@empresa", None),
                ("ana@@empresa.com", None),
                ("ana silva@empresa.com", None),
                ("@empresa.com", None),
                ("ana@.com", None),
                ("ana@empresa.c", None),
                ("ana..b@empresa.com", None),
            ],
        );
        check(
            AnswerKind::Text,
            &[("  Ana  ", Some("Ana")), ("   ", None), ("", None)],
        );
        check(
            AnswerKind::YesNo,
            &[
                ("Sim", Some("sim")),
                ("sim!", Some("sim")),
                ("S", Some("sim")),
                ("yes", Some("sim")),
                ("y", Some("sim")),
                ("👍", Some("sim")),
                ("👍🏽", Some("sim")),
                ("NÃO", Some("não")),
                ("nao.", Some("não")),
                ("n", Some("não")),
                ("no", Some("não")),
                ("👎", Some("não")),
                ("não sei", None),
                ("talvez", None),
                ("simples", None),
            ],
        );
    }
}
