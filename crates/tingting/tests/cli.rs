//! The `tingting` command line, end to end: the real binary against fresh SQLite and
//! PostgreSQL databases, with `serve` run as a child process where the API is needed.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::{cli, temp_file, Backend, TestDb, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_tingting");
/// How long a child server may take to start listening (migrations, demo seeding).
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long a child server may take to exit after SIGTERM.
const STOP_DEADLINE: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the command succeeded with nothing on stderr and returns its stdout parsed as JSON.
#[track_caller]
fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "expected success, got {:?}\nstdout: {}\nstderr: {}",
        out.status,
        stdout(out),
        stderr(out)
    );
    assert_eq!(stderr(out), "", "unexpected stderr");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(out)))
}

/// Asserts the command failed with exit code 1, printed nothing on stdout and exactly one line
/// on stderr; returns that line.
#[track_caller]
fn one_error_line(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit code 1\nstdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
    assert_eq!(stdout(out), "", "a failure must print nothing on stdout");
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected exactly one stderr line, got {err:?}"
    );
    assert!(err.ends_with('\n'), "stderr line must end with a newline");
    lines[0].to_string()
}

fn user_create(db: &str, email: &str, business: &str) -> Value {
    let v = ok_json(&cli(
        db,
        &["user", "create", "--email", email, "--business", business],
    ));
    assert!(v["userId"].is_i64(), "{v}");
    assert!(v["businessId"].is_i64(), "{v}");
    v
}

fn apikey_create(db: &str, email: &str, label: &str) -> String {
    let out = cli(
        db,
        &["apikey", "create", "--email", email, "--label", label],
    );
    assert!(out.status.success(), "apikey create: {}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    assert!(text.ends_with('\n'));
    let key = text.trim_end_matches('\n');
    assert!(!key.contains('\n'), "one line expected: {text:?}");
    assert!(key.starts_with("tt_"), "{key}");
    key.to_string()
}

fn account_add(db: &str, email: &str, bank: &str, number: &str) -> Value {
    ok_json(&cli(
        db,
        &[
            "account", "add", "--email", email, "--bank", bank, "--number", number,
        ],
    ))
}

/// `tingting import`; returns the exit code and the report.
fn import(db: &str, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let out = cli(db, &all);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "import printed no JSON report ({e})\nstatus: {:?}\nstdout: {}\nstderr: {}",
            out.status,
            stdout(&out),
            stderr(&out)
        )
    });
    (out.status.code(), report, stderr(&out))
}

/// Asserts `text` is a Vietnam-local `YYYY-MM-DD HH:MM:SS` within a few minutes of now.
#[track_caller]
fn assert_vn_now(text: &str) {
    let at = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|e| panic!("{text:?} is not YYYY-MM-DD HH:MM:SS: {e}"));
    let now = chrono::Utc::now().naive_utc() + chrono::Duration::hours(7);
    let off = (now - at).num_seconds().abs();
    assert!(off < 300, "{text} is not Vietnam time now ({now})");
}

fn report(created: u64, duplicates: u64) -> Value {
    json!({"format": "csv", "created": created, "duplicates": duplicates, "enriched": 0, "rejected_count": 0, "rejected": []})
}

/// `tingting serve` as a child process on 127.0.0.1:0; killed when dropped.
struct Served {
    child: Child,
    /// `http://ADDR`.
    base: String,
    /// Stdout lines up to and including the listening line.
    banner: Vec<String>,
    stderr: Arc<Mutex<String>>,
    /// Keeps the stdout reader's channel open, so later output never hits a closed pipe.
    lines: mpsc::Receiver<String>,
}

impl Served {
    fn start(database: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
            .args(extra)
            .env_remove("DATABASE_URL")
            .env_remove("TINGTING_LISTEN")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn tingting serve");
        let out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        // Built now so the child is killed even if startup fails below.
        let mut served = Self {
            child,
            base: String::new(),
            banner: Vec::new(),
            stderr,
            lines: rx,
        };
        let start = Instant::now();
        loop {
            let left = START_DEADLINE.saturating_sub(start.elapsed());
            match served.lines.recv_timeout(left) {
                Ok(line) => {
                    let addr = line.strip_prefix("tingting listening on ").map(str::to_owned);
                    served.banner.push(line);
                    if let Some(addr) = addr {
                        assert!(addr.starts_with("http://127.0.0.1:"), "{addr}");
                        served.base = addr;
                        return served;
                    }
                }
                Err(e) => panic!(
                    "serve did not print its listening line ({e:?}); stdout so far: {:?}; stderr: {}",
                    served.banner,
                    served.stderr()
                ),
            }
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the process to exit.
    fn terminate(&mut self) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                start.elapsed() < STOP_DEADLINE,
                "serve did not exit within {STOP_DEADLINE:?} of SIGTERM; stderr: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// GET with an optional API key; returns the status and the JSON body.
async fn get(client: &reqwest::Client, url: &str, key: Option<&str>) -> (u16, Value) {
    let mut req = client.get(url);
    if let Some(key) = key {
        req = req.header("Authorization", format!("Apikey {key}"));
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let body = resp.json().await.expect("JSON body");
    (status, body)
}

/// Records of `/v2/transactions` in a date range (one page of up to 1000).
async fn transactions(
    client: &reqwest::Client,
    srv: &Served,
    key: &str,
    from: &str,
    to: &str,
) -> Vec<Value> {
    let (status, body) = get(
        client,
        &srv.url(&format!(
            "/v2/transactions?fromDate={from}&toDate={to}&pageSize=1000"
        )),
        Some(key),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let page = &body["data"];
    let records = page["records"].as_array().expect("records").clone();
    assert_eq!(page["totalRecords"], json!(records.len()), "{body}");
    records
}

// ---------------------------------------------------------------------------------------------
// user create
// ---------------------------------------------------------------------------------------------

async fn user_create_prints_ids_and_rejects_duplicates(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = db.url.as_str();

    let first = user_create(db, "owner@shop.vn", "Cửa hàng Hoa");
    let second = user_create(db, "other@shop.vn", "Another shop");
    assert_ne!(first["userId"], second["userId"]);
    assert_ne!(first["businessId"], second["businessId"]);
    // Exactly the two ids, nothing else.
    assert_eq!(first.as_object().unwrap().len(), 2, "{first}");

    let err = one_error_line(&cli(
        db,
        &[
            "user",
            "create",
            "--email",
            "owner@shop.vn",
            "--business",
            "Again",
        ],
    ));
    assert_eq!(err, "error: a user with email owner@shop.vn already exists");

    for bad in ["not-an-email", "a@b", "a b@shop.vn"] {
        let err = one_error_line(&cli(
            db,
            &["user", "create", "--email", bad, "--business", "X"],
        ));
        assert_eq!(err, format!("error: malformed email address {bad:?}"));
    }

    // E-mails are case-insensitive.
    let upper = user_create(db, "A@x.vn", "Upper");
    let err = one_error_line(&cli(
        db,
        &["user", "create", "--email", "a@x.vn", "--business", "Lower"],
    ));
    assert_eq!(err, "error: a user with email a@x.vn already exists");
    // And the stored address is the lower-cased one: keys for either spelling act for it.
    let key = apikey_create(db, "a@X.VN", "");
    assert!(key.starts_with("tt_"));
    let keys = ok_json(&cli(db, &["apikey", "list", "--email", "A@x.vn"]));
    assert_eq!(keys.as_array().unwrap().len(), 1);
    assert!(upper["userId"].is_i64());

    // An empty business name is refused before touching anything.
    let err = one_error_line(&cli(
        db,
        &[
            "user",
            "create",
            "--email",
            "new@shop.vn",
            "--business",
            "  ",
        ],
    ));
    assert_eq!(err, "error: business name must be 1 to 200 characters");
}

// ---------------------------------------------------------------------------------------------
// apikey create / list / revoke
// ---------------------------------------------------------------------------------------------

async fn apikey_lifecycle(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let url = db.url.as_str();
    user_create(url, "keys@shop.vn", "Keys shop");
    user_create(url, "someone@else.vn", "Else");

    let key = apikey_create(url, "keys@shop.vn", "pos terminal");
    assert_eq!(key.len(), 43, "{key}");
    let unlabelled = {
        let out = cli(url, &["apikey", "create", "--email", "keys@shop.vn"]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).trim_end().to_string()
    };
    assert!(unlabelled.starts_with("tt_"));
    assert_ne!(key, unlabelled);

    let srv = Served::start(url, &[]);
    let client = reqwest::Client::new();
    let (status, body) = get(&client, &srv.url("/v2/userInfo"), Some(&key)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"], 0);
    assert_eq!(body["data"]["user"]["email"], "keys@shop.vn");
    assert_eq!(body["data"]["business"]["name"], "Keys shop");
    let (status, _) = get(&client, &srv.url("/v2/userInfo"), Some(&unlabelled)).await;
    assert_eq!(status, 200);

    // The listing: ids, labels, prefixes, never the keys.
    let out = cli(url, &["apikey", "list", "--email", "keys@shop.vn"]);
    let listed = ok_json(&out);
    let text = stdout(&out);
    assert!(!text.contains(&key), "the full key must never be listed");
    assert!(
        !text.contains(&unlabelled),
        "the full key must never be listed"
    );
    let listed = listed.as_array().expect("a JSON array").clone();
    assert_eq!(listed.len(), 2, "{listed:?}");
    let entry = listed
        .iter()
        .find(|k| k["label"] == "pos terminal")
        .expect("the labelled key is listed");
    let mut fields: Vec<&str> = entry
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["createdAt", "id", "label", "prefix", "revokedAt", "scopes"]
    );
    let id = entry["id"].as_i64().expect("numeric id");
    let prefix = entry["prefix"].as_str().expect("prefix");
    assert!(
        prefix.starts_with("tt_") && prefix.len() < key.len(),
        "{prefix}"
    );
    assert!(
        key.starts_with(prefix),
        "{prefix} is not a prefix of the key"
    );
    assert_vn_now(entry["createdAt"].as_str().expect("createdAt"));
    assert_eq!(entry["revokedAt"], Value::Null);
    let other = listed.iter().find(|k| k["id"] != id).unwrap();
    assert_eq!(other["label"], "");
    assert_eq!(other["revokedAt"], Value::Null);

    // The other user sees none of these keys.
    let theirs = ok_json(&cli(url, &["apikey", "list", "--email", "someone@else.vn"]));
    assert_eq!(theirs, json!([]));

    // Revoke.
    let revoked = ok_json(&cli(url, &["apikey", "revoke", &id.to_string()]));
    assert_eq!(revoked, json!({"revoked": id}));
    let listed = ok_json(&cli(url, &["apikey", "list", "--email", "keys@shop.vn"]));
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .expect("a revoked key is still listed")
        .clone();
    assert_vn_now(entry["revokedAt"].as_str().expect("revokedAt set"));
    let still = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] != id)
        .unwrap();
    assert_eq!(still["revokedAt"], Value::Null);

    let (status, body) = get(&client, &srv.url("/v2/userInfo"), Some(&key)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["message"], "Unauthorized Access");
    let (status, _) = get(&client, &srv.url("/v2/userInfo"), Some(&unlabelled)).await;
    assert_eq!(status, 200, "other keys keep working");

    let err = one_error_line(&cli(url, &["apikey", "revoke", &id.to_string()]));
    assert_eq!(err, format!("error: no active API key with id {id}"));
    let err = one_error_line(&cli(url, &["apikey", "revoke", "987654"]));
    assert_eq!(err, "error: no active API key with id 987654");

    for args in [
        ["apikey", "create", "--email", "nobody@shop.vn"].as_slice(),
        ["apikey", "list", "--email", "nobody@shop.vn"].as_slice(),
    ] {
        let err = one_error_line(&cli(url, args));
        assert_eq!(err, "error: no user with email nobody@shop.vn");
    }
    let err = one_error_line(&cli(url, &["apikey", "list", "--email", "nobody"]));
    assert_eq!(err, "error: malformed email address \"nobody\"");
}

// ---------------------------------------------------------------------------------------------
// account add
// ---------------------------------------------------------------------------------------------

async fn account_add_resolves_banks_and_rejects_bad_input(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let url = db.url.as_str();
    let owner = user_create(url, "acc@shop.vn", "Accounts shop");
    let other = user_create(url, "acc2@shop.vn", "Second shop");

    let by_bin = account_add(url, "acc@shop.vn", "970416", "11112222");
    assert!(by_bin["accountId"].is_i64(), "{by_bin}");
    assert_eq!(by_bin["businessId"], owner["businessId"]);
    assert_eq!(by_bin["bank"], "ACB");
    assert_eq!(by_bin["accountNumber"], "11112222");

    let by_code = account_add(url, "acc@shop.vn", "VCB", "0123456789");
    assert_eq!(by_code["bank"], "VCB");
    let by_code_name = account_add(url, "acc@shop.vn", "acb_digi", "33334444");
    assert_eq!(by_code_name["bank"], "ACB");
    // People type separators; they are dropped.
    let typed = account_add(url, "acc@shop.vn", "acb", "5555-6666 77");
    assert_eq!(typed["accountNumber"], "5555666677");
    let ids: std::collections::HashSet<i64> = [&by_bin, &by_code, &by_code_name, &typed]
        .iter()
        .map(|v| v["accountId"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);

    // With a holder name.
    let named = ok_json(&cli(
        url,
        &[
            "account",
            "add",
            "--email",
            "acc@shop.vn",
            "--bank",
            "VCB",
            "--number",
            "999888777",
            "--name",
            "NGUYEN VAN A",
        ],
    ));
    assert!(named["accountId"].is_i64());

    let err = one_error_line(&cli(
        url,
        &[
            "account",
            "add",
            "--email",
            "acc@shop.vn",
            "--bank",
            "NOPE",
            "--number",
            "123456",
        ],
    ));
    assert!(err.starts_with("error: unknown bank \"NOPE\""), "{err}");

    let err = one_error_line(&cli(
        url,
        &[
            "account",
            "add",
            "--email",
            "acc@shop.vn",
            "--bank",
            "ACB",
            "--number",
            "11112222",
        ],
    ));
    assert_eq!(
        err,
        "error: the business already has account number 11112222"
    );

    // The same number in another business is fine.
    let theirs = account_add(url, "acc2@shop.vn", "ACB", "11112222");
    assert_eq!(theirs["businessId"], other["businessId"]);
    assert_ne!(theirs["accountId"], by_bin["accountId"]);

    let err = one_error_line(&cli(
        url,
        &[
            "account",
            "add",
            "--email",
            "acc@shop.vn",
            "--bank",
            "ACB",
            "--number",
            "12",
        ],
    ));
    assert_eq!(
        err,
        "error: account number \"12\" must be 3 to 32 letters or digits"
    );

    let err = one_error_line(&cli(
        url,
        &[
            "account",
            "add",
            "--email",
            "ghost@shop.vn",
            "--bank",
            "ACB",
            "--number",
            "424242",
        ],
    ));
    assert_eq!(err, "error: no user with email ghost@shop.vn");

    // Both businesses' accounts show through the API, each to its own owner only.
    let key = apikey_create(url, "acc@shop.vn", "");
    let srv = Served::start(url, &[]);
    let client = reqwest::Client::new();
    let (status, body) = get(&client, &srv.url("/v2/accounts"), Some(&key)).await;
    assert_eq!(status, 200, "{body}");
    let accounts = body["data"].as_array().unwrap();
    assert_eq!(accounts.len(), 5, "{body}");
    let acb = accounts
        .iter()
        .find(|a| a["accountNumber"] == "11112222")
        .unwrap();
    assert_eq!(acb["BIN"], 970416);
    assert_eq!(acb["bankCodeName"], "acb_digi");
    let vcb = accounts
        .iter()
        .find(|a| a["accountNumber"] == "0123456789")
        .unwrap();
    assert_eq!(vcb["BIN"], 970436);
    let holder = accounts
        .iter()
        .find(|a| a["accountNumber"] == "999888777")
        .unwrap();
    assert_eq!(holder["accountName"], "NGUYEN VAN A");
}

// ---------------------------------------------------------------------------------------------
// import
// ---------------------------------------------------------------------------------------------

const AMOUNT_CSV: &str = "time,description,amount,balance,reference
2025-04-22 09:30:00,CK DH1234 thanh toan,\"1,200,000\",\"15,200,000\",FT25112ABC
22/04/2025 14:05,Phi SMS,-11.000,15.189.000,
2025-04-23T01:00:00Z,Chuyen tien DH1235,500000,15689000,FT25113XYZ
";

const CREDIT_DEBIT_CSV: &str = "Time,Description,Credit,Debit,Balance,Counterparty_Name
2025-05-01 08:00,Nhan tien DH2001,250000,,1250000,TRAN THI BINH
2025-05-01 09:15:30,Tra tien hang,,\"100,000\",1150000,
2025-05-02,Nhan tien DH2002,50.000,,1200000,
";

/// An MT940 file is recognised without `--format`, stored with its running balances, and
/// imported once however often it is imported; entries about another account are refused.
async fn import_mt940_files(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let url = db.url.as_str();
    let dir = tempfile::tempdir().unwrap();
    user_create(url, "mt@shop.vn", "MT shop");
    account_add(url, "mt@shop.vn", "ACB", "12345678");
    let file = temp_file(&dir, "statement.sta", common::MT940_SAMPLE);
    let path = file.to_str().unwrap();

    let (code, rep, err) = import(url, &["--account", "12345678", path]);
    assert_eq!(code, Some(2), "{rep} {err}");
    assert_eq!(rep["format"], "mt940");
    assert_eq!(
        (&rep["created"], &rep["duplicates"]),
        (&json!(2), &json!(0))
    );
    assert_eq!(
        rep["rejected"],
        json!([{"line": 16, "message": "the statement is for account 99998888, not 12345678"}])
    );
    assert_eq!(err, "1 entry rejected; the rest is imported. Fix them and import again: stored entries are skipped as duplicates.\n");
    let (_, rep, _) = import(url, &["--account", "12345678", "--format", "mt940", path]);
    assert_eq!(
        (&rep["created"], &rep["duplicates"]),
        (&json!(0), &json!(2))
    );
    // Read as CSV, the file has no usable header.
    let out = cli(
        url,
        &["import", "--account", "12345678", "--format", "csv", path],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no \"time\" column"),
        "{}",
        stderr(&out)
    );

    let key = apikey_create(url, "mt@shop.vn", "");
    let srv = Served::start(url, &[]);
    let client = reqwest::Client::new();
    let records = transactions(&client, &srv, &key, "2025-04-22", "2025-04-22").await;
    let got: Vec<(i64, i64, &str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["amount"].as_i64().unwrap(),
                r["cusum_balance"].as_i64().unwrap(),
                r["description"].as_str().unwrap(),
                r["tid"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                250_000,
                1_250_000,
                "DH1042 NGUYEN VAN A chuyen tien",
                "FT25112000001"
            ),
            (-11_000, 1_239_000, "Phi SMS Banking", "FT25112000002"),
        ]
    );
}

async fn import_canonical_csv_files(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let url = db.url.as_str();
    let dir = tempfile::tempdir().unwrap();
    user_create(url, "imp@shop.vn", "Import shop");
    let acb = account_add(url, "imp@shop.vn", "ACB", "12345678");
    let vcb = account_add(url, "imp@shop.vn", "VCB", "0011223344");
    let amount_file = temp_file(&dir, "amount.csv", AMOUNT_CSV);
    let credit_file = temp_file(&dir, "credit.csv", CREDIT_DEBIT_CSV);
    let amount_path = amount_file.to_str().unwrap();
    let credit_path = credit_file.to_str().unwrap();

    let (code, rep, err) = import(url, &["--account", "12345678", amount_path]);
    assert_eq!((code, &rep, err.as_str()), (Some(0), &report(3, 0), ""));
    let (code, rep, err) = import(url, &["--account", "0011223344", credit_path]);
    assert_eq!((code, &rep, err.as_str()), (Some(0), &report(3, 0), ""));

    // Importing again stores nothing new.
    let (code, rep, _) = import(url, &["--account", "12345678", amount_path]);
    assert_eq!((code, rep), (Some(0), report(0, 3)));
    let (code, rep, _) = import(url, &["--account", "0011223344", credit_path]);
    assert_eq!((code, rep), (Some(0), report(0, 3)));

    // The API lists them with Vietnam-local times and signed amounts.
    let key = apikey_create(url, "imp@shop.vn", "");
    let srv = Served::start(url, &[]);
    let client = reqwest::Client::new();
    let records = transactions(&client, &srv, &key, "2025-04-01", "2025-05-31").await;
    let got: Vec<(String, i64, Option<i64>, String, String, i64)> = records
        .iter()
        .map(|r| {
            (
                r["when"].as_str().unwrap().to_string(),
                r["amount"].as_i64().unwrap(),
                r["cusum_balance"].as_i64(),
                r["description"].as_str().unwrap().to_string(),
                r["tid"].as_str().unwrap().to_string(),
                r["accountId"].as_i64().unwrap(),
            )
        })
        .collect();
    let a = acb["accountId"].as_i64().unwrap();
    let v = vcb["accountId"].as_i64().unwrap();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (
                s("2025-04-22 09:30:00"),
                1_200_000,
                Some(15_200_000),
                s("CK DH1234 thanh toan"),
                s("FT25112ABC"),
                a
            ),
            (
                s("2025-04-22 14:05:00"),
                -11_000,
                Some(15_189_000),
                s("Phi SMS"),
                s(""),
                a
            ),
            (
                s("2025-04-23 08:00:00"),
                500_000,
                Some(15_689_000),
                s("Chuyen tien DH1235"),
                s("FT25113XYZ"),
                a
            ),
            (
                s("2025-05-01 08:00:00"),
                250_000,
                Some(1_250_000),
                s("Nhan tien DH2001"),
                s(""),
                v
            ),
            (
                s("2025-05-01 09:15:30"),
                -100_000,
                Some(1_150_000),
                s("Tra tien hang"),
                s(""),
                v
            ),
            (
                s("2025-05-02 00:00:00"),
                50_000,
                Some(1_200_000),
                s("Nhan tien DH2002"),
                s(""),
                v
            ),
        ]
    );
    assert_eq!(records[3]["corresponsiveName"], "TRAN THI BINH");
    assert_eq!(records[0]["bankSubAccId"], "12345678");
    assert_eq!(records[0]["bankCodeName"], "acb_digi");
    assert_eq!(records[5]["bankSubAccId"], "0011223344");

    // A day boundary: 2025-04-22 14:05 local is still on the 22nd, 2025-04-23T01:00Z is the 23rd.
    let day = transactions(&client, &srv, &key, "2025-04-23", "2025-04-23").await;
    assert_eq!(day.len(), 1);
    assert_eq!(day[0]["when"], "2025-04-23 08:00:00");
}

async fn import_rejects_bad_lines_but_keeps_the_rest(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let url = db.url.as_str();
    let dir = tempfile::tempdir().unwrap();
    user_create(url, "bad@shop.vn", "Bad lines shop");
    account_add(url, "bad@shop.vn", "ACB", "12345678");
    let file = temp_file(
        &dir,
        "mixed.csv",
        "time,description,amount,balance
2025-04-22 09:30,ok one,100000,
2025-04-22 10:00,bad amount,12.5,
hom qua,bad time,5000,
2025-04-22 11:00,ok two,-2000,
2025-04-22 12:00,zero,0,
",
    );
    let path = file.to_str().unwrap();

    let (code, rep, err) = import(url, &["--account", "12345678", path]);
    assert_eq!(code, Some(2), "{rep} {err}");
    assert_eq!(rep["created"], 2, "{rep}");
    assert_eq!(rep["duplicates"], 0, "{rep}");
    assert_eq!(rep["rejected_count"], 3, "{rep}");
    let rejected = rep["rejected"].as_array().unwrap();
    let lines: Vec<i64> = rejected
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 6], "{rep}");
    let messages: Vec<&str> = rejected
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].starts_with("amount \"12.5\""),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].starts_with("time \"hom qua\""),
        "{}",
        messages[1]
    );
    assert_eq!(messages[2], "amount \"0\" must not be zero");
    assert_eq!(
        err,
        "3 entries rejected; the rest is imported. Fix them and import again: stored entries are skipped as duplicates.\n"
    );

    // Again: the good lines are duplicates now, the bad ones still rejected.
    let (code, rep, _) = import(url, &["--account", "12345678", path]);
    assert_eq!(code, Some(2));
    assert_eq!(
        (&rep["created"], &rep["duplicates"], &rep["rejected_count"]),
        (&json!(0), &json!(2), &json!(3))
    );
}

async fn import_refuses_bad_headers_and_unknown_accounts(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let url = db.url.as_str();
    let dir = tempfile::tempdir().unwrap();
    user_create(url, "hdr@shop.vn", "Header shop");
    user_create(url, "hdr2@shop.vn", "Other header shop");
    account_add(url, "hdr@shop.vn", "ACB", "12345678");
    account_add(url, "hdr2@shop.vn", "VCB", "12345678");
    account_add(url, "hdr@shop.vn", "VCB", "55556666");
    let rows = "2025-04-22 09:30,one,100000\n2025-04-22 10:00,two,-5000\n";
    let no_time = temp_file(&dir, "no_time.csv", &format!("when,memo,value\n{rows}"));
    let good = temp_file(
        &dir,
        "good.csv",
        &format!("time,description,amount\n{rows}"),
    );
    let no_time = no_time.to_str().unwrap();
    let good = good.to_str().unwrap();

    let out = cli(url, &["import", "--account", "55556666", no_time]);
    let err = one_error_line(&out);
    // Neither a bank export's header nor the canonical one: both reasons are given.
    assert!(
        err.starts_with("error: no header row found in the first 3 non-blank rows"),
        "{err}"
    );
    assert!(
        err.contains("(say where the columns are: --columns"),
        "{err}"
    );
    assert!(
        err.ends_with("as tingting's canonical CSV: the header has no \"time\" column (found columns: \"when\", \"memo\", \"value\")"),
        "{err}"
    );
    // A bad column mapping is refused by the argument parser, naming the field.
    let out = cli(
        url,
        &[
            "import",
            "--account",
            "55556666",
            "--columns",
            "when=A",
            no_time,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("when"));
    // Nothing was imported: the same rows under a good header are all new.
    let (code, rep, _) = import(url, &["--account", "55556666", good]);
    assert_eq!((code, rep), (Some(0), report(2, 0)));
    // With a mapping, the unrecognised header is read (its rows are the same transactions).
    let out = cli(
        url,
        &[
            "import",
            "--account",
            "55556666",
            "--columns",
            "date=A,description=B,amount=C",
            no_time,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mapped: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        mapped["columns"],
        "date=A, description=B, amount=C; no header row"
    );
    assert_eq!(
        (&mapped["created"], &mapped["duplicates"]),
        (&serde_json::json!(0), &serde_json::json!(2))
    );

    let err = one_error_line(&cli(url, &["import", "--account", "99999999", good]));
    assert_eq!(err, "error: no account with number 99999999");

    // A number two businesses share needs --email.
    let err = one_error_line(&cli(url, &["import", "--account", "12345678", good]));
    assert_eq!(
        err,
        "error: several businesses have account 12345678; say which with --email"
    );
    let (code, rep, _) = import(
        url,
        &["--account", "12345678", "--email", "hdr2@shop.vn", good],
    );
    assert_eq!((code, rep), (Some(0), report(2, 0)));
    let (code, rep, _) = import(
        url,
        &["--account", "12345678", "--email", "hdr@shop.vn", good],
    );
    assert_eq!((code, rep), (Some(0), report(2, 0)), "a separate account");
    let err = one_error_line(&cli(
        url,
        &[
            "import",
            "--account",
            "99999999",
            "--email",
            "hdr@shop.vn",
            good,
        ],
    ));
    assert_eq!(err, "error: hdr@shop.vn has no account 99999999");

    let missing = dir.path().join("missing.csv");
    let err = one_error_line(&cli(
        url,
        &["import", "--account", "55556666", missing.to_str().unwrap()],
    ));
    assert!(err.starts_with("error: cannot open "), "{err}");
    assert!(err.contains("missing.csv"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// serve
// ---------------------------------------------------------------------------------------------

async fn serve_demo_seeds_once_and_reuses(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let url = db.url.as_str();
    let today = tingting::domain::time::vn_today();
    let from = (today - chrono::Days::new(30))
        .format("%Y-%m-%d")
        .to_string();
    // Tomorrow too, in case the Vietnam day turns while the test runs.
    let to = (today + chrono::Days::new(1))
        .format("%Y-%m-%d")
        .to_string();

    let mut srv = Served::start(url, &["--demo"]);
    let banner = srv.banner.clone();
    let key_line = banner
        .iter()
        .find(|l| l.starts_with("API key"))
        .unwrap_or_else(|| panic!("no API key line in {banner:#?}"));
    let key = key_line.rsplit(' ').next().unwrap().to_string();
    assert!(key.starts_with("tt_") && key.len() == 43, "{key_line}");
    assert!(
        banner[0].starts_with("Created the demo business"),
        "{banner:#?}"
    );
    assert!(banner[0].contains("demo@tingting.local"), "{banner:#?}");
    let curls: Vec<&String> = banner
        .iter()
        .filter(|l| l.trim_start().starts_with("curl "))
        .collect();
    assert_eq!(curls.len(), 6, "{banner:#?}");
    assert!(curls[3].contains("/v2/sync"), "{banner:#?}");
    assert!(curls[4].contains("/v2/payment-requests"), "{banner:#?}");
    assert!(
        curls[5].contains("/v2/ingest") && curls[5].contains("\"account\":\"12345678\""),
        "{banner:#?}"
    );
    for line in &curls {
        assert!(
            line.contains(&format!("Authorization: Apikey {key}")),
            "{line}"
        );
        assert!(line.contains(&srv.base), "{line}");
    }
    assert_eq!(
        banner.last().unwrap(),
        &format!("tingting listening on {}", srv.base)
    );

    let client = reqwest::Client::new();
    let (status, body) = get(&client, &srv.url("/v2/accounts"), Some(&key)).await;
    assert_eq!(status, 200, "{body}");
    let accounts = body["data"].as_array().unwrap();
    assert_eq!(accounts.len(), 2, "{body}");
    let mut bins: Vec<i64> = accounts
        .iter()
        .map(|a| a["BIN"].as_i64().unwrap())
        .collect();
    bins.sort_unstable();
    assert_eq!(bins, [970416, 970436]);

    let records = transactions(&client, &srv, &key, &from, &to).await;
    assert!(
        (150..=250).contains(&records.len()),
        "{} demo transactions",
        records.len()
    );
    let order_no = |d: &str| {
        d.match_indices("DH").any(|(i, _)| {
            d[i + 2..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    assert!(records
        .iter()
        .any(|r| order_no(r["description"].as_str().unwrap())));
    assert!(records.iter().any(|r| r["amount"].as_i64().unwrap() > 0));
    assert!(records.iter().any(|r| r["amount"].as_i64().unwrap() < 0));
    // Per account, oldest first, the running balances add up.
    for account in accounts {
        let id = account["id"].as_i64().unwrap();
        let mut mine: Vec<&Value> = records.iter().filter(|r| r["accountId"] == id).collect();
        assert!(
            mine.len() > 10,
            "account {id} has {} transactions",
            mine.len()
        );
        mine.sort_by_key(|r| {
            (
                r["when"].as_str().unwrap().to_string(),
                r["id"].as_i64().unwrap(),
            )
        });
        for pair in mine.windows(2) {
            let prev = pair[0]["cusum_balance"].as_i64().expect("balance");
            let cur = pair[1]["cusum_balance"].as_i64().expect("balance");
            let amount = pair[1]["amount"].as_i64().unwrap();
            assert_eq!(cur, prev + amount, "{} after {}", pair[1], pair[0]);
        }
        let last = mine.last().unwrap()["cusum_balance"].as_i64().unwrap();
        assert_eq!(account["balance"], last, "{account}");
        // A demo bank feed keeps transfers coming.
        let (status, feeds) = get(
            &client,
            &srv.url(&format!("/v2/accounts/{id}/feeds")),
            Some(&key),
        )
        .await;
        assert_eq!(status, 200, "{feeds}");
        assert_eq!(feeds["data"][0]["kind"], "demo", "{feeds}");
        assert_eq!(feeds["data"][0]["enabled"], true, "{feeds}");
    }

    drop(client);
    let status = srv.terminate();
    assert_eq!(status.code(), Some(0), "stderr: {}", srv.stderr());
    drop(srv);

    // Again on the same database: reused, unchanged, and a new key works (the old one too).
    let srv = Served::start(url, &["--demo"]);
    assert!(
        srv.banner[0].starts_with("Reusing the demo business"),
        "{:#?}",
        srv.banner
    );
    assert!(srv.banner[0].contains("its history is kept"));
    let key2 = srv
        .banner
        .iter()
        .find(|l| l.starts_with("API key"))
        .and_then(|l| l.rsplit(' ').next())
        .expect("API key line")
        .to_string();
    assert!(key2.starts_with("tt_"));
    assert_ne!(key2, key);
    let client = reqwest::Client::new();
    // The history is unchanged; the demo bank feeds may have added transfers since.
    let again = transactions(&client, &srv, &key2, &from, &to).await;
    let ids = |rs: &[Value]| rs.iter().map(|r| r["id"].clone()).collect::<Vec<_>>();
    let again_ids = ids(&again);
    assert!(
        ids(&records).iter().all(|id| again_ids.contains(id)),
        "the seeded transactions are all still there"
    );
    let (status, body) = get(&client, &srv.url("/v2/accounts"), Some(&key2)).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let (status, _) = get(&client, &srv.url("/v2/userInfo"), Some(&key)).await;
    assert_eq!(status, 200, "earlier keys keep working");
}

async fn healthz_on_child_server(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let mut srv = Served::start(&db.url, &[]);
    assert_eq!(srv.banner, [format!("tingting listening on {}", srv.base)]);
    let client = reqwest::Client::new();
    let (status, body) = get(&client, &srv.url("/healthz"), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"], 0);
    // The API itself wants a key.
    let (status, _) = get(&client, &srv.url("/v2/userInfo"), None).await;
    assert_eq!(status, 401);
    drop(client);
    let status = srv.terminate();
    assert_eq!(status.code(), Some(0), "stderr: {}", srv.stderr());
}

// ---------------------------------------------------------------------------------------------
// Choosing the database
// ---------------------------------------------------------------------------------------------

fn bare_command(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    cmd
}

async fn default_database_is_tingting_db_in_working_dir(backend: Backend) {
    if backend != Backend::Sqlite {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = bare_command(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "def@shop.vn",
            "--business",
            "Default",
        ])
        .output()
        .unwrap();
    let created = ok_json(&out);
    assert!(created["userId"].is_i64());
    let file = dir.path().join("tingting.db");
    assert!(
        file.is_file(),
        "tingting.db was not created in the working directory"
    );

    // The same file is used again without --database, and it is the file --database names.
    let out = bare_command(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "DEF@shop.vn",
            "--business",
            "Again",
        ])
        .output()
        .unwrap();
    assert_eq!(
        one_error_line(&out),
        "error: a user with email def@shop.vn already exists"
    );
    let url = format!("sqlite://{}", file.display());
    assert_eq!(
        ok_json(&cli(&url, &["apikey", "list", "--email", "def@shop.vn"])),
        json!([])
    );
}

async fn database_url_env_is_honoured(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = bare_command(work.path())
        .env("DATABASE_URL", &db.url)
        .args([
            "user",
            "create",
            "--email",
            "env@shop.vn",
            "--business",
            "Env",
        ])
        .output()
        .unwrap();
    let created = ok_json(&out);
    assert!(created["userId"].is_i64());
    assert!(
        !work.path().join("tingting.db").exists(),
        "the default database must not be used when DATABASE_URL is set"
    );
    // The user is in the database DATABASE_URL names.
    assert_eq!(
        ok_json(&cli(&db.url, &["apikey", "list", "--email", "env@shop.vn"])),
        json!([])
    );
    // --database wins over DATABASE_URL.
    let other = tempfile::tempdir().unwrap();
    let other_url = format!("sqlite://{}", other.path().join("other.db").display());
    let out = bare_command(work.path())
        .env("DATABASE_URL", &db.url)
        .args(["--database", &other_url])
        .args([
            "user",
            "create",
            "--email",
            "env@shop.vn",
            "--business",
            "Env",
        ])
        .output()
        .unwrap();
    ok_json(&out);
    assert!(other.path().join("other.db").is_file());
}

/// The operators' webhook commands see and act on what the API created (no worker runs here,
/// so deliveries stay where the commands put them).
async fn webhook_commands(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("ops@shop.vn", "Ops").await;
    srv.account(&t, "ACB", "12345678").await;
    let (status, hook) = srv
        .post(
            "/v2/webhooks",
            &t.key,
            &json!({"webhook": "https://shop.vn/hook", "income_only": true}),
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    let hook_id = hook["data"]["id"].as_i64().unwrap().to_string();
    let today = common::vn_today();
    srv.ingest(
        &t,
        "12345678",
        vec![
            json!({"amount": 50000, "bookedAt": format!("{today} 09:00:00"), "description": "DH1 in"}),
            json!({"amount": -1000, "bookedAt": format!("{today} 09:01:00"), "description": "out"}),
        ],
    )
    .await;
    let run = |args: &[&str]| {
        let out = cli(&srv.db.url, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).expect("JSON on stdout")
    };
    let list = run(&["webhook", "list", "--email", "ops@shop.vn"]);
    assert_eq!(list[0]["url"], "https://shop.vn/hook");
    assert_eq!(list[0]["incomeOnly"], true);
    let deliveries = run(&["webhook", "deliveries", "--email", "ops@shop.vn", &hook_id]);
    assert_eq!(
        deliveries.as_array().unwrap().len(),
        1,
        "income only: {deliveries}"
    );
    assert_eq!(deliveries[0]["status"], "pending");
    let delivery_id = deliveries[0]["id"].as_i64().unwrap().to_string();
    let retried = run(&["webhook", "retry", "--email", "ops@shop.vn", &delivery_id]);
    assert_eq!(retried["id"].to_string(), delivery_id);
    let replay = run(&[
        "webhook",
        "replay",
        "--email",
        "ops@shop.vn",
        &hook_id,
        "--from",
        &today,
        "--to",
        &today,
    ]);
    assert_eq!(replay, json!({"enqueued": 1}));
    let ping = run(&["webhook", "test", "--email", "ops@shop.vn", &hook_id]);
    assert_eq!(ping["transactionId"], 0);
    let deliveries = run(&["webhook", "deliveries", "--email", "ops@shop.vn", &hook_id]);
    assert_eq!(deliveries.as_array().unwrap().len(), 3);
    // Another business's webhook is out of reach.
    srv.tenant("other@shop.vn", "Other").await;
    let out = cli(
        &srv.db.url,
        &[
            "webhook",
            "deliveries",
            "--email",
            "other@shop.vn",
            &hook_id,
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no webhook"));
}

both_backends!(
    webhook_commands,
    user_create_prints_ids_and_rejects_duplicates,
    apikey_lifecycle,
    account_add_resolves_banks_and_rejects_bad_input,
    import_canonical_csv_files,
    import_mt940_files,
    import_rejects_bad_lines_but_keeps_the_rest,
    import_refuses_bad_headers_and_unknown_accounts,
    serve_demo_seeds_once_and_reuses,
    healthz_on_child_server,
    default_database_is_tingting_db_in_working_dir,
    database_url_env_is_honoured,
    json_logs,
);

/// `--log-format json` writes one JSON object per log line.
async fn json_logs(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_tingting"))
        .args(["--log-format", "json", "--database", &db.url, "serve"])
        .args(["--listen", "127.0.0.1:0", "--role", "worker"])
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tingting serve");
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let line = stderr
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("serving"))
        .expect("a log line about serving");
    let _ = child.kill();
    let _ = child.wait();
    let entry: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(entry["level"], "INFO", "{line}");
    assert_eq!(entry["fields"]["role"], "Worker", "{line}");
    assert!(entry["timestamp"].is_string(), "{line}");
}
