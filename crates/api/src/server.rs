//! The server's life: listen on 127.0.0.1 (every interface when the owner
//! allows the local network), stop gracefully, move to another port when
//! Settings change, and say where it listens or why it cannot.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

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

/// The local API server of an app; one per app.
pub struct ApiServer {
    app: App,
    running: tokio::sync::Mutex<Option<Running>>,
    state: Mutex<ServerState>,
}

impl ApiServer {
    /// Starts listening as `config` says; a port that cannot be used leaves
    /// the server stopped with the reason in [`ApiServer::state`] (the app
    /// runs on without its API).
    pub async fn start(app: App, config: ApiConfig) -> Arc<ApiServer> {
        let server = Arc::new(ApiServer {
            app,
            running: tokio::sync::Mutex::new(None),
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

    /// Stops (answering the requests in flight), then listens as `config`
    /// says: a new port, the local network on or off.
    pub async fn restart(&self, config: ApiConfig) -> Result<SocketAddr, ServeError> {
        let mut running = self.running.lock().await;
        if let Some(old) = running.take() {
            stop(old).await;
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

    /// Stops listening; requests in flight are answered first.
    pub async fn stop(&self) {
        if let Some(old) = self.running.lock().await.take() {
            stop(old).await;
        }
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.listening = None;
    }
}

async fn stop(running: Running) {
    let _ = running.stop.send(());
    if let Err(e) = running.task.await {
        tracing::warn!("api: stopping {}: {e}", running.addr);
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
