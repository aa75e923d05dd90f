//! What the remote-store tests share: accounts seeded with one row in every
//! synced table, operators invited through the real invitation code.

#![allow(dead_code)] // each test file uses its own part of this

#[allow(unused_imports)] // not every test file uses desktops
pub use zapdesk_sync::testing::desktop;

use sqlx::{Executor, PgConnection};
use uuid::Uuid;
use zapdesk_core::AccountId;
use zapdesk_sync::MemberRole;
use zapdesk_sync::invite::{Invitation, invite};
use zapdesk_sync::testing::ScratchDatabase;

/// A clock value clients write; any valid one does for these tests.
pub const HLC: &str = "1700000000000-00000-test";

/// The ids of an account's seeded rows.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    pub account: Uuid,
    pub contact: Uuid,
    pub other_contact: Uuid,
    pub tag: Uuid,
    pub other_tag: Uuid,
    pub field: Uuid,
    pub other_field: Uuid,
    pub instance: Uuid,
    pub conversation: Uuid,
    /// A campaign with a recipient (contact) and a file.
    pub campaign: Uuid,
    /// A campaign without recipients or file.
    pub other_campaign: Uuid,
    /// A flow with one published version and a session in the conversation.
    pub flow: Uuid,
    pub flow_version: Uuid,
    /// A pipeline stage with a card (the contact's).
    pub stage: Uuid,
}

/// Creates an account with one row in every synced table, as the owner.
pub async fn seed_account(owner: &mut PgConnection, name: &str) -> Seeded {
    let s = Seeded {
        account: Uuid::now_v7(),
        contact: Uuid::now_v7(),
        other_contact: Uuid::now_v7(),
        tag: Uuid::now_v7(),
        other_tag: Uuid::now_v7(),
        field: Uuid::now_v7(),
        other_field: Uuid::now_v7(),
        instance: Uuid::now_v7(),
        conversation: Uuid::now_v7(),
        campaign: Uuid::now_v7(),
        other_campaign: Uuid::now_v7(),
        flow: Uuid::now_v7(),
        flow_version: Uuid::now_v7(),
        stage: Uuid::now_v7(),
    };
    let a = s.account;
    let sql = format!(
        "BEGIN;
         INSERT INTO zapdesk.accounts (id, name, created_at, updated_at, hlc) VALUES ('{a}', '{name}', 1, 1, '{HLC}');
         INSERT INTO zapdesk.contacts (id, account_id, phone, name, created_at, updated_at, hlc) VALUES
             ('{c1}', '{a}', '+5511987650001', 'Maria', 1, 1, '{HLC}'),
             ('{c2}', '{a}', '+5511987650002', 'João', 1, 1, '{HLC}');
         INSERT INTO zapdesk.tags (id, account_id, name, created_at, hlc) VALUES
             ('{t1}', '{a}', 'VIP', 1, '{HLC}'), ('{t2}', '{a}', 'Novo', 1, '{HLC}');
         INSERT INTO zapdesk.contact_tags (account_id, contact_id, tag_id, created_at, hlc) VALUES
             ('{a}', '{c1}', '{t1}', 1, '{HLC}');
         INSERT INTO zapdesk.custom_fields (id, account_id, key, label, kind, created_at, hlc) VALUES
             ('{f1}', '{a}', 'cidade', 'Cidade', 'text', 1, '{HLC}'),
             ('{f2}', '{a}', 'idade', 'Idade', 'number', 1, '{HLC}');
         INSERT INTO zapdesk.contact_fields (account_id, contact_id, field_id, value, hlc) VALUES
             ('{a}', '{c1}', '{f1}', 'Recife', '{HLC}');
         INSERT INTO zapdesk.segments (id, account_id, name, filter, created_at, updated_at, hlc) VALUES
             ('{seg}', '{a}', 'Clientes VIP', '{{}}', 1, 1, '{HLC}');
         INSERT INTO zapdesk.instances (id, account_id, name, created_at, updated_at, hlc) VALUES
             ('{i1}', '{a}', 'Vendas', 1, 1, '{HLC}');
         INSERT INTO zapdesk.conversations (id, account_id, contact_id, instance_id, created_at, updated_at, hlc) VALUES
             ('{conv}', '{a}', '{c1}', '{i1}', 1, 1, '{HLC}');
         INSERT INTO zapdesk.messages (id, account_id, conversation_id, instance_id, wa_message_id, direction, body, status, created_at, updated_at, hlc) VALUES
             ('{msg}', '{a}', '{conv}', '{i1}', 'wa-1', 'inbound', 'Oi, tudo bem?', 'received', 1, 1, '{HLC}');
         INSERT INTO zapdesk.notes (id, account_id, conversation_id, body, created_at, hlc) VALUES
             ('{note}', '{a}', '{conv}', 'Cliente antigo', 1, '{HLC}');
         INSERT INTO zapdesk.quick_replies (id, account_id, shortcut, body, created_at, updated_at, hlc) VALUES
             ('{qr}', '{a}', 'oi', 'Olá! Como posso ajudar?', 1, 1, '{HLC}');
         INSERT INTO zapdesk.audit_log (id, account_id, actor_name, action, contact_id, at, hlc) VALUES
             ('{audit}', '{a}', 'Admin', 'contact_exported', '{c1}', 1, '{HLC}');
         INSERT INTO zapdesk.campaigns (id, account_id, name, message, status, audience, numbers, pacing,
                                        recipients_total, created_at, updated_at, hlc) VALUES
             ('{camp}', '{a}', 'Promoção', 'Oi {{{{nome}}}}', 'running', '{{}}', '[\"{i1}\"]', '{{}}', 1, 1, 1, '{HLC}'),
             ('{camp2}', '{a}', 'Rascunho', 'Oi', 'draft', '{{}}', '[]', '{{}}', 0, 1, 1, '{HLC}');
         INSERT INTO zapdesk.campaign_recipients (account_id, campaign_id, contact_id, instance_id, position, state, hlc) VALUES
             ('{a}', '{camp}', '{c1}', '{i1}', 0, 'pending', '{HLC}');
         INSERT INTO zapdesk.campaign_files (account_id, campaign_id, mime, name, bytes, created_at, hlc) VALUES
             ('{a}', '{camp}', 'image/png', 'oferta.png', '\\x89504e47', 1, '{HLC}');
         INSERT INTO zapdesk.automation_settings (account_id, enabled, time_zone, handoff_words, handoff_reply,
                                                  session_expiry_minutes, allow_private_http, ai_instructions, updated_at, hlc) VALUES
             ('{a}', 1, 'America/Sao_Paulo', '[\"atendente\"]', 'Já chamo alguém.', 1440, 0, '', 1, '{HLC}');
         INSERT INTO zapdesk.keywords (id, account_id, name, match_kind, words, numbers, priority, enabled,
                                       cooldown_minutes, actions, created_at, updated_at, hlc) VALUES
             ('{kw}', '{a}', 'Preço', 'contains', '[\"preço\"]', '[]', 0, 1, 0, '{{}}', 1, 1, '{HLC}');
         INSERT INTO zapdesk.automation_files (id, account_id, name, mime, kind, bytes, created_at, hlc) VALUES
             ('{file}', '{a}', 'cardapio.pdf', 'application/pdf', 'document', '\\x25504446', 1, '{HLC}');
         INSERT INTO zapdesk.flows (id, account_id, name, draft, revision, published_version_id, triggers, enabled,
                                    created_at, updated_at, hlc) VALUES
             ('{flow}', '{a}', 'Boas-vindas', '{{}}', 1, '{ver}', '[]', 1, 1, 1, '{HLC}');
         INSERT INTO zapdesk.flow_versions (id, account_id, flow_id, number, document, published_at, hlc) VALUES
             ('{ver}', '{a}', '{flow}', 1, '{{}}', 1, '{HLC}');
         INSERT INTO zapdesk.flow_sessions (id, account_id, conversation_id, flow_id, version_id, state, status,
                                            started_by, started_at, updated_at, hlc) VALUES
             ('{session}', '{a}', '{conv}', '{flow}', '{ver}', '{{\"node\":\"oi\"}}', 'active', '\"hand\"', 1, 1, '{HLC}');
         INSERT INTO zapdesk.pipeline_stages (id, account_id, name, color, position, created_at, updated_at, hlc) VALUES
             ('{stage}', '{a}', 'Novo', '#0f766e', 0, 1, 1, '{HLC}');
         INSERT INTO zapdesk.pipeline_cards (id, account_id, contact_id, stage_id, value_cents, position, created_at, updated_at, hlc) VALUES
             ('{card}', '{a}', '{c1}', '{stage}', 0, 'm', 1, 1, '{HLC}');
         INSERT INTO zapdesk.assignment_operators (id, account_id, email, name, available, updated_at, hlc) VALUES
             ('{op}', '{a}', 'ana@agencia.com.br', 'Ana', 1, 1, '{HLC}');
         INSERT INTO zapdesk.webhooks (id, account_id, url, events, created_at, updated_at, hlc) VALUES
             ('{hook}', '{a}', 'https://example.com/zapdesk', '[\"message.received\"]', 1, 1, '{HLC}');
         COMMIT;",
        op = Uuid::now_v7(),
        hook = Uuid::now_v7(),
        stage = s.stage,
        card = Uuid::now_v7(),
        c1 = s.contact,
        c2 = s.other_contact,
        t1 = s.tag,
        t2 = s.other_tag,
        f1 = s.field,
        f2 = s.other_field,
        seg = Uuid::now_v7(),
        i1 = s.instance,
        conv = s.conversation,
        msg = Uuid::now_v7(),
        note = Uuid::now_v7(),
        qr = Uuid::now_v7(),
        audit = Uuid::now_v7(),
        camp = s.campaign,
        camp2 = s.other_campaign,
        kw = Uuid::now_v7(),
        file = Uuid::now_v7(),
        flow = s.flow,
        ver = s.flow_version,
        session = Uuid::now_v7(),
    );
    owner.execute(sql.as_str()).await.unwrap();
    s
}

/// Invites an operator with a fresh e-mail; returns their role name.
pub async fn operator(db: &ScratchDatabase, account: Uuid, role: MemberRole) -> String {
    let email = format!("{}@agencia.com.br", zapdesk_sync::testing::suffix());
    let invited = invite(
        &db.owner(),
        &Invitation {
            email,
            display_name: format!("Operador {}", role.as_str()),
            role,
            account: account.to_string().parse::<AccountId>().unwrap(),
        },
        None,
    )
    .await
    .unwrap();
    invited.role_name
}

/// The SQLSTATE of a failed statement, or "ok".
pub fn outcome<T>(result: &Result<T, sqlx::Error>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(e) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.into_owned())
            .unwrap_or_else(|| format!("{e}")),
    }
}
