//! The real init script of a real number (wa-js + bridge) loads in Chromium
//! and provides every `WPP` function and event hook the bridge relies on —
//! the list the Sandbox fake implements. A canary for wa-js upgrades, in the
//! spirit of wa-js's own smoke test; it needs no WhatsApp.

use crate::common;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::page::AddScriptToEvaluateOnNewDocumentParams;
use futures::StreamExt;

/// Every `WPP` member named in the header of assets/bridge.js.
const SURFACE: &[&str] = &[
    "loader.onReady",
    "on",
    "conn.getAuthCode",
    "conn.isAuthenticated",
    "conn.isMainReady",
    "conn.getMyUserId",
    "conn.genLinkDeviceCodeForPhoneNumber",
    "conn.logout",
    "chat.sendTextMessage",
    "chat.sendFileMessage",
    "chat.markIsRead",
    "chat.getMessageById",
    "chat.downloadMedia",
    "chat.list",
    "chat.getMessages",
    "contact.get",
    "contact.queryExists",
    "contact.getPnLidEntry",
];

fn missing_members_script() -> String {
    let list = serde_json::to_string(SURFACE).unwrap();
    format!(
        "{list}.filter(path => typeof path.split('.').reduce((o, k) => o == null ? undefined : o[k], window.WPP) !== 'function')"
    )
}

#[test]
fn the_bridge_header_lists_exactly_the_surface_checked_here() {
    let bridge = include_str!("../../assets/bridge.js");
    let header: String = bridge
        .lines()
        .take_while(|l| l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for member in SURFACE {
        let short = member.rsplit('.').next().unwrap();
        assert!(
            header.contains(short),
            "bridge.js header does not list {member}"
        );
    }
    let fake = include_str!("../../assets/fake_wa.js");
    for member in SURFACE {
        let short = member.rsplit('.').next().unwrap();
        assert!(
            fake.contains(&format!("{short}:")) || fake.contains(&format!("{short}(")),
            "the fake lacks {member}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wa_js_provides_the_surface_and_the_bridge_installs() {
    let _one = common::serial();
    let dir = tempfile::tempdir().unwrap();
    let config = BrowserConfig::builder()
        .chrome_executable(common::chromium())
        .user_data_dir(dir.path())
        .no_sandbox()
        .new_headless_mode()
        // As the app's own launches (chromium.rs): a loaded 2-core machine
        // can take longer than chromiumoxide's default 20 s to start one.
        .launch_timeout(std::time::Duration::from_secs(60))
        .args([
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
        ])
        .build()
        .unwrap();
    let (mut browser, mut handler) = Browser::launch(config).await.unwrap();
    let driver = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let page = browser.new_page("about:blank").await.unwrap();
    let script = zapdesk_whatsapp::bridge::init_script(false, 1024);
    page.execute(AddScriptToEvaluateOnNewDocumentParams::new(script))
        .await
        .unwrap();
    page.goto("data:text/html,<title>canary</title>")
        .await
        .unwrap();

    let missing: Vec<String> = page
        .evaluate(missing_members_script())
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(
        missing.is_empty(),
        "wa-js {} lacks: {missing:?}",
        zapdesk_whatsapp::bridge::wa_js_version()
    );
    let version: u32 = page
        .evaluate("window.__zapdesk.version")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(version, zapdesk_whatsapp::protocol::VERSION);
    // Off WhatsApp, wa-js never becomes ready, so the bridge refuses commands but answers ping.
    let ping: serde_json::Value = page
        .evaluate("window.__zapdesk.run({cmd: 'ping'})")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(ping, serde_json::json!({"ok": true, "data": "pong"}));
    let send: serde_json::Value = page
        .evaluate("window.__zapdesk.run({cmd: 'send_text'})")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(send, serde_json::json!({"ok": false, "error": "not_ready"}));

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    driver.abort();
}
