//! The server's life: listen on 127.0.0.1 (every interface when the owner
//! allows the local network), stop gracefully, move to another port when
//! Settings change, and say where it listens or why it cannot.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use zapdesk_app::App;
use zapdesk_core::{ErrorCode, Lang, UserError};

use crate::config::ApiConfig;
use crate::routes::router;
use crate::state::Api;

/// Why the server does not listen.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ServeError {
    #[error("port {0} is in use")]
    PortInUse(u16),
    #[error("cannot listen on port {port}: {reason}")]
    Bind { port: u16, reason: String },
    /// [`ApiServer::stop`] was called: ZapDesk is closing.
    #[error("the API was stopped for good")]
    Stopped,
}

impl UserError for ServeError {
    fn code(&self) -> ErrorCode {
        ErrorCode::ApiPortInvalid
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            ServeError::PortInUse(port) => match lang {
                Lang::PtBr => format!(
                    "A porta {port} já está em uso por outro programa. Escolha outra porta em Configurações → API."
                ),
                Lang::En => format!(
                    "Port {port} is already used by another program. Choose another port in Settings → API."
                ),
            },
            ServeError::Bind { port, reason } => match lang {
                Lang::PtBr => format!(
                    "A API não conseguiu usar a porta {port} ({reason}). Escolha outra porta em Configurações → API."
                ),
                Lang::En => format!(
                    "The API could not use port {port} ({reason}). Choose another port in Settings → API."
                ),
            },
            ServeError::Stopped => lang
                .pick(
                    "A API foi parada porque o ZapDesk está fechando. Abra o ZapDesk de novo para usá-la.",
                    "The API was stopped because ZapDesk is closing. Open ZapDesk again to use it.",
                )
                .to_owned(),
        }
    }
}

/// Where the server stands.
#[derive(Debug, Clone)]
pub struct ServerState {
    pub config: ApiConfig,
    /// The address it listens on.
    pub listening: Option<SocketAddr>,
    /// Why it does not.
    pub error: Option<ServeError>,
}

impl ServerState {
    /// The docs page's address, for a browser on this computer.
    pub fn docs_url(&self) -> Option<String> {
        self.listening
            .map(|addr| format!("http://127.0.0.1:{}/docs", addr.port()))
    }
}

struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// How long [`ApiServer::stop`] lets the requests in flight finish before
/// it cuts them: closing ZapDesk never waits on a stuck request.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// The local API server of an app; one per app.
pub struct ApiServer {
    app: App,
    /// `None` once stopped for good: nothing listens again.
    running: tokio::sync::Mutex<Option<Option<Running>>>,
    state: Mutex<ServerState>,
}

impl ApiServer {
    /// Starts listening as `config` says; a port that cannot be used leaves
    /// the server stopped with the reason in [`ApiServer::state`] (the app
    /// runs on without its API).
    pub async fn start(app: App, config: ApiConfig) -> Arc<ApiServer> {
        let server = Arc::new(ApiServer {
            app,
            running: tokio::sync::Mutex::new(Some(None)),
            state: Mutex::new(ServerState {
                config: config.clone(),
                listening: None,
                error: None,
            }),
        });
        if let Err(e) = server.restart(config).await {
            tracing::warn!("api: not listening: {e}");
        }
        server
    }

    /// The app it serves.
    pub(crate) fn app(&self) -> &App {
        &self.app
    }

    /// Where it listens, or why not.
    pub fn state(&self) -> ServerState {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.state().listening
    }

    /// Whether [`ApiServer::stop`] was called (nothing listens again).
    pub async fn stopped(&self) -> bool {
        self.running.lock().await.is_none()
    }

    /// Stops (answering the requests in flight), then listens as `config`
    /// says: a new port, the local network on or off. Refused once
    /// [`ApiServer::stop`] was called.
    pub async fn restart(&self, config: ApiConfig) -> Result<SocketAddr, ServeError> {
        let mut guard = self.running.lock().await;
        let Some(running) = guard.as_mut() else {
            return Err(ServeError::Stopped);
        };
        if let Some(old) = running.take() {
            stop(old, grace(&self.state().config)).await;
        }
        let bound = bind(&config).await;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.config = config.clone();
        match bound {
            Ok(listener) => {
                let addr = listener.local_addr().map_err(|e| ServeError::Bind {
                    port: config.port,
                    reason: e.to_string(),
                })?;
                let (tx, rx) = oneshot::channel();
                let service = router(Api::new(self.app.clone(), &config));
                let task = tokio::spawn(async move {
                    let serving = axum::serve(listener, service).with_graceful_shutdown(async {
                        let _ = rx.await;
                    });
                    if let Err(e) = serving.await {
                        tracing::warn!("api: the server stopped: {e}");
                    }
                });
                *running = Some(Running {
                    addr,
                    stop: tx,
                    task,
                });
                state.listening = Some(addr);
                state.error = None;
                tracing::info!("api: listening on {addr}");
                Ok(addr)
            }
            Err(e) => {
                state.listening = None;
                state.error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Stops listening for good (ZapDesk is closing): requests in flight
    /// are answered first, for [`STOP_GRACE`] at most, then cut; a later
    /// [`ApiServer::restart`] or [`ApiServer::apply`] is refused.
    pub async fn stop(&self) {
        let old = self.running.lock().await.take().flatten();
        if let Some(old) = old {
            stop(old, grace(&self.state().config)).await;
        }
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.listening = None;
        state.error = Some(ServeError::Stopped);
    }
}

fn grace(config: &ApiConfig) -> Duration {
    config.hooks.stop_grace.unwrap_or(STOP_GRACE)
}

async fn stop(running: Running, grace: Duration) {
    let _ = running.stop.send(());
    let mut task = running.task;
    match tokio::time::timeout(grace, &mut task).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!("api: stopping {}: {e}", running.addr),
        Err(_) => {
            tracing::warn!(
                "api: requests on {} still running after {grace:?}: cut",
                running.addr
            );
            task.abort();
            // Cancelled: the listener is closed when the task ends.
            let _ = task.await;
        }
    }
}

async fn bind(config: &ApiConfig) -> Result<TcpListener, ServeError> {
    let ip = if config.lan {
        Ipv4Addr::UNSPECIFIED
    } else {
        Ipv4Addr::LOCALHOST
    };
    TcpListener::bind(SocketAddr::from((ip, config.port)))
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => ServeError::PortInUse(config.port),
            _ => ServeError::Bind {
                port: config.port,
                reason: e.to_string(),
            },
        })
}
