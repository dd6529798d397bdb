//! Statement uploads: `POST /v2/accounts/{id}/statements` imports a file like `tingting
//! import` (format detected or given, idempotent, entries of another account rejected), with
//! its own size limit. Both backends.

mod common;

use common::{multipart, upload, Backend, TestServer, MT940_SAMPLE};
use serde_json::{json, Value};

both_backends!(
    uploads_import_like_the_cli,
    camt_uploads,
    bank_exports,
    upload_errors
);

/// The business's transactions of 2025-04-22, with the listed fields of each.
async fn day_records(srv: &TestServer, t: &common::Tenant, fields: &[&str]) -> Vec<Vec<Value>> {
    let (_, page) = srv
        .get(
            "/v2/transactions?fromDate=2025-04-22&toDate=2025-04-22",
            &t.key,
        )
        .await;
    page["data"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| fields.iter().map(|f| r[*f].clone()).collect())
        .collect()
}

/// An MT940 upload is detected, stored with its balances, rejected entries listed; the same
/// upload again stores nothing.
async fn uploads_import_like_the_cli(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    let body = multipart(&[("file", MT940_SAMPLE.as_bytes())]);
    let (status, first) = upload(&srv.client, &srv, &t, account.id, body.clone())
        .await
        .unwrap();
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        first["data"],
        json!({"format": "mt940", "created": 2, "duplicates": 0, "enriched": 0, "rejected_count": 1,
               "rejected": [{"line": 16, "message": "the statement is for account 99998888, not 12345678"}]})
    );
    let (_, again) = upload(&srv.client, &srv, &t, account.id, body)
        .await
        .unwrap();
    assert_eq!(
        (&again["data"]["created"], &again["data"]["duplicates"]),
        (&json!(0), &json!(2))
    );
    let balances = day_records(&srv, &t, &["cusum_balance"]).await;
    assert_eq!(balances, [[json!(1_250_000)], [json!(1_239_000)]]);

    // A canonical CSV with an explicit format.
    let csv = b"time,description,amount,reference\n2025-04-23 08:00:00,DH1043,99000,FT9\n";
    let (status, body) = upload(
        &srv.client,
        &srv,
        &t,
        account.id,
        multipart(&[("format", b"csv"), ("file", csv)]),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["data"]["format"], &body["data"]["created"]),
        (&json!("csv"), &json!(1))
    );
}

/// A camt.053 statement: two booked entries and a pending one.
const CAMT_053: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-20250422</MsgId><CreDtTm>2025-04-22T23:59:00+07:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>20250422-12345678</Id>
      <Acct><Id><Othr><Id>12345678</Id></Othr></Id><Ccy>VND</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">1000000</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-22</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">1239000</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-22</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="VND">250000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><DtTm>2025-04-22T09:30:00+07:00</DtTm></BookgDt>
        <AcctSvcrRef>FT25112000001</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RmtInf><Ustrd>DH1042 chuyen tien</Ustrd></RmtInf>
          <RltdPties><Dbtr><Nm>NGUYEN VAN A</Nm></Dbtr></RltdPties>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">99000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts>
        <BookgDt><Dt>2025-04-22</Dt></BookgDt>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">11000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><DtTm>2025-04-22T14:05:00+07:00</DtTm></BookgDt>
        <AcctSvcrRef>FT25112000002</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>Phi SMS Banking</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"#;

/// A camt.053 upload is detected; only booked entries become transactions, with the
/// statement's running balances, times and counterparties.
async fn camt_uploads(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    let body = multipart(&[("file", CAMT_053.as_bytes())]);
    let (status, report) = upload(&srv.client, &srv, &t, account.id, body.clone())
        .await
        .unwrap();
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report["data"],
        json!({"format": "camt", "created": 2, "duplicates": 0, "enriched": 0, "rejected_count": 0, "rejected": []})
    );
    let got = day_records(
        &srv,
        &t,
        &[
            "when",
            "amount",
            "cusum_balance",
            "description",
            "tid",
            "corresponsiveName",
        ],
    )
    .await;
    assert_eq!(
        got,
        [
            [
                json!("2025-04-22 09:30:00"),
                json!(250_000),
                json!(1_250_000),
                json!("DH1042 chuyen tien"),
                json!("FT25112000001"),
                json!("NGUYEN VAN A")
            ],
            [
                json!("2025-04-22 14:05:00"),
                json!(-11_000),
                json!(1_239_000),
                json!("Phi SMS Banking"),
                json!("FT25112000002"),
                json!("")
            ],
        ]
    );
    let (_, again) = upload(&srv.client, &srv, &t, account.id, body)
        .await
        .unwrap();
    assert_eq!(again["data"]["duplicates"], 2);
}

/// Uploads without a file, with an unknown format, of a file that is no statement, to
/// another business's account, or over the limit are refused in the envelope.
async fn upload_errors(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    let other = srv.tenant("other@shop.vn", "Other").await;
    let theirs = srv.account(&other, "VCB", "0011223344").await;
    let file = MT940_SAMPLE.as_bytes();
    for (parts, status, text) in [
        (
            vec![("format", &b"mt940"[..])],
            400,
            "no part named \"file\"",
        ),
        (
            vec![("format", &b"qif"[..]), ("file", file)],
            400,
            "unknown statement format",
        ),
        (
            vec![("format", &b"csv"[..]), ("file", file)],
            400,
            "no \"time\" column",
        ),
    ] {
        let (got, body) = upload(&srv.client, &srv, &t, account.id, multipart(&parts))
            .await
            .unwrap();
        assert_eq!(got, status, "{body}");
        assert!(body["message"].as_str().unwrap().contains(text), "{body}");
        assert_eq!(body["data"], Value::Null);
    }
    let (status, _) = upload(
        &srv.client,
        &srv,
        &t,
        theirs.id,
        multipart(&[("file", file)]),
    )
    .await
    .unwrap();
    assert_eq!(status, 404);

    // Over 20 MiB. The server answers before reading everything and closes the connection,
    // so a client still writing may see a broken pipe instead: retry with a fresh client.
    let huge = multipart(&[("file", &vec![b'x'; 21 * 1024 * 1024])]);
    let mut answer = None;
    for _ in 0..10 {
        if let Ok(got) = upload(&reqwest::Client::new(), &srv, &t, account.id, huge.clone()).await {
            answer = Some(got);
            break;
        }
    }
    let (status, body) = answer.expect("an answer to the oversized upload");
    assert_eq!(status, 413, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("20 MiB"),
        "{body}"
    );
}

/// A bank's CSV export: title rows, then a Vietnamese header, then a totals row.
const BANK_CSV: &str = "NGÂN HÀNG TMCP Á CHÂU\n\
Sao kê tài khoản;12345678\n\
Từ ngày 22/04/2025 đến ngày 22/04/2025\n\
\n\
STT;Ngày giao dịch;Số tham chiếu;Nội dung;Ghi nợ;Ghi có;Số dư\n\
1;22/04/2025 09:30:00;FT25112000001;DH1042 NGUYEN VAN A chuyen tien;;250.000;1.250.000\n\
2;22/04/2025 14:05:00;FT25112000002;Phi SMS Banking;11.000;;1.239.000\n\
;Tổng cộng;;;11.000;250.000;\n";

/// The same export as an Excel workbook, with real dates and numbers.
fn bank_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sao ke").unwrap();
    sheet
        .write_string(0, 0, "SAO KÊ TÀI KHOẢN 12345678")
        .unwrap();
    for (col, name) in [
        "Ngày GD",
        "Diễn giải",
        "Phát sinh nợ",
        "Phát sinh có",
        "Số dư",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, col as u16, *name).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let rows = [
        (
            (9, 30),
            "DH1042 NGUYEN VAN A chuyen tien",
            0.0,
            250_000.0,
            1_250_000.0,
        ),
        ((14, 5), "Phi SMS Banking", 11_000.0, 0.0, 1_239_000.0),
    ];
    for (i, ((h, m), memo, debit, credit, balance)) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        let when = ExcelDateTime::from_ymd(2025, 4, 22)
            .unwrap()
            .and_hms(*h, *m, 0)
            .unwrap();
        sheet
            .write_datetime_with_format(row, 0, &when, &date)
            .unwrap();
        sheet.write_string(row, 1, *memo).unwrap();
        if *debit > 0.0 {
            sheet.write_number(row, 2, *debit).unwrap();
        }
        if *credit > 0.0 {
            sheet.write_number(row, 3, *credit).unwrap();
        }
        sheet.write_number(row, 4, *balance).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

/// Bank CSV and Excel exports are read by recognising their header (or with a mapping), and
/// say which columns they read; the same transfers from both are stored once.
async fn bank_exports(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    let (status, report) = upload(
        &srv.client,
        &srv,
        &t,
        account.id,
        multipart(&[("file", BANK_CSV.as_bytes())]),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["data"]["format"], "csv", "{report}");
    assert_eq!(report["data"]["created"], 2, "{report}");
    assert_eq!(report["data"]["rejected_count"], 0, "{report}");
    let columns = report["data"]["columns"].as_str().unwrap_or_default();
    assert!(columns.contains("credit=\"Ghi có\""), "{report}");
    // The workbook has the same two transfers (no references): recognised as the same
    // statement's transactions by their fingerprints, nothing new.
    let (status, report) = upload(
        &srv.client,
        &srv,
        &t,
        account.id,
        multipart(&[("file", &bank_xlsx())]),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["data"]["format"], "xlsx", "{report}");
    assert_eq!(report["data"]["rejected_count"], 0, "{report}");
    let got = day_records(&srv, &t, &["when", "amount", "cusum_balance", "tid"]).await;
    assert_eq!(
        got[..2],
        [
            [
                json!("2025-04-22 09:30:00"),
                json!(250_000),
                json!(1_250_000),
                json!("FT25112000001")
            ],
            [
                json!("2025-04-22 14:05:00"),
                json!(-11_000),
                json!(1_239_000),
                json!("FT25112000002")
            ],
        ]
    );
    assert_eq!(
        report["data"]["created"].as_u64().unwrap() + 2,
        got.len() as u64,
        "{report}"
    );
    // An explicit mapping by letters; a bad mapping is refused before anything is read.
    let csv = "x,y\n22/04/2025 16:00,250000,Thanh toan DH7\n";
    let (status, report) = upload(
        &srv.client,
        &srv,
        &t,
        account.id,
        multipart(&[
            ("columns", b"date=A,amount=B,description=C"),
            ("file", csv.as_bytes()),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["data"]["created"], 1, "{report}");
    let (status, report) = upload(
        &srv.client,
        &srv,
        &t,
        account.id,
        multipart(&[("columns", b"when=A"), ("file", csv.as_bytes())]),
    )
    .await
    .unwrap();
    assert_eq!(status, 400, "{report}");
    assert!(
        report["message"].as_str().unwrap().starts_with("columns: "),
        "{report}"
    );
}
