//! Cost of a number: time from start to ready, and the memory of its whole
//! Chromium process tree, for 1, 4 and 8 Sandbox numbers run by ZapDesk,
//! beside a bare Chromium showing the same fake WhatsApp page (the floor),
//! and with Chromium flags that may lower it. Prints a Markdown table for
//! docs/benchmarks.md. Run: `cargo bench -p zapdesk-whatsapp --bench numbers`.
//!
//! Memory is PSS (proportional set size, /proc/PID/smaps_rollup): shared pages
//! are split between the processes that share them, so a sum over processes
//! does not count them twice. Linux only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use zapdesk_core::Store;
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_whatsapp::fleet::{Fleet, FleetConfig, FleetEvent, default_chromium};
use zapdesk_whatsapp::sandbox::{SandboxServer, SandboxState};
use zapdesk_whatsapp::status::Status;

/// PSS in KiB of every process whose command line mentions `needle`.
fn pss_kib(needle: &str) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
            .is_none()
        {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if !String::from_utf8_lossy(&cmdline).contains(needle) {
            continue;
        }
        let Ok(rollup) = std::fs::read_to_string(entry.path().join("smaps_rollup")) else {
            continue;
        };
        for line in rollup.lines() {
            if let Some(rest) = line.strip_prefix("Pss:") {
                total += rest
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0);
            }
        }
    }
    total
}

/// Lets the browsers settle (first paint, JIT, start-up allocations given
/// back) before memory is read; more browsers take longer on two cores.
fn settle(n: usize) {
    std::thread::sleep(Duration::from_secs(5) + Duration::from_millis(750) * n as u32);
}

/// The command line of the browser process (not a renderer or helper) using `profile`.
fn browser_args(profile: &str) -> Vec<String> {
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = String::from_utf8_lossy(&cmdline)
            .split('\0')
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        if args.iter().any(|a| a.contains(profile))
            && !args.iter().any(|a| a.starts_with("--type="))
        {
            return args.into_iter().skip(1).collect();
        }
    }
    panic!("no browser process for {profile}");
}

/// Runs `n` Sandbox numbers; returns their start→ready times, their PSS, and
/// the Chromium command line ZapDesk used (for the bare floor).
async fn zapdesk(n: usize, extra_args: &[&str]) -> (Vec<Duration>, u64, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    let store = Store::open(&data).await.unwrap();
    let account = accounts::create(
        &store,
        &AccountInput {
            name: "Bench".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let mut ids = Vec::new();
    for i in 0..n {
        let id = instances::create(
            &store,
            account,
            &NumberInput {
                name: format!("n{i}"),
                kind: InstanceKind::Sandbox,
            },
        )
        .await
        .unwrap()
        .id;
        let sandbox = SandboxServer::open(&data.join("sandbox").join(id.to_string())).unwrap();
        // Already paired: start-to-ready without a human scanning.
        sandbox
            .set_state(&SandboxState {
                paired: true,
                autopilot: false,
                ..SandboxState::default()
            })
            .unwrap();
        ids.push(id);
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let sink = Arc::new(move |e: FleetEvent| {
        let _ = tx.send((Instant::now(), e));
    });
    let config = FleetConfig {
        extra_args: extra_args.iter().map(|s| s.to_string()).collect(),
        ..FleetConfig::new(data.clone())
    };
    let fleet = Fleet::new(store.clone(), config, sink);
    let mut started = std::collections::HashMap::new();
    for id in &ids {
        started.insert(*id, Instant::now());
        fleet.start(account, *id).await.unwrap();
    }
    let mut times = Vec::new();
    while times.len() < n {
        let (at, event) = rx.recv().await.unwrap();
        if let FleetEvent::Number {
            instance,
            status: Status::Connected { .. },
            ..
        } = event
        {
            times.push(at - started[&instance]);
        }
    }
    settle(n);
    let pss = pss_kib(&format!("{}/profiles/", data.display()));
    let args = browser_args(&format!("{}/profiles/", data.display()));
    fleet.shutdown().await;
    (times, pss, args)
}

/// A plain HTTP server for the fake page, so a bare Chromium (no CDP, no
/// bridge) can load exactly what the Sandbox numbers load.
fn serve_fake(dir: &Path) -> String {
    let sandbox = Arc::new(SandboxServer::open(dir).unwrap());
    sandbox
        .set_state(&SandboxState {
            paired: true,
            autopilot: false,
            ..SandboxState::default()
        })
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let sandbox = Arc::clone(&sandbox);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap_or_default();
                let mut length = 0usize;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                    if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                std::io::Read::read_exact(&mut reader, &mut body).unwrap_or_default();
                let mut parts = request_line.split_whitespace();
                let (method, path) = (parts.next().unwrap_or("GET"), parts.next().unwrap_or("/"));
                let answer = sandbox.handle(method, path, &body);
                let mut stream = stream;
                let head = format!(
                    "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    answer.status,
                    answer.content_type,
                    answer.body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&answer.body);
            });
        }
    });
    format!("http://{addr}/")
}

/// The floor: Chromium with exactly ZapDesk's command line (same flags), but
/// no CDP session, no injected bridge and no interception: it just opens the
/// fake page from a local HTTP server.
fn bare(n: usize, zapdesk_args: &[String]) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let url = serve_fake(&dir.path().join("fake"));
    let chromium: PathBuf = default_chromium();
    let flags: Vec<&String> = zapdesk_args
        .iter()
        .filter(|a| !a.starts_with("--user-data-dir=") && !a.starts_with("--remote-debugging"))
        .collect();
    let mut children: Vec<Child> = (0..n)
        .map(|i| {
            Command::new(&chromium)
                .args(&flags)
                .arg(format!("--user-data-dir={}/bare{i}", dir.path().display()))
                .arg(&url)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    settle(n);
    let pss = pss_kib(&format!("{}/bare", dir.path().display()));
    for c in &mut children {
        let _ = c.kill();
        let _ = c.wait();
    }
    pss
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let variants: [(&str, &[&str]); 3] = [
        ("default flags", &[]),
        (
            "--renderer-process-limit=1 --disable-features=BackForwardCache,Translate,MediaRouter,OptimizationHints",
            &[
                "--renderer-process-limit=1",
                "--disable-features=BackForwardCache,Translate,MediaRouter,OptimizationHints",
            ],
        ),
        (
            "--js-flags=--lite-mode --disable-site-isolation-trials",
            &["--js-flags=--lite-mode", "--disable-site-isolation-trials"],
        ),
    ];
    println!(
        "| numbers | flags | start→ready p50 | start→ready max | ZapDesk PSS per number | bare Chromium PSS per number | ratio |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (label, flags) in variants {
        for n in [1usize, 4, 8] {
            let (times, pss, args) = zapdesk(n, flags).await;
            let floor = bare(n, &args);
            let max = *times.iter().max().unwrap();
            let per = pss as f64 / n as f64 / 1024.0;
            let floor_per = floor as f64 / n as f64 / 1024.0;
            println!(
                "| {n} | {label} | {:.2} s | {:.2} s | {per:.0} MiB | {floor_per:.0} MiB | {:.2}× |",
                median(times).as_secs_f64(),
                max.as_secs_f64(),
                per / floor_per
            );
        }
    }
}
