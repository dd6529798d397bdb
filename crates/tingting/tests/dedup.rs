//! Cross-source deduplication end to end: the same transfers arriving as forwarded SMS, an
//! MT940 statement upload and alert e-mails, in every order, are stored once each with the
//! same fields, and delivered once each. Reports that cannot be told apart stay separate.
//! Both backends.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{eventually, multipart, upload, Backend, Receiver, Tenant, TestServer};
use serde_json::{json, Value};
use tingting::delivery::policy::Policy;
use tingting::domain::NewTransaction;
use tingting::storage::IngestRequest;

both_backends!(
    every_arrival_order_is_one_transaction_each,
    ambiguous_reports_stay_separate,
    one_call_merges_before_delivery
);

/// Where a report of the transfers comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    Sms,
    Statement,
    Email,
}

/// One transfer as each source reports it.
struct Transfer {
    amount: &'static str,
    time: &'static str,
    balance: &'static str,
    /// The memo as the SMS has it (cut short by the SMS length, for some).
    sms_memo: &'static str,
    /// The memo as the alert e-mail has it.
    email_memo: &'static str,
    /// The statement's `:61:` amount, reference and `:86:` narrative.
    entry: (&'static str, &'static str, &'static str),
}

/// Three credits of one day: two of the same amount, told apart by time, memo and balance.
const TRANSFERS: [Transfer; 3] = [
    Transfer {
        amount: "500,000",
        time: "09:30",
        balance: "1,500,000",
        sms_memo: "DH5520 thanh toan",
        email_memo: "DH5520 thanh toan",
        entry: ("500000,00", "FT25112000001", "DH5520 thanh toan don hang"),
    },
    Transfer {
        amount: "250,000",
        time: "10:15",
        balance: "1,750,000",
        sms_memo: "DH5521 NGUYEN VAN A chuy",
        email_memo: "DH5521 NGUYEN VAN A chuyen tien",
        entry: (
            "250000,00",
            "FT25112000002",
            "DH5521 NGUYEN VAN A chuyen tien",
        ),
    },
    Transfer {
        amount: "500,000",
        time: "11:00",
        balance: "2,250,000",
        sms_memo: "DH5522 thanh toan",
        email_memo: "DH5522 thanh toan",
        entry: ("500000,00", "FT25112000003", "DH5522 thanh toan don hang"),
    },
];

/// An ACB balance-change text.
fn acb_text(account: &str, t: &Transfer, memo: &str) -> String {
    format!(
        "ACB: TK {account}(VND) + {} luc {} 22/04/2025. So du {}.GD: {memo}",
        t.amount, t.time, t.balance
    )
}

/// An ACB alert e-mail carrying the text.
fn acb_email(account: &str, t: &Transfer) -> String {
    format!(
        "From: ACB <mailalert@acb.com.vn>\r\nTo: owner@hoasen.vn\r\n\
         Subject: ACB thong bao bien dong so du\r\nDate: Tue, 22 Apr 2025 {}:05 +0700\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        t.time,
        acb_text(account, t, t.email_memo)
    )
}

/// The day's MT940 statement of the account: every transfer, with references.
fn mt940(account: &str) -> String {
    let mut s = format!(
        "{{1:F01ASCBVNVXAXXX0000000000}}{{2:O940}}{{4:\r\n:20:STMT250422\r\n:25:{account}\r\n\
         :28C:00001/001\r\n:60F:C250421VND1000000,00\r\n"
    );
    for t in &TRANSFERS {
        let (amount, reference, narrative) = t.entry;
        s.push_str(&format!(
            ":61:2504220422C{amount}NTRFNONREF//{reference}\r\n:86:{narrative}\r\n"
        ));
    }
    s.push_str(":62F:C250422VND2250000,00\r\n-}\r\n");
    s
}

/// Posts a forwarded message to a notification feed; panics unless it is accepted.
async fn notify(srv: &TestServer, path: &str, content_type: &str, body: String) {
    let resp = srv
        .client
        .post(format!("{}{path}", srv.base))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("notify");
    let status = resp.status().as_u16();
    let answer: Value = resp.json().await.expect("JSON");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["unparsed"], 0, "{answer}");
}

/// The account's transactions of 2025-04-22 as (amount, when, reference, balance, memo),
/// sorted, and their ids.
async fn stored(srv: &TestServer, t: &Tenant, account: i64) -> (Vec<Value>, Vec<i64>) {
    let (status, page) = srv
        .get(
            &format!("/v2/accounts/{account}/transactions?fromDate=2025-04-22&toDate=2025-04-22&pageSize=100"),
            &t.key,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let records = page["data"]["records"].as_array().expect("records").clone();
    let mut fields: Vec<Value> = records
        .iter()
        .map(|r| {
            json!([
                r["amount"],
                r["when"],
                r["tid"],
                r["cusum_balance"],
                r["description"]
            ])
        })
        .collect();
    fields.sort_by_key(|v| v.to_string());
    let ids = records
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    (fields, ids)
}

/// For each of the six orders of SMS, statement and e-mail (one account each): three
/// transactions with the same fields, each delivered exactly once.
async fn every_arrival_order_is_one_transaction_each(backend: Backend) {
    let Some(srv) = TestServer::start_with_worker(backend, Policy::default()).await else {
        return;
    };
    let rx = Receiver::start().await;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let hook = srv.webhook(&t, &rx.url).await;
    use Source::*;
    let orders = [
        [Sms, Statement, Email],
        [Sms, Email, Statement],
        [Statement, Sms, Email],
        [Statement, Email, Sms],
        [Email, Sms, Statement],
        [Email, Statement, Sms],
    ];
    let mut results = BTreeMap::new();
    let mut all_ids = BTreeSet::new();
    for (n, order) in orders.iter().enumerate() {
        let number = format!("1234567{n}");
        let account = srv.account(&t, "ACB", &number).await;
        let path = srv.notify_feed(&t, account.id).await;
        for source in order {
            match source {
                Sms => {
                    for tr in &TRANSFERS {
                        let text = acb_text(&number, tr, tr.sms_memo);
                        notify(&srv, &path, "text/plain", text).await;
                    }
                }
                Email => {
                    for tr in &TRANSFERS {
                        notify(&srv, &path, "message/rfc822", acb_email(&number, tr)).await;
                    }
                }
                Statement => {
                    let body = multipart(&[("file", mt940(&number).as_bytes())]);
                    let (status, report) = upload(&srv.client, &srv, &t, account.id, body)
                        .await
                        .expect("upload");
                    assert_eq!(status, 200, "{report}");
                    assert_eq!(report["data"]["rejected_count"], 0, "{report}");
                }
            }
        }
        let (fields, ids) = stored(&srv, &t, account.id).await;
        assert_eq!(ids.len(), 3, "order {order:?}: {fields:?}");
        all_ids.extend(ids);
        results.insert(format!("{order:?}"), fields);
    }
    // Every order stores the same three transactions, with what each source added.
    let expected = results.values().next().expect("a result").clone();
    for (order, fields) in &results {
        assert_eq!(fields, &expected, "order {order}");
    }
    let mut want = vec![
        json!([
            500_000,
            "2025-04-22 09:30:00",
            "FT25112000001",
            1_500_000,
            "DH5520 thanh toan don hang"
        ]),
        json!([
            250_000,
            "2025-04-22 10:15:00",
            "FT25112000002",
            1_750_000,
            "DH5521 NGUYEN VAN A chuyen tien"
        ]),
        json!([
            500_000,
            "2025-04-22 11:00:00",
            "FT25112000003",
            2_250_000,
            "DH5522 thanh toan don hang"
        ]),
    ];
    want.sort_by_key(|v| v.to_string());
    assert_eq!(expected, want);
    // One delivery per transaction: the outbox holds 18, and the receiver sees each id once.
    let (status, deliveries) = srv
        .get(&format!("/v2/webhooks/{hook}/deliveries?limit=100"), &t.key)
        .await;
    assert_eq!(status, 200, "{deliveries}");
    assert_eq!(
        deliveries["data"].as_array().map(Vec::len),
        Some(18),
        "{deliveries}"
    );
    let delivered = eventually(Duration::from_secs(10), async || {
        let ids: Vec<i64> = rx
            .bodies()
            .iter()
            .flat_map(|b| b["data"].as_array().cloned().unwrap_or_default())
            .filter_map(|d| d["id"].as_i64())
            .collect();
        (ids.len() >= 18).then_some(ids)
    })
    .await;
    let unique: BTreeSet<i64> = delivered.iter().copied().collect();
    assert_eq!(
        delivered.len(),
        unique.len(),
        "a transaction was delivered twice"
    );
    assert_eq!(unique, all_ids);
}

/// Two SMS of the same amount at the same minute with memos a statement entry cannot tell
/// apart: the entry is stored on its own rather than merged with either.
async fn ambiguous_reports_stay_separate(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    let item = |reference: &str, memo: &str, source_time: &str| json!({"amount": 300_000, "bookedAt": source_time, "description": memo, "reference": reference});
    srv.ingest(
        &t,
        "12345678",
        vec![
            item("", "DH1 chuyen tien", "2025-04-22 09:30:00"),
            item("", "DH2 chuyen tien", "2025-04-22 09:30:00"),
        ],
    )
    .await;
    // Another feed: the statement, whose entry's memo fits both.
    let csv = "time,description,amount,reference\n2025-04-22,chuyen tien,300000,FT9\n";
    let body = multipart(&[("format", b"csv"), ("file", csv.as_bytes())]);
    let (status, report) = upload(&srv.client, &srv, &t, account.id, body)
        .await
        .expect("upload");
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (&report["data"]["created"], &report["data"]["enriched"]),
        (&json!(1), &json!(0)),
        "{report}"
    );
    // An entry that fits one of them is merged into it.
    let csv = "time,description,amount,reference\n2025-04-22,DH2 chuyen tien,300000,FT2\n";
    let body = multipart(&[("format", b"csv"), ("file", csv.as_bytes())]);
    let (_, report) = upload(&srv.client, &srv, &t, account.id, body)
        .await
        .expect("upload");
    assert_eq!(
        (&report["data"]["created"], &report["data"]["enriched"]),
        (&json!(0), &json!(1)),
        "{report}"
    );
    let (fields, _) = stored(&srv, &t, account.id).await;
    assert_eq!(fields.len(), 3, "{fields:?}");
    assert!(
        fields
            .iter()
            .any(|f| f[2] == "FT2" && f[4] == "DH2 chuyen tien"),
        "{fields:?}"
    );
}

/// An SMS and the e-mail of one transfer stored in one call (as a group commit may): one
/// transaction, one delivery, and the fields it is delivered with are the merged ones.
async fn one_call_merges_before_delivery(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    srv.webhook(&t, "https://shop.example/hook").await;
    let sms = NewTransaction {
        amount: 500_000,
        booked_at: 1_745_289_000_000,
        description: "DH5520 thanh t".into(),
        running_balance: Some(1_500_000),
        source: "notify".into(),
        raw: "sms".into(),
        ..Default::default()
    };
    let email = NewTransaction {
        description: "DH5520 thanh toan don hang".into(),
        source: "email".into(),
        raw: "e-mail".into(),
        ..sms.clone()
    };
    let request = |transactions| IngestRequest {
        business_id: t.user.business_id,
        account_id: account.id,
        transactions,
        lease_until: None,
    };
    let sms = [sms];
    let email = [email];
    let stored = srv
        .store
        .ingest(&[request(&sms), request(&email)])
        .await
        .expect("ingest");
    let (first, second) = (stored[0].outcomes[0], stored[1].outcomes[0]);
    assert!(first.created && !second.created && second.enriched);
    assert_eq!(first.id, second.id);
    assert_eq!(stored[0].deliveries.len(), 1);
    assert!(stored[1].deliveries.is_empty());
    assert_eq!(stored[0].merged.len(), 1);
    assert_eq!(stored[0].merged[0].0, first.id);
    assert_eq!(
        stored[0].merged[0].1.description,
        "DH5520 thanh toan don hang"
    );
    let (_, one) = srv
        .get(&format!("/v2/transactions/{}", first.id), &t.key)
        .await;
    assert_eq!(
        one["data"]["description"], "DH5520 thanh toan don hang",
        "{one}"
    );
}
