//! A real HTTP server for one test: an axum router on 127.0.0.1, an
//! ephemeral port, and a count of the requests it received (so a test can
//! say a refused call never arrived).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use zapdesk_core::automation::engine::{CallOutcome, CallRequest};
use zapdesk_core::automation::flow::Method;

pub struct Server {
    pub addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(router: Router) -> Server {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let router = router.layer(middleware::from_fn(move |request: Request, next: Next| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                let response: Response = next.run(request).await;
                response
            }
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Server { addr, hits, task }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn get(url: &str, timeout_ms: u32) -> CallRequest {
    CallRequest::Http {
        node: "http".into(),
        method: Method::Get,
        url: url.to_owned(),
        headers: Vec::new(),
        body: None,
        timeout_ms,
    }
}

/// The reason of a failed call; panics on an answer.
pub fn reason(outcome: CallOutcome) -> String {
    match outcome {
        CallOutcome::Failed { reason } => reason,
        other => panic!("expected a failure, got {other:?}"),
    }
}
