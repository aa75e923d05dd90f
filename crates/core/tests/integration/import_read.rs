//! Reading CSV bytes as exported by Excel, Google Sheets and others.

use zapdesk_core::import::read::{FILE_MAX_BYTES, ROWS_MAX, ReadError, Sheet, TextEncoding, read};
use zapdesk_core::{ErrorCode, Lang, UserError};

/// The rows as `(line, cells)`, to compare whole sheets in one assertion.
fn rows(sheet: &Sheet) -> Vec<(u32, Vec<&str>)> {
    sheet
        .rows
        .iter()
        .map(|row| (row.line, row.cells.iter().map(String::as_str).collect()))
        .collect()
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    bytes
}

#[test]
fn google_sheets_utf8_with_commas() {
    let sheet = read(b"name,phone,notes\nAna,+55 11 98765-4321,\"a; b\"\nBia , 21 3333-4444 ,  \n")
        .unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf8);
    assert_eq!(sheet.delimiter, ",");
    assert_eq!(sheet.headers, ["name", "phone", "notes"]);
    assert_eq!(
        rows(&sheet),
        [
            (2, vec!["Ana", "+55 11 98765-4321", "a; b"]),
            (3, vec!["Bia", "21 3333-4444", ""]),
        ]
    );
}

#[test]
fn utf8_with_bom_and_semicolons_strips_the_bom() {
    let sheet = read("\u{FEFF}nome;telefone\r\nJoão;11 98765-4321\r\n".as_bytes()).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf8Bom);
    assert_eq!(sheet.delimiter, ";");
    assert_eq!(sheet.headers, ["nome", "telefone"]);
    assert_eq!(rows(&sheet), [(2, vec!["João", "11 98765-4321"])]);
}

#[test]
fn excel_windows_1252_with_accents() {
    // "nome;cidade;obs\nJoão;Conceição;preço – ok\n" as Excel writes it on a Brazilian Windows.
    let mut bytes = b"nome;cidade;obs\nJo\xE3o;Concei\xE7\xE3o;pre\xE7o \x96 ok\n".to_vec();
    assert!(std::str::from_utf8(&bytes).is_err());
    let sheet = read(&bytes).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Windows1252);
    assert_eq!(sheet.delimiter, ";");
    assert_eq!(sheet.headers, ["nome", "cidade", "obs"]);
    // 0x96 is an en dash in Windows-1252 (a control character in Latin-1).
    assert_eq!(rows(&sheet), [(2, vec!["João", "Conceição", "preço – ok"])]);

    // The same through encoding_rs, as a second source of truth for the bytes.
    let (encoded, _, _) = encoding_rs::WINDOWS_1252.encode("Nome;Sobrenome\nÂngela;Assunção\n");
    bytes = encoded.into_owned();
    let sheet = read(&bytes).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Windows1252);
    assert_eq!(sheet.headers, ["Nome", "Sobrenome"]);
    assert_eq!(rows(&sheet), [(2, vec!["Ângela", "Assunção"])]);
}

#[test]
fn utf16_with_bom_both_byte_orders() {
    let text = "nome\ttelefone\r\nJoão\t11 98765-4321\r\nConceição\t21 3333-4444\r\n";
    let expected = [
        (2, vec!["João", "11 98765-4321"]),
        (3, vec!["Conceição", "21 3333-4444"]),
    ];

    let sheet = read(&utf16le(text)).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf16Le);
    assert_eq!(sheet.delimiter, "\t");
    assert_eq!(sheet.headers, ["nome", "telefone"]);
    assert_eq!(rows(&sheet), expected);

    let sheet = read(&utf16be(text)).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf16Be);
    assert_eq!(sheet.delimiter, "\t");
    assert_eq!(sheet.headers, ["nome", "telefone"]);
    assert_eq!(rows(&sheet), expected);
}

#[test]
fn quoted_fields_keep_line_breaks_delimiters_and_doubled_quotes() {
    let csv = "nome;obs;telefone\n\
               \"Silva; João\";\"linha 1\nlinha 2\nlinha 3\";\"11 \"\"9\"\" 8765\"\n\
               Maria;;21 3333-4444\n\
               \"Ana\"\"\";\"\";\"  1  \"\n";
    let sheet = read(csv.as_bytes()).unwrap();
    assert_eq!(sheet.delimiter, ";");
    assert_eq!(sheet.headers, ["nome", "obs", "telefone"]);
    assert_eq!(
        rows(&sheet),
        [
            (
                2,
                vec!["Silva; João", "linha 1\nlinha 2\nlinha 3", "11 \"9\" 8765"]
            ),
            (5, vec!["Maria", "", "21 3333-4444"]),
            (6, vec!["Ana\"", "", "1"]),
        ]
    );
}

#[test]
fn a_quote_inside_an_unquoted_cell_is_literal() {
    let sheet = read(b"produto;medida\nTV;42\" polegadas\nCabo;2\"\n").unwrap();
    assert_eq!(
        rows(&sheet),
        [(2, vec!["TV", "42\" polegadas"]), (3, vec!["Cabo", "2\""])]
    );
}

#[test]
fn empty_lines_are_skipped_but_counted() {
    let csv = "\n  \nnome;telefone\n\n;;;\n   \n ; ;\nAna;1\n\n\nBia;2\n\n";
    let sheet = read(csv.as_bytes()).unwrap();
    assert_eq!(sheet.delimiter, ";");
    assert_eq!(sheet.headers, ["nome", "telefone"]);
    assert_eq!(
        rows(&sheet),
        [(8, vec!["Ana", "1"]), (11, vec!["Bia", "2"])]
    );

    // A row of another candidate delimiter is just as empty.
    let sheet = read(b"nome;telefone\n,,,\t|\nAna;1\n").unwrap();
    assert_eq!(sheet.delimiter, ";");
    assert_eq!(rows(&sheet), [(3, vec!["Ana", "1"])]);
}

#[test]
fn crlf_and_lone_cr_line_endings() {
    let sheet = read(b"nome;telefone\r\nAna;1\r\n\r\nBia;2\r\n\"C\r\nD\";3\r\nEva;4\r\n").unwrap();
    assert_eq!(sheet.headers, ["nome", "telefone"]);
    assert_eq!(
        rows(&sheet),
        [
            (2, vec!["Ana", "1"]),
            (4, vec!["Bia", "2"]),
            (5, vec!["C\nD", "3"]),
            (7, vec!["Eva", "4"]),
        ]
    );

    // Old Mac Excel: lone CR.
    let sheet = read(b"nome;telefone\rAna;1\r\rBia;2\r\"C\rD\";3\rEva;4").unwrap();
    assert_eq!(sheet.headers, ["nome", "telefone"]);
    assert_eq!(
        rows(&sheet),
        [
            (2, vec!["Ana", "1"]),
            (4, vec!["Bia", "2"]),
            (5, vec!["C\nD", "3"]),
            (7, vec!["Eva", "4"]),
        ]
    );
}

#[test]
fn tab_and_pipe_delimited() {
    let sheet = read(b"name\tphone\tcity\nAna\t11 1\tS\xC3\xA3o Paulo\n").unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf8);
    assert_eq!(sheet.delimiter, "\t");
    assert_eq!(sheet.headers, ["name", "phone", "city"]);
    assert_eq!(rows(&sheet), [(2, vec!["Ana", "11 1", "São Paulo"])]);

    let sheet = read(b"name|phone\nAna|11 1\n").unwrap();
    assert_eq!(sheet.delimiter, "|");
    assert_eq!(rows(&sheet), [(2, vec!["Ana", "11 1"])]);
}

#[test]
fn single_column_uses_comma_and_one_cell_per_row() {
    let sheet = read(b"telefone\n11 98765-4321\n\n21 3333-4444\n").unwrap();
    assert_eq!(sheet.delimiter, ",");
    assert_eq!(sheet.headers, ["telefone"]);
    assert_eq!(
        rows(&sheet),
        [(2, vec!["11 98765-4321"]), (4, vec!["21 3333-4444"])]
    );
}

#[test]
fn header_only_is_a_sheet_without_rows() {
    let sheet = read(b"nome;telefone\n").unwrap();
    assert_eq!(sheet.headers, ["nome", "telefone"]);
    assert_eq!(rows(&sheet), []);
}

#[test]
fn delimiter_inside_quotes_does_not_count() {
    let sheet = read("nome;telefone\n\"Silva, João\";11 98765-4321".as_bytes()).unwrap();
    assert_eq!(sheet.delimiter, ";");
    assert_eq!(rows(&sheet), [(2, vec!["Silva, João", "11 98765-4321"])]);

    let sheet = read(b"name,phone,notes\nAna,+55 11 98765-4321,\"a; b\"").unwrap();
    assert_eq!(sheet.delimiter, ",");
    assert_eq!(
        rows(&sheet),
        [(2, vec!["Ana", "+55 11 98765-4321", "a; b"])]
    );
}

#[test]
fn most_consistent_delimiter_wins() {
    // Names with a comma split some rows on ',' but every row on ';'.
    let csv = "nome;telefone;cidade\nSilva, Ana;1;SP\nBia;2;RJ\nCarla;3;BH\n";
    let sheet = read(csv.as_bytes()).unwrap();
    assert_eq!(sheet.delimiter, ";");
    assert_eq!(sheet.headers, ["nome", "telefone", "cidade"]);
    assert_eq!(rows(&sheet)[0], (2, vec!["Silva, Ana", "1", "SP"]));
}

#[test]
fn ties_prefer_semicolon_then_comma_then_tab_then_pipe() {
    assert_eq!(read(b"a;b,c\n1;2,3\n").unwrap().delimiter, ";");
    assert_eq!(read(b"a,b;c\n1,2;3\n").unwrap().delimiter, ";");
    assert_eq!(read(b"a|b,c\n1|2,3\n").unwrap().delimiter, ",");
    assert_eq!(read(b"a|b\tc\n1|2\t3\n").unwrap().delimiter, "\t");
    let sheet = read(b"a;b,c\n1;2,3\n").unwrap();
    assert_eq!(sheet.headers, ["a", "b,c"]);
}

#[test]
fn uneven_rows_are_kept_as_they_are() {
    let sheet = read(b"nome;telefone;cidade\nAna;1\nBia;2;RJ;extra\nCarla;3;BH\n").unwrap();
    assert_eq!(sheet.delimiter, ";");
    assert_eq!(
        rows(&sheet),
        [
            (2, vec!["Ana", "1"]),
            (3, vec!["Bia", "2", "RJ", "extra"]),
            (4, vec!["Carla", "3", "BH"]),
        ]
    );
}

#[test]
fn empty_files_are_refused() {
    assert_eq!(read(b""), Err(ReadError::Empty));
    assert_eq!(read(b"  \n\r\n\t \n\r"), Err(ReadError::Empty));
    assert_eq!(read(b";;;\n ; ;\n\n"), Err(ReadError::Empty));
    assert_eq!(read(b"\xEF\xBB\xBF"), Err(ReadError::Empty));
}

#[test]
fn spreadsheets_and_binaries_are_refused() {
    assert_eq!(
        read(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
        Err(ReadError::NotCsv)
    );
    assert_eq!(
        read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"),
        Err(ReadError::NotCsv)
    );
    assert_eq!(read(b"nome;telefone\nAna\x00;1\n"), Err(ReadError::NotCsv));
    // UTF-16 without a BOM decodes as UTF-8 full of NULs.
    let no_bom: Vec<u8> = "nome;telefone\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(read(&no_bom), Err(ReadError::NotCsv));
}

#[test]
fn unclosed_quote_is_refused_with_the_line_it_starts_on() {
    assert_eq!(
        read(b"nome;obs\nAna;ok\nBia;\"sem fim\nCarla;x\n"),
        Err(ReadError::UnclosedQuote { line: 3 })
    );
    assert_eq!(
        read(b"nome;obs\r\nAna;ok\r\n\r\n\r\n\"Bia;x\r\nCarla;y"),
        Err(ReadError::UnclosedQuote { line: 5 })
    );
    assert_eq!(
        read(b"\"nome;obs\nAna;ok\n"),
        Err(ReadError::UnclosedQuote { line: 1 })
    );
    // After a closed multi-line cell, the broken record's line still counts it.
    assert_eq!(
        read(b"nome;obs\nAna;\"a\nb\"\nBia;\"c\n"),
        Err(ReadError::UnclosedQuote { line: 4 })
    );
    // A doubled quote at the end is a literal quote, still inside the field.
    assert_eq!(
        read(b"nome;obs\nAna;\"diz \"\"oi\"\"\n"),
        Err(ReadError::UnclosedQuote { line: 2 })
    );
    // A closed quote at the very end of the file is fine.
    let sheet = read(b"nome;obs\nAna;\"ok\"").unwrap();
    assert_eq!(rows(&sheet), [(2, vec!["Ana", "ok"])]);
}

#[test]
fn too_large_is_refused_before_reading() {
    let bytes = vec![b'a'; FILE_MAX_BYTES + 1];
    assert_eq!(read(&bytes), Err(ReadError::TooLarge));
}

#[test]
fn too_many_rows_are_refused() {
    let mut csv = String::from("telefone\n");
    csv.push_str(&"1\n".repeat(ROWS_MAX));
    let sheet = read(csv.as_bytes()).unwrap();
    assert_eq!(sheet.rows.len(), ROWS_MAX);
    assert_eq!(sheet.rows.last().unwrap().line, 1_000_001);

    csv.push_str("2\n");
    assert_eq!(read(csv.as_bytes()), Err(ReadError::TooManyRows));
}

#[test]
fn errors_have_one_code_and_a_message_in_each_language() {
    let all = [
        ReadError::Empty,
        ReadError::TooLarge,
        ReadError::NotCsv,
        ReadError::TooManyRows,
        ReadError::UnclosedQuote { line: 7 },
    ];
    for error in &all {
        assert_eq!(error.code(), ErrorCode::ImportFileUnreadable);
        let pt = error.message(Lang::PtBr);
        let en = error.message(Lang::En);
        assert!(!pt.is_empty(), "{error:?}");
        assert!(!en.is_empty(), "{error:?}");
        assert_ne!(pt, en, "{error:?}");
    }
    assert_eq!(
        ReadError::NotCsv.message(Lang::PtBr),
        "Este arquivo não é um CSV. No Excel, use Arquivo → Salvar como → CSV (separado por ponto e vírgula)."
    );
    assert_eq!(
        ReadError::NotCsv.message(Lang::En),
        "This file is not a CSV. In Excel, use File → Save As → CSV (semicolon delimited)."
    );
    let pt = ReadError::UnclosedQuote { line: 7 }.message(Lang::PtBr);
    let en = ReadError::UnclosedQuote { line: 7 }.message(Lang::En);
    assert!(pt.contains("linha 7"), "{pt}");
    assert!(en.contains("line 7"), "{en}");
}

#[test]
fn encoding_is_sent_in_snake_case() {
    assert_eq!(
        serde_json::to_string(&TextEncoding::Utf8Bom).unwrap(),
        "\"utf8_bom\""
    );
    assert_eq!(
        serde_json::to_string(&TextEncoding::Windows1252).unwrap(),
        "\"windows1252\""
    );
}
