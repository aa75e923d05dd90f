//! The flow runner on a real store: it answers what contacts write without
//! anyone calling the core's handlers, only for the numbers this desktop
//! runs, fires a delay once when its time comes (time passing is the
//! session's `wake_at` moved through SQL, never a real wait), and keeps
//! going when one session's row cannot be read.

use zapdesk_core::time::now_ms;

use crate::bot::{
    Bot, JOAO, MARIA, MENU, Told, bot, coupon_after_an_hour, delay, doc, menu_doc, send,
};

/// The menu flow started by the keyword `menu`.
async fn menu_flow(b: &Bot) {
    let flow = b.publish("Atendimento", menu_doc()).await;
    b.starts("menu", flow).await;
}

async fn queued(b: &Bot) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM automation_queue")
        .fetch_one(&b.raw)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_contacts_message_is_answered_and_the_numbers_sender_woken() {
    let b = bot().await;
    menu_flow(&b).await;
    b.start();
    let conv = b.write(MARIA, "menu").await.conversation;
    b.until_kick(b.number).await;
    b.until_said(conv, &["Oi Maria!", MENU]).await;
    // Outbox rows, waiting for the number's sender.
    let pending: Vec<(String, String)> = sqlx::query_as(
        "SELECT status, bot_source FROM messages WHERE account_id = ? AND conversation_id = ?
         AND direction = 'outbound' ORDER BY created_at, rowid",
    )
    .bind(b.acc)
    .bind(conv)
    .fetch_all(&b.raw)
    .await
    .unwrap();
    assert_eq!(
        pending,
        [
            ("pending".to_owned(), "flow".to_owned()),
            ("pending".to_owned(), "flow".to_owned())
        ]
    );
    assert_eq!(queued(&b).await, 0);

    // The reply to the menu, in the same session.
    b.write(MARIA, "2").await;
    b.until_said(conv, &["Oi Maria!", MENU, "Abrimos às 8h."])
        .await;
    b.until("the session done", async || {
        (b.sessions(conv).await == [("ended".to_owned(), Some(r#"{"reason":"done"}"#.to_owned()))])
            .then_some(())
    })
    .await;
    // The screens are told after the commit the checks above read, so
    // the report is waited for, not looked up (CI once read the history
    // before it arrived).
    b.until("the screens told of the account", async || {
        b.history()
            .iter()
            .any(|t| matches!(t, Told::Changed(c) if c.account == Some(b.acc)))
            .then_some(())
    })
    .await;
    b.stop().await;
}

#[tokio::test]
async fn a_number_run_elsewhere_is_answered_only_once_it_runs_here() {
    let b = bot().await;
    b.replies("oi", "Olá!").await;
    let elsewhere = b.add_number("Loja 2").await;
    b.start();
    let maria = b.write_to(elsewhere, MARIA, "oi").await.conversation;
    // A later message on the number that runs here: once it is answered,
    // the runner has looked at Maria's too (the queue is read in order).
    let joao = b.write(JOAO, "oi").await.conversation;
    b.until_said(joao, &["Olá!"]).await;
    assert!(b.bot_said(maria).await.is_empty());
    assert_eq!(b.kicks(elsewhere), 0);
    assert_eq!(queued(&b).await, 1, "kept for when the number runs here");

    b.numbers.set_here(elsewhere, true);
    b.wake();
    b.until_kick(elsewhere).await;
    b.until_said(maria, &["Olá!"]).await;
    assert_eq!(queued(&b).await, 0);
    b.stop().await;
}

#[tokio::test]
async fn a_delay_fires_once_when_its_time_comes() {
    let b = bot().await;
    let flow = b.publish("Lembrete", coupon_after_an_hour()).await;
    b.starts("cupom", flow).await;
    b.replies("oi", "Olá!").await;
    b.start();
    let conv = b.write(MARIA, "cupom").await.conversation;
    b.until_said(conv, &["Já volto com o cupom."]).await;
    let state = b.state(conv).await.unwrap();
    assert_eq!(state["wait"]["for"], "timer", "{state}");
    let at = state["wait"]["at"].as_i64().unwrap();
    assert!(at >= now_ms() + 59 * 60_000, "an hour from now: {state}");

    // Not before its time: another contact's answer is the fence.
    let joao = b.write(JOAO, "oi").await.conversation;
    b.until_said(joao, &["Olá!"]).await;
    assert_eq!(b.bot_said(conv).await, ["Já volto com o cupom."]);

    // The hour passes.
    b.due_now(conv).await;
    b.wake();
    b.until_said(conv, &["Já volto com o cupom.", "Seu cupom: BEMVINDO10"])
        .await;
    // Woken again and again, it never fires twice.
    for _ in 0..3 {
        b.wake();
    }
    b.write(JOAO, "oi").await;
    b.until_said(joao, &["Olá!", "Olá!"]).await;
    assert_eq!(
        b.bot_said(conv).await,
        ["Já volto com o cupom.", "Seu cupom: BEMVINDO10"]
    );
    assert_eq!(
        b.sessions(conv).await,
        [("ended".to_owned(), Some(r#"{"reason":"done"}"#.to_owned()))]
    );
    b.stop().await;
}

/// A session whose state this ZapDesk cannot read (written by a newer one,
/// or damaged) is due first; the other contacts' timers still fire, and the
/// unreadable session is set aside (ended, the reason in its log) instead
/// of being tried forever.
#[tokio::test]
async fn a_session_that_cannot_be_read_never_holds_up_the_other_timers() {
    let b = bot().await;
    let flow = b
        .publish(
            "Lembrete",
            doc(
                "a",
                vec![
                    send("a", "Já volto."),
                    delay("wait", 60),
                    send("b", "Voltei!"),
                ],
                vec![("a", "next", "wait"), ("wait", "next", "b")],
            ),
        )
        .await;
    b.starts("lembrete", flow).await;
    b.start();
    let maria = b.write(MARIA, "lembrete").await.conversation;
    let joao = b.write(JOAO, "lembrete").await.conversation;
    b.until_said(maria, &["Já volto."]).await;
    b.until_said(joao, &["Já volto."]).await;

    // Maria's session becomes unreadable, and is due before João's.
    sqlx::query(
        "UPDATE flow_sessions SET state = '{\"node\":\"wait\",\"wait\":{\"for\":\"moon_phase\"}}', wake_at = ?
         WHERE account_id = ? AND conversation_id = ?",
    )
    .bind(now_ms() - 1_000)
    .bind(b.acc)
    .bind(maria)
    .execute(&b.raw)
    .await
    .unwrap();
    b.due_now(joao).await;
    b.wake();
    b.until_said(joao, &["Já volto.", "Voltei!"]).await;
    b.until("Maria's session set aside", async || {
        let sessions = b.sessions(maria).await;
        (sessions.len() == 1 && sessions[0].0 == "ended").then_some(())
    })
    .await;
    let log = b.log(maria).await;
    assert!(
        log.iter().any(|(what, _)| what == "set_aside"),
        "the reason is in the log: {log:?}"
    );
    assert_eq!(b.bot_said(maria).await, ["Já volto."]);
    b.stop().await;
}

#[tokio::test]
async fn a_contact_who_asks_for_a_person_leaves_the_flow_and_gets_the_reply() {
    let b = bot().await;
    menu_flow(&b).await;
    b.start();
    let conv = b.write(MARIA, "menu").await.conversation;
    b.until_said(conv, &["Oi Maria!", MENU]).await;
    b.write(MARIA, "quero falar com um atendente").await;
    b.until_said(
        conv,
        &[
            "Oi Maria!",
            MENU,
            "Certo! Uma pessoa da nossa equipe vai continuar a conversa.",
        ],
    )
    .await;
    assert_eq!(
        b.sessions(conv).await,
        [(
            "ended".to_owned(),
            Some(r#"{"reason":"handoff"}"#.to_owned())
        )]
    );
    // The conversation is a person's: the bot stays quiet.
    b.write(MARIA, "menu").await;
    let joao = b.write(JOAO, "menu").await.conversation;
    b.until_said(joao, &["Oi João!", MENU]).await;
    assert_eq!(b.bot_said(conv).await.len(), 3);
    b.stop().await;
}
