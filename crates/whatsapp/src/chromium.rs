//! One Chromium for one number: launched on the number's own profile, with the
//! bridge injected into every document and its binding listened to. For
//! Sandbox numbers, requests to `https://web.whatsapp.com/` are answered by
//! the fake (see `sandbox.rs`) through CDP Fetch interception, so the same
//! origin, profile and injection paths run as for a real number.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::fetch::{
    EnableParams, EventRequestPaused, FulfillRequestParams, HeaderEntry, RequestPattern,
    RequestStage,
};
use chromiumoxide::cdp::browser_protocol::inspector::EventTargetCrashed;
use chromiumoxide::cdp::browser_protocol::page::AddScriptToEvaluateOnNewDocumentParams;
use chromiumoxide::cdp::js_protocol::runtime::{AddBindingParams, EventBindingCalled};
use chromiumoxide::page::Page;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::protocol::BINDING;
use crate::sandbox::SandboxServer;

/// WhatsApp Web's address; the Sandbox answers it too.
pub const WHATSAPP_URL: &str = "https://web.whatsapp.com/";

/// A user agent of a current desktop Chrome: WhatsApp Web turns away "HeadlessChrome".
const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

/// How to start the browser of one number.
#[derive(Clone)]
pub struct LaunchSpec {
    pub chromium: PathBuf,
    pub profile: PathBuf,
    /// The script injected into every document: the bridge (with wa-js for real numbers).
    pub init_script: Arc<String>,
    /// `Some` for a Sandbox number: the fake that answers WhatsApp's origin.
    pub sandbox: Option<Arc<SandboxServer>>,
    /// Extra Chromium flags (benchmarks try flags that lower memory).
    pub extra_args: Vec<String>,
    pub headless: bool,
}

/// Something the browser says on its own.
#[derive(Debug)]
pub enum Signal {
    /// A payload of the bridge's binding (not yet parsed).
    Bridge(String),
    /// The page's renderer crashed.
    RendererCrashed,
    /// The CDP connection closed: the browser is gone.
    BrowserGone,
}

/// A running browser with its page.
pub struct Session {
    browser: Browser,
    pub page: Page,
    pid: Option<u32>,
    profile: PathBuf,
    tasks: Vec<JoinHandle<()>>,
}

/// Why the browser could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("Chromium not found at {0}")]
    NoChromium(PathBuf),
    #[error("profile folder: {0}")]
    Profile(#[from] std::io::Error),
    #[error("launching Chromium: {0}")]
    Launch(String),
    #[error("talking to Chromium: {0}")]
    Cdp(#[from] chromiumoxide::error::CdpError),
}

impl Session {
    /// Starts Chromium and opens WhatsApp Web; `signals` receives what it says.
    pub async fn launch(
        spec: &LaunchSpec,
        signals: mpsc::UnboundedSender<Signal>,
    ) -> Result<Session, LaunchError> {
        if !spec.chromium.exists() {
            return Err(LaunchError::NoChromium(spec.chromium.clone()));
        }
        crate::profile::prepare(&spec.profile)?;
        let mut builder = BrowserConfig::builder()
            .chrome_executable(&spec.chromium)
            .user_data_dir(&spec.profile)
            .viewport(None)
            .launch_timeout(Duration::from_secs(60))
            .request_timeout(Duration::from_secs(60))
            // chromiumoxide adds the leading `--` itself.
            .args([
                "disable-gpu".to_owned(),
                "no-first-run".to_owned(),
                "disable-background-networking".to_owned(),
                "disable-component-update".to_owned(),
                "disable-sync".to_owned(),
                "no-default-browser-check".to_owned(),
                "password-store=basic".to_owned(),
                format!("user-agent={USER_AGENT}"),
            ])
            .args(
                spec.extra_args
                    .iter()
                    .map(|a| a.trim_start_matches('-').to_owned()),
            );
        if spec.headless {
            builder = builder.new_headless_mode();
        } else {
            builder = builder.with_head();
        }
        if running_as_root() {
            // Chromium refuses to run as root with its sandbox (CI, containers).
            builder = builder.no_sandbox();
        }
        let config = builder.build().map_err(LaunchError::Launch)?;
        let (mut browser, mut handler) = Browser::launch(config).await?;
        let pid = browser.get_mut_child().and_then(|c| c.as_mut_inner().id());

        let mut tasks = Vec::new();
        let gone = signals.clone();
        tasks.push(tokio::spawn(async move {
            // The handler drives every CDP exchange. An error is one message it
            // could not decode (a newer Chromium's event); only the end of the
            // stream means the connection, and so the browser, is gone.
            while let Some(result) = handler.next().await {
                if let Err(e) = result {
                    tracing::debug!("CDP handler: {e}");
                }
            }
            let _ = gone.send(Signal::BrowserGone);
        }));

        let page = browser.new_page("about:blank").await?;
        if let Some(sandbox) = &spec.sandbox {
            tasks.push(serve_sandbox(&page, Arc::clone(sandbox)).await?);
        }
        page.execute(AddBindingParams::new(BINDING)).await?;
        let mut bindings = page.event_listener::<EventBindingCalled>().await?;
        let to_rust = signals.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(call) = bindings.next().await {
                if call.name == BINDING
                    && to_rust.send(Signal::Bridge(call.payload.clone())).is_err()
                {
                    break;
                }
            }
        }));
        let mut crashes = page.event_listener::<EventTargetCrashed>().await?;
        // Inspector events (the crash) only flow once the domain is enabled.
        page.execute(chromiumoxide::cdp::browser_protocol::inspector::EnableParams::default())
            .await?;
        let crashed = signals;
        tasks.push(tokio::spawn(async move {
            while crashes.next().await.is_some() {
                if crashed.send(Signal::RendererCrashed).is_err() {
                    break;
                }
            }
        }));
        page.execute(AddScriptToEvaluateOnNewDocumentParams::new(
            spec.init_script.as_str(),
        ))
        .await?;
        page.goto(WHATSAPP_URL).await?;
        Ok(Session {
            browser,
            page,
            pid,
            profile: spec.profile.clone(),
            tasks,
        })
    }

    /// The browser's process id.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Reloads WhatsApp Web (after a renderer crash); the bridge comes back with it.
    pub async fn reload(&self) -> Result<(), LaunchError> {
        self.page.goto(WHATSAPP_URL).await?;
        Ok(())
    }

    /// Closes the browser and waits for its process, so no zombie is left.
    pub async fn close(mut self) {
        for task in &self.tasks {
            task.abort();
        }
        if tokio::time::timeout(Duration::from_secs(5), self.browser.close())
            .await
            .is_err()
        {
            tracing::warn!("Chromium did not close in time; killing it");
        }
        let _ = self.browser.kill().await;
        let _ = self.browser.wait().await;
        // Closed means the whole tree is gone and the profile is free.
        crate::profile::wait_released(&self.profile, Duration::from_secs(5)).await;
    }
}

/// Answers every request to WhatsApp's origin from the Sandbox.
async fn serve_sandbox(
    page: &Page,
    sandbox: Arc<SandboxServer>,
) -> Result<JoinHandle<()>, LaunchError> {
    let mut paused = page.event_listener::<EventRequestPaused>().await?;
    let pattern = RequestPattern::builder()
        .url_pattern("https://web.whatsapp.com/*")
        .request_stage(RequestStage::Request)
        .build();
    page.execute(EnableParams::builder().pattern(pattern).build())
        .await?;
    let page = page.clone();
    Ok(tokio::spawn(async move {
        while let Some(event) = paused.next().await {
            let body: Vec<u8> = event
                .request
                .post_data_entries
                .iter()
                .flatten()
                .filter_map(|entry| entry.bytes.as_ref())
                .filter_map(|b| {
                    base64::engine::general_purpose::STANDARD
                        .decode(AsRef::<str>::as_ref(b))
                        .ok()
                })
                .flatten()
                .collect();
            let answer = sandbox.handle(&event.request.method, &event.request.url, &body);
            let fulfill = FulfillRequestParams::builder()
                .request_id(event.request_id.clone())
                .response_code(i64::from(answer.status))
                .response_header(HeaderEntry::new("Content-Type", answer.content_type))
                .response_header(HeaderEntry::new("Cache-Control", "no-store"))
                .body(base64::engine::general_purpose::STANDARD.encode(&answer.body))
                .build();
            match fulfill {
                Ok(params) => {
                    if let Err(e) = page.execute(params).await {
                        tracing::debug!("sandbox: answering {} failed: {e}", event.request.url);
                    }
                }
                Err(e) => tracing::warn!("sandbox: {e}"),
            }
        }
    }))
}

#[cfg(unix)]
fn running_as_root() -> bool {
    // Without libc: the owner of /proc/self is the effective user.
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn running_as_root() -> bool {
    false
}
