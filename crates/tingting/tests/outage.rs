//! PostgreSQL going away and coming back: a `tingting serve` reaches its database through a
//! TCP proxy the test cuts. While it is cut, the API and ingest answer 503 in the envelope
//! (refusing, so the sender keeps the transfer and retries) and `/healthz` says so; when it is
//! restored, the same process recovers by itself and nothing stored before is lost. The
//! embedded SQLite backend has no such outage: its leg only checks that the server is up.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{eventually, Backend, ServeProcess, TestServer};
use serde_json::{json, Value};

both_backends!(database_outage_is_503_then_recovers);

/// A TCP proxy to the database that can be cut (every connection dropped, new ones refused)
/// and restored.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (up2, connections2) = (up.clone(), connections.clone());
        let accept = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: refused
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                connections2.lock().unwrap().push(task);
            }
        });
        Self {
            port,
            up,
            connections,
            accept,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for task in self.connections.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

fn credit(reference: &str) -> Value {
    json!({"bookedAt": "2026-11-30T03:00:00Z", "amount": 75_000,
           "description": "chuyen tien", "reference": reference})
}

async fn database_outage_is_503_then_recovers(backend: Backend) {
    let Some(mut setup) = TestServer::start(backend).await else {
        return;
    };
    let t = setup.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    setup.account(&t, "ACB", "12345678").await;
    setup.stop();
    let mut url = url::Url::parse(&setup.db.url).unwrap();
    let proxy = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let upstream = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
            let proxy = Proxy::start(upstream).await;
            url.set_port(Some(proxy.port)).unwrap();
            url.set_host(Some("127.0.0.1")).unwrap();
            Some(proxy)
        }
    };
    let child = ServeProcess::spawn(url.as_str(), &[]);
    let srv = setup.with_base(&child.base);
    srv.ingest(&t, "12345678", vec![credit("FTOUT1")]).await;
    let Some(proxy) = proxy else {
        let (status, _) = srv.get("/healthz", &t.key).await;
        assert_eq!(status, 200);
        return;
    };

    proxy.cut();
    let post = || {
        srv.client
            .post(format!("{}/v2/ingest", srv.base))
            .header("Authorization", format!("Apikey {}", t.key))
            .json(&json!({"account": "12345678", "transactions": [credit("FTOUT2")]}))
            .timeout(Duration::from_secs(25))
            .send()
    };
    let refused = post().await.unwrap();
    assert_eq!(refused.status(), 503);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], 503, "{body}");
    assert_eq!(body["message"], "Service temporarily unavailable", "{body}");
    let (status, health) = srv.get("/healthz", &t.key).await;
    assert_eq!(status, 503, "{health}");

    // Back: the same process serves again, with what it had and what is sent again.
    proxy.restore();
    eventually(Duration::from_secs(30), async || {
        let resp = post().await.ok()?;
        (resp.status() == 200).then_some(())
    })
    .await;
    let (status, page) = srv
        .get(
            "/v2/transactions?fromDate=2026-11-30&toDate=2026-11-30&sort=ASC",
            &t.key,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let refs: Vec<&str> = page["data"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tid"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["FTOUT1", "FTOUT2"], "{page}");
}
