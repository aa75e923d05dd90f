//! The rejected rows of an import as a CSV to fix and import again, and CSV
//! injection: exports neutralise formulas, imports read them back (issue 13
//! item 20), against real SQLite files.

use zapdesk_core::contacts::{self, ContactInput, ContactQuery};
use zapdesk_core::fields::{self, FieldInput, FieldKind, FieldValue};
use zapdesk_core::filter::{ContactFilter, ContactSelection};
use zapdesk_core::import::{self, ImportReport, read};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{AccountId, Lang, Store, export};

use crate::support;

async fn run(store: &Store, acc: AccountId, bytes: &[u8], lang: Lang) -> ImportReport {
    let sheet = read::read(bytes).unwrap();
    let preview = import::preview(store, acc, &sheet).await.unwrap();
    import::run(store, acc, &sheet, &preview.columns, lang, &mut |_, _| {})
        .await
        .unwrap()
}

async fn rejected(store: &Store, acc: AccountId, bytes: &[u8], lang: Lang) -> String {
    let sheet = read::read(bytes).unwrap();
    let preview = import::preview(store, acc, &sheet).await.unwrap();
    let csv = import::rejected_csv(store, acc, &sheet, &preview.columns, lang)
        .await
        .unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM, for Excel");
    String::from_utf8(csv[3..].to_vec()).unwrap()
}

async fn names(store: &Store, acc: AccountId) -> Vec<(String, Option<String>)> {
    let page = contacts::list(
        store,
        acc,
        &ContactQuery {
            filter: ContactFilter::default(),
            offset: 0,
            limit: 100,
        },
    )
    .await
    .unwrap();
    let mut out: Vec<_> = page
        .items
        .into_iter()
        .map(|i| (i.contact.phone, i.contact.name))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn rejected_rows_come_back_as_a_csv_that_imports_once_fixed() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Aniversário".into(),
            kind: FieldKind::Date,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    let file = "nome;telefone;aniversário\n\
                Ana;11 98888-0001;31/02/2024\n\
                =Bruno;123;01/01/1990\n\
                Caio;;\n\
                Duda;11 98888-0004;02/03/1991\n"
        .as_bytes();

    let report = run(&store, acc, file, Lang::PtBr).await;
    assert_eq!((report.created, report.rejected), (2, 2), "{report:#?}");
    // Ana's impossible date is left empty, with a warning naming the cell.
    assert_eq!(report.warned, 1);
    let w = &report.warnings[0];
    assert_eq!(
        (w.line, w.column.as_str(), w.value.as_str()),
        (2, "aniversário", "31/02/2024")
    );
    assert!(w.reason.contains("31/12/2024"), "{w:?}");

    let text = rejected(&store, acc, file, Lang::PtBr).await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], "nome;telefone;aniversário;motivo");
    // The stranger's "=Bruno" is neutralised in our file too.
    assert!(lines[1].starts_with("'=Bruno;123;01/01/1990;"), "{text}");
    assert!(lines[2].starts_with("Caio;;;"), "{text}");
    assert!(lines[2].contains("telefone"), "{text}");

    // In English the reason column is "reason".
    let en = rejected(&store, acc, file, Lang::En).await;
    assert!(en.starts_with("nome;telefone;aniversário;reason\n"), "{en}");

    // Fixed in a spreadsheet and imported again: the "motivo" column is
    // ignored, "'=Bruno" reads back as "=Bruno".
    let fixed = text
        .replace(";123;", ";11 98888-0002;")
        .replace("Caio;;", "Caio;11 98888-0003;");
    let again = run(&store, acc, fixed.as_bytes(), Lang::PtBr).await;
    assert_eq!((again.created, again.rejected), (2, 0), "{again:#?}");
    assert_eq!(
        names(&store, acc).await,
        [
            ("+5511988880001".to_owned(), Some("Ana".to_owned())),
            ("+5511988880002".to_owned(), Some("=Bruno".to_owned())),
            ("+5511988880003".to_owned(), Some("Caio".to_owned())),
            ("+5511988880004".to_owned(), Some("Duda".to_owned())),
        ]
    );
    // A file of rejected rows rejected again keeps one reason column.
    let twice = rejected(&store, acc, text.as_bytes(), Lang::PtBr).await;
    assert_eq!(
        twice.lines().next(),
        Some("nome;telefone;aniversário;motivo")
    );
}

#[tokio::test]
async fn exports_neutralise_formulas_keep_phones_and_import_back_unchanged() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let copy = support::account(&store, "Cópia").await;
    let note = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Obs".into(),
            kind: FieldKind::Text,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    let balance = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Saldo".into(),
            kind: FieldKind::Number,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    // The copy has the same fields, so the import maps the columns to them.
    for (label, kind) in [("Obs", FieldKind::Text), ("Saldo", FieldKind::Number)] {
        fields::create(
            &store,
            copy,
            &FieldInput {
                label: label.into(),
                kind,
                choices: vec![],
            },
        )
        .await
        .unwrap();
    }
    let formula = "=HYPERLINK(\"http://x\";\"clique\")";
    let c = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "11 98888-0001".into(),
            name: Some(formula.into()),
        },
    )
    .await
    .unwrap();
    let tag = tags::create(
        &store,
        acc,
        &TagInput {
            name: "@vip".into(),
            color: "#000000".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(&store, acc, tag.id, &[c.id], true)
        .await
        .unwrap();
    fields::set_values(
        &store,
        acc,
        c.id,
        &[
            FieldValue {
                field_id: note.id,
                value: "-1+2".into(),
            },
            FieldValue {
                field_id: balance.id,
                value: "-12,5".into(),
            },
        ],
    )
    .await
    .unwrap();

    for lang in [Lang::PtBr, Lang::En] {
        let csv = export::csv(
            &store,
            acc,
            &ContactSelection::Ids { ids: vec![c.id] },
            lang,
        )
        .await
        .unwrap();
        let text = String::from_utf8(csv.clone()).unwrap();
        let row = text.lines().nth(1).unwrap();
        // The phone stays dialable, the negative number a number; the rest
        // cannot run in a spreadsheet.
        assert!(row.starts_with("+5511988880001"), "{row}");
        assert!(row.contains("\"'=HYPERLINK(\"\"http://x\"\""), "{row}");
        assert!(row.contains("'@vip"), "{row}");
        assert!(row.contains("'-1+2"), "{row}");
        assert!(
            row.ends_with(if lang == Lang::PtBr {
                ";-12,5"
            } else {
                ",-12.5"
            }),
            "{row}"
        );
        let report = run(&store, copy, &csv, lang).await;
        assert_eq!((report.created + report.unchanged, report.rejected), (1, 0));
    }
    let back = &contacts::list(
        &store,
        copy,
        &ContactQuery {
            filter: ContactFilter::default(),
            offset: 0,
            limit: 10,
        },
    )
    .await
    .unwrap()
    .items[0];
    assert_eq!(back.contact.name.as_deref(), Some(formula));
    let tag_names: Vec<String> = tags::of_contact(&store, copy, back.contact.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(tag_names, ["@vip"]);
    let values: Vec<String> = fields::values_of(&store, copy, back.contact.id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.value)
        .collect();
    assert_eq!(values, ["-1+2", "-12.5"]);
}
