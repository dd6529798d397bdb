//! Several `tingting serve` instances on one database, under load, as a load balancer would
//! use them: every transaction is posted to the next instance, and a post that fails is sent
//! again to another (the transfer keeps its reference, so a repeat is deduplicated).
//!
//! - Three instances; one is killed with SIGKILL mid-load. Every transaction is stored once
//!   and delivered; a transaction delivered twice was being delivered when the instance died
//!   (its lease expired and a survivor took it over); a command feed polled by all three never
//!   runs twice at once, and loses no line to the kill (its cursor only advances on success).
//! - Two instances whose database (PostgreSQL, through a proxy) goes away mid-load and comes
//!   back: posts are refused with 503 meanwhile, the instances recover without a restart and
//!   nothing is lost. The SQLite leg runs the same load without the outage.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::proxy::Proxy;
use common::{cli, eventually, Backend, ServeProcess, Tenant, TestServer};
use serde_json::{json, Value};
use tingting::storage::{SortOrder, TransactionQuery};

both_backends!(three_instances_survive_a_kill, database_restarts_under_load);

/// How long the receiver takes to answer each webhook: long enough that every instance has
/// deliveries in flight when one is killed.
const RECEIVER_DELAY: Duration = Duration::from_millis(150);
/// How long the test waits for everything to be delivered.
const DEADLINE: Duration = Duration::from_secs(60);
/// The account every transaction goes to.
const ACCOUNT: &str = "12345678";
/// Flags of every instance: a 1 s webhook timeout makes a delivery's lease 6 s.
const SERVE_ARGS: [&str; 5] = [
    "--allow-private-webhooks",
    "--webhook-timeout",
    "1s",
    "--outbox-poll",
    "200ms",
];

/// A webhook request: the transaction it carried and when it arrived.
#[derive(Debug, Clone)]
struct Hit {
    tid: String,
    at: Instant,
}

/// A webhook receiver that takes [`RECEIVER_DELAY`] to answer each request, noting it on
/// arrival (so a request whose sender dies before the answer still counts).
struct SlowReceiver {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SlowReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SlowReceiver {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(Vec::new()));
        let kept = hits.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |body: String| {
                let kept = kept.clone();
                async move {
                    let body: Value = serde_json::from_str(&body).expect("JSON webhook");
                    let tid = body["data"][0]["tid"].as_str().expect("tid").to_string();
                    kept.lock().unwrap().push(Hit {
                        tid,
                        at: Instant::now(),
                    });
                    tokio::time::sleep(RECEIVER_DELAY).await;
                    "ok"
                }
            }),
        );
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, hits, task }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Every transaction received, with its hits in order of arrival.
    fn ledger(&self) -> BTreeMap<String, Vec<Instant>> {
        let mut ledger: BTreeMap<String, Vec<Instant>> = BTreeMap::new();
        for hit in self.hits() {
            ledger.entry(hit.tid).or_default().push(hit.at);
        }
        ledger
    }

    /// Waits until every one of `tids` has been received.
    async fn wait_for(&self, tids: &BTreeSet<String>) -> BTreeMap<String, Vec<Instant>> {
        eventually(DEADLINE, async || {
            let ledger = self.ledger();
            tids.iter()
                .all(|t| ledger.contains_key(t))
                .then_some(ledger)
        })
        .await
    }
}

/// The load balancer: posts to the instances in turn, skipping those marked down, and sends
/// a post that failed again to the next instance until one accepts it.
struct Balancer {
    bases: Vec<String>,
    up: Vec<AtomicBool>,
    key: String,
    client: reqwest::Client,
    /// Posts answered 503 (the database away).
    unavailable: AtomicUsize,
    /// Posts that failed otherwise (the instance gone, a timeout).
    failed: AtomicUsize,
}

impl Balancer {
    fn new(bases: Vec<String>, key: &str) -> Arc<Self> {
        Arc::new(Self {
            up: bases.iter().map(|_| AtomicBool::new(true)).collect(),
            bases,
            key: key.to_string(),
            client: reqwest::Client::new(),
            unavailable: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        })
    }

    /// Posts transaction `n` (reference `{prefix}{n}`) until an instance accepts it.
    async fn post(&self, prefix: &str, n: usize) {
        let body = json!({"account": ACCOUNT, "transactions": [{
            "bookedAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "amount": 10_000 + n as i64, "description": format!("don hang {n}"),
            "reference": format!("{prefix}{n}")}]});
        let started = Instant::now();
        for attempt in n.. {
            assert!(
                started.elapsed() < DEADLINE,
                "{prefix}{n} was never accepted"
            );
            let i = attempt % self.bases.len();
            if !self.up[i].load(Ordering::SeqCst) {
                continue;
            }
            let sent = self
                .client
                .post(format!("{}/v2/ingest", self.bases[i]))
                .header("Authorization", format!("Apikey {}", self.key))
                .json(&body)
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            match sent.map(|r| r.status().as_u16()) {
                Ok(200) => return,
                Ok(503) => self.unavailable.fetch_add(1, Ordering::SeqCst),
                Ok(status) => panic!("{prefix}{n}: unexpected {status}"),
                Err(_) => self.failed.fetch_add(1, Ordering::SeqCst),
            };
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Posts `count` transactions, one every `every`, each until accepted; returns their
    /// references.
    async fn run(self: &Arc<Self>, prefix: &str, count: usize, every: Duration) -> Vec<String> {
        let mut posts = tokio::task::JoinSet::new();
        for n in 0..count {
            let me = self.clone();
            let prefix = prefix.to_string();
            posts.spawn(async move { me.post(&prefix, n).await });
            tokio::time::sleep(every).await;
        }
        posts.join_all().await;
        (0..count).map(|n| format!("{prefix}{n}")).collect()
    }
}

/// Every transaction stored: the references, each once.
async fn stored(srv: &TestServer, business_id: i64) -> Vec<String> {
    let query = TransactionQuery {
        account_id: None,
        from_day: 0,
        to_day: 1_000_000,
        sort: SortOrder::Asc,
        offset: 0,
        limit: 10_000,
    };
    let page = srv
        .store
        .list_transactions(business_id, &query)
        .await
        .unwrap();
    page.records
        .into_iter()
        .map(|t| t.fields.reference)
        .collect()
}

/// A command feed program that prints one transaction per poll (`FTCMD<cursor>`) and moves
/// its cursor on; it notes each run and fails if it finds another run of itself going on.
fn locked_feed_program(dir: &Path) -> String {
    let path = dir.join("feed.sh");
    std::fs::write(
        &path,
        r#"trap '' PIPE
mkdir "$1/lock" 2>/dev/null || { echo overlap >> "$1/overlaps"; exit 1; }
n=${TINGTING_CURSOR:-0}
echo "$PPID $n" >> "$1/runs"
sleep 0.2
rmdir "$1/lock"
echo "{\"bookedAt\":\"2026-11-30T03:00:00Z\",\"amount\":5000,\"description\":\"keo $n\",\"reference\":\"FTCMD$n\"}"
echo "{\"cursor\":\"$((n + 1))\"}"
"#,
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

/// A business with an account and a webhook to a slow receiver, on a fresh database no
/// server runs on yet.
async fn setup(backend: Backend) -> Option<(TestServer, Tenant, SlowReceiver)> {
    let mut setup = TestServer::start(backend).await?;
    let t = setup.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    setup.account(&t, "ACB", ACCOUNT).await;
    let rx = SlowReceiver::start().await;
    setup.webhook(&t, &rx.url).await;
    setup.stop();
    Some((setup, t, rx))
}

async fn three_instances_survive_a_kill(backend: Backend) {
    const COUNT: usize = 600;
    let Some((setup, t, rx)) = setup(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let program = locked_feed_program(dir.path());
    let d = dir.path().to_string_lossy().into_owned();
    let out = cli(
        &setup.db.url,
        &[
            "feed",
            "add-command",
            "--email",
            "owner@hoasen.vn",
            "--account",
            ACCOUNT,
            "--every",
            "1s",
            "--timeout",
            "10s",
            "--",
            "sh",
            &program,
            &d,
        ],
    );
    assert!(out.status.success(), "{out:?}");

    let mut instances: Vec<ServeProcess> = (0..3)
        .map(|_| ServeProcess::spawn(&setup.db.url, &SERVE_ARGS))
        .collect();
    let balancer = Balancer::new(instances.iter().map(|i| i.base.clone()).collect(), &t.key);
    // 200 transactions a second for 3 s; the third instance dies halfway.
    let load = {
        let balancer = balancer.clone();
        tokio::spawn(async move { balancer.run("FTLB", COUNT, Duration::from_millis(5)).await })
    };
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    balancer.up[2].store(false, Ordering::SeqCst);
    let killed_at = Instant::now();
    instances.pop().unwrap().kill();
    let posted = load.await.unwrap();

    // Some command feed polls, then the feed's lines so far must all arrive too.
    let runs_file = dir.path().join("runs");
    eventually(DEADLINE, async || {
        let runs = std::fs::read_to_string(&runs_file).ok()?;
        (runs.lines().count() >= 4).then_some(())
    })
    .await;
    let mut expected: BTreeSet<String> = posted.into_iter().collect();
    let runs = std::fs::read_to_string(&runs_file).unwrap();
    let cursor: usize = runs
        .lines()
        .map(|l| l.split(' ').nth(1).unwrap().parse().unwrap())
        .max()
        .unwrap();
    // A run's line is stored only if its poll was recorded; the run after it prints it again.
    expected.extend((0..cursor).map(|n| format!("FTCMD{n}")));
    let ledger = rx.wait_for(&expected).await;

    // Stored once each, and delivered.
    let mut stored = stored(&setup, t.user.business_id).await;
    stored.sort();
    let before = stored.len();
    stored.dedup();
    assert_eq!(before, stored.len(), "a transaction was stored twice");
    for tid in &expected {
        assert!(stored.binary_search(tid).is_ok(), "{tid} was not stored");
    }
    // A transaction delivered twice was in flight at the receiver when the instance died.
    let window = (killed_at - RECEIVER_DELAY - Duration::from_millis(300))..killed_at;
    let repeated: Vec<_> = ledger.iter().filter(|(_, at)| at.len() > 1).collect();
    for (tid, at) in &repeated {
        assert!(
            window.contains(&at[0]),
            "{tid} was delivered {} times, first {:?} from the kill",
            at.len(),
            killed_at.saturating_duration_since(at[0])
        );
    }
    // The survivors delivered after the kill, and the instances took turns at the feed.
    assert!(rx.hits().iter().any(|h| h.at > killed_at));
    assert!(
        !dir.path().join("overlaps").exists(),
        "two instances polled the command feed at once"
    );
    // The delivery gap: the last posted transaction's first arrival, counted from the kill.
    let gap = ledger
        .iter()
        .filter(|(tid, _)| tid.starts_with("FTLB"))
        .map(|(_, at)| at[0].saturating_duration_since(killed_at))
        .max()
        .unwrap();
    eprintln!(
        "{} transactions, {} delivered twice, the last {gap:?} after the kill; {} command polls",
        expected.len(),
        repeated.len(),
        runs.lines().count()
    );
}

async fn database_restarts_under_load(backend: Backend) {
    const COUNT: usize = 400;
    let Some((setup, t, rx)) = setup(backend).await else {
        return;
    };
    let (proxy, url) = match backend {
        Backend::Sqlite => (None, setup.db.url.clone()),
        Backend::Postgres => {
            let (proxy, url) = Proxy::in_front_of(&setup.db.url).await;
            (Some(proxy), url)
        }
    };
    let instances: Vec<ServeProcess> = (0..2)
        .map(|_| ServeProcess::spawn(&url, &SERVE_ARGS))
        .collect();
    let balancer = Balancer::new(instances.iter().map(|i| i.base.clone()).collect(), &t.key);
    // 100 transactions a second for 4 s; the database is away from 1 s to 2.5 s.
    let load = {
        let balancer = balancer.clone();
        tokio::spawn(async move { balancer.run("FTPG", COUNT, Duration::from_millis(10)).await })
    };
    if let Some(proxy) = &proxy {
        tokio::time::sleep(Duration::from_secs(1)).await;
        proxy.cut();
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        proxy.restore();
    }
    let posted: BTreeSet<String> = load.await.unwrap().into_iter().collect();
    rx.wait_for(&posted).await;
    let stored: Vec<String> = stored(&setup, t.user.business_id).await;
    assert_eq!(stored.len(), COUNT, "each transaction is stored once");
    assert_eq!(stored.into_iter().collect::<BTreeSet<_>>(), posted);
    let unavailable = balancer.unavailable.load(Ordering::SeqCst);
    match backend {
        Backend::Postgres => assert!(unavailable > 0, "no post was refused with 503"),
        Backend::Sqlite => assert_eq!(unavailable, 0),
    }
    eprintln!(
        "{COUNT} transactions; {unavailable} posts refused with 503, {} failed otherwise, {} webhooks for them",
        balancer.failed.load(Ordering::SeqCst),
        rx.hits().len()
    );
}
