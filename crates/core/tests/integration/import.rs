//! CSV import and export of contacts against a real SQLite file: files as
//! Excel in Brazil and Google Sheets write them, re-import idempotence,
//! rejected rows with their lines, merging, and the export → import round trip.

use zapdesk_core::contacts::{self, ContactInput, ContactQuery};
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::filter::{ContactFilter, ContactSelection};
use zapdesk_core::import::{self, Column, ImportError, ImportReport, read};
use zapdesk_core::tags;
use zapdesk_core::{AccountId, ErrorCode, Lang, Store, UserError, export};

use crate::support;

async fn setup() -> (tempfile::TempDir, Store, AccountId) {
    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    (dir, store, acc)
}

/// Runs an import with the suggested mapping, recording the progress calls.
async fn import_bytes(
    store: &Store,
    acc: AccountId,
    bytes: &[u8],
) -> (ImportReport, Vec<(u32, u32)>) {
    let sheet = read::read(bytes).unwrap();
    let preview = import::preview(store, acc, &sheet).await.unwrap();
    let mut calls = Vec::new();
    let mut progress = |done, total| calls.push((done, total));
    let report = import::run(
        store,
        acc,
        &sheet,
        &preview.columns,
        Lang::PtBr,
        &mut progress,
    )
    .await
    .unwrap();
    (report, calls)
}

/// Every contact of the account as (phone, name, tags, field values), sorted.
/// phone, name, tag names, field values, updated_at.
type Row = (String, Option<String>, Vec<String>, Vec<String>, i64);

async fn snapshot(store: &Store, acc: AccountId) -> Vec<Row> {
    let page = contacts::list(
        store,
        acc,
        &ContactQuery {
            filter: ContactFilter::default(),
            offset: 0,
            limit: 500,
        },
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    for item in page.items {
        let c = item.contact;
        let tag_names = tags::of_contact(store, acc, c.id)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        let values = fields::values_of(store, acc, c.id)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.value)
            .collect();
        out.push((c.phone, c.name, tag_names, values, c.updated_at));
    }
    out.sort();
    out
}

/// Excel in Brazil: Windows-1252, `;`, CRLF, a quoted name with a line break
/// and a `;`, an empty line, a repeated phone, and bad rows.
fn excel_file() -> Vec<u8> {
    let text = "Nome;Celular;Etiquetas;Plano;Pontos\r\n\
                João da Conceição;(11) 98765-4321;VIP, SP;Ouro;1.234,5\r\n\
                \"Ana; a \"\"Aninha\"\"\r\nSouza\";011 9 8765-4322;SP;prata;10\r\n\
                \r\n\
                Sem telefone;;;;\r\n\
                Carlos;+55 21 3456-7890;;Diamante;5\r\n\
                Bia;21987654323;Atacado|vip;;abc\r\n\
                João (de novo);11987654321;Novo;;\r\n\
                Estrangeiro;+1 650 253 0000;;;\r\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[tokio::test]
async fn an_excel_file_imports_with_reasons_for_bad_rows_and_reimports_as_a_no_op() {
    let (_dir, store, acc) = setup().await;
    let plan = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Plano".into(),
            kind: FieldKind::Choice,
            choices: vec!["Ouro".into(), "Prata".into()],
        },
    )
    .await
    .unwrap();
    let points = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Pontos".into(),
            kind: FieldKind::Number,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    let bytes = excel_file();
    let sheet = read::read(&bytes).unwrap();
    assert_eq!(sheet.encoding, read::TextEncoding::Windows1252);
    let preview = import::preview(&store, acc, &sheet).await.unwrap();
    assert_eq!(
        preview.columns,
        [
            Column::Name,
            Column::Phone,
            Column::Tags,
            Column::Field { field: plan.id },
            Column::Field { field: points.id },
        ]
    );

    let (report, calls) = import_bytes(&store, acc, &bytes).await;
    assert_eq!(report.rows, 7);
    assert_eq!(report.created, 5, "{report:#?}");
    assert_eq!(report.merged, 1);
    // Only the row without a phone is rejected; Carlos's unknown choice and
    // Bia's "abc" points are left empty and their rows imported.
    assert_eq!(report.rejected, 1);
    assert_eq!(
        report.tags_created, 4,
        "VIP, SP, Atacado, Novo (Bia's vip is VIP)"
    );
    // The quoted record spans lines 3–4 and line 5 is empty: the bad row is 6.
    let lines: Vec<u32> = report.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [6]);
    assert!(
        report.problems[0].reason.contains("telefone"),
        "{:?}",
        report.problems[0]
    );
    assert_eq!(report.warned, 2);
    let warnings: Vec<(u32, &str, &str)> = report
        .warnings
        .iter()
        .map(|w| (w.line, w.column.as_str(), w.value.as_str()))
        .collect();
    assert_eq!(warnings, [(7, "Plano", "Diamante"), (8, "Pontos", "abc")]);
    assert!(
        report.warnings[0].reason.contains("Ouro, Prata"),
        "{:?}",
        report.warnings[0]
    );
    assert!(
        report.warnings[1].reason.contains("número"),
        "{:?}",
        report.warnings[1]
    );
    assert_eq!(calls, [(0, 5), (5, 5)]);

    let rows = snapshot(&store, acc).await;
    let without_times: Vec<_> = rows
        .iter()
        .map(|(phone, name, tags, values, _)| {
            (
                phone.as_str(),
                name.as_deref(),
                tags.clone(),
                values.clone(),
            )
        })
        .collect();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        without_times,
        [
            ("+16502530000", Some("Estrangeiro"), vec![], vec![]),
            (
                "+5511987654321",
                Some("João (de novo)"),
                strings(&["Novo", "SP", "VIP"]),
                strings(&["Ouro", "1234.5"])
            ),
            (
                "+5511987654322",
                Some("Ana; a \"Aninha\" Souza"),
                strings(&["SP"]),
                strings(&["Prata", "10"])
            ),
            ("+552134567890", Some("Carlos"), vec![], strings(&["5"])),
            (
                "+5521987654323",
                Some("Bia"),
                strings(&["Atacado", "VIP"]),
                vec![]
            ),
        ]
    );

    // The same file again: nothing written, not even a timestamp.
    let (again, _) = import_bytes(&store, acc, &bytes).await;
    assert_eq!(
        (
            again.created,
            again.updated,
            again.unchanged,
            again.rejected,
            again.tags_created
        ),
        (0, 0, 5, 1, 0)
    );
    assert_eq!(snapshot(&store, acc).await, rows);

    // A file that knows a contact better updates only that contact.
    let (update, _) =
        import_bytes(&store, acc, b"telefone,nome\n+55 11 98765-4322,Ana Souza\n").await;
    assert_eq!(
        (update.created, update.updated, update.unchanged),
        (0, 1, 0)
    );
    let after = snapshot(&store, acc).await;
    assert_eq!(after[0], rows[0]);
    assert_eq!(after[1], rows[1]);
    assert_eq!(after[2].1.as_deref(), Some("Ana Souza"));
    assert!(after[2].4 >= rows[2].4);
}

#[tokio::test]
async fn a_sheets_file_finds_its_phone_column_by_content_and_bad_mappings_are_refused() {
    let (_dir, store, acc) = setup().await;
    let bytes = "\u{feff}Quem,Col B,Obs\n\
                 Maria,+55 (31) 99876-5432,\"linha 1\nlinha 2\"\n\
                 ,31 99876 5433,\n\
                 \n\
                 Pedro,3199876543,\n"
        .as_bytes()
        .to_vec();
    let sheet = read::read(&bytes).unwrap();
    assert_eq!(sheet.encoding, read::TextEncoding::Utf8Bom);
    assert_eq!(sheet.delimiter, ",");
    let preview = import::preview(&store, acc, &sheet).await.unwrap();
    assert_eq!(
        preview.columns,
        [Column::Ignore, Column::Phone, Column::Ignore]
    );
    assert_eq!(preview.rows, 3);

    let (report, _) = import_bytes(&store, acc, &bytes).await;
    // 3199876543 is an 8-digit mobile without the ninth digit: it gets one.
    assert_eq!((report.created, report.rejected), (3, 0), "{report:#?}");
    let phones: Vec<String> = snapshot(&store, acc)
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(
        phones,
        ["+5531998765432", "+5531998765433", "+5531999876543"]
    );

    let mut progress = |_, _| {};
    let no_phone = import::run(
        &store,
        acc,
        &sheet,
        &[Column::Name],
        Lang::En,
        &mut progress,
    )
    .await
    .unwrap_err();
    assert!(matches!(no_phone, ImportError::NoPhoneColumn));
    assert_eq!(no_phone.code(), ErrorCode::ImportMappingInvalid);
    let twice = import::run(
        &store,
        acc,
        &sheet,
        &[Column::Phone, Column::Phone],
        Lang::En,
        &mut progress,
    )
    .await
    .unwrap_err();
    assert_eq!(twice.code(), ErrorCode::ImportMappingInvalid);

    let unreadable = import::open(std::path::Path::new("/nonexistent/contatos.csv")).unwrap_err();
    assert_eq!(unreadable.code(), ErrorCode::ImportFileUnreadable);
}

#[tokio::test]
async fn an_export_imports_back_into_another_account_unchanged() {
    let (_dir, store, acc) = setup().await;
    let copy = support::account(&store, "Cópia").await;
    for target in [acc, copy] {
        for (label, kind) in [
            ("Cidade", FieldKind::Text),
            ("Aniversário", FieldKind::Date),
            ("Saldo", FieldKind::Number),
        ] {
            fields::create(
                &store,
                target,
                &FieldInput {
                    label: label.into(),
                    kind,
                    choices: vec![],
                },
            )
            .await
            .unwrap();
        }
    }
    // Three decimals are the trap: `1,234` is 1.234 and must not come back as 1234.
    let bytes = "nome;telefone;etiquetas;cidade;aniversário;saldo\n\
                 \"Zé; o \"\"Bom\"\"\";11 98888-0001;a, b;São Paulo;01/02/1990;1,234\n\
                 Lia;11 98888-0002;;\"Rio\nde Janeiro\";;1.234,5\n"
        .as_bytes();
    let (first, _) = import_bytes(&store, acc, bytes).await;
    assert_eq!((first.created, first.rejected), (2, 0), "{first:#?}");
    let values: Vec<Vec<String>> = snapshot(&store, acc)
        .await
        .into_iter()
        .map(|r| r.3)
        .collect();
    assert_eq!(
        values,
        [
            vec![
                "São Paulo".to_string(),
                "1990-02-01".into(),
                "1.2340".into()
            ],
            vec!["Rio\nde Janeiro".to_string(), "1234.5".into()]
        ]
    );

    for lang in [Lang::PtBr, Lang::En] {
        let csv = export::csv(
            &store,
            acc,
            &ContactSelection::Filter {
                filter: ContactFilter::default(),
            },
            lang,
        )
        .await
        .unwrap();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let (report, _) = import_bytes(&store, copy, &csv).await;
        assert_eq!(report.rejected, 0, "{lang:?}: {report:#?}");
        let strip = |rows: Vec<Row>| {
            rows.into_iter()
                .map(|r| (r.0, r.1, r.2, r.3))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(snapshot(&store, copy).await),
            strip(snapshot(&store, acc).await),
            "{lang:?}"
        );
    }

    // A selection exports only its contacts.
    let one = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "11 98888-0003".into(),
            name: None,
        },
    )
    .await
    .unwrap();
    let csv = export::csv(
        &store,
        acc,
        &ContactSelection::Ids { ids: vec![one.id] },
        Lang::En,
    )
    .await
    .unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("+5511988880003"));
}
