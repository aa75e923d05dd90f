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

/// The AI address (every desktop sends its AI key there) and private
/// addresses (flows reach the agency's own network) are changed by an owner
/// or an admin only; an agent saves the rest. A desktop with no operator
/// chosen (no team) may change them.
#[tokio::test]
async fn only_an_owner_or_an_admin_changes_the_ai_address_or_private_addresses() {
    use zapdesk_core::domain::Role;
    use zapdesk_core::users::{self, UserInput};

    let (_dir, store) = store().await;
    let acc = account(&store, "Padaria").await;
    let user = |name: &str, role| UserInput {
        name: name.into(),
        email: format!("{name}@agencia.com.br"),
        role,
    };
    let owner = users::create(&store, &user("dona", Role::Owner))
        .await
        .unwrap();
    let admin = users::create(&store, &user("gerente", Role::Admin))
        .await
        .unwrap();
    let agent = users::create(&store, &user("atendente", Role::Agent))
        .await
        .unwrap();
    let openai = AutomationSettings {
        allow_private_http: false,
        ai_base_url: Some("https://api.openai.com/v1".into()),
        ai_model: Some("gpt-4o-mini".into()),
        ..valid()
    };

    // An agent on a desktop whose row is not saved yet: the defaults hold.
    users::set_me(&store, agent.id).await.unwrap();
    let err = settings::save(&store, acc, &openai).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AutomationSettingsForbidden);
    assert!(err.message(Lang::PtBr).contains("dono ou administrador"));
    assert!(err.message(Lang::En).contains("owner or an admin"));
    assert_eq!(
        settings::get(&store, acc).await.unwrap(),
        AutomationSettings::default()
    );
    // The rest, with the security settings as they are, is the agent's.
    let reply = AutomationSettings {
        handoff_reply: "Já vem alguém.".into(),
        ..AutomationSettings::default()
    };
    settings::save(&store, acc, &reply).await.unwrap();

    users::set_me(&store, admin.id).await.unwrap();
    let saved = settings::save(&store, acc, &openai).await.unwrap();

    // An agent again: the address and private addresses stay as the admin
    // left them; written differently but the same once trimmed is no change.
    users::set_me(&store, agent.id).await.unwrap();
    let elsewhere = AutomationSettings {
        ai_base_url: Some("http://attacker.example/v1".into()),
        ..saved.clone()
    };
    let private = AutomationSettings {
        allow_private_http: true,
        ..saved.clone()
    };
    let removed = AutomationSettings {
        ai_base_url: None,
        ai_model: None,
        ..saved.clone()
    };
    for (what, input) in [
        ("address", elsewhere),
        ("private", private),
        ("no address", removed),
    ] {
        let err = settings::save(&store, acc, &input).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::AutomationSettingsForbidden, "{what}");
        assert_eq!(settings::get(&store, acc).await.unwrap(), saved, "{what}");
    }
    let same = AutomationSettings {
        ai_base_url: Some("  https://api.openai.com/v1 ".into()),
        ai_model: Some("gpt-4.1-mini".into()),
        session_expiry_minutes: 90,
        ..saved.clone()
    };
    let kept = settings::save(&store, acc, &same).await.unwrap();
    assert_eq!(
        (kept.ai_base_url.as_deref(), kept.ai_model.as_deref()),
        (Some("https://api.openai.com/v1"), Some("gpt-4.1-mini"))
    );

    users::set_me(&store, owner.id).await.unwrap();
    let local = AutomationSettings {
        allow_private_http: true,
        ai_base_url: Some("http://localhost:11434/v1".into()),
        ..kept
    };
    settings::save(&store, acc, &local).await.unwrap();
    assert!(settings::get(&store, acc).await.unwrap().allow_private_http);
}
