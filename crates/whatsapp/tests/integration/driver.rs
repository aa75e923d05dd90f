//! The WhatsApp driver against the Sandbox in real Chromium.

use crate::common::*;
use base64::Engine;
use zapdesk_whatsapp::actor::{Outgoing, SandboxAction};
use zapdesk_whatsapp::protocol::{WaKind, WaMessage, outgoing_message_id};
use zapdesk_whatsapp::sandbox::Incoming;
use zapdesk_whatsapp::status::Status;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_rotates_then_scan_connects() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let n = sandbox_number(dir.path(), "a");
    n.handle.start().await;
    let first = qr(&n.handle).await;
    assert!(first.starts_with("data:image/png;base64,"));
    n.handle.sandbox(SandboxAction::RotateQr).await.unwrap();
    let second = status_where(
        &n.handle,
        "a new QR",
        |s| matches!(s, Status::AwaitingQr { qr, .. } if *qr != first),
    )
    .await;
    assert!(matches!(second, Status::AwaitingQr { .. }));
    // The alternative to the QR: a code to type on the phone.
    let code = n
        .handle
        .pairing_code("+55 11 98765-4321".into())
        .await
        .unwrap();
    assert!(code.len() == 9 && code.as_bytes()[4] == b'-', "{code}");
    n.handle.sandbox(SandboxAction::Scan).await.unwrap();
    let connected = status_where(&n.handle, "connected", |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
    assert_eq!(
        connected,
        Status::Connected {
            me: Some("5511900000000@c.us".into())
        }
    );
    n.handle.stop().await;
    assert_eq!(n.handle.status(), Status::Stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_text_and_media_arrive_with_their_content() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    let incoming = Incoming {
        from: "+5511987654321".into(),
        name: Some("Maria".into()),
        body: "Olá, tudo bem?".into(),
        ..Default::default()
    };
    let id = n
        .handle
        .sandbox(SandboxAction::Incoming(incoming))
        .await
        .unwrap()
        .unwrap();
    let m = next_message(&mut n.events).await;
    assert_eq!(
        (m.id.as_str(), m.chat.as_str(), m.kind, m.body.as_str()),
        (
            id.as_str(),
            "5511987654321@c.us",
            WaKind::Text,
            "Olá, tudo bem?"
        )
    );
    assert_eq!(m.name.as_deref(), Some("Maria"));
    assert!(!m.from_me);

    let png = vec![0x89, b'P', b'N', b'G', 1, 2, 3, 4, 5];
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let image = Incoming {
        from: "+5511987654321".into(),
        kind: Some(WaKind::Image),
        body: "foto do pedido".into(),
        mime: Some("image/png".into()),
        media: Some(b64.clone()),
        ..Default::default()
    };
    n.handle
        .sandbox(SandboxAction::Incoming(image))
        .await
        .unwrap();
    let m = next_message(&mut n.events).await;
    assert_eq!(
        (m.kind, m.body.as_str(), m.mime.as_deref()),
        (WaKind::Image, "foto do pedido", Some("image/png"))
    );
    assert_eq!(m.media.as_deref(), Some(b64.as_str()));

    // Over the limit the bridge is configured with (1 MiB here): no bytes, and a reason.
    let big = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 1024 * 1024 + 1]);
    let doc = Incoming {
        from: "+5511987654321".into(),
        kind: Some(WaKind::Document),
        filename: Some("grande.pdf".into()),
        media: Some(big),
        ..Default::default()
    };
    n.handle
        .sandbox(SandboxAction::Incoming(doc))
        .await
        .unwrap();
    let m = next_message(&mut n.events).await;
    assert_eq!(
        (m.media.as_deref(), m.media_error.as_deref()),
        (None, Some("too_large"))
    );
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_is_sent_once_and_acked_even_when_sent_again() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    let chat = "5511987654321@c.us".to_owned();
    let id = outgoing_message_id(&chat, uuid::Uuid::now_v7());
    let out = Outgoing::SendText {
        chat: chat.clone(),
        id: id.clone(),
        text: "Pedido confirmado!".into(),
    };
    let sent = n.handle.send(out.clone()).await.unwrap();
    assert_eq!(
        (sent.id.as_str(), sent.ack, sent.resent),
        (id.as_str(), 1, true)
    );
    // The same message again (as after a crash between sending and recording):
    // WhatsApp already has it, so nothing goes out.
    let again = n.handle.send(out).await.unwrap();
    assert!(!again.resent);
    let received = n.sandbox.sent().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(
        (received[0].chat.as_str(), received[0].text.as_str()),
        (chat.as_str(), "Pedido confirmado!")
    );

    // As WhatsApp Web does, the send itself was acked by the server (1)
    // before it returned; then the phone reads it.
    assert_eq!(next_ack(&mut n.events).await, (vec![id.clone()], 1));
    n.handle
        .sandbox(SandboxAction::Ack {
            id: id.clone(),
            ack: 3,
        })
        .await
        .unwrap();
    assert_eq!(next_ack(&mut n.events).await, (vec![id], 3));
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_while_not_connected_is_refused() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let n = sandbox_number(dir.path(), "a");
    let out = Outgoing::SendText {
        chat: "1@c.us".into(),
        id: "x".into(),
        text: "oi".into(),
    };
    assert_eq!(
        n.handle.send(out.clone()).await.unwrap_err(),
        zapdesk_whatsapp::actor::CommandError::NotRunning
    );
    n.handle.start().await;
    qr(&n.handle).await;
    assert_eq!(
        n.handle.send(out).await.unwrap_err(),
        zapdesk_whatsapp::actor::CommandError::NotConnected
    );
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_browser_is_relaunched_and_reconnects_without_a_new_qr() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    let pid = n.handle.browser_pid().await.expect("a browser pid");
    // Statuses so far (pairing) are not what this test is about.
    while n.events.try_recv().is_ok() {}
    let status = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // Collect every status (the event stream keeps them all) until connected
    // again: no QR may appear.
    let seen = tokio::time::timeout(WAIT, async {
        let mut seen = Vec::new();
        loop {
            if let zapdesk_whatsapp::actor::Event::Status(s) = n.events.recv().await.unwrap() {
                seen.push(s.clone());
                if matches!(s, Status::Connected { .. }) {
                    return seen;
                }
            }
        }
    })
    .await
    .expect("reconnected after the kill");
    assert!(
        seen.iter()
            .any(|s| matches!(s, Status::Disconnected { .. })),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|s| matches!(s, Status::AwaitingQr { .. })),
        "a new QR was asked: {seen:?}"
    );
    let new_pid = n.handle.browser_pid().await.unwrap();
    assert_ne!(pid, new_pid);
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_sent_while_offline_are_history_on_reconnect() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    n.handle.stop().await;
    // While the number is off, two contacts write.
    let writes = [
        ("+5511911111111", "primeira"),
        ("+5521922222222", "segunda"),
    ];
    for (from, body) in writes {
        let msg = Incoming {
            from: from.into(),
            body: body.into(),
            ..Default::default()
        };
        n.handle
            .sandbox(SandboxAction::Incoming(msg))
            .await
            .unwrap();
    }
    n.handle.start().await;
    connected(&n.handle).await;
    // As with WhatsApp Web, the page that loads finds them in the chats'
    // history (never as chat.new_message), and the bridge reads them there.
    let deliveries = n.sandbox.deliveries().unwrap();
    assert!(
        deliveries.len() == 2 && deliveries.iter().all(|d| d.history),
        "{deliveries:?}"
    );
    let chats = n
        .handle
        .read(serde_json::json!({ "cmd": "list_chats" }))
        .await
        .unwrap();
    assert_eq!(chats.as_array().unwrap().len(), 2, "{chats}");
    for (from, body) in writes {
        let chat = zapdesk_whatsapp::protocol::chat_id(from);
        let page = n
            .handle
            .read(serde_json::json!({ "cmd": "messages_since", "chat": chat, "since": 0, "limit": 20 }))
            .await
            .unwrap();
        let messages: Vec<WaMessage> = serde_json::from_value(page["messages"].clone()).unwrap();
        assert_eq!(messages.len(), 1, "{page}");
        assert_eq!(
            (messages[0].chat.as_str(), messages[0].body.as_str()),
            (chat.as_str(), body)
        );
        assert_eq!(page["more"], false);
        // Nothing from a time after the newest message.
        let later = n
            .handle
            .read(serde_json::json!({ "cmd": "messages_since", "chat": chat, "since": messages[0].t + 1 }))
            .await
            .unwrap();
        assert_eq!(later["messages"], serde_json::json!([]));
    }
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_numbers_at_once_with_separate_profiles() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut numbers: Vec<_> = ["a", "b", "c", "d"]
        .iter()
        .map(|name| sandbox_number(dir.path(), name))
        .collect();
    for n in &numbers {
        n.handle.start().await;
    }
    for n in &numbers {
        qr(&n.handle).await;
        n.handle.sandbox(SandboxAction::Scan).await.unwrap();
    }
    for n in &numbers {
        connected(&n.handle).await;
    }
    let mut pids = Vec::new();
    for n in &numbers {
        pids.push(n.handle.browser_pid().await.unwrap());
        assert!(
            n.profile.join("Default").exists(),
            "{} has its own profile",
            n.profile.display()
        );
    }
    pids.sort_unstable();
    pids.dedup();
    assert_eq!(pids.len(), 4);
    // A message to one number reaches that number only.
    let msg = Incoming {
        from: "+5511987654321".into(),
        body: "só para o c".into(),
        ..Default::default()
    };
    numbers[2]
        .handle
        .sandbox(SandboxAction::Incoming(msg))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut numbers[2].events).await.body,
        "só para o c"
    );
    for n in &mut numbers {
        n.handle.stop().await;
        while let Ok(event) = n.events.try_recv() {
            assert!(
                !matches!(event, zapdesk_whatsapp::actor::Event::Message(_)),
                "a message leaked to another number"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_clears_the_profile_and_the_next_start_asks_for_a_qr() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    assert!(n.profile.exists());
    n.handle.logout().await.unwrap();
    assert_eq!(n.handle.status(), Status::Stopped);
    assert!(!n.profile.exists(), "the profile is deleted");
    assert!(!n.sandbox.state().unwrap().paired);
    n.handle.start().await;
    qr(&n.handle).await;
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_unknown_bridge_events_are_ignored() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    let script = r#"
        window.__zapdeskEmit("not json at all");
        window.__zapdeskEmit(JSON.stringify({v: 1, type: "teleport"}));
        window.__zapdeskEmit(JSON.stringify({v: 99, type: "qr", code: "x"}));
        window.__zapdeskEmit(JSON.stringify({v: 1, type: "message", msg: {id: 5}}));
    "#;
    n.handle
        .sandbox(SandboxAction::Script(script.into()))
        .await
        .unwrap();
    // Still connected and still working: a real message after the garbage arrives.
    let msg = Incoming {
        from: "+5511987654321".into(),
        body: "ainda aqui".into(),
        ..Default::default()
    };
    n.handle
        .sandbox(SandboxAction::Incoming(msg))
        .await
        .unwrap();
    assert_eq!(next_message(&mut n.events).await.body, "ainda aqui");
    assert!(matches!(n.handle.status(), Status::Connected { .. }));
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_page_is_noticed_by_the_watchdog_and_restarted() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    let pid = n.handle.browser_pid().await.unwrap();
    n.handle.sandbox(SandboxAction::Hang).await.unwrap();
    status_event(
        &mut n.events,
        "noticed as not answering",
        |s| matches!(s, Status::Disconnected { reason } if reason == "not answering"),
    )
    .await;
    status_event(&mut n.events, "connected again", |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
    assert_ne!(n.handle.browser_pid().await.unwrap(), pid);
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_offline_then_online_and_logout_from_the_phone() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    n.handle
        .sandbox(SandboxAction::SetOnline(false))
        .await
        .unwrap();
    status_where(&n.handle, "disconnected", |s| {
        matches!(s, Status::Disconnected { .. })
    })
    .await;
    n.handle
        .sandbox(SandboxAction::SetOnline(true))
        .await
        .unwrap();
    connected(&n.handle).await;
    n.handle
        .sandbox(SandboxAction::LogoutFromPhone)
        .await
        .unwrap();
    qr(&n.handle).await;
    n.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_page_is_reloaded_in_the_same_browser() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut n = sandbox_number(dir.path(), "a");
    paired(&n).await;
    let pid = n.handle.browser_pid().await.unwrap();
    n.handle.sandbox(SandboxAction::CrashPage).await.unwrap();
    // Chromium reports the crash (the page is reloaded in the same browser);
    // if that report is lost, the watchdog finds a page that no longer
    // answers and restarts the browser. Either way the number comes back.
    let noticed = status_event(&mut n.events, "noticed the crash", |s| {
        matches!(s, Status::Disconnected { reason } if reason == "page crashed" || reason == "not answering")
    })
    .await;
    status_event(&mut n.events, "connected again", |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
    if noticed
        == (Status::Disconnected {
            reason: "page crashed".into(),
        })
    {
        assert_eq!(
            n.handle.browser_pid().await.unwrap(),
            pid,
            "the browser itself survived"
        );
    }
    let msg = Incoming {
        from: "+5511987654321".into(),
        body: "depois do crash".into(),
        ..Default::default()
    };
    n.handle
        .sandbox(SandboxAction::Incoming(msg))
        .await
        .unwrap();
    loop {
        if next_message(&mut n.events).await.body == "depois do crash" {
            break;
        }
    }
    n.handle.stop().await;
}
