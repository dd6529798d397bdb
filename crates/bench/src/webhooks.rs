//! The webhook path, end to end: transactions pushed through `POST /v2/ingest` (or posted as
//! bank SMS texts to a notification ingest URL) at a fixed open-loop rate, each timed from its
//! scheduled send to its webhook's arrival at a receiver in this process. With payment
//! requests, each transaction pays one created beforehand, and the time is to its
//! `payment_request.paid` webhook. With several instances the sends go to each in turn, and
//! one instance may be killed during a step to time how its pending deliveries are taken over.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use axum::body::Bytes;
use axum::extract::State;
use hdrhistogram::Histogram;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{json, Value};

/// Longest an ingest request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Prefix of the bank references the load generates (`TTB<step>-<seq>`).
const REFERENCE_PREFIX: &str = "TTB";
/// Error samples kept.
const SAMPLES: usize = 5;

/// Webhook arrivals, keyed by the transaction's reference.
#[derive(Debug, Default)]
struct Arrivals {
    first: HashMap<String, Instant>,
    /// Arrivals of a reference already seen.
    duplicates: u64,
    /// Bodies without a `TTB…` reference (test pings, malformed bodies).
    unrecognized: u64,
}

/// The webhook receiver: an axum server on 127.0.0.1 answering 200 to every POST.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    arrivals: Arc<Mutex<Arrivals>>,
}

impl Receiver {
    /// Starts the receiver on the current runtime.
    pub async fn start() -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hook", listener.local_addr()?);
        let arrivals = Arc::new(Mutex::new(Arrivals::default()));
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(arrivals.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("receiver stopped: {e}");
            }
        });
        Ok(Self { url, arrivals })
    }

    /// When the webhook of `reference` first arrived.
    fn arrival(&self, reference: &str) -> Option<Instant> {
        self.arrivals.lock().unwrap().first.get(reference).copied()
    }

    fn counts(&self) -> (u64, u64) {
        let a = self.arrivals.lock().unwrap();
        (a.duplicates, a.unrecognized)
    }
}

async fn receive(State(arrivals): State<Arc<Mutex<Arrivals>>>, body: Bytes) -> &'static str {
    let at = Instant::now();
    let references = references(&body);
    let mut a = arrivals.lock().unwrap();
    if references.is_empty() {
        a.unrecognized += 1;
    }
    for reference in references {
        if a.first.insert(reference, at).is_some() {
            a.duplicates += 1;
        }
    }
    "ok"
}

/// The load's references in a webhook body of any format: `data` is an array of legacy records
/// (`tid`) or one V2/Standard record (`reference`); a `payment_request.paid` event carries the
/// paying transaction's description.
fn references(body: &[u8]) -> Vec<String> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    if let Some(kind) = v["type"]
        .as_str()
        .filter(|t| t.starts_with("payment_request."))
    {
        if kind != "payment_request.paid" {
            return Vec::new();
        }
        return v["data"]["transaction"]["description"]
            .as_str()
            .and_then(|d| {
                d.split_whitespace()
                    .find(|w| w.starts_with(REFERENCE_PREFIX))
            })
            .map(|r| vec![r.to_string()])
            .unwrap_or_default();
    }
    let records = match &v["data"] {
        Value::Array(items) => items.iter().collect(),
        record @ Value::Object(_) => vec![record],
        _ => Vec::new(),
    };
    records
        .into_iter()
        .filter_map(|r| {
            let reference = r["tid"].as_str().or_else(|| r["reference"].as_str());
            let in_memo = r["description"].as_str().and_then(|d| {
                d.split_whitespace()
                    .find(|w| w.starts_with(REFERENCE_PREFIX))
            });
            reference
                .filter(|r| r.starts_with(REFERENCE_PREFIX))
                .or(in_memo)
        })
        .map(str::to_string)
        .collect()
}

/// An ACB balance-change SMS for `amount` VND, its memo carrying `reference` (SMS texts have no
/// bank reference of their own) and `code`.
fn acb_sms(account: &str, amount: i64, time: &str, reference: &str, code: &str) -> String {
    let grouped = |n: i64| crate::util::thousands(n.unsigned_abs());
    format!(
        "ACB: TK {account}(VND) + {} luc {time}. So du {}.GD: {reference} {code} thanh toan",
        grouped(amount),
        grouped(50_000_000 + amount)
    )
}

/// One step of the load: a rate held for a while.
#[derive(Debug, Clone)]
pub struct Step {
    /// Position of the step (part of every reference, so steps never collide).
    pub index: usize,
    /// Transactions per second.
    pub rate: u32,
    /// Unmeasured lead-in at the same rate.
    pub warmup: Duration,
    pub duration: Duration,
    /// How long to wait for late webhooks after the last send.
    pub drain: Duration,
}

/// Where and as whom the load sends.
pub struct Target<'a> {
    /// The instances' `http://IP:PORT`, sent to in turn (the first also creates payment
    /// requests).
    pub base_urls: &'a [String],
    pub api_key: &'a str,
    /// The account numbers, sent to in turn (one with `--via notify`).
    pub accounts: &'a [String],
    pub receiver: &'a Receiver,
    /// How transactions enter.
    pub via: &'a Via,
    /// Pay a payment request of this account (id) with each transaction.
    pub pay_account: Option<i64>,
}

/// The amount of transaction `seq`.
fn amount_of(seq: u64) -> i64 {
    10_000 + (seq % 90) as i64 * 1_000
}

/// Creates a payment request for each of `n` transactions (amount by [`amount_of`]), 16 at a
/// time; their order codes by sequence number.
async fn create_requests(
    client: &reqwest::Client,
    target: &Target<'_>,
    account_id: i64,
    n: u64,
) -> anyhow::Result<Vec<String>> {
    let url = format!("{}/v2/payment-requests", target.base_urls[0]);
    let auth = format!("Apikey {}", target.api_key);
    let mut codes = vec![String::new(); n as usize];
    let mut tasks = tokio::task::JoinSet::new();
    for seq in 0..n {
        if tasks.len() >= 16 {
            let (seq, code) = tasks.join_next().await.expect("a task")??;
            codes[seq as usize] = code;
        }
        let request = client.post(&url).header(AUTHORIZATION, &auth).json(&json!({
            "accountId": account_id,
            "amount": amount_of(seq),
            "expiresInSeconds": 3600,
        }));
        tasks.spawn(async move {
            let body: Value = request.send().await?.json().await?;
            let code = body["data"]["code"]
                .as_str()
                .with_context(|| format!("POST /v2/payment-requests answered {body}"))?;
            anyhow::Ok((seq, code.to_string()))
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (seq, code) = done??;
        codes[seq as usize] = code;
    }
    Ok(codes)
}

/// The door transactions come in through.
#[derive(Debug, Clone)]
pub enum Via {
    /// `POST /v2/ingest` with the API key, one transaction per request.
    Ingest,
    /// An ACB balance-change SMS text posted to this notification ingest path.
    Notify(String),
}

/// An instance killed (SIGKILL) during a step.
pub struct Kill<'a> {
    /// Measured time before the kill.
    pub after: Duration,
    /// The instance killed, an index into [`Target::base_urls`].
    pub instance: usize,
    /// How long the deliveries it had claimed stay leased to it (the webhook timeout plus
    /// tingting's margin): the drain lasts until at least this plus the step's drain after the
    /// kill.
    pub lease: Duration,
    /// Kills it.
    pub kill: Box<dyn FnOnce() -> anyhow::Result<()> + 'a>,
}

/// What a step measured.
#[derive(Debug)]
pub struct Outcome {
    /// Measured transactions the server stored (`created`).
    pub sent: u64,
    /// Of those, how many webhooks arrived.
    pub delivered: u64,
    /// Of those, how many never arrived within the drain time.
    pub missing: u64,
    /// Ingest requests that failed (transport, status, or not `created`), warm-up included.
    pub errors: u64,
    pub error_samples: Vec<String>,
    /// Scheduled send to webhook arrival (µs), measured transactions.
    pub latency: Histogram<u64>,
    /// Scheduled send to ingest answer (µs), measured transactions.
    pub ingest_latency: Histogram<u64>,
    /// How late the generator sent, behind schedule, at worst.
    pub max_send_lag: Duration,
    /// Repeated arrivals and unrecognized bodies seen so far (whole run).
    pub duplicates: u64,
    pub unrecognized: u64,
    /// What the kill did, when the step had one.
    pub kill: Option<KillReport>,
}

/// How a step got over the kill of an instance.
#[derive(Debug)]
pub struct KillReport {
    /// When it was killed, in measured time.
    pub at: Duration,
    /// Sends to it that were in flight at the kill, failed, and were sent again to a survivor.
    pub resent: u64,
    /// Of those, how many the survivor found stored already (`duplicate`: stored by the killed
    /// instance before it died).
    pub resent_stored: u64,
    /// Stored transactions sent before the kill whose webhook had not arrived at the kill,
    /// warm-up included.
    pub pending: u64,
    /// Of those, how many had been sent to the killed instance.
    pub pending_on_killed: u64,
    /// Of those, how many never arrived within the drain.
    pub lost: u64,
    /// From the kill to the arrival of the last of the pending webhooks that arrived.
    pub gap: Duration,
    /// Scheduled send to webhook arrival (µs), measured transactions sent after the kill.
    pub latency_after: Histogram<u64>,
}

/// One sent transaction.
struct Sent {
    reference: String,
    scheduled: Instant,
    measured: bool,
    /// The instance it was sent to first.
    instance: usize,
    /// Set when it was sent again to a survivor: whether the survivor found it stored already.
    resent: Option<bool>,
    /// Ingest answer time, or the error.
    answered: Result<Instant, String>,
}

/// How an ingest request ended.
enum Answer {
    /// The transaction is stored: `created`, or (when accepted) `duplicate`.
    Stored { at: Instant, duplicate: bool },
    /// No answer: a transport error or an unreadable body.
    Unanswered(String),
    /// An answer other than a stored transaction.
    Refused(String),
}

impl Answer {
    /// The time of the answer, or what went wrong.
    fn answered(self) -> Result<Instant, String> {
        match self {
            Answer::Stored { at, .. } => Ok(at),
            Answer::Unanswered(e) | Answer::Refused(e) => Err(e),
        }
    }
}

/// Sends one transaction; a `duplicate` answer means stored only if `accept_duplicate`.
async fn send(
    client: &reqwest::Client,
    request: reqwest::Request,
    accept_duplicate: bool,
) -> Answer {
    let resp = match client.execute(request).await {
        Ok(resp) => resp,
        Err(e) => return Answer::Unanswered(format!("transport: {e}")),
    };
    let status = resp.status();
    let body = match resp.json::<Value>().await {
        Ok(body) => body,
        Err(e) => return Answer::Unanswered(format!("{status}: unreadable body: {e}")),
    };
    // `POST /v2/ingest` answers one result per item; notification ingest, a report of them.
    let result = body["data"][0]["status"]
        .as_str()
        .or_else(|| body["data"]["results"][0]["status"].as_str());
    match result {
        Some("created") if status == 200 => Answer::Stored {
            at: Instant::now(),
            duplicate: false,
        },
        Some("duplicate") if status == 200 && accept_duplicate => Answer::Stored {
            at: Instant::now(),
            duplicate: true,
        },
        _ => Answer::Refused(format!("{status}: {body}")),
    }
}

/// Runs one step: sends `rate` transactions per second on schedule (never waiting for answers),
/// each to the next live instance, then waits for their webhooks. With `kill`, that instance is
/// killed after its measured time; later sends skip it, and sends to it that were in flight
/// and failed are sent again, once, to a survivor (with the same reference).
pub async fn run_step(
    target: &Target<'_>,
    step: &Step,
    kill: Option<Kill<'_>>,
) -> anyhow::Result<Outcome> {
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(1024)
        .build()?;
    let auth = HeaderValue::from_str(&format!("Apikey {}", target.api_key))?;
    let endpoints = target
        .base_urls
        .iter()
        .map(|base| {
            let url = match target.via {
                Via::Ingest => format!("{base}/v2/ingest"),
                Via::Notify(path) => format!("{base}{path}"),
            };
            reqwest::Url::parse(&url).with_context(|| format!("invalid URL {url}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let interval = Duration::from_secs_f64(1.0 / f64::from(step.rate.max(1)));
    let warmup_n = (step.warmup.as_secs_f64() * f64::from(step.rate)).round() as u64;
    let measured_n = (step.duration.as_secs_f64() * f64::from(step.rate)).round() as u64;
    anyhow::ensure!(measured_n > 0, "rate × duration sends nothing");
    let codes = match target.pay_account {
        Some(account_id) => {
            let started = Instant::now();
            let codes = create_requests(&client, target, account_id, warmup_n + measured_n).await?;
            println!(
                "    created {} payment requests in {:.1} s",
                codes.len(),
                started.elapsed().as_secs_f64()
            );
            codes
        }
        None => Vec::new(),
    };
    let vn_now = chrono::Utc::now() + chrono::TimeDelta::hours(7);
    let booked_at = vn_now.format("%Y-%m-%d %H:%M:%S").to_string();
    let sms_time = vn_now.format("%H:%M %d/%m/%Y").to_string();

    let start = Instant::now() + Duration::from_millis(20);
    let measured_start = start + interval.mul_f64(warmup_n as f64);
    let victim = kill.as_ref().map(|k| k.instance);
    let lease = kill.as_ref().map_or(Duration::ZERO, |k| k.lease);
    let mut pending_kill = kill.map(|k| (measured_start + k.after, k.kill));
    // Set just before the kill, so that every send it breaks sees it.
    let killed = Arc::new(AtomicBool::new(false));
    // When the kill was due and when it happened.
    let mut killed_at: Option<(Instant, Instant)> = None;
    let mut live: Vec<usize> = (0..endpoints.len()).collect();
    let survivors: Vec<usize> = live
        .iter()
        .copied()
        .filter(|&i| Some(i) != victim)
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    let mut max_lag = Duration::ZERO;
    let mut sent = Vec::with_capacity((warmup_n + measured_n) as usize);
    for seq in 0..warmup_n + measured_n {
        let scheduled = start + interval.mul_f64(seq as f64);
        if let Some((due, kill)) = pending_kill.take_if(|(due, _)| scheduled >= *due) {
            tokio::time::sleep_until(due.into()).await;
            killed.store(true, Ordering::SeqCst);
            kill()?;
            killed_at = Some((due, Instant::now()));
            live.retain(|&i| Some(i) != victim);
        }
        tokio::time::sleep_until(scheduled.into()).await;
        max_lag = max_lag.max(Instant::now().saturating_duration_since(scheduled));
        let reference = format!("{REFERENCE_PREFIX}{}-{seq}", step.index);
        let amount = amount_of(seq);
        let code = codes.get(seq as usize).map_or("", String::as_str);
        let instance = live[seq as usize % live.len()];
        let request = match target.via {
            Via::Ingest => client
                .post(endpoints[instance].clone())
                .header(AUTHORIZATION, auth.clone())
                .json(&json!({
                    "account": target.accounts[seq as usize % target.accounts.len()],
                    "transactions": [{
                        "amount": amount,
                        "bookedAt": booked_at,
                        "description": format!("CT DEN:{reference} NGUYEN VAN AN chuyen tien DH{seq:06} {code}"),
                        "reference": reference,
                    }],
                })),
            Via::Notify(_) => client
                .post(endpoints[instance].clone())
                .header(CONTENT_TYPE, "text/plain")
                .body(acb_sms(&target.accounts[0], amount, &sms_time, &reference, code)),
        }
        .build()?;
        // A send to the instance still to be killed may have to go again to a survivor.
        let retry = if killed_at.is_none() && victim == Some(instance) {
            let mut retry = request
                .try_clone()
                .context("a request that cannot be copied")?;
            *retry.url_mut() = endpoints[survivors[seq as usize % survivors.len()]].clone();
            Some(retry)
        } else {
            None
        };
        let measured = seq >= warmup_n;
        let (client, killed) = (client.clone(), killed.clone());
        tasks.spawn(async move {
            let mut answer = send(&client, request, false).await;
            let mut resent = None;
            let broken = matches!(answer, Answer::Unanswered(_)) && killed.load(Ordering::SeqCst);
            if let Some(retry) = retry.filter(|_| broken) {
                answer = send(&client, retry, true).await;
                resent = Some(matches!(
                    answer,
                    Answer::Stored {
                        duplicate: true,
                        ..
                    }
                ));
            }
            Sent {
                reference,
                scheduled,
                measured,
                instance,
                resent,
                answered: answer.answered(),
            }
        });
        // Collect finished sends as we go so the set stays small.
        while let Some(done) = tasks.try_join_next() {
            sent.push(done?);
        }
    }
    while let Some(done) = tasks.join_next().await {
        sent.push(done?);
    }

    // Wait for the webhooks of every stored transaction, up to the drain time (after a kill,
    // until its leases have expired and the drain time has passed again).
    let mut deadline = Instant::now() + step.drain;
    if let Some((_, at)) = killed_at {
        deadline = deadline.max(at + lease + step.drain);
    }
    loop {
        let waiting = sent
            .iter()
            .filter(|s| s.answered.is_ok() && target.receiver.arrival(&s.reference).is_none())
            .count();
        if waiting == 0 || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut latency = crate::load::histogram();
    let mut ingest_latency = crate::load::histogram();
    let (mut stored, mut delivered, mut missing, mut errors) = (0, 0, 0, 0);
    let mut error_samples = Vec::new();
    for s in &sent {
        let answered = match &s.answered {
            Ok(at) => *at,
            Err(e) => {
                errors += 1;
                if error_samples.len() < SAMPLES {
                    error_samples.push(e.clone());
                }
                continue;
            }
        };
        if !s.measured {
            continue;
        }
        stored += 1;
        ingest_latency.saturating_record(micros(answered - s.scheduled));
        match target.receiver.arrival(&s.reference) {
            Some(at) => {
                delivered += 1;
                latency.saturating_record(micros(at.saturating_duration_since(s.scheduled)));
            }
            None => missing += 1,
        }
    }
    let (duplicates, unrecognized) = target.receiver.counts();
    Ok(Outcome {
        sent: stored,
        delivered,
        missing,
        errors,
        error_samples,
        latency,
        ingest_latency,
        max_send_lag: max_lag,
        duplicates,
        unrecognized,
        kill: killed_at.map(|(due, at)| {
            kill_report(&sent, target.receiver, victim, (due, at), measured_start)
        }),
    })
}

/// How the sends fared around the kill of `victim`, due and done at `(due, at)`, in a step
/// whose measured time began at `measured_start`.
fn kill_report(
    sent: &[Sent],
    receiver: &Receiver,
    victim: Option<usize>,
    (due, at): (Instant, Instant),
    measured_start: Instant,
) -> KillReport {
    let mut report = KillReport {
        at: at.saturating_duration_since(measured_start),
        resent: 0,
        resent_stored: 0,
        pending: 0,
        pending_on_killed: 0,
        lost: 0,
        gap: Duration::ZERO,
        latency_after: crate::load::histogram(),
    };
    for s in sent {
        if let Some(found_stored) = s.resent {
            report.resent += 1;
            report.resent_stored += u64::from(found_stored);
        }
        if s.answered.is_err() {
            continue;
        }
        let arrival = receiver.arrival(&s.reference);
        if s.scheduled >= due {
            if let (true, Some(arrival)) = (s.measured, arrival) {
                report
                    .latency_after
                    .saturating_record(micros(arrival.saturating_duration_since(s.scheduled)));
            }
            continue;
        }
        if arrival.is_some_and(|arrival| arrival <= at) {
            continue;
        }
        report.pending += 1;
        report.pending_on_killed += u64::from(Some(s.instance) == victim);
        match arrival {
            Some(arrival) => report.gap = report.gap.max(arrival - at),
            None => report.lost += 1,
        }
    }
    report
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Registers the receiver as a webhook of the business, for transactions in `format` or, with
/// `payments`, for payment events (Standard Webhooks); returns the webhook's id.
pub async fn register_webhook(
    base_url: &str,
    api_key: &str,
    receiver: &Receiver,
    format: &str,
    payments: bool,
) -> anyhow::Result<i64> {
    let body = if payments {
        json!({"webhook": receiver.url, "format": "standard", "events": ["payment_request"]})
    } else {
        json!({
            "webhook": receiver.url,
            "secure_token": "tingting-bench",
            "income_only": false,
            "format": format,
        })
    };
    let resp = reqwest::Client::new()
        .post(format!("{base_url}/v2/webhooks"))
        .header(AUTHORIZATION, format!("Apikey {api_key}"))
        .json(&body)
        .send()
        .await
        .context("POST /v2/webhooks")?;
    let status = resp.status();
    let body: Value = resp.json().await.context("POST /v2/webhooks: body")?;
    match body["data"]["id"].as_i64() {
        Some(id) if status == 200 => Ok(id),
        _ => bail!("POST /v2/webhooks answered {status}: {body}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_in_every_format() {
        let legacy = br#"{"error":0,"data":[{"id":1,"tid":"TTB0-1"},{"id":2,"tid":"TTB0-2"}]}"#;
        assert_eq!(references(legacy), ["TTB0-1", "TTB0-2"]);
        let v2 = br#"{"error":0,"data":{"id":1,"reference":"TTB3-9"}}"#;
        assert_eq!(references(v2), ["TTB3-9"]);
        let sms = br#"{"error":0,"data":[{"id":1,"tid":"","description":"TTB1-4 thanh toan"}]}"#;
        assert_eq!(references(sms), ["TTB1-4"]);
        let paid = br#"{"type":"payment_request.paid","data":{"transaction":{"description":"TTB2-5 DH7KQ3M9XA thanh toan"}}}"#;
        assert_eq!(references(paid), ["TTB2-5"]);
        let underpaid = br#"{"type":"payment_request.underpaid","data":{"transaction":{"description":"TTB2-5"}}}"#;
        assert!(references(underpaid).is_empty());
        let ping = br#"{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM"}}"#;
        assert!(references(ping).is_empty());
        assert!(references(b"not json").is_empty());
    }
}
