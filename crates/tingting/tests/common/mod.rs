//! Test harness shared by the integration tests: fresh databases on both backends, the real
//! server on 127.0.0.1:0, an HTTP client, tenants with API keys, and the CLI binary.
//!
//! PostgreSQL is taken from `TINGTING_TEST_PG` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test gets its own database, dropped
//! afterwards. When PostgreSQL cannot be reached the PostgreSQL leg is skipped with a note on
//! stderr, unless `TINGTING_TEST_REQUIRE_PG=1` (set by `.ci/run`) makes that a failure.

#![allow(dead_code)]

pub mod proxy;
pub mod raw;

use std::io::Write;
use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::postgres::PgPoolOptions;
use sqlx::Executor;
use tingting::delivery::policy::Policy;
use tingting::delivery::sender::Sender;
use tingting::delivery::worker::{Wakeup, Worker};
use tingting::domain::payment::{new_public_id, NewPaymentRequest, PaymentRequest};
use tingting::domain::{
    AccountNumber, BankAccount, BankDirectory, Email, FeedToken, NewBankAccount, NewFeed, User,
};
use tingting::http::{self, AppState};
use tingting::storage::{self, Store};

/// The backends every integration test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an `async fn NAME(backend: Backend)` test on both backends, as `NAME::sqlite` and
/// `NAME::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await
            }
        }
    )*};
}

fn pg_admin_url() -> String {
    std::env::var("TINGTING_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// Whether PostgreSQL answers (checked once per test binary).
async fn postgres_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    if let Some(a) = AVAILABLE.get() {
        return *a;
    }
    let ok = tokio::time::timeout(
        Duration::from_secs(3),
        PgPoolOptions::new()
            .max_connections(1)
            .connect(&pg_admin_url()),
    )
    .await
    .is_ok_and(|r| r.is_ok());
    let first = AVAILABLE.set(ok).is_ok();
    if !ok {
        if std::env::var("TINGTING_TEST_REQUIRE_PG").as_deref() == Ok("1") {
            panic!(
                "PostgreSQL is required (TINGTING_TEST_REQUIRE_PG=1) but {} does not answer",
                pg_admin_url()
            );
        }
        if first {
            // Written past the test harness's output capture, so the skip is always visible.
            let _ = writeln!(
                std::io::stderr(),
                "NOTE: PostgreSQL at {} does not answer: the PostgreSQL leg of these tests is skipped",
                pg_admin_url()
            );
        }
    }
    ok
}

/// A fresh, empty database; removed when dropped.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    /// A new database, or None when the backend is PostgreSQL and it is not available.
    pub async fn fresh(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("tingting.db").display());
                Some(Self {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg_name: None,
                })
            }
            Backend::Postgres => {
                if !postgres_available().await {
                    return None;
                }
                static COUNTER: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "tingting_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    rand_suffix()
                );
                let admin = PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&pg_admin_url())
                    .await
                    .expect("connect to PostgreSQL");
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                admin.close().await;
                let base = pg_admin_url();
                let url = match base.rfind('/') {
                    Some(i) if base[..i].contains("://") && base[i..].len() > 1 => {
                        format!("{}/{name}", &base[..i])
                    }
                    _ => format!("{base}/{name}"),
                };
                Some(Self {
                    url,
                    backend,
                    _dir: None,
                    pg_name: Some(name),
                })
            }
        }
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        let admin = pg_admin_url();
        // Drop runs inside the test's runtime; use a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&admin)
                    .await
                    .ok()?;
                pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
                    .ok()?;
                pool.close().await;
                Some(())
            })
        })
        .join();
    }
}

/// A tenant: a user, their business, and an API key.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub user: User,
    pub key: String,
}

/// The real server, in-process, on 127.0.0.1:0 over a fresh database, with its feed scheduler
/// (and, when asked, its delivery worker).
pub struct TestServer {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    /// Starts a server without a delivery worker (deliveries stay pending), or returns None
    /// when the backend is unavailable (PostgreSQL skipped).
    pub async fn start(backend: Backend) -> Option<Self> {
        Self::launch(backend, None).await
    }

    /// Starts a server with its delivery worker, private webhook targets allowed (the
    /// receivers are on loopback).
    pub async fn start_with_worker(backend: Backend, policy: Policy) -> Option<Self> {
        Self::launch(backend, Some((policy, true))).await
    }

    /// Starts a server whose worker keeps the SSRF guard on (as in production).
    pub async fn start_guarded(backend: Backend, policy: Policy) -> Option<Self> {
        Self::launch(backend, Some((policy, false))).await
    }

    async fn launch(backend: Backend, worker: Option<(Policy, bool)>) -> Option<Self> {
        let db = TestDb::fresh(backend).await?;
        let store = storage::connect(&db.url).await.expect("open test database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let wakeup = Wakeup::default();
        let state = AppState::new(store.clone(), BankDirectory::builtin(), wakeup.clone());
        if let Some((policy, allow_private)) = worker {
            let sender = Sender::new(policy.timeout, allow_private).expect("HTTP client");
            let worker = Worker::new(
                store.clone(),
                sender,
                policy,
                BankDirectory::builtin(),
                wakeup.clone(),
                state.metrics.clone(),
            );
            let mut stopped = stopped.clone();
            tokio::spawn(worker.run(async move {
                let _ = stopped.wait_for(|s| *s).await;
            }));
        }
        let mut until_stopped = stopped.clone();
        tokio::spawn(tingting::payments::expiry::run(
            store.clone(),
            wakeup.clone(),
            async move {
                let _ = until_stopped.wait_for(|s| *s).await;
            },
        ));
        let mut until_stopped = stopped.clone();
        tokio::spawn(state.scheduler().run(async move {
            let _ = until_stopped.wait_for(|s| *s).await;
        }));
        tokio::spawn(http::serve(listener, state, async move {
            let _ = rx.await;
            let _ = stop.send(true);
        }));
        Some(Self {
            base: format!("http://{addr}"),
            store,
            client: reqwest::Client::new(),
            db,
            shutdown: Some(tx),
        })
    }

    /// Stops the in-process server, its scheduler and worker; the database stays (for another
    /// server, such as a `tingting serve` child, to take over).
    pub fn stop(&mut self) {
        self.shutdown.take();
    }

    /// The same harness with its HTTP calls sent to another server over the same database
    /// (such as a `tingting serve` child process).
    pub fn with_base(mut self, base: &str) -> Self {
        self.base = base.to_string();
        self
    }

    /// Creates a user with a business and an API key.
    pub async fn tenant(&self, email: &str, business: &str) -> Tenant {
        let user = self
            .store
            .create_user(&Email::parse(email).unwrap(), business)
            .await
            .expect("create user");
        let key = tingting::keys::issue(self.store.as_ref(), &user, "test", None)
            .await
            .expect("key");
        Tenant {
            user,
            key: key.expose().to_string(),
        }
    }

    /// Adds a bank account (bank given as BIN, code or code name) to a tenant's business.
    pub async fn account(&self, tenant: &Tenant, bank: &str, number: &str) -> BankAccount {
        let bank = BankDirectory::builtin().resolve(bank).expect("known bank");
        self.store
            .add_account(
                tenant.user.business_id,
                &NewBankAccount {
                    bank_bin: bank.bin,
                    account_number: AccountNumber::parse(number).unwrap(),
                    account_name: Some("NGUYEN VAN A".into()),
                },
            )
            .await
            .expect("add account")
    }

    /// Adds a notification feed to the account; returns its ingest path
    /// (`/ingest/notify/<token>`).
    pub async fn notify_feed(&self, tenant: &Tenant, account_id: i64) -> String {
        let token = FeedToken::generate();
        self.store
            .create_feed(
                tenant.user.business_id,
                account_id,
                &NewFeed::notify(&token, "").expect("feed"),
            )
            .await
            .expect("create feed");
        format!("/ingest/notify/{}", token.expose())
    }

    /// Stores a payment request of `amount` with `code` that was created 2 minutes ago and
    /// expired `ago` ms ago (the API refuses such an expiry).
    pub async fn expired_request(
        &self,
        tenant: &Tenant,
        account_id: i64,
        code: &str,
        amount: i64,
        ago: i64,
    ) -> PaymentRequest {
        let now = tingting::domain::time::now_ms();
        let new = NewPaymentRequest {
            account_id,
            code: code.into(),
            public_id: new_public_id(),
            amount,
            tolerance: 0,
            description: String::new(),
            return_url: String::new(),
            metadata: "{}".into(),
            expires_at: now - ago,
            idempotency_key: None,
            request_digest: String::new(),
        };
        self.store
            .create_payment_request(tenant.user.business_id, &new, now - 120_000)
            .await
            .expect("store a payment request")
            .0
    }

    /// GET with an API key; returns status and JSON body.
    pub async fn get(&self, path: &str, key: &str) -> (u16, Value) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .header("Authorization", format!("Apikey {key}"))
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("JSON body"))
    }

    /// POST a JSON body with an API key; returns status and JSON body.
    pub async fn post(&self, path: &str, key: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Apikey {key}"))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("JSON body"))
    }

    /// Registers a legacy-format webhook for every transaction of the tenant's accounts;
    /// returns its id.
    pub async fn webhook(&self, tenant: &Tenant, url: &str) -> i64 {
        let (status, body) = self
            .post(
                "/v2/webhooks",
                &tenant.key,
                &serde_json::json!({"webhook": url, "secure_token": "tok", "income_only": false}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["data"]["id"].as_i64().expect("webhook id")
    }

    /// Ingests transactions through `POST /v2/ingest`; panics unless it answers 200.
    pub async fn ingest(&self, tenant: &Tenant, account: &str, items: Vec<Value>) -> Value {
        let (status, body) = self
            .post(
                "/v2/ingest",
                &tenant.key,
                &serde_json::json!({"account": account, "transactions": items}),
            )
            .await;
        assert_eq!(status, 200, "ingest failed: {body}");
        body
    }
}

/// Boundary of [`multipart`] bodies.
const BOUNDARY: &str = "tingting-test-boundary";

/// A `multipart/form-data` body (for statement uploads) with the given `(name, content)` parts.
pub fn multipart(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, content) in parts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.txt\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads a multipart `body` to `POST /v2/accounts/{account}/statements` with `client`;
/// returns the status and JSON answer.
pub async fn upload(
    client: &reqwest::Client,
    srv: &TestServer,
    t: &Tenant,
    account: i64,
    body: Vec<u8>,
) -> Result<(u16, Value), reqwest::Error> {
    let resp = client
        .post(format!("{}/v2/accounts/{account}/statements", srv.base))
        .header("Authorization", format!("Apikey {}", t.key))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await?;
    let status = resp.status().as_u16();
    Ok((status, resp.json().await.expect("JSON body")))
}

/// A Vietcombank-style MT940 export: two messages, the second for another account.
pub const MT940_SAMPLE: &str = "{1:F01BFTVVNVXAXXX0000000000}{2:O940}{4:\r
:20:STMT250422\r
:25:970416/12345678\r
:28C:00001/001\r
:60F:C250421VND1000000,00\r
:61:2504220422C250000,00NTRFNONREF//FT25112000001\r
:86:DH1042 NGUYEN VAN A chuyen tien\r
:61:2504220422D11000,NMSCNONREF//FT25112000002\r
:86:Phi SMS Banking\r
:62F:C250422VND1239000,00\r
-}\r
{1:F01BFTVVNVXAXXX0000000000}{2:O940}{4:\r
:20:STMT250422B\r
:25:99998888\r
:60F:C250421VND0,00\r
:61:2504220422C5000,00NTRFNONREF//FT25112000003\r
:86:not ours\r
:62F:C250422VND5000,00\r
-}\r
";

/// Today's date in Vietnam, `YYYY-MM-DD`.
pub fn vn_today() -> String {
    tingting::domain::time::vn_today()
        .format("%Y-%m-%d")
        .to_string()
}

/// Runs the `tingting` binary with `--database url` and the given arguments.
pub fn cli(database: &str, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tingting"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run tingting")
}

/// Runs the `tingting` binary as [`cli`] does, with `input` on its standard input.
pub fn cli_with_stdin(database: &str, args: &[&str], input: &str) -> Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tingting"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run tingting");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for tingting")
}

/// Sets a user's password with `tingting user set-password` (standard input).
pub fn set_password(db: &str, email: &str, password: &str) {
    let out = cli_with_stdin(
        db,
        &["user", "set-password", "--email", email],
        &format!("{password}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Polls `check` until it returns Some or the deadline passes.
pub async fn eventually<T>(deadline: Duration, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            start.elapsed() < deadline,
            "condition not met within {deadline:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A temporary file with the given contents.
pub fn temp_file(dir: &tempfile::TempDir, name: &str, contents: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path
}

/// `tingting serve` as a child process (the real binary) on 127.0.0.1:0; killed with SIGKILL
/// when dropped.
pub struct ServeProcess {
    pub base: String,
    /// What it printed on stdout before the line saying where it listens.
    pub printed: Vec<String>,
    child: std::process::Child,
}

impl ServeProcess {
    /// Starts `tingting --database url serve --listen 127.0.0.1:0 ARGS` and waits until it
    /// prints the address it listens on.
    pub fn spawn(database: &str, args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tingting"))
            .args(["--database", database, "serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn tingting serve");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut printed = Vec::new();
        let base = loop {
            let line = lines
                .next()
                .expect("tingting serve exited before listening")
                .expect("read stdout");
            if let Some(addr) = line.strip_prefix("tingting listening on ") {
                break addr.trim().to_string();
            }
            printed.push(line);
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self {
            base,
            printed,
            child,
        }
    }

    /// Kills the process with SIGKILL (no graceful shutdown) and reaps it.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL tingting serve");
        self.child.wait().expect("reap tingting serve");
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A webhook receiver on loopback that keeps every request it gets.
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    /// Listens on 127.0.0.1:0; the webhook URL is `url`.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
                let kept = kept.clone();
                async move {
                    kept.lock().unwrap().push((headers, body));
                    "ok"
                }
            }),
        );
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            url,
            received,
            task,
        }
    }

    /// The requests received so far, in order: headers and raw body.
    pub fn requests(&self) -> Vec<(axum::http::HeaderMap, String)> {
        self.received.lock().unwrap().clone()
    }

    /// The bodies received so far, in order.
    pub fn bodies(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .map(|(_, body)| serde_json::from_str(body).expect("JSON webhook body"))
            .collect()
    }
}
