//! Raw bytes of a customer spreadsheet to rows of text cells.
//!
//! Agencies export from Excel (in Brazil: `;` and Windows-1252), Google Sheets
//! (`,` and UTF-8) and others, and cannot tell us which, so both the encoding
//! and the delimiter are detected. Nothing here knows what a phone or a name
//! is: columns are mapped later, by the rest of [`crate::import`].
//!
//! Before parsing, every line break (`\r\n`, lone `\r` from old Mac Excel) is
//! made a `\n`: the `csv` crate counts lines by `\n` only, so without this a
//! CR-only file would be "all on line 1".

use std::borrow::Cow;

use serde::Serialize;

use crate::Lang;
use crate::error::{ErrorCode, UserError};

/// Largest file accepted: far above any real contact list, low enough that a
/// wrong pick (a video, a backup) is refused before it is decoded in memory.
pub const FILE_MAX_BYTES: usize = 64 * 1024 * 1024;

/// Most data rows accepted, so one import cannot stall the app for minutes.
pub const ROWS_MAX: usize = 1_000_000;

/// Delimiters tried, in the order a tie is broken: `;` first because that is
/// what Excel writes on a Brazilian Windows.
const DELIMITERS: [u8; 4] = [b';', b',', b'\t', b'|'];

/// The delimiter of a file with one column, where no candidate splits anything.
const SINGLE_COLUMN_DELIMITER: u8 = b',';

/// Records looked at to detect the delimiter; the head of a file is enough.
const DETECT_RECORDS: usize = 50;

/// How the file's bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// A file read as a table of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Sheet {
    pub encoding: TextEncoding,
    /// The detected delimiter as a one-character string: ";", ",", "\t" or "|".
    pub delimiter: String,
    /// The first non-empty record, cells trimmed.
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// One record after the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SheetRow {
    /// 1-based line of the file where this record starts (the header is usually
    /// line 1), so a person can find it in their spreadsheet. A record with a
    /// quoted line break spans several lines; the next record's number accounts
    /// for them. Empty lines are skipped but still counted.
    pub line: u32,
    /// Cells trimmed of surrounding whitespace; a row may have fewer or more
    /// cells than headers (kept as is: the column mapping decides).
    pub cells: Vec<String>,
}

/// Why a file cannot be read as a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {FILE_MAX_BYTES} bytes")]
    TooLarge,
    #[error("the file is not a CSV (binary or spreadsheet)")]
    NotCsv,
    #[error("the file has more than {ROWS_MAX} rows")]
    TooManyRows,
    #[error("a quote opened on line {line} is never closed")]
    UnclosedQuote { line: u32 },
}

impl UserError for ReadError {
    fn code(&self) -> ErrorCode {
        ErrorCode::ImportFileUnreadable
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReadError::Empty, _) => lang
                .pick(
                    "O arquivo está vazio. Escolha o arquivo CSV que tem os contatos.",
                    "The file is empty. Choose the CSV file that holds the contacts.",
                )
                .to_owned(),
            (ReadError::TooLarge, _) => lang
                .pick(
                    "O arquivo tem mais de 64 MB. Divida a planilha em arquivos menores e importe um de cada vez.",
                    "The file is larger than 64 MB. Split the spreadsheet into smaller files and import them one at a time.",
                )
                .to_owned(),
            (ReadError::NotCsv, _) => lang
                .pick(
                    "Este arquivo não é um CSV. No Excel, use Arquivo → Salvar como → CSV (separado por ponto e vírgula).",
                    "This file is not a CSV. In Excel, use File → Save As → CSV (semicolon delimited).",
                )
                .to_owned(),
            (ReadError::TooManyRows, _) => lang
                .pick(
                    "O arquivo tem mais de 1.000.000 de linhas. Divida a planilha em arquivos menores e importe um de cada vez.",
                    "The file has more than 1,000,000 rows. Split the spreadsheet into smaller files and import them one at a time.",
                )
                .to_owned(),
            (ReadError::UnclosedQuote { line }, Lang::PtBr) => format!(
                "As aspas (\") abertas na linha {line} nunca são fechadas. Corrija essa linha na planilha e exporte o CSV de novo."
            ),
            (ReadError::UnclosedQuote { line }, Lang::En) => format!(
                "The quote (\") opened on line {line} is never closed. Fix that line in the spreadsheet and export the CSV again."
            ),
        }
    }
}

/// Reads a CSV file: detects its encoding and delimiter, and returns the
/// header and the non-empty rows with the line each starts on.
pub fn read(bytes: &[u8]) -> Result<Sheet, ReadError> {
    if bytes.len() > FILE_MAX_BYTES {
        return Err(ReadError::TooLarge);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(ReadError::NotCsv);
    }
    let (text, encoding) = decode(bytes);
    // A NUL never occurs in text; it does in binaries and in UTF-16 without BOM.
    if text.contains('\0') {
        return Err(ReadError::NotCsv);
    }
    let text = normalize_line_breaks(text);
    let delimiter = detect_delimiter(&text);
    let (headers, rows) = parse(&text, delimiter)?;
    Ok(Sheet {
        encoding,
        delimiter: char::from(delimiter).to_string(),
        headers,
        rows,
    })
}

/// The file's text without its BOM. A BOM is trusted first; without one, text
/// that is valid UTF-8 is UTF-8 (a Windows-1252 accent is almost never valid
/// UTF-8), and anything else is Windows-1252, which Excel writes in Brazil and
/// which decodes every byte.
fn decode(bytes: &[u8]) -> (Cow<'_, str>, TextEncoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        (text, TextEncoding::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        (text, TextEncoding::Utf16Le)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(rest);
        (text, TextEncoding::Utf16Be)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(text), TextEncoding::Utf8)
    } else {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text, TextEncoding::Windows1252)
    }
}

/// Makes every `\r\n` and lone `\r` a `\n`, so that the `csv` crate's line
/// numbers (which count `\n`) match what a person sees. Inside a quoted cell
/// this turns the break into `\n` too, which is what a cell's text should hold.
fn normalize_line_breaks(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains('\r') {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// A reader on already decoded, `\n`-only text. No headers (the first non-empty
/// record is the header, which `csv` cannot know) and flexible, because rows
/// of uneven width are common and are the column mapping's business.
fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text.as_bytes())
}

/// The candidate that splits the head of the file into the most consistent
/// columns: for each, among the first records (quote-aware, so a `,` inside
/// `"Silva, João"` does not count), the records with the most common field
/// count above one, times that count. A tie goes to the earlier candidate in
/// [`DELIMITERS`]; a file no candidate splits is one column.
fn detect_delimiter(text: &str) -> u8 {
    let mut best = (0, SINGLE_COLUMN_DELIMITER);
    for delimiter in DELIMITERS {
        let mut counts: Vec<(usize, usize)> = Vec::new(); // (field count, records)
        let records = reader(text, delimiter)
            .into_records()
            .map_while(Result::ok)
            .filter(|record| !is_blank(record))
            .take(DETECT_RECORDS);
        for record in records {
            let fields = record.len();
            match counts.iter_mut().find(|(n, _)| *n == fields) {
                Some((_, seen)) => *seen += 1,
                None => counts.push((fields, 1)),
            }
        }
        // The most common count above one; on equal frequency the wider one.
        let score = counts
            .iter()
            .filter(|(fields, _)| *fields > 1)
            .max_by_key(|(fields, seen)| (*seen, *fields))
            .map_or(0, |(fields, seen)| fields * seen);
        if score > best.0 {
            best = (score, delimiter);
        }
    }
    best.1
}

/// A record with nothing in it: a line of spaces, or of delimiters only (`;;;`,
/// which Excel writes for an empty row). Any candidate delimiter counts as
/// nothing, not only the chosen one, so that a file of `;;;` lines is empty
/// rather than a one-column sheet (no candidate splits it once blanks are
/// ignored).
fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|cell| {
        cell.chars()
            .all(|c| c.is_whitespace() || u8::try_from(c).is_ok_and(|b| DELIMITERS.contains(&b)))
    })
}

/// Splits the text into the header and the rows, skipping blank records.
///
/// Line numbers come from `csv`'s [`csv::Position`], but a record's position
/// is where the reader *started* looking for it, before the empty lines it
/// skips; those are added back.
fn parse(text: &str, delimiter: u8) -> Result<(Vec<String>, Vec<SheetRow>), ReadError> {
    let bytes = text.as_bytes();
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    // Where the last record (blank or not) started: the one an unclosed quote swallows.
    let mut last_start: Option<(usize, u32)> = None;
    for record in reader(text, delimiter).into_records() {
        // Reading decoded text from memory, `csv` has no I/O or UTF-8 error to
        // give; should it still fail, the file is not something we can read.
        let record = record.map_err(|_| ReadError::NotCsv)?;
        let (start, line) = record_start(bytes, record.position());
        last_start = Some((start, line));
        if is_blank(&record) {
            continue;
        }
        let cells: Vec<String> = record.iter().map(|cell| cell.trim().to_owned()).collect();
        if headers.is_none() {
            headers = Some(cells);
        } else if rows.len() == ROWS_MAX {
            return Err(ReadError::TooManyRows);
        } else {
            rows.push(SheetRow { line, cells });
        }
    }
    if let Some((start, line)) = last_start
        && ends_inside_quotes(bytes.get(start..).unwrap_or_default(), delimiter)
    {
        return Err(ReadError::UnclosedQuote { line });
    }
    let headers = headers.ok_or(ReadError::Empty)?;
    Ok((headers, rows))
}

/// The byte offset and 1-based line where a record's own text begins: `csv`'s
/// position plus the empty lines it skipped before the record.
fn record_start(bytes: &[u8], position: Option<&csv::Position>) -> (usize, u32) {
    let (byte, line) = position.map_or((0, 1), |p| {
        (usize::try_from(p.byte()).unwrap_or(usize::MAX), p.line())
    });
    let skipped = bytes
        .get(byte..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\n')
        .count();
    let line = line.saturating_add(u64::try_from(skipped).unwrap_or(u64::MAX));
    (
        byte.saturating_add(skipped),
        u32::try_from(line).unwrap_or(u32::MAX),
    )
}

/// Whether a record starting at the beginning of `text` runs to the end of the
/// file inside a quoted field. `csv` accepts that silently, as one last record
/// holding the rest of the file, so the quoting rules of `csv_core` are
/// replayed here: a quote opens a field only at its start, `""` inside is a
/// literal quote, and any other quote closes it.
fn ends_inside_quotes(text: &[u8], delimiter: u8) -> bool {
    #[derive(Clone, Copy)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    for &b in text {
        state = match state {
            State::FieldStart if b == b'"' => State::Quoted,
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            _ if b == delimiter || b == b'\n' => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    matches!(state, State::Quoted)
}
