//! The closed-loop load: one task per keep-alive connection, each sending its next
//! `GET /v2/transactions` as soon as the previous one is answered.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Days, NaiveDate};
use hdrhistogram::Histogram;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use serde_json::Value;

/// Days in each listing window (`fromDate` to `toDate` inclusive).
pub const WINDOW_DAYS: u64 = 7;
/// One response in this many is parsed and checked in full.
const FULL_CHECK_EVERY: u64 = 100;
/// The cheap check looks for this in the head of every body.
const RECORDS_NON_EMPTY: &[u8] = b"\"records\":[{";
/// How much of a body the cheap check searches (the paging fields come before `records`).
const HEAD: usize = 1024;
/// Longest request accepted before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Error samples kept per connection.
const SAMPLES: usize = 3;

/// What the load sends.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `http://IP:PORT`.
    pub base_url: String,
    pub api_key: String,
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub page_size: u32,
    /// Pages are drawn from `1..=max_page`.
    pub max_page: u32,
    /// Window start days are drawn from `first_from..=last_from`.
    pub first_from: NaiveDate,
    pub last_from: NaiveDate,
    pub seed: u64,
}

/// Errors seen, by kind.
#[derive(Debug, Default)]
pub struct Errors {
    /// Connection errors and timeouts.
    pub transport: u64,
    /// Non-200 answers, by status.
    pub status: BTreeMap<u16, u64>,
    /// 200 answers without records.
    pub empty: u64,
    /// Fully checked answers that were wrong (bad JSON, dates outside the window, wrong order...).
    pub invalid: u64,
    /// A few examples, for the report.
    pub samples: Vec<String>,
}

impl Errors {
    pub fn total(&self) -> u64 {
        self.transport + self.status.values().sum::<u64>() + self.empty + self.invalid
    }

    fn sample(&mut self, s: String) {
        if self.samples.len() < SAMPLES {
            self.samples.push(s);
        }
    }

    fn merge(&mut self, other: Errors) {
        self.transport += other.transport;
        for (k, v) in other.status {
            *self.status.entry(k).or_default() += v;
        }
        self.empty += other.empty;
        self.invalid += other.invalid;
        for s in other.samples {
            self.sample(s);
        }
    }
}

/// What the load measured.
#[derive(Debug)]
pub struct Outcome {
    /// Latency of requests started in the measured window, microseconds.
    pub latency: Histogram<u64>,
    /// Requests started in the measured window.
    pub requests: u64,
    /// Requests started during the warm-up.
    pub warmup_requests: u64,
    /// Errors over the warm-up and the measured window.
    pub errors: Errors,
    /// Errors among the measured requests.
    pub measured_errors: u64,
    /// Responses parsed and checked in full.
    pub fully_checked: u64,
    /// Body bytes received in the measured window.
    pub bytes: u64,
    /// Measured window length.
    pub window: Duration,
}

struct TaskResult {
    latency: Histogram<u64>,
    requests: u64,
    warmup_requests: u64,
    errors: Errors,
    measured_errors: u64,
    fully_checked: u64,
    bytes: u64,
}

/// A latency histogram in µs, 1 µs to 1 h, 3 significant figures.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

/// Runs the load; `measure_start` and `measure_end` are called at the edges of the measured
/// window (for CPU and memory samples).
pub async fn run(
    plan: &Plan,
    mut on_measure_start: impl FnMut(),
    mut on_measure_end: impl FnMut(),
) -> anyhow::Result<Outcome> {
    let key = HeaderValue::from_str(&format!("Apikey {}", plan.api_key))
        .context("the API key is not a valid header value")?;
    let start = Instant::now();
    let measure_start = start + plan.warmup;
    let end = measure_start + plan.duration;
    let mut tasks = Vec::with_capacity(plan.connections);
    for id in 0..plan.connections {
        let client = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        let plan = plan.clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            connection(id, client, key, plan, measure_start, end).await
        }));
    }
    tokio::time::sleep_until(measure_start.into()).await;
    on_measure_start();
    tokio::time::sleep_until(end.into()).await;
    on_measure_end();

    let mut outcome = Outcome {
        latency: histogram(),
        requests: 0,
        warmup_requests: 0,
        errors: Errors::default(),
        measured_errors: 0,
        fully_checked: 0,
        bytes: 0,
        window: plan.duration,
    };
    for task in tasks {
        let r = task.await?;
        outcome.latency.add(&r.latency)?;
        outcome.requests += r.requests;
        outcome.warmup_requests += r.warmup_requests;
        outcome.errors.merge(r.errors);
        outcome.measured_errors += r.measured_errors;
        outcome.fully_checked += r.fully_checked;
        outcome.bytes += r.bytes;
    }
    Ok(outcome)
}

/// One keep-alive connection in a closed loop until `end`.
async fn connection(
    id: usize,
    client: reqwest::Client,
    key: HeaderValue,
    plan: Plan,
    measure_start: Instant,
    end: Instant,
) -> TaskResult {
    let mut rng =
        SmallRng::seed_from_u64(plan.seed ^ (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let from_choices = (plan.last_from - plan.first_from).num_days().max(0) as u64;
    let mut r = TaskResult {
        latency: histogram(),
        requests: 0,
        warmup_requests: 0,
        errors: Errors::default(),
        measured_errors: 0,
        fully_checked: 0,
        bytes: 0,
    };
    let mut n: u64 = 0;
    loop {
        let started = Instant::now();
        if started >= end {
            break;
        }
        let measured = started >= measure_start;
        n += 1;
        let from = plan.first_from + Days::new(rng.random_range(0..=from_choices));
        let to = from + Days::new(WINDOW_DAYS - 1);
        let page = rng.random_range(1..=plan.max_page);
        // Alternate the order; neighbouring connections start on opposite orders.
        let desc = (n + id as u64) % 2 == 1;
        let url = format!(
            "{}/v2/transactions?fromDate={from}&toDate={to}&pageSize={}&page={page}&sort={}",
            plan.base_url,
            plan.page_size,
            if desc { "DESC" } else { "ASC" }
        );
        let result = match client
            .get(&url)
            .header(AUTHORIZATION, key.clone())
            .send()
            .await
        {
            Ok(resp) => {
                let status = resp.status().as_u16();
                resp.bytes().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let elapsed = started.elapsed();
        let failed = match result {
            Err(e) => {
                r.errors.transport += 1;
                r.errors.sample(format!("{url}: {e}"));
                true
            }
            Ok((status, body)) => {
                if measured {
                    r.bytes += body.len() as u64;
                }
                if status != 200 {
                    *r.errors.status.entry(status).or_default() += 1;
                    r.errors.sample(format!(
                        "{url}: HTTP {status}: {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    ));
                    true
                } else if !contains(&body[..body.len().min(HEAD)], RECORDS_NON_EMPTY) {
                    r.errors.empty += 1;
                    r.errors.sample(format!(
                        "{url}: no records: {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    ));
                    true
                } else if n % FULL_CHECK_EVERY == 1 {
                    r.fully_checked += 1;
                    match check_page(&body, from, to, page, plan.page_size, desc) {
                        Ok(()) => false,
                        Err(e) => {
                            r.errors.invalid += 1;
                            r.errors.sample(format!("{url}: {e}"));
                            true
                        }
                    }
                } else {
                    false
                }
            }
        };
        if measured {
            r.requests += 1;
            r.measured_errors += u64::from(failed);
            r.latency
                .saturating_record((elapsed.as_micros() as u64).max(1));
        } else {
            r.warmup_requests += 1;
        }
    }
    r
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Parses a listing page and checks it against the request.
fn check_page(
    body: &[u8],
    from: NaiveDate,
    to: NaiveDate,
    page: u32,
    page_size: u32,
    desc: bool,
) -> Result<(), String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("bad JSON: {e}"))?;
    if v["error"] != 0 {
        return Err(format!("error is {}", v["error"]));
    }
    let data = &v["data"];
    if data["page"] != page || data["pageSize"] != page_size {
        return Err(format!(
            "page/pageSize {} {} (asked {page} {page_size})",
            data["page"], data["pageSize"]
        ));
    }
    let records = data["records"]
        .as_array()
        .ok_or("records is not an array")?;
    if records.is_empty() || records.len() > page_size as usize {
        return Err(format!(
            "{} records on a page of {page_size}",
            records.len()
        ));
    }
    let total = data["totalRecords"].as_u64().ok_or("no totalRecords")?;
    if total < u64::from(page - 1) * u64::from(page_size) + records.len() as u64 {
        return Err(format!("totalRecords {total} is too small for page {page}"));
    }
    let (lo, hi) = (from.to_string(), to.to_string());
    let mut prev: Option<&str> = None;
    for rec in records {
        let when = rec["when"].as_str().ok_or("a record has no `when`")?;
        let day = when.get(..10).ok_or("short `when`")?;
        if day < lo.as_str() || day > hi.as_str() {
            return Err(format!("record at {when} is outside {lo}..{hi}"));
        }
        if let Some(p) = prev {
            if (desc && when > p) || (!desc && when < p) {
                return Err(format!("records out of order: {p} then {when}"));
            }
        }
        prev = Some(when);
        if rec["id"].as_i64().is_none() || rec["amount"].as_i64().is_none() {
            return Err("a record lacks id or amount".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn checks_pages() {
        let body = br#"{"error":0,"message":"success","data":{"page":2,"pageSize":2,"nextPage":3,"prevPage":1,"totalPages":3,"totalRecords":5,"records":[{"id":1,"amount":1000,"when":"2025-01-02 10:00:00"},{"id":2,"amount":-1000,"when":"2025-01-03 10:00:00"}]}}"#;
        assert!(contains(&body[..], RECORDS_NON_EMPTY));
        check_page(body, d("2025-01-01"), d("2025-01-07"), 2, 2, false).unwrap();
        assert!(check_page(body, d("2025-01-01"), d("2025-01-07"), 2, 2, true).is_err());
        assert!(check_page(body, d("2025-01-03"), d("2025-01-09"), 2, 2, false).is_err());
        assert!(check_page(body, d("2025-01-01"), d("2025-01-07"), 3, 2, false).is_err());
        let empty =
            br#"{"error":0,"message":"success","data":{"page":1,"pageSize":2,"records":[]}}"#;
        assert!(!contains(&empty[..], RECORDS_NON_EMPTY));
    }
}
