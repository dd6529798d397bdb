//! Property: however the reports of a day's transfers from three feeds (forwarded SMS with
//! memos cut short, alert e-mails, statement entries without a time of day) interleave and
//! are batched, and however often a forwarder repeats one, the store ends with one
//! transaction per transfer, created once, carrying the statement's reference, the full
//! memo, the time of day and the balance. Both backends.

mod common;

use common::{Backend, TestServer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use tingting::domain::NewTransaction;
use tingting::ingest::ingest_batch;

both_backends!(shuffled_reports_make_one_transaction_per_transfer);

/// 2025-04-22 00:00 Vietnam time.
const DAY: i64 = 1_745_254_800_000;
/// The account's balance before the day.
const OPENING: i64 = 10_000_000;

/// The day's transfers: (amount, minute after 08:00). Few distinct amounts and minutes, so
/// that transfers look alike.
fn transfers() -> impl Strategy<Value = Vec<(i64, i64)>> {
    let amount = prop_oneof![
        Just(100_000i64),
        Just(250_000),
        Just(-50_000),
        1_000i64..5_000_000
    ];
    prop::collection::vec((amount, 0i64..30), 1..10).prop_map(|mut v| {
        v.sort_by_key(|&(_, minute)| minute);
        v
    })
}

/// Each transfer's three reports (SMS, e-mail, statement entry) plus the expected
/// transaction, as the API lists it.
fn reports(transfers: &[(i64, i64)]) -> (Vec<NewTransaction>, Vec<Value>) {
    let mut balance = OPENING;
    let mut all = Vec::new();
    let mut expected = Vec::new();
    for (i, &(amount, minute)) in transfers.iter().enumerate() {
        balance += amount;
        let code = 1000 + i;
        let full = format!("DH{code} thanh toan don hang");
        let at = DAY + 8 * 3_600_000 + minute * 60_000;
        let report =
            |source: &str, booked_at: i64, description: String, reference: String| NewTransaction {
                amount,
                booked_at,
                description,
                reference,
                running_balance: Some(balance),
                source: source.into(),
                raw: format!("{source} report of transfer {i}"),
                ..Default::default()
            };
        all.push(report(
            "notify",
            at,
            format!("DH{code} thanh t"),
            String::new(),
        ));
        all.push(report("email", at, full.clone(), String::new()));
        all.push(report("mt940", DAY, full.clone(), format!("FT{code}")));
        let when = chrono::DateTime::from_timestamp_millis(at + 7 * 3_600_000)
            .expect("time")
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        expected.push(json!([amount, when, format!("FT{code}"), balance, full]));
    }
    expected.sort_by_key(|v| v.to_string());
    (all, expected)
}

/// The reports shuffled, some repeated, cut into batches.
fn arrivals() -> impl Strategy<Value = (Vec<Value>, Vec<Vec<NewTransaction>>)> {
    transfers().prop_flat_map(|transfers| {
        let (all, expected) = reports(&transfers);
        let n = all.len();
        (
            Just(expected),
            Just(all).prop_shuffle(),
            prop::collection::vec(0..n, 0..4),
            prop::collection::vec(1usize..5, n + 4),
        )
            .prop_map(|(expected, mut shuffled, repeats, sizes)| {
                for r in repeats {
                    let again = shuffled[r].clone();
                    shuffled.push(again);
                }
                let mut batches = Vec::new();
                let mut rest = shuffled.as_slice();
                for size in sizes {
                    if rest.is_empty() {
                        break;
                    }
                    let (batch, tail) = rest.split_at(size.min(rest.len()));
                    batches.push(batch.to_vec());
                    rest = tail;
                }
                (expected, batches)
            })
    })
}

async fn shuffled_reports_make_one_transaction_per_transfer(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let handle = tokio::runtime::Handle::current();
    let case = std::sync::atomic::AtomicU32::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let result = tokio::task::block_in_place(|| {
        runner.run(&arrivals(), |(expected, batches)| {
            let case = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            handle.block_on(async {
                let account = srv.account(&t, "ACB", &format!("88{case:06}")).await;
                let mut created = 0;
                for batch in batches {
                    let outcomes = ingest_batch(srv.store.as_ref(), &account, batch)
                        .await
                        .expect("ingest");
                    created += outcomes.iter().filter(|o| o.created).count();
                }
                let (status, page) = srv
                    .get(
                        &format!(
                            "/v2/accounts/{}/transactions?fromDate=2025-04-22&toDate=2025-04-22&pageSize=1000",
                            account.id
                        ),
                        &t.key,
                    )
                    .await;
                prop_assert_eq!(status, 200);
                let mut stored: Vec<Value> = page["data"]["records"]
                    .as_array()
                    .expect("records")
                    .iter()
                    .map(|r| {
                        json!([r["amount"], r["when"], r["tid"], r["cusum_balance"], r["description"]])
                    })
                    .collect();
                stored.sort_by_key(|v| v.to_string());
                prop_assert_eq!(created, expected.len());
                prop_assert_eq!(stored, expected);
                Ok(())
            })
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
