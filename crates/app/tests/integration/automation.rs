//! The automation operations that are the app's own: a bot file uploaded
//! from the UI's base64 (checked, stored, reported as a change) and a flow
//! exported to the path the save dialog chose; the AI key kept in the
//! password store.

use crate::support::{self, Recorder};

use zapdesk_app::{AiKeyRefused, AiKeyStatus, FLOW_TABLES};
use zapdesk_core::automation::files;
use zapdesk_core::automation::{flows, settings};
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::domain::MessageKind;
use zapdesk_core::inbox::attachments::FileInput;
use zapdesk_core::{ErrorCode, Lang, UserError};

#[tokio::test]
async fn an_upload_is_checked_stored_and_reported_and_an_export_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;

    told.clear();
    // "%PDF-1.4" in base64, as the UI's FileReader gives it.
    let pdf = FileInput {
        name: "cardápio.pdf".into(),
        mime: "application/pdf".into(),
        data: "JVBERi0xLjQ=".into(),
    };
    let file = app.automation_files_upload(acc, &pdf).await.unwrap();
    assert_eq!(
        (file.name.as_str(), file.kind, file.size),
        ("cardápio.pdf", MessageKind::Document, 8)
    );
    assert_eq!(
        files::bytes(app.store(), acc, file.id).await.unwrap(),
        b"%PDF-1.4"
    );
    told.until_change(Change::of(acc, Table::AutomationFiles))
        .await;

    // Refused: nothing stored, nothing reported (a later write's change is
    // the fence: changes reach the host in order).
    told.clear();
    let program = FileInput {
        name: "instalar.exe".into(),
        ..pdf.clone()
    };
    let err = app
        .automation_files_upload(acc, &program)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AttachmentBlocked);
    let flow = app
        .wrote(
            Some(acc),
            FLOW_TABLES,
            flows::create(app.store(), acc, "Boas-vindas / Promoção!", None),
        )
        .await
        .unwrap();
    told.until_change(Change::of(acc, Table::Flows)).await;
    assert_eq!(told.changes(), [Change::of(acc, Table::Flows)]);
    assert_eq!(files::list(app.store(), acc).await.unwrap().len(), 1);

    assert_eq!(
        app.flows_export_name(acc, flow.id).await.unwrap(),
        "Boas-vindas-Promoção.json"
    );
    let path = dir.path().join("fluxo.json");
    app.flows_export(acc, flow.id, None, &path).await.unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        flows::export(app.store(), acc, flow.id, None)
            .await
            .unwrap()
    );
    let missing = dir.path().join("v3.json");
    let err = app
        .flows_export(acc, flow.id, Some(3), &missing)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowUnknown);
    assert!(!missing.exists());
    app.shutdown().await;
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &std::path::Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            found.push(path);
        }
    }
    found
}

/// The account's AI address, saved as the settings screen saves it.
async fn ai_address(app: &zapdesk_app::App, acc: zapdesk_core::AccountId, url: &str) {
    let mut s = settings::get(app.store(), acc).await.unwrap();
    s.ai_base_url = Some(url.into());
    s.ai_model = Some("gpt-4o-mini".into());
    settings::save(app.store(), acc, &s).await.unwrap();
}

fn status(kept: bool, origin: Option<&str>, refused: Option<AiKeyRefused>) -> AiKeyStatus {
    AiKeyStatus {
        kept,
        origin: origin.map(str::to_owned),
        refused,
    }
}

#[tokio::test]
async fn the_ai_key_is_kept_in_the_password_store_per_account_and_never_in_a_file() {
    // The credential store in memory, shared by every entry (as the app
    // reads a key through an entry of its own): no real keychain is touched.
    zapdesk_sync::testing::use_memory_keyring();
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let other = support::account(app.store()).await;
    let none = status(false, None, None);
    assert_eq!(app.automation_ai_key_status(acc).await.unwrap(), none);

    // A key is kept for an address: none saved yet, refused in words.
    let err = app
        .automation_ai_key_set(acc, Some("sk-proj-kept-here-42".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AutomationSettingsInvalid);
    assert!(err.message(Lang::PtBr).contains("endereço da IA"));
    assert_eq!(app.automation_ai_key_status(acc).await.unwrap(), none);

    ai_address(&app, acc, "https://api.openai.com/v1").await;
    told.clear();
    app.automation_ai_key_set(acc, Some("  sk-proj-kept-here-42  ".into()))
        .await
        .unwrap();
    // The screens that show whether a key is kept hear of it.
    told.until_change(Change::of(acc, Table::AutomationSettings))
        .await;
    let openai = status(true, Some("https://api.openai.com:443"), None);
    assert_eq!(app.automation_ai_key_status(acc).await.unwrap(), openai);
    assert_eq!(app.automation_ai_key_status(other).await.unwrap(), none);
    // What the flow runner reads: trimmed, with the origin it goes to.
    let key = zapdesk_automation::ai_key(acc).unwrap().unwrap();
    assert_eq!(key.expose(), "sk-proj-kept-here-42");
    assert_eq!(key.origin(), Some("https://api.openai.com:443"));

    // A key that cannot be one is refused in words, and the kept one stays.
    told.clear();
    let err = app
        .automation_ai_key_set(acc, Some("sk com espaço".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AutomationSettingsInvalid);
    assert!(err.message(Lang::PtBr).contains("chave da IA"));
    assert!(err.message(Lang::En).contains("AI key"));
    assert!(!format!("{err:?}").contains("espaço"), "{err:?}");
    assert_eq!(app.automation_ai_key_status(acc).await.unwrap(), openai);

    // The address moves (a synced setting: another member may move it):
    // the status says the key is not sent there, until it is kept again.
    ai_address(&app, acc, "https://ia.exemplo.com.br/v1").await;
    assert_eq!(
        app.automation_ai_key_status(acc).await.unwrap(),
        status(
            true,
            Some("https://api.openai.com:443"),
            Some(AiKeyRefused::OtherAddress)
        )
    );
    app.automation_ai_key_set(acc, Some("sk-proj-replaced".into()))
        .await
        .unwrap();
    assert_eq!(
        app.automation_ai_key_status(acc).await.unwrap(),
        status(true, Some("https://ia.exemplo.com.br:443"), None)
    );
    assert_eq!(
        zapdesk_automation::ai_key(acc)
            .unwrap()
            .map(|k| k.expose().to_owned()),
        Some("sk-proj-replaced".to_owned())
    );

    // Not for plain http on another computer; for this computer, yes.
    ai_address(&app, acc, "http://192.168.0.20:4000/v1").await;
    let err = app
        .automation_ai_key_set(acc, Some("sk-proj-lan".into()))
        .await
        .unwrap_err();
    assert!(err.message(Lang::PtBr).contains("https://"), "{err:?}");
    ai_address(&app, acc, "http://localhost:4000/v1").await;
    app.automation_ai_key_set(acc, Some("sk-proj-local".into()))
        .await
        .unwrap();
    assert_eq!(
        app.automation_ai_key_status(acc).await.unwrap(),
        status(true, Some("http://localhost:4000"), None)
    );

    // In no file of the data folder (the database, its journal, logs).
    assert_eq!(
        files_holding(dir.path(), b"sk-proj-"),
        Vec::<std::path::PathBuf>::new()
    );
    // Forgotten (twice: forgetting nothing is no error).
    app.automation_ai_key_set(acc, None).await.unwrap();
    app.automation_ai_key_set(acc, None).await.unwrap();
    assert_eq!(app.automation_ai_key_status(acc).await.unwrap(), none);
    app.shutdown().await;
}
