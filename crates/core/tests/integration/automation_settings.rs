//! The account's bot settings: defaults until saved, every refusal with its
//! code and nothing written, one row per account.

use zapdesk_core::accounts;
use zapdesk_core::automation::settings::{self, AutomationSettings};
use zapdesk_core::{ErrorCode, Lang, UserError};

use crate::support::{account, raw, store};

fn valid() -> AutomationSettings {
    AutomationSettings {
        enabled: true,
        time_zone: " America/Manaus ".into(),
        handoff_words: vec![
            "atendente".into(),
            "  falar   com humano ".into(),
            " ".into(),
        ],
        handoff_reply: " Já chamamos alguém da equipe. ".into(),
        session_expiry_minutes: 60,
        allow_private_http: true,
        ai_base_url: Some(" http://localhost:11434/v1 ".into()),
        ai_model: Some("llama3.1".into()),
        ai_instructions: " Seja breve. ".into(),
    }
}

#[tokio::test]
async fn defaults_hold_until_saved_then_the_saved_row_is_read_back() {
    let (dir, store) = store().await;
    let acc = account(&store, "Padaria").await;
    assert_eq!(
        settings::get(&store, acc).await.unwrap(),
        AutomationSettings::default()
    );

    let saved = settings::save(&store, acc, &valid()).await.unwrap();
    assert_eq!(saved.time_zone, "America/Manaus");
    assert_eq!(saved.handoff_words, ["atendente", "falar com humano"]);
    assert_eq!(saved.handoff_reply, "Já chamamos alguém da equipe.");
    assert_eq!(
        saved.ai_base_url.as_deref(),
        Some("http://localhost:11434/v1")
    );
    assert_eq!(saved.ai_instructions, "Seja breve.");
    assert_eq!(settings::get(&store, acc).await.unwrap(), saved);

    // Saved again: the same row, changed (an empty address is no address).
    let again = AutomationSettings {
        enabled: false,
        ai_base_url: Some("  ".into()),
        ai_model: None,
        ..valid()
    };
    let saved = settings::save(&store, acc, &again).await.unwrap();
    assert_eq!((saved.enabled, saved.ai_base_url.as_deref()), (false, None));
    assert_eq!(settings::get(&store, acc).await.unwrap(), saved);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM automation_settings")
        .fetch_one(&raw(&dir).await)
        .await
        .unwrap();
    assert_eq!(rows, 1);

    // Another account still has the defaults.
    let other = account(&store, "Açougue").await;
    assert_eq!(
        settings::get(&store, other).await.unwrap(),
        AutomationSettings::default()
    );
}

#[tokio::test]
async fn every_wrong_setting_is_refused_with_its_code_and_nothing_is_written() {
    let (_dir, store) = store().await;
    let acc = account(&store, "Padaria").await;
    let before = settings::save(&store, acc, &valid()).await.unwrap();
    let invalid = ErrorCode::AutomationSettingsInvalid;
    let cases: Vec<(&str, AutomationSettings, ErrorCode, &str)> = vec![
        (
            "unknown time zone",
            AutomationSettings {
                time_zone: "America/Atlantida".into(),
                ..valid()
            },
            invalid,
            "America/Atlantida",
        ),
        (
            "no hand-off word",
            AutomationSettings {
                handoff_words: vec!["  ".into()],
                ..valid()
            },
            invalid,
            "ao menos uma palavra",
        ),
        (
            "a word twice, folded",
            AutomationSettings {
                handoff_words: vec!["Atendente".into(), "atêndente".into()],
                ..valid()
            },
            invalid,
            "duas vezes",
        ),
        (
            "a word without letters",
            AutomationSettings {
                handoff_words: vec!["?!".into()],
                ..valid()
            },
            invalid,
            "não tem letras",
        ),
        (
            "empty reply",
            AutomationSettings {
                handoff_reply: " ".into(),
                ..valid()
            },
            invalid,
            "Escreva a resposta",
        ),
        (
            "reply too long",
            AutomationSettings {
                handoff_reply: "a".repeat(4097),
                ..valid()
            },
            invalid,
            "4096",
        ),
        (
            "expiry too short",
            AutomationSettings {
                session_expiry_minutes: 4,
                ..valid()
            },
            invalid,
            "5 minutos e 30 dias",
        ),
        (
            "expiry too long",
            AutomationSettings {
                session_expiry_minutes: 30 * 24 * 60 + 1,
                ..valid()
            },
            invalid,
            "5 minutos e 30 dias",
        ),
        (
            "not http",
            AutomationSettings {
                ai_base_url: Some("ftp://ia.local".into()),
                ..valid()
            },
            invalid,
            "ftp://ia.local",
        ),
        (
            "address without a model",
            AutomationSettings {
                ai_model: Some(" ".into()),
                ..valid()
            },
            invalid,
            "modelo",
        ),
    ];
    for (what, input, code, says) in cases {
        let err = settings::save(&store, acc, &input).await.unwrap_err();
        assert_eq!(err.code(), code, "{what}");
        let text = err.message(Lang::PtBr);
        assert!(text.contains(says), "{what}: {text}");
        assert!(!err.message(Lang::En).is_empty());
        assert_eq!(settings::get(&store, acc).await.unwrap(), before, "{what}");
    }

    // The edges of the expiry are accepted.
    for minutes in [5, 30 * 24 * 60] {
        let input = AutomationSettings {
            session_expiry_minutes: minutes,
            ..valid()
        };
        settings::save(&store, acc, &input).await.unwrap();
    }

    accounts::set_archived(&store, acc, true).await.unwrap();
    let err = settings::save(&store, acc, &valid()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AccountArchived);
}
