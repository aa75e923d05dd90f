//! Settings → Sobre: the versions (app, Chromium, wa-js bridge) and
//! "Copiar diagnóstico", a text for support made only of versions, paths,
//! counts, states and the logs' recent warnings — never a name, a phone, a
//! message, a password or a token (the logs hold none either: logs.rs).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use zapdesk_core::store::latest_version;
use zapdesk_core::{Lang, instances, settings};

use crate::{App, AppError, logs};

/// How many warning and error lines of the logs the text quotes.
pub const PROBLEMS_QUOTED: usize = 30;

/// What Settings → Sobre shows and "Copiar diagnóstico" copies.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Diagnostics {
    pub app_version: String,
    pub os: String,
    pub arch: String,
    /// The browser the numbers run in, and its version (`None`: it did not say).
    pub chromium_path: String,
    pub chromium_version: Option<String>,
    /// The wa-js embedded in the bridge.
    pub wa_js_version: String,
    /// The store's schema version, and the newest this app knows.
    pub schema_version: i64,
    pub schema_supported: i64,
    pub data_dir: String,
    pub log_dir: String,
    pub accounts: u32,
    /// Numbers by their last status (`connected: 3`).
    pub numbers: BTreeMap<String, u32>,
    pub sync_on: bool,
    /// The newest log warnings and errors, newest last.
    pub problems: Vec<String>,
    /// Everything above as one text, for the clipboard.
    pub text: String,
}

impl App {
    /// Versions, counts and recent warnings, the text in `lang`; the
    /// accounts and numbers counted are those the operator may see.
    pub async fn diagnostics(&self, lang: Lang) -> Result<Diagnostics, AppError> {
        let store = self.store();
        let chromium = zapdesk_whatsapp::fleet::default_chromium();
        let chromium_version = browser_version(&chromium).await;
        let schema_version = sqlx_version(store).await.unwrap_or_default();
        let mut numbers = BTreeMap::new();
        let all = self.accounts_visible(true).await?;
        for account in &all {
            for number in instances::list(store, account.id).await? {
                let status = serde_json::to_value(number.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "unknown".into());
                *numbers.entry(status).or_insert(0) += 1;
            }
        }
        let mut d = Diagnostics {
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            os: std::env::consts::OS.to_owned(),
            arch: std::env::consts::ARCH.to_owned(),
            chromium_path: chromium.display().to_string(),
            chromium_version,
            wa_js_version: zapdesk_whatsapp::bridge::wa_js_version().to_owned(),
            schema_version,
            schema_supported: latest_version(),
            data_dir: self.data_dir().display().to_string(),
            log_dir: self.data_dir().join(logs::LOG_DIR).display().to_string(),
            accounts: u32::try_from(all.len()).unwrap_or(u32::MAX),
            numbers,
            sync_on: settings::sync_connection(store).await?.is_some(),
            problems: recent_problems(self.data_dir(), PROBLEMS_QUOTED),
            text: String::new(),
        };
        d.text = text(&d, lang);
        Ok(d)
    }
}

async fn sqlx_version(store: &zapdesk_core::Store) -> Option<i64> {
    zapdesk_core::backup::schema_version(store).await.ok()
}

/// `chromium --version`, within five seconds (a browser that hangs or is
/// missing says nothing).
async fn browser_version(path: &Path) -> Option<String> {
    let run = tokio::process::Command::new(path)
        .arg("--version")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// The last `n` WARN and ERROR lines of the log files, oldest first.
pub fn recent_problems(data_dir: &Path, n: usize) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for file in logs::files(data_dir) {
        let Ok(content) = std::fs::read_to_string(&file) else {
            continue;
        };
        let mut lines: Vec<String> = content
            .lines()
            .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
            .map(str::to_owned)
            .collect();
        lines.append(&mut found);
        found = lines;
        if found.len() >= n {
            break;
        }
    }
    let skip = found.len().saturating_sub(n);
    found.split_off(skip)
}

fn text(d: &Diagnostics, lang: Lang) -> String {
    let numbers: Vec<String> = d.numbers.iter().map(|(s, n)| format!("{s}: {n}")).collect();
    let line = |pt: &str, en: &str, value: String| format!("{}: {value}\n", lang.pick(pt, en));
    let mut out = format!("ZapDesk {}\n", d.app_version);
    out += &line("Sistema", "System", format!("{} {}", d.os, d.arch));
    out += &line(
        "Chromium",
        "Chromium",
        format!(
            "{} ({})",
            d.chromium_version
                .as_deref()
                .unwrap_or(lang.pick("versão desconhecida", "unknown version")),
            d.chromium_path
        ),
    );
    out += &line("wa-js", "wa-js", d.wa_js_version.clone());
    out += &line(
        "Banco local",
        "Local database",
        match lang {
            Lang::PtBr => format!(
                "versão {} (esta versão do app conhece até {})",
                d.schema_version, d.schema_supported
            ),
            Lang::En => format!(
                "version {} (this app knows up to {})",
                d.schema_version, d.schema_supported
            ),
        },
    );
    out += &line("Pasta de dados", "Data folder", d.data_dir.clone());
    out += &line("Logs", "Logs", d.log_dir.clone());
    out += &line("Contas", "Accounts", d.accounts.to_string());
    out += &line(
        "Números",
        "Numbers",
        if numbers.is_empty() {
            lang.pick("nenhum", "none").to_owned()
        } else {
            numbers.join(", ")
        },
    );
    out += &line(
        "Sincronização",
        "Sync",
        lang.pick(
            if d.sync_on { "ligada" } else { "desligada" },
            if d.sync_on { "on" } else { "off" },
        )
        .to_owned(),
    );
    out.push_str(&format!(
        "{} ({}):\n",
        lang.pick("Avisos recentes", "Recent warnings"),
        d.problems.len()
    ));
    for line in &d.problems {
        out.push_str(line);
        out.push('\n');
    }
    out
}
