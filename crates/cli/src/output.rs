//! How the CLI reports: text for people, JSON for scripts, errors as `{code, message}`.

use std::process::ExitCode;

use serde::Serialize;
use zapdesk_core::{ErrorCode, Lang, UserError};

/// A refused command: its code and its text in both languages (the language is
/// only known once the store is open).
pub struct Failure {
    code: ErrorCode,
    pt_br: String,
    en: String,
}

impl Failure {
    pub fn from_error(e: &dyn UserError) -> Failure {
        Failure {
            code: e.code(),
            pt_br: e.message(Lang::PtBr),
            en: e.message(Lang::En),
        }
    }

    fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.pt_br, &self.en)
    }
}

impl<E: UserError> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::from_error(&e)
    }
}

#[derive(Serialize)]
struct JsonError<'a> {
    code: ErrorCode,
    message: &'a str,
}

/// Prints the failure on stderr and returns the exit code for it.
pub fn fail(failure: &Failure, lang: Lang, json: bool) -> ExitCode {
    let code = &failure.code;
    let message = failure.message(lang);
    if json {
        let body = JsonError {
            code: *code,
            message,
        };
        eprintln!("{}", serde_json::to_string(&body).unwrap_or_default());
    } else {
        let code = serde_json::to_value(code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        eprintln!("error [{code}]: {message}");
    }
    ExitCode::FAILURE
}

/// Serialises a value for `--json`.
pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Lays rows out in aligned columns under a header.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(
        rows.iter()
            .map(|r| line(r.iter().map(String::as_str).collect())),
    );
    out.join("\n")
}
