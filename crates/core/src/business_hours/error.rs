//! Why business hours were refused: each variant with its code and its text
//! in both languages (what is wrong, and what to do).

use crate::Lang;
use crate::access::AccessError;
use crate::account_open::AccountClosed;
use crate::error::{ErrorCode, UserError, database_failed};

/// A day of the week as the week grid names it (Monday first).
fn day_name(day: usize, lang: Lang) -> &'static str {
    const PT: [&str; 7] = [
        "Segunda", "Terça", "Quarta", "Quinta", "Sexta", "Sábado", "Domingo",
    ];
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    lang.pick(PT, EN).get(day).copied().unwrap_or("?")
}

/// Minutes of the day as `08:00` (1440 as `24:00`).
pub(crate) fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[derive(Debug, thiserror::Error)]
pub enum BusinessHoursError {
    #[error(transparent)]
    Account(#[from] AccountClosed),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("unknown time zone {0:?}")]
    TimeZoneUnknown(String),
    #[error("the week has {0} days, not 7")]
    WeekLength(usize),
    /// An interval that ends before it starts, or outside 00:00–24:00.
    #[error("day {day}: interval {start}-{end} is not valid")]
    IntervalInvalid { day: usize, start: u16, end: u16 },
    /// Two intervals of one day that overlap, or are not in order.
    #[error("day {day}: intervals overlap or are out of order")]
    IntervalsOverlap {
        day: usize,
        first: (u16, u16),
        second: (u16, u16),
    },
    #[error("day {0}: too many intervals")]
    TooManyIntervals(usize),
    #[error("holiday {0:?} is not a date")]
    HolidayInvalid(String),
    #[error("too many holidays")]
    TooManyHolidays,
    #[error("away message on but empty")]
    AwayMessageEmpty,
    #[error("away message too long")]
    AwayMessageTooLong,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for BusinessHoursError {
    fn code(&self) -> ErrorCode {
        use BusinessHoursError::*;
        match self {
            Account(e) => e.code(),
            Access(e) => e.code(),
            Database(_) => ErrorCode::DatabaseFailed,
            TimeZoneUnknown(_)
            | WeekLength(_)
            | IntervalInvalid { .. }
            | IntervalsOverlap { .. }
            | TooManyIntervals(_)
            | HolidayInvalid(_)
            | TooManyHolidays
            | AwayMessageEmpty
            | AwayMessageTooLong => ErrorCode::BusinessHoursInvalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use BusinessHoursError::*;
        match self {
            Account(e) => e.message(lang),
            Access(e) => e.message(lang),
            Database(_) => database_failed(lang),
            TimeZoneUnknown(zone) => match lang {
                Lang::PtBr => format!(
                    "“{zone}” não é um fuso horário conhecido. Escolha um da lista (ex.: America/Sao_Paulo)."
                ),
                Lang::En => format!(
                    "“{zone}” is not a known time zone. Pick one from the list (e.g. America/Sao_Paulo)."
                ),
            },
            WeekLength(_) => lang
                .pick(
                    "A semana do horário de atendimento precisa ter os 7 dias. Recarregue a tela e tente de novo.",
                    "The business hours week needs all 7 days. Reload the screen and try again.",
                )
                .to_owned(),
            IntervalInvalid { day, start, end } => {
                let (d, s, e) = (day_name(*day, lang), hhmm(*start), hhmm(*end));
                match lang {
                    Lang::PtBr => format!(
                        "{d}: o horário {s}–{e} não é válido. O fim precisa ser depois do início, entre 00:00 e 24:00."
                    ),
                    Lang::En => format!(
                        "{d}: the interval {s}–{e} is not valid. It must end after it starts, between 00:00 and 24:00."
                    ),
                }
            }
            IntervalsOverlap { day, first, second } => {
                let d = day_name(*day, lang);
                let a = format!("{}–{}", hhmm(first.0), hhmm(first.1));
                let b = format!("{}–{}", hhmm(second.0), hhmm(second.1));
                match lang {
                    Lang::PtBr => format!(
                        "{d}: os horários {a} e {b} se sobrepõem ou estão fora de ordem. Coloque-os em ordem, sem sobreposição."
                    ),
                    Lang::En => format!(
                        "{d}: the intervals {a} and {b} overlap or are out of order. Put them in order, without overlap."
                    ),
                }
            }
            TooManyIntervals(day) => {
                let d = day_name(*day, lang);
                match lang {
                    Lang::PtBr => format!(
                        "{d}: no máximo {MAX_INTERVALS} horários por dia."
                    ),
                    Lang::En => format!("{d}: at most {MAX_INTERVALS} intervals per day."),
                }
            }
            HolidayInvalid(text) => match lang {
                Lang::PtBr => format!("“{text}” não é uma data válida para feriado."),
                Lang::En => format!("“{text}” is not a valid date for a holiday."),
            },
            TooManyHolidays => match lang {
                Lang::PtBr => format!(
                    "No máximo {MAX_HOLIDAYS} feriados. Remova os que já passaram."
                ),
                Lang::En => format!("At most {MAX_HOLIDAYS} holidays. Remove those already past."),
            },
            AwayMessageEmpty => lang
                .pick(
                    "Escreva a mensagem de ausência, ou desligue-a.",
                    "Write the away message, or turn it off.",
                )
                .to_owned(),
            AwayMessageTooLong => match lang {
                Lang::PtBr => format!(
                    "A mensagem de ausência passa de {} caracteres, o limite do WhatsApp.",
                    crate::campaigns::template::MESSAGE_MAX
                ),
                Lang::En => format!(
                    "The away message is over {} characters, WhatsApp's limit.",
                    crate::campaigns::template::MESSAGE_MAX
                ),
            },
        }
    }
}

/// Intervals per day at most (a split shift has two or three).
pub const MAX_INTERVALS: usize = 6;
/// Holidays kept at most (several years of them).
pub const MAX_HOLIDAYS: usize = 200;
