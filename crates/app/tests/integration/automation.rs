//! The automation operations that are the app's own: a bot file uploaded
//! from the UI's base64 (checked, stored, reported as a change) and a flow
//! exported to the path the save dialog chose.

use crate::support::{self, Recorder};

use zapdesk_app::FLOW_TABLES;
use zapdesk_core::automation::files;
use zapdesk_core::automation::flows;
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::domain::MessageKind;
use zapdesk_core::inbox::attachments::FileInput;
use zapdesk_core::{ErrorCode, UserError};

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
