//! `tingting-bench`: tingting's release-mode load generator.
//!
//! `tingting-bench read` generates a canonical CSV statement, imports it with the `tingting`
//! CLI (timing it and sampling its peak RSS), starts `tingting serve`, drives
//! `GET /v2/transactions` from keep-alive connections in a closed loop and prints throughput,
//! latency percentiles and the server's memory.
//!
//! `tingting-bench import` generates a statement (canonical CSV, MT940 or camt.053) and times its import
//! with the `tingting` CLI, sampling its peak RSS.
//!
//! `tingting-bench webhooks` starts `tingting serve` (one on SQLite, or several on a fresh
//! PostgreSQL database) and a webhook receiver, pushes transactions through `POST /v2/ingest`
//! at fixed open-loop rates and prints, per rate, how many webhooks arrived and the latency
//! from each transaction's scheduled send to its webhook's arrival; it can kill an instance
//! mid-step and time the takeover of its deliveries. See `crates/bench/README.md`.

mod camtgen;
mod csvgen;
mod load;
mod mt940gen;
mod pgdb;
mod procfs;
mod tingting;
mod util;
mod webhooks;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{Days, FixedOffset, NaiveDateTime, Utc};
use clap::{Parser, Subcommand};
use serde::{Deserialize, Serialize};

use crate::tingting::{Server, Tingting};
use crate::util::{mib, mib_bytes, parse_duration, secs, thousands};

/// tingting's load generator.
#[derive(Debug, Parser)]
#[command(name = "tingting-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import a generated statement, then load `GET /v2/transactions` and report latency.
    Read(ReadArgs),
    /// Push transactions at fixed rates and time each one's webhook.
    Webhooks(WebhookArgs),
    /// Generate a statement file (canonical CSV, MT940 or camt.053) and time its `tingting import`.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// Entries in the generated statement.
    #[arg(long, default_value_t = 1_000_000)]
    entries: u64,
    /// The file's format.
    #[arg(long, default_value = "mt940", value_parser = ["csv", "mt940", "camt"])]
    format: String,
    /// The tingting binary [default: target/release/tingting, else next to this binary].
    #[arg(long)]
    tingting: Option<PathBuf>,
    /// Working directory for the file and the database [default: a new temporary directory].
    #[arg(long)]
    workdir: Option<PathBuf>,
    /// Keep the working directory.
    #[arg(long)]
    keep: bool,
    /// Seed of the data generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

#[derive(Debug, clap::Args)]
struct WebhookArgs {
    /// Transactions per second, one step per value (comma-separated, e.g. 500,1000,2000).
    #[arg(long, value_delimiter = ',', default_value = "500")]
    rate: Vec<u32>,
    /// Measured time of each step (e.g. 60s, 2m).
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    duration: Duration,
    /// Unmeasured lead-in of each step, at its rate.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    warmup: Duration,
    /// How long to wait for late webhooks after a step's last send.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    drain: Duration,
    /// Webhook format: legacy, casso_v2 or standard.
    #[arg(long, default_value = "legacy")]
    format: String,
    /// How transactions enter: `ingest` (POST /v2/ingest) or `notify` (bank SMS texts posted
    /// to the account's notification ingest URL).
    #[arg(long, default_value = "ingest", value_parser = ["ingest", "notify"])]
    via: String,
    /// The tingting binary [default: target/release/tingting, else next to this binary].
    #[arg(long)]
    tingting: Option<PathBuf>,
    /// Working directory for the SQLite database [default: a new temporary directory].
    #[arg(long, conflicts_with = "database")]
    workdir: Option<PathBuf>,
    /// Keep the working directory (with --database: the database).
    #[arg(long)]
    keep: bool,
    /// A PostgreSQL server URL (e.g. postgres://postgres@127.0.0.1:5432/postgres): the run
    /// creates a database `tingting_bench_<unix seconds>_<pid>` there and drops it afterwards
    /// [default: SQLite in the working directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// `tingting serve` processes on the database, sent to in turn (more than 1 needs
    /// --database).
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// Bank accounts of the business the transactions are spread over, in turn (with
    /// `--via ingest`): ingests of one account are stored one batch at a time, so this is how
    /// a platform of many shops loads tingting.
    #[arg(long, default_value_t = 1)]
    accounts: usize,
    /// SIGKILL the last instance after this much measured time of the first step, and time how
    /// its pending deliveries are taken over (needs --instances 2 or more).
    #[arg(long, value_parser = parse_duration)]
    kill_after: Option<Duration>,
    /// `--webhook-timeout` of the servers [default: tingting's, 15s]; a killed instance's
    /// deliveries are taken over once their lease (this plus 5 s) has expired.
    #[arg(long, value_parser = parse_duration)]
    webhook_timeout: Option<Duration>,
    /// An extra argument for every `tingting serve` (repeatable), e.g.
    /// --serve-arg=--rate-limit-api=1000000/s.
    #[arg(long = "serve-arg", value_name = "ARG", allow_hyphen_values = true)]
    serve_args: Vec<String>,
    /// Worker threads of the load generator's runtime (it also runs the receiver).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// Pay a payment request with each transaction: one is created per transaction before
    /// each step, its order code goes in the memo, and the time measured is to its
    /// `payment_request.paid` webhook (a second receiver, subscribed to payment events).
    #[arg(long)]
    payments: bool,
}

#[derive(Debug, clap::Args)]
struct ReadArgs {
    /// Rows in the generated statement.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Concurrent keep-alive connections, each in a closed loop.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Measured load duration (e.g. 30s, 2m).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    duration: Duration,
    /// Unmeasured warm-up before it.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    warmup: Duration,
    /// `pageSize` of each request.
    #[arg(long, default_value_t = 100)]
    page_size: u32,
    /// Highest `page` requested (pages are drawn from 1..=N; lowered if windows hold fewer rows).
    #[arg(long, default_value_t = 5)]
    max_page: u32,
    /// The tingting binary [default: target/release/tingting, else next to this binary].
    #[arg(long)]
    tingting: Option<PathBuf>,
    /// Working directory for the CSV and the database [default: a new temporary directory].
    #[arg(long)]
    workdir: Option<PathBuf>,
    /// Keep the working directory (to rerun with --skip-import).
    #[arg(long)]
    keep: bool,
    /// Reuse the database of an earlier --keep run in --workdir (nothing is deleted afterwards).
    #[arg(long, requires = "workdir")]
    skip_import: bool,
    /// Worker threads of the load generator's runtime.
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// Seed of the data and request generators.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// What a kept working directory holds, in `bench.json`, for `--skip-import`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BenchState {
    rows: u64,
    email: String,
    account_number: String,
    api_key: String,
    /// First and last row times, Vietnam local.
    first_time: NaiveDateTime,
    last_time: NaiveDateTime,
}

const STATE_FILE: &str = "bench.json";
const CSV_FILE: &str = "bench.csv";
const MT940_FILE: &str = "bench.sta";
const CAMT_FILE: &str = "bench.xml";
const DB_FILE: &str = "bench.db";
const EMAIL: &str = "bench@tingting.example";
const BUSINESS: &str = "Cong ty TNHH Bench";
const BANK: &str = "ACB";
const ACCOUNT_NUMBER: &str = "88886868";
/// `tingting serve`'s default `--webhook-timeout`.
const TINGTING_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(15);
/// How much longer than the webhook timeout a delivery stays leased to the worker that claimed
/// it (`LEASE_MARGIN` of tingting's delivery worker).
const TINGTING_LEASE_MARGIN: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Read(args) => read(args),
        Command::Webhooks(args) => webhooks(args),
        Command::Import(args) => import(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.entries > 0, "--entries must be at least 1");
    let binary = find_tingting(args.tingting.as_deref())?;
    let workdir = prepare_workdir(args.workdir.as_deref(), false)?;
    anyhow::ensure!(
        !workdir.path.join(DB_FILE).exists(),
        "{} already exists: use another --workdir",
        workdir.path.join(DB_FILE).display()
    );
    println!(
        "tingting-bench import: {} entries as {}, {} CPU(s)",
        thousands(args.entries),
        args.format,
        procfs::cpus()
    );
    println!("    tingting: {}", binary.display());
    println!("    workdir:  {}", workdir.path.display());
    let result = run_import(&args, &binary, &workdir.path);
    finish_workdir(&workdir, args.keep)?;
    result
}

fn run_import(args: &ImportArgs, binary: &Path, dir: &Path) -> anyhow::Result<ExitCode> {
    let tt = tingting_in(binary, dir);
    println!("[1/2] generate the statement");
    let csv = dir.join(CSV_FILE);
    let now = vietnam_now()?;
    let started = Instant::now();
    let summary = csvgen::generate(&csv, args.entries, args.seed, now)?;
    let (file, bytes) = match args.format.as_str() {
        "mt940" => {
            let file = dir.join(MT940_FILE);
            let bytes = mt940gen::from_csv(&csv, &file, ACCOUNT_NUMBER)?;
            std::fs::remove_file(&csv)?;
            (file, bytes)
        }
        "camt" => {
            let file = dir.join(CAMT_FILE);
            let bytes = camtgen::from_csv(&csv, &file, ACCOUNT_NUMBER)?;
            std::fs::remove_file(&csv)?;
            (file, bytes)
        }
        _ => (csv, summary.bytes),
    };
    println!(
        "    {} ({}) in {}",
        file.display(),
        mib_bytes(bytes),
        secs(started.elapsed())
    );
    println!("[2/2] create the database and import ({})", tt.database);
    create_tenant(&tt)?;
    timed_import(&tt, &file, bytes, args.entries)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `tingting import` of `file` (`bytes` long) into the bench's account, prints its
/// throughput, peak RSS and CPU, and fails unless it created all `expected` entries.
fn timed_import(tt: &Tingting, file: &Path, bytes: u64, expected: u64) -> anyhow::Result<()> {
    let run = tt.import(ACCOUNT_NUMBER, file)?;
    let count = |k: &str| run.report[k].as_u64().unwrap_or(u64::MAX);
    let created = count("created");
    println!(
        "    import ({}): {} created, {} duplicates, {} rejected in {} → {} entries/s ({:.1} MiB/s)",
        run.report["format"].as_str().unwrap_or("?"),
        thousands(created),
        thousands(count("duplicates")),
        thousands(count("rejected_count")),
        secs(run.elapsed),
        thousands((created as f64 / run.elapsed.as_secs_f64()) as u64),
        bytes as f64 / (1024.0 * 1024.0) / run.elapsed.as_secs_f64()
    );
    println!(
        "    import process: peak RSS {} (VmHWM), CPU {:.1} s ({:.0}% of one core), {}",
        mib(run.peak.hwm_kib),
        run.cpu_seconds,
        run.cpu_seconds * 100.0 / run.elapsed.as_secs_f64(),
        run.status
    );
    if created != expected || !run.status.success() {
        bail!(
            "the import created {created} of {expected} entries (exit {}); report: {}; stderr: {}",
            run.status,
            run.report,
            run.stderr.trim()
        );
    }
    Ok(())
}

/// The wall-clock time in Vietnam now.
fn vietnam_now() -> anyhow::Result<NaiveDateTime> {
    let vn = FixedOffset::east_opt(7 * 3600).context("UTC+7")?;
    Ok(Utc::now().with_timezone(&vn).naive_local())
}

/// Keeps the working directory (saying so) or removes what this run made of it.
fn finish_workdir(workdir: &Workdir, keep: bool) -> anyhow::Result<()> {
    if keep {
        println!("workdir kept: {}", workdir.path.display());
    } else {
        cleanup(workdir)?;
        println!("workdir removed: {}", workdir.path.display());
    }
    Ok(())
}

/// The working directory, and whether this run made it.
struct Workdir {
    path: PathBuf,
    created: bool,
}

fn read(args: ReadArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.connections > 0, "--connections must be at least 1");
    anyhow::ensure!(args.page_size > 0, "--page-size must be at least 1");
    anyhow::ensure!(args.max_page > 0, "--max-page must be at least 1");
    anyhow::ensure!(
        args.client_threads > 0,
        "--client-threads must be at least 1"
    );
    anyhow::ensure!(!args.duration.is_zero(), "--duration must be positive");
    let binary = find_tingting(args.tingting.as_deref())?;
    let workdir = prepare_workdir(args.workdir.as_deref(), args.skip_import)?;
    // Checked before anything runs, so that the clean-up never removes an earlier database.
    anyhow::ensure!(
        args.skip_import || !workdir.path.join(DB_FILE).exists(),
        "{} already exists: use --skip-import to reuse it, or another --workdir",
        workdir.path.join(DB_FILE).display()
    );
    println!(
        "tingting-bench read: {} rows, {} connections, {} measured after {} warm-up, pageSize {}, {} CPU(s), {} client thread(s)",
        if args.skip_import { "reused".to_string() } else { thousands(args.rows) },
        args.connections,
        secs(args.duration),
        secs(args.warmup),
        args.page_size,
        procfs::cpus(),
        args.client_threads
    );
    println!("    tingting: {}", binary.display());
    println!("    workdir:  {}", workdir.path.display());

    let result = run(&args, &binary, &workdir.path);

    if args.keep || args.skip_import {
        println!(
            "workdir kept: {} (rerun with --skip-import --workdir {})",
            workdir.path.display(),
            workdir.path.display()
        );
    } else {
        cleanup(&workdir)?;
        println!("workdir removed: {}", workdir.path.display());
    }
    result
}

fn run(args: &ReadArgs, binary: &Path, dir: &Path) -> anyhow::Result<ExitCode> {
    let tt = tingting_in(binary, dir);
    let state = if args.skip_import {
        let path = dir.join(STATE_FILE);
        let state: BenchState = serde_json::from_slice(
            &std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
        )
        .with_context(|| format!("{} is not a bench state file", path.display()))?;
        println!(
            "[1-2/5] reusing {} ({} rows, {} .. {}); --rows ignored",
            tt.database,
            thousands(state.rows),
            state.first_time,
            state.last_time
        );
        state
    } else {
        generate_and_import(args, &tt, dir)?
    };

    // Windows wholly inside the data: the first (partial) day is skipped.
    let first_from = state.first_time.date() + Days::new(1);
    let last_from = (state.last_time.date() - Days::new(load::WINDOW_DAYS - 1)).max(first_from);
    let per_window = state.rows as f64 * load::WINDOW_DAYS as f64 / csvgen::HISTORY_DAYS as f64;
    let fitting_pages = (per_window * 0.5 / f64::from(args.page_size)).floor() as u32;
    let max_page = args.max_page.min(fitting_pages).max(1);
    if max_page < args.max_page {
        println!(
            "    note: a {}-day window holds ~{per_window:.0} rows; pages limited to 1..={max_page}",
            load::WINDOW_DAYS
        );
    }

    println!("[3/5] start the server");
    let started = Instant::now();
    let server = tt.serve(&[])?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .enable_all()
        .build()?;
    let base_url = format!("http://{}", server.addr);
    runtime.block_on(wait_healthy(&base_url))?;
    let idle = procfs::memory(server.pid).unwrap_or_default();
    println!(
        "    pid {} listening on {}, healthy after {}; RSS {}",
        server.pid,
        server.addr,
        secs(started.elapsed()),
        mib(idle.rss_kib)
    );

    println!(
        "[4/5] load: {} connections × GET /v2/transactions (7-day windows from {first_from} to {last_from}, page 1..={max_page}, pageSize {}, ASC/DESC alternating)",
        args.connections, args.page_size
    );
    let plan = load::Plan {
        base_url,
        api_key: state.api_key.clone(),
        connections: args.connections,
        warmup: args.warmup,
        duration: args.duration,
        page_size: args.page_size,
        max_page,
        first_from,
        last_from,
        seed: args.seed,
    };
    let mut cpu_at_start = CpuSample::default();
    let mut cpu_at_end = CpuSample::default();
    let cpu_now = || CpuSample::now(std::slice::from_ref(&server));
    let outcome = runtime.block_on(load::run(
        &plan,
        || cpu_at_start = cpu_now(),
        || cpu_at_end = cpu_now(),
    ))?;
    let mem = procfs::memory(server.pid).unwrap_or_default();
    drop(runtime);
    let errors = print_load(&outcome, mem, cpu_at_start, cpu_at_end);

    println!("[5/5] stop the server");
    let (status, took) = server.stop()?;
    println!("    SIGTERM → {status} after {}", secs(took));

    if errors > 0 {
        println!();
        println!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        println!(
            "!!! THIS RUN HAD {errors} ERROR(S): the figures above are NOT a valid measurement !!!"
        );
        println!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The `tingting` binary over the working directory's SQLite database.
fn tingting_in(binary: &Path, dir: &Path) -> Tingting {
    Tingting {
        binary: binary.to_path_buf(),
        database: format!("sqlite://{}", dir.join(DB_FILE).display()),
    }
}

/// Steps 1 and 2: the CSV, the business, key and account, and the measured import.
fn generate_and_import(args: &ReadArgs, tt: &Tingting, dir: &Path) -> anyhow::Result<BenchState> {
    println!(
        "[1/5] generate a canonical CSV of {} rows",
        thousands(args.rows)
    );
    let csv = dir.join(CSV_FILE);
    let now = vietnam_now()?;
    let started = Instant::now();
    let summary = csvgen::generate(&csv, args.rows, args.seed, now)?;
    let took = started.elapsed();
    println!(
        "    {} in {} ({} rows/s): {}, {} .. {} (Vietnam time), {} credits, {} with an order code, closing balance {} VND",
        csv.display(),
        secs(took),
        thousands((summary.rows as f64 / took.as_secs_f64()) as u64),
        mib_bytes(summary.bytes),
        summary.first,
        summary.last,
        thousands(summary.credits),
        thousands(summary.with_order_code),
        thousands(summary.closing_balance.max(0) as u64),
    );

    println!("[2/5] create the database and import ({})", tt.database);
    let api_key = create_tenant(tt)?;

    timed_import(tt, &csv, summary.bytes, args.rows)?;
    let db_bytes: u64 = ["", "-wal", "-shm"]
        .iter()
        .filter_map(|s| std::fs::metadata(dir.join(format!("{DB_FILE}{s}"))).ok())
        .map(|m| m.len())
        .sum();
    println!("    database on disk: {} (with WAL)", mib_bytes(db_bytes));

    let state = BenchState {
        rows: args.rows,
        email: EMAIL.into(),
        account_number: ACCOUNT_NUMBER.into(),
        api_key,
        first_time: summary.first,
        last_time: summary.last,
    };
    std::fs::write(dir.join(STATE_FILE), serde_json::to_vec_pretty(&state)?)?;
    Ok(state)
}

fn webhooks(args: WebhookArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.rate.iter().all(|r| *r > 0),
        "--rate values must be positive"
    );
    anyhow::ensure!(!args.duration.is_zero(), "--duration must be positive");
    anyhow::ensure!(
        args.client_threads > 0,
        "--client-threads must be at least 1"
    );
    anyhow::ensure!(
        ["legacy", "casso_v2", "standard"].contains(&args.format.as_str()),
        "--format must be legacy, casso_v2 or standard"
    );
    check_instances(&args)?;
    let binary = find_tingting(args.tingting.as_deref())?;
    println!(
        "tingting-bench webhooks: rates {:?}/s via {}, {} instance(s) on {}, {} measured per rate after {} warm-up, {} webhook, {} CPU(s), {} client thread(s)",
        args.rate,
        args.via,
        args.instances,
        if args.database.is_some() { "PostgreSQL" } else { "SQLite" },
        secs(args.duration),
        secs(args.warmup),
        args.format,
        procfs::cpus(),
        args.client_threads
    );
    println!("    tingting: {}", binary.display());
    match &args.database {
        Some(server_url) => webhooks_on_postgres(&args, binary, server_url),
        None => webhooks_on_sqlite(&args, binary),
    }
}

/// Checks `--instances`, `--kill-after` and `--serve-arg` against each other.
fn check_instances(args: &WebhookArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.instances > 0, "--instances must be at least 1");
    anyhow::ensure!(args.accounts > 0, "--accounts must be at least 1");
    anyhow::ensure!(
        args.accounts == 1 || (args.via == "ingest" && !args.payments),
        "--accounts more than 1 goes with --via ingest and without --payments"
    );
    anyhow::ensure!(
        args.instances == 1 || args.database.is_some(),
        "--instances {} needs --database postgres://…: a SQLite database belongs to one process, \
         so several servers cannot share it",
        args.instances
    );
    if let Some(after) = args.kill_after {
        anyhow::ensure!(
            args.instances >= 2,
            "--kill-after needs --instances 2 or more (a survivor to take over)"
        );
        anyhow::ensure!(
            after < args.duration,
            "--kill-after must be shorter than --duration"
        );
    }
    anyhow::ensure!(
        !args
            .serve_args
            .iter()
            .any(|a| a.starts_with("--webhook-timeout")),
        "pass --webhook-timeout to the bench itself (not with --serve-arg): it sizes the wait \
         for a killed instance's deliveries"
    );
    Ok(())
}

/// The run on a fresh SQLite database in the working directory.
fn webhooks_on_sqlite(args: &WebhookArgs, binary: PathBuf) -> anyhow::Result<ExitCode> {
    let workdir = prepare_workdir(args.workdir.as_deref(), false)?;
    anyhow::ensure!(
        !workdir.path.join(DB_FILE).exists(),
        "{} already exists: use another --workdir",
        workdir.path.join(DB_FILE).display()
    );
    println!("    workdir:  {}", workdir.path.display());
    let result = run_webhooks(args, &tingting_in(&binary, &workdir.path));
    finish_workdir(&workdir, args.keep)?;
    result
}

/// The run on a database of its own on the PostgreSQL server at `server_url`, dropped
/// afterwards unless `--keep`.
fn webhooks_on_postgres(
    args: &WebhookArgs,
    binary: PathBuf,
    server_url: &str,
) -> anyhow::Result<ExitCode> {
    let db = pgdb::ScratchDatabase::create(server_url)?;
    println!("    database: {} (created for this run)", db.url);
    let tt = Tingting {
        binary,
        database: db.url.clone(),
    };
    let result = run_webhooks(args, &tt);
    if args.keep {
        println!("database kept: {}", db.url);
    } else {
        let name = db.name.clone();
        db.remove()?;
        println!("database dropped: {name}");
    }
    result
}

/// The arguments of every `tingting serve`.
fn serve_args(args: &WebhookArgs) -> Vec<String> {
    let mut serve = vec!["--allow-private-webhooks".to_string()];
    if let Some(timeout) = args.webhook_timeout {
        serve.push(format!("--webhook-timeout={}ms", timeout.as_millis()));
    }
    serve.extend(args.serve_args.iter().cloned());
    serve
}

fn run_webhooks(args: &WebhookArgs, tt: &Tingting) -> anyhow::Result<ExitCode> {
    println!("[1/4] create the database ({})", tt.database);
    let api_key = create_tenant(tt)?;
    let accounts = add_accounts(tt, args.accounts)?;
    println!("[2/4] start the server(s) and the receiver");
    let serve = serve_args(args);
    println!(
        "    tingting serve --listen 127.0.0.1:0 {}",
        serve.join(" ")
    );
    let mut servers = (0..args.instances)
        .map(|_| tt.serve(&serve))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .enable_all()
        .build()?;
    for server in &servers {
        runtime.block_on(wait_healthy(&server.base_url()))?;
        println!(
            "    server pid {} on {}, RSS {}",
            server.pid,
            server.addr,
            mib(procfs::memory(server.pid).unwrap_or_default().rss_kib)
        );
    }
    let base_url = servers[0].base_url();
    let receiver = runtime.block_on(webhooks::Receiver::start())?;
    let webhook = runtime.block_on(webhooks::register_webhook(
        &base_url,
        &api_key,
        &receiver,
        &args.format,
        false,
    ))?;
    println!("    receiver {} (webhook {webhook})", receiver.url);
    // With payments, the payment events' receiver is the one timed.
    let paid = if args.payments {
        let paid = runtime.block_on(webhooks::Receiver::start())?;
        let id = runtime.block_on(webhooks::register_webhook(
            &base_url, &api_key, &paid, "standard", true,
        ))?;
        println!("    payment events go to {} (webhook {id})", paid.url);
        let account = runtime.block_on(account_id(&base_url, &api_key))?;
        Some((paid, account))
    } else {
        None
    };
    let via = if args.via == "notify" {
        let feed: serde_json::Value = serde_json::from_str(&tt.admin(&[
            "feed",
            "add-notify",
            "--email",
            EMAIL,
            "--account",
            ACCOUNT_NUMBER,
        ])?)?;
        let path = feed["ingestPath"]
            .as_str()
            .context("feed add-notify printed no ingestPath")?;
        println!("    transactions enter as ACB SMS texts posted to /ingest/notify/ttn_…");
        webhooks::Via::Notify(path.to_string())
    } else {
        webhooks::Via::Ingest
    };
    let lease = args.webhook_timeout.unwrap_or(TINGTING_WEBHOOK_TIMEOUT) + TINGTING_LEASE_MARGIN;
    println!("[3/4] load");
    let mut rows = Vec::new();
    let mut void = false;
    for (index, &rate) in args.rate.iter().enumerate() {
        let base_urls: Vec<String> = servers
            .iter()
            .filter(|s| !s.killed())
            .map(Server::base_url)
            .collect();
        let target = webhooks::Target {
            base_urls: &base_urls,
            api_key: &api_key,
            accounts: &accounts,
            receiver: paid.as_ref().map_or(&receiver, |(paid, _)| paid),
            via: &via,
            pay_account: paid.as_ref().map(|(_, account)| *account),
        };
        let step = webhooks::Step {
            index,
            rate,
            warmup: args.warmup,
            duration: args.duration,
            drain: args.drain,
        };
        println!(
            "  step {}/{}: {rate} transactions/s over {} instance(s) for {} (after {} warm-up)",
            index + 1,
            args.rate.len(),
            base_urls.len(),
            secs(args.duration),
            secs(args.warmup)
        );
        let (cpu_before, started) = (CpuSample::now(&servers), Instant::now());
        let victim = servers.last_mut().filter(|_| index == 0);
        let kill = args.kill_after.zip(victim).map(|(after, victim)| {
            println!(
                "    instance {} (pid {}) is killed (SIGKILL) after {} of measured time; its leases last {}",
                base_urls.len(),
                victim.pid,
                secs(after),
                secs(lease)
            );
            webhooks::Kill {
                after,
                instance: base_urls.len() - 1,
                lease,
                kill: Box::new(|| victim.kill()),
            }
        });
        let o = runtime.block_on(webhooks::run_step(&target, &step, kill))?;
        let cpu = CpuSample::now(&servers).since(cpu_before);
        void |= print_step(&o, cpu, started.elapsed(), base_urls.len(), &servers);
        rows.push((rate, o));
    }
    drop(runtime);
    println!("[4/4] stop the server(s)");
    for server in servers {
        if server.killed() {
            println!("    pid {}: killed during the load", server.pid);
        } else {
            let pid = server.pid;
            let (status, took) = server.stop()?;
            println!("    pid {pid}: SIGTERM → {status} after {}", secs(took));
        }
    }
    print_summary(&rows, args.instances);
    if void {
        println!("!!! A STEP HAD ERRORS OR MISSING WEBHOOKS: see above !!!");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the table of all steps and the highest rate that kept p99 under 100 ms.
fn print_summary(rows: &[(u32, webhooks::Outcome)], instances: usize) {
    println!();
    println!("  {instances} instance(s)");
    println!("  rate/s       sent  delivered  missing   p50 ms   p95 ms   p99 ms   max ms");
    let ms = |us: u64| us as f64 / 1000.0;
    for (rate, o) in rows {
        let h = &o.latency;
        println!(
            "  {rate:>6} {:>10} {:>10} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            o.sent,
            o.delivered,
            o.missing,
            ms(h.value_at_quantile(0.50)),
            ms(h.value_at_quantile(0.95)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max())
        );
    }
    let best = rows
        .iter()
        .filter(|(_, o)| {
            o.missing == 0 && o.errors == 0 && o.latency.value_at_quantile(0.99) < 100_000
        })
        .map(|(rate, _)| *rate)
        .max();
    match best {
        Some(rate) => println!(
            "  highest rate with p99 < 100 ms and nothing missing on {instances} instance(s): {rate}/s"
        ),
        None => println!("  no rate kept p99 under 100 ms with nothing missing"),
    }
}

/// Prints one step's figures (`processes` servers ran during it); returns whether the step had
/// errors or missing webhooks.
fn print_step(
    o: &webhooks::Outcome,
    cpu: CpuSample,
    elapsed: Duration,
    processes: usize,
    servers: &[Server],
) -> bool {
    let ms = |us: u64| us as f64 / 1000.0;
    let step = elapsed.as_secs_f64();
    let consistent = o.sent == o.delivered + o.missing;
    println!(
        "    sent {}  delivered {}  missing {}  ({}); ingest errors {}; repeated webhooks {}, unrecognized bodies {} (whole run)",
        thousands(o.sent),
        thousands(o.delivered),
        thousands(o.missing),
        if consistent { "sent = delivered + missing" } else { "INCONSISTENT: void" },
        o.errors,
        o.duplicates,
        o.unrecognized
    );
    for e in &o.error_samples {
        println!("        e.g. {e}");
    }
    let h = &o.latency;
    println!(
        "    webhook latency ms (scheduled send → arrival): p50 {:.2}  p95 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.95)),
        ms(h.value_at_quantile(0.99)),
        ms(h.value_at_quantile(0.999)),
        ms(h.max())
    );
    let i = &o.ingest_latency;
    println!(
        "    ingest answer ms: p50 {:.2}  p99 {:.2}  max {:.2}; generator behind schedule at most {:.2} ms",
        ms(i.value_at_quantile(0.50)),
        ms(i.value_at_quantile(0.99)),
        ms(i.max()),
        o.max_send_lag.as_secs_f64() * 1000.0
    );
    println!(
        "    CPU over the step ({step:.1} s with warm-up and drain): server(s) {:.2} cores ({} process(es) together), load generator and receiver {:.2} cores, other {:.2} cores",
        cpu.server / step,
        processes,
        cpu.bench / step,
        (cpu.machine - cpu.server - cpu.bench).max(0.0) / step
    );
    for server in servers.iter().filter(|s| !s.killed()) {
        let mem = procfs::memory(server.pid).unwrap_or_default();
        println!(
            "    server pid {} RSS {} now, {} peak (VmHWM)",
            server.pid,
            mib(mem.rss_kib),
            mib(mem.hwm_kib)
        );
    }
    let lost = o.kill.as_ref().is_some_and(print_kill);
    !consistent || o.errors > 0 || o.missing > 0 || lost
}

/// Prints how the step got over the kill; returns whether transactions were lost.
fn print_kill(k: &webhooks::KillReport) -> bool {
    let ms = |us: u64| us as f64 / 1000.0;
    println!(
        "    kill at {} of measured time: {} send(s) in flight to the killed instance failed and went again to a survivor ({} of them it had stored before dying)",
        secs(k.at),
        k.resent,
        k.resent_stored
    );
    println!(
        "        sent before the kill and not delivered at it: {} ({} of them sent to the killed instance)",
        thousands(k.pending),
        thousands(k.pending_on_killed)
    );
    if k.pending == 0 {
        println!("        delivery gap: none (nothing was pending at the kill)");
    } else if k.pending > k.lost {
        println!(
            "        delivery gap: {} from the kill to the last of them delivered",
            secs(k.gap)
        );
    }
    let h = &k.latency_after;
    println!(
        "        sent after the kill ({} delivered): webhook latency p99 {:.2} ms, max {:.2} ms",
        thousands(h.len()),
        ms(h.value_at_quantile(0.99)),
        ms(h.max())
    );
    if k.lost > 0 {
        println!(
            "!!! {} TRANSACTION(S) SENT BEFORE THE KILL WERE NEVER DELIVERED: tingting lost them !!!",
            thousands(k.lost)
        );
    }
    k.lost > 0
}

/// Creates the bench's user, business, API key and account; returns the key.
fn create_tenant(tt: &Tingting) -> anyhow::Result<String> {
    let user: serde_json::Value = serde_json::from_str(&tt.admin(&[
        "user",
        "create",
        "--email",
        EMAIL,
        "--business",
        BUSINESS,
    ])?)?;
    let api_key = tt.admin(&["apikey", "create", "--email", EMAIL, "--label", "bench"])?;
    anyhow::ensure!(!api_key.is_empty(), "apikey create printed no key");
    tt.admin(&[
        "account",
        "add",
        "--email",
        EMAIL,
        "--bank",
        BANK,
        "--number",
        ACCOUNT_NUMBER,
    ])?;
    println!(
        "    user {EMAIL} (userId {}, businessId {}), API key {}…, account {BANK} {ACCOUNT_NUMBER}",
        user["userId"],
        user["businessId"],
        &api_key[..api_key.len().min(8)]
    );
    Ok(api_key)
}

/// The numbers of the `count` accounts the load is spread over: the bench's account and
/// `count - 1` more, added to its business.
fn add_accounts(tt: &Tingting, count: usize) -> anyhow::Result<Vec<String>> {
    let first: u64 = ACCOUNT_NUMBER.parse()?;
    let numbers: Vec<String> = (0..count as u64).map(|i| (first + i).to_string()).collect();
    for number in &numbers[1..] {
        tt.admin(&[
            "account", "add", "--email", EMAIL, "--bank", BANK, "--number", number,
        ])?;
    }
    if count > 1 {
        println!(
            "    {count} accounts: {} to {}",
            numbers[0],
            numbers[count - 1]
        );
    }
    Ok(numbers)
}

/// CPU seconds used so far.
#[derive(Debug, Default, Clone, Copy)]
struct CpuSample {
    /// The server processes, together.
    server: f64,
    bench: f64,
    /// The whole machine (busy time of all CPUs).
    machine: f64,
}

impl CpuSample {
    /// CPU used so far by the servers together (a killed one until its kill), this process and
    /// the machine.
    fn now(servers: &[Server]) -> Self {
        Self {
            server: servers.iter().map(Server::cpu_seconds).sum(),
            bench: procfs::cpu_seconds(None).unwrap_or(0.0),
            machine: procfs::machine_busy_seconds().unwrap_or(0.0),
        }
    }

    /// CPU used between `earlier` and this sample.
    fn since(self, earlier: Self) -> Self {
        Self {
            server: self.server - earlier.server,
            bench: self.bench - earlier.bench,
            machine: self.machine - earlier.machine,
        }
    }
}

/// Prints the load figures; returns the number of errors.
fn print_load(
    o: &load::Outcome,
    mem: procfs::Memory,
    cpu_start: CpuSample,
    cpu_end: CpuSample,
) -> u64 {
    let h = &o.latency;
    let window = o.window.as_secs_f64();
    let ms = |us: u64| us as f64 / 1000.0;
    let errors = o.errors.total();
    println!(
        "    requests:   {} measured in {window:.1} s ({} in warm-up), {} fully checked",
        thousands(o.requests),
        thousands(o.warmup_requests),
        thousands(o.fully_checked)
    );
    println!(
        "    errors:     {errors} ({} in the measured window): transport {}, non-200 {:?}, empty pages {}, invalid pages {}",
        o.measured_errors, o.errors.transport, o.errors.status, o.errors.empty, o.errors.invalid
    );
    for s in &o.errors.samples {
        println!("        e.g. {s}");
    }
    println!(
        "    throughput: {:.1} req/s, {:.1} MiB/s of response bodies (avg {:.1} KiB)",
        o.requests as f64 / window,
        o.bytes as f64 / (1024.0 * 1024.0) / window,
        o.bytes as f64 / 1024.0 / o.requests.max(1) as f64
    );
    println!(
        "    latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  (mean {:.2})",
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.90)),
        ms(h.value_at_quantile(0.99)),
        ms(h.value_at_quantile(0.999)),
        ms(h.max()),
        h.mean() / 1000.0
    );
    let server_cpu = cpu_end.server - cpu_start.server;
    let bench_cpu = cpu_end.bench - cpu_start.bench;
    let other_cpu = (cpu_end.machine - cpu_start.machine - server_cpu - bench_cpu).max(0.0);
    println!(
        "    CPU in the window: server {server_cpu:.1} s ({:.2} cores, {:.0} µs/request), load generator {bench_cpu:.1} s ({:.2} cores), other processes {other_cpu:.1} s ({:.2} cores{})",
        server_cpu / window,
        server_cpu * 1e6 / o.requests.max(1) as f64,
        bench_cpu / window,
        other_cpu / window,
        if other_cpu / window > 0.2 { ": the machine was not quiet, figures are skewed" } else { "" }
    );
    println!(
        "    server RSS after the load: {} now (VmRSS), {} peak (VmHWM)",
        mib(mem.rss_kib),
        mib(mem.hwm_kib)
    );
    errors
}

async fn wait_healthy(base_url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match client.get(format!("{base_url}/healthz")).send().await {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) if Instant::now() >= deadline => bail!("/healthz still answers {}", r.status()),
            Err(e) if Instant::now() >= deadline => bail!("/healthz unreachable: {e}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The id of the bench's account, from `GET /v2/accounts`.
async fn account_id(base_url: &str, api_key: &str) -> anyhow::Result<i64> {
    let body: serde_json::Value = reqwest::Client::new()
        .get(format!("{base_url}/v2/accounts"))
        .header("Authorization", format!("Apikey {api_key}"))
        .send()
        .await?
        .json()
        .await?;
    body["data"]
        .as_array()
        .and_then(|accounts| {
            accounts
                .iter()
                .find(|a| a["accountNumber"] == ACCOUNT_NUMBER)
        })
        .and_then(|a| a["id"].as_i64())
        .with_context(|| format!("no account {ACCOUNT_NUMBER} in GET /v2/accounts: {body}"))
}

/// `--tingting`, else `target/release/tingting` under the current directory, else the
/// `tingting` next to this binary (both live in `target/release` after a release build).
fn find_tingting(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        anyhow::ensure!(p.is_file(), "--tingting {} does not exist", p.display());
        return Ok(std::fs::canonicalize(p)?);
    }
    let local = PathBuf::from("target/release/tingting");
    if local.is_file() {
        return Ok(std::fs::canonicalize(local)?);
    }
    if let Some(sibling) = std::env::current_exe()?
        .parent()
        .map(|d| d.join("tingting"))
        .filter(|p| p.is_file())
    {
        return Ok(sibling);
    }
    bail!(
        "no tingting binary: build it with `cargo build --release -p tingting` or pass --tingting"
    )
}

fn prepare_workdir(given: Option<&Path>, skip_import: bool) -> anyhow::Result<Workdir> {
    let (path, created) = match given {
        Some(p) => {
            let existed = p.exists();
            if skip_import {
                anyhow::ensure!(
                    p.join(STATE_FILE).is_file(),
                    "--skip-import: {} has no {STATE_FILE} (make one with --keep)",
                    p.display()
                );
            }
            std::fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
            (p.to_path_buf(), !existed)
        }
        None => {
            let stamp = Utc::now().format("%Y%m%d-%H%M%S");
            let p =
                std::env::temp_dir().join(format!("tingting-bench-{stamp}-{}", std::process::id()));
            std::fs::create_dir_all(&p)
                .with_context(|| format!("cannot create {}", p.display()))?;
            (p, true)
        }
    };
    Ok(Workdir {
        path: std::fs::canonicalize(path)?,
        created,
    })
}

/// Removes what this run made: the whole directory if it made it, else only its own files.
fn cleanup(w: &Workdir) -> anyhow::Result<()> {
    if w.created {
        std::fs::remove_dir_all(&w.path)
            .with_context(|| format!("cannot remove {}", w.path.display()))?;
        return Ok(());
    }
    for name in [
        CSV_FILE,
        MT940_FILE,
        CAMT_FILE,
        STATE_FILE,
        DB_FILE,
        "bench.db-wal",
        "bench.db-shm",
    ] {
        let p = w.path.join(name);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(())
}
