//! `zapdesk-cli flows simulate` with the real binary: the contact's
//! messages on stdin, the bot's answers and the path on stdout, the
//! contact's fields and tags and the session's variables at the end, with
//! the engine the app runs; the account's settings decide the HTTP node's
//! calls (a real local server), `--skip-calls` answers them "skipped";
//! refusals say why; the data folder is only read.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::{self, node, send_typing};
use serde_json::{Value, json};
use zapdesk_core::automation::settings;
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{AccountId, Store};

fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ZAPDESK_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zapdesk-cli");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok(dir: &Path, args: &[&str], stdin: &str) -> String {
    let out = run(dir, args, stdin);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn refused(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args, "");
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// An account with a custom field "Email" and a tag "Lead", made as the
/// screens make them.
fn send(id: &str, text: &str) -> Value {
    send_typing(id, text, 1200)
}

fn doc(start: &str, nodes: Vec<Value>, edges: &[(&str, &str, &str)]) -> String {
    support::doc(start, nodes, edges).to_string()
}

async fn account(d: &Path) -> AccountId {
    let acc: AccountId = serde_json::from_str::<Value>(&ok(
        d,
        &["--json", "accounts", "create", "--name", "Padaria"],
        "",
    ))
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let store = Store::open(d).await.unwrap();
    fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Email".into(),
            kind: FieldKind::Text,
            choices: Vec::new(),
        },
    )
    .await
    .unwrap();
    tags::create(
        &store,
        acc,
        &TagInput {
            name: "Lead".into(),
            color: "#2563eb".into(),
        },
    )
    .await
    .unwrap();
    store.close().await;
    acc
}

/// Imports `document` as `name` and publishes it.
fn publish(d: &Path, acc: &str, name: &str, document: &str) {
    let file = d.join(format!("{name}.json"));
    std::fs::write(&file, document).unwrap();
    ok(
        d,
        &["flows", "import", file.to_str().unwrap(), "--account", acc],
        "",
    );
    ok(d, &["flows", "publish", name, "--account", acc], "");
}

/// Greets, asks for an e-mail (saved in the field), tags the contact,
/// waits an hour and a half, thanks.
fn signup() -> String {
    doc(
        "oi",
        vec![
            send("oi", "Oi {{primeiro_nome}}!"),
            node(
                "email",
                json!({"type": "ask", "question": "Qual seu e-mail?", "answer": "email",
                       "field": "email", "retry": "Não parece um e-mail.", "tries": 2,
                       "timeout_minutes": null}),
            ),
            node(
                "tag",
                json!({"type": "tags", "add": ["lead"], "remove": []}),
            ),
            node(
                "espera",
                json!({"type": "delay", "minutes": 90, "window": null}),
            ),
            send("obrigado", "Obrigado! Vamos escrever para {{email}}."),
            send("desistiu", "Tudo bem, fica para depois."),
            node("fim", json!({"type": "end"})),
        ],
        &[
            ("oi", "next", "email"),
            ("email", "next", "tag"),
            ("email", "failed", "desistiu"),
            ("tag", "next", "espera"),
            ("espera", "next", "obrigado"),
            ("obrigado", "next", "fim"),
        ],
    )
}

#[tokio::test]
async fn simulate_plays_the_published_flow_with_stdin_as_the_contact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let acc = account(d).await.to_string();
    publish(d, &acc, "cadastro", &signup());

    let out = ok(
        d,
        &[
            "--lang",
            "pt-BR",
            "flows",
            "simulate",
            "Cadastro",
            "--account",
            &acc,
            "--name",
            "Ana Lima",
        ],
        "não sei\n\nana@exemplo.com.br\n",
    );
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "fluxo: cadastro (v1)",
            "bot: Oi Ana!",
            "bot: Qual seu e-mail?",
            "caminho: oi → email",
            "> não sei",
            "bot: Não parece um e-mail.",
            "caminho: email",
            "(nota: reply_refused node=email tries=1)",
            "> ana@exemplo.com.br",
            "caminho: email → tag → espera",
            "(esperou 1 h 30 min)",
            "bot: Obrigado! Vamos escrever para ana@exemplo.com.br.",
            "caminho: espera → obrigado → fim",
            "fim: done",
            "---",
            "campos: email = ana@exemplo.com.br",
            "etiquetas: Lead",
            "sessão: encerrada (done)",
            "variáveis: email = ana@exemplo.com.br, ultima_resposta = ana@exemplo.com.br",
        ]
    );

    // The same in English, as JSON; a contact who never answers right
    // takes the `failed` branch.
    let out = ok(
        d,
        &[
            "--lang",
            "en",
            "--json",
            "flows",
            "simulate",
            "cadastro",
            "--account",
            &acc,
        ],
        "sim\nnão\n",
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["flow"]["name"], "cadastro");
    assert_eq!(report["flow"]["version"], 1);
    let bot: Vec<&str> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "bot")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        bot,
        [
            "Oi Maria!",
            "Qual seu e-mail?",
            "Não parece um e-mail.",
            "Tudo bem, fica para depois."
        ]
    );
    let last_path = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == "path")
        .unwrap();
    assert_eq!(last_path["nodes"], json!(["email", "desistiu"]));
    assert_eq!(report["fields"], json!({}));
    assert_eq!(report["tags"], json!([]));
    assert_eq!(report["session"]["active"], false);
    assert_eq!(report["session"]["ended"], json!({"reason": "done"}));

    // Nothing was written to the data folder: no contact, no session.
    let contacts: Value = serde_json::from_str(&ok(
        d,
        &["--json", "contacts", "list", "--account", &acc],
        "",
    ))
    .unwrap();
    assert_eq!(contacts["items"], json!([]));
    let list: Value =
        serde_json::from_str(&ok(d, &["--json", "flows", "list", "--account", &acc], "")).unwrap();
    assert_eq!(list[0]["active_sessions"], 0);
}

/// A server that answers every request with `{"status": "enviado"}` and
/// counts them.
fn status_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            counted.fetch_add(1, Ordering::SeqCst);
            let body = r#"{"status": "enviado"}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, hits)
}

#[tokio::test]
async fn simulate_calls_http_nodes_under_the_accounts_settings_or_skips_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let account_id = account(d).await;
    let acc = account_id.to_string();
    let (port, hits) = status_server();
    let lookup = doc(
        "consulta",
        vec![
            node(
                "consulta",
                json!({"type": "http", "method": "GET",
                       "url": format!("http://127.0.0.1:{port}/pedidos/{{{{telefone}}}}"),
                       "headers": [], "body": null, "timeout_ms": 5000,
                       "save": [{"pointer": "/status", "field": "email"}]}),
            ),
            send("ok", "Seu pedido: {{email}}."),
            send("erro", "Não consegui consultar agora."),
        ],
        &[("consulta", "next", "ok"), ("consulta", "error", "erro")],
    );
    publish(d, &acc, "pedido", &lookup);
    let args = ["flows", "simulate", "pedido", "--account", &acc];

    // The account does not allow private addresses: refused, never sent.
    let out = ok(d, &args, "");
    assert!(out.contains("bot: Não consegui consultar agora."), "{out}");
    assert!(
        out.contains("chamada: failed: address not allowed"),
        "{out}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0);

    let store = Store::open(d).await.unwrap();
    let mut s = settings::get(&store, account_id).await.unwrap();
    s.allow_private_http = true;
    settings::save(&store, account_id, &s).await.unwrap();
    store.close().await;
    let out = ok(d, &args, "");
    assert!(out.contains("bot: Seu pedido: enviado."), "{out}");
    assert!(out.contains("chamada: answered 200"), "{out}");
    assert!(out.contains("campos: email = enviado"), "{out}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    let mut skip = args.to_vec();
    skip.push("--skip-calls");
    let out = ok(d, &skip, "");
    assert!(out.contains("bot: Não consegui consultar agora."), "{out}");
    assert!(out.contains("chamada: failed: skipped"), "{out}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "skipped: not called");
}

#[tokio::test]
async fn simulate_refuses_what_it_cannot_play_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let acc = account(d).await.to_string();

    let err = refused(
        d,
        &[
            "--lang",
            "pt-BR",
            "flows",
            "simulate",
            "Nenhum",
            "--account",
            &acc,
        ],
    );
    assert!(
        err.contains("[flow_unknown]") && err.contains("não existe"),
        "{err}"
    );

    // Imported, never published: only its draft can be played.
    let file = d.join("rascunho.json");
    std::fs::write(&file, signup()).unwrap();
    ok(
        d,
        &["flows", "import", file.to_str().unwrap(), "--account", &acc],
        "",
    );
    let err = refused(
        d,
        &[
            "--lang",
            "en",
            "flows",
            "simulate",
            "rascunho",
            "--account",
            &acc,
        ],
    );
    assert!(
        err.contains("[flow_not_published]") && err.contains("not published"),
        "{err}"
    );
    let out = ok(
        d,
        &[
            "flows",
            "simulate",
            "rascunho",
            "--account",
            &acc,
            "--draft",
        ],
        "",
    );
    assert!(
        out.starts_with("fluxo: rascunho (rascunho)\nbot: Oi Maria!"),
        "{out}"
    );
    let err = refused(
        d,
        &[
            "--json",
            "flows",
            "simulate",
            "rascunho",
            "--account",
            &acc,
            "--version",
            "3",
        ],
    );
    let err: Value = serde_json::from_str(&err).unwrap();
    assert_eq!(err["code"], "flow_unknown");

    // A draft that could not be published is refused with its problems.
    let broken = signup().replace(r#""to":"tag""#, r#""to":"sumiu""#);
    assert_ne!(broken, signup());
    let file = d.join("quebrado.json");
    std::fs::write(&file, broken).unwrap();
    ok(
        d,
        &["flows", "import", file.to_str().unwrap(), "--account", &acc],
        "",
    );
    let err = refused(
        d,
        &[
            "--lang",
            "pt-BR",
            "flows",
            "simulate",
            "quebrado",
            "--account",
            &acc,
            "--draft",
        ],
    );
    assert!(
        err.contains("[flow_invalid]") && err.contains("aponta para um bloco que não existe"),
        "{err}"
    );
}

/// A flow that sends a file and goes on in another flow: the file and the
/// other flow are copied into the throwaway store, and the turn's messages
/// come out in the order the number would send them.
#[tokio::test]
async fn simulate_follows_go_to_flow_and_sends_the_accounts_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let account_id = account(d).await;
    let acc = account_id.to_string();
    let store = Store::open(d).await.unwrap();
    let file = zapdesk_core::automation::files::upload(
        &store,
        account_id,
        "cardápio.pdf",
        "application/pdf",
        b"%PDF-1.4 teste",
    )
    .await
    .unwrap();
    store.close().await;
    publish(
        d,
        &acc,
        "horarios",
        &doc(
            "h",
            vec![
                send("h", "Abrimos às 8h."),
                node("fim", json!({"type": "end"})),
            ],
            &[("h", "next", "fim")],
        ),
    );
    let list: Value =
        serde_json::from_str(&ok(d, &["--json", "flows", "list", "--account", &acc], "")).unwrap();
    let other = list[0]["id"].as_str().unwrap().to_owned();
    publish(
        d,
        &acc,
        "boas-vindas",
        &doc(
            "menu",
            vec![
                node(
                    "menu",
                    json!({"type": "send", "typing_ms": 0,
                           "content": {"kind": "file", "file": file.to_string(), "caption": "Nosso cardápio"}}),
                ),
                send("mais", "E os horários:"),
                node("vai", json!({"type": "go_to_flow", "flow": other})),
            ],
            &[("menu", "next", "mais"), ("mais", "next", "vai")],
        ),
    );
    let out = ok(
        d,
        &["flows", "simulate", "boas-vindas", "--account", &acc],
        "",
    );
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "fluxo: boas-vindas (v1)",
            "bot [arquivo: cardápio.pdf]: Nosso cardápio",
            "bot: E os horários:",
            "bot: Abrimos às 8h.",
            "caminho: menu → mais → vai",
            "fim: went_to (horarios)",
            "caminho: h → fim",
            "fim: done",
            "---",
            "campos: (nenhum)",
            "etiquetas: (nenhum)",
            "sessão: encerrada (done)",
            "variáveis: (nenhum)",
        ]
    );
}
