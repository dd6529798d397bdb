//! Webhook bodies in Casso's two formats, and the fixed test-ping transaction.

use serde::Serialize;
use serde_json::Value;

use crate::domain::time::render_vn;
use crate::domain::{Bank, NewTransaction};

/// What a payload needs to know about the account a transaction belongs to.
#[derive(Debug, Clone, Copy)]
pub struct AccountRef<'a> {
    /// Account number.
    pub number: &'a str,
    /// The account's bank, when it is in the directory.
    pub bank: Option<&'a Bank>,
}

impl AccountRef<'_> {
    fn bank_name(&self) -> String {
        self.bank.map(|b| b.short_name.clone()).unwrap_or_default()
    }

    fn bank_abbreviation(&self) -> String {
        self.bank.map(|b| b.code.clone()).unwrap_or_default()
    }
}

/// One element of a legacy (`secure-token`) webhook's `data` array.
#[derive(Debug, Serialize)]
pub struct LegacyRecord {
    id: i64,
    tid: String,
    description: String,
    amount: i64,
    cusum_balance: Option<i64>,
    when: String,
    bank_sub_acc_id: String,
    #[serde(rename = "subAccId")]
    sub_acc_id: String,
    #[serde(rename = "bankName")]
    bank_name: String,
    #[serde(rename = "bankAbbreviation")]
    bank_abbreviation: String,
    #[serde(rename = "virtualAccount")]
    virtual_account: String,
    #[serde(rename = "virtualAccountName")]
    virtual_account_name: String,
    #[serde(rename = "corresponsiveName")]
    corresponsive_name: String,
    #[serde(rename = "corresponsiveAccount")]
    corresponsive_account: String,
    #[serde(rename = "corresponsiveBankId")]
    corresponsive_bank_id: String,
    #[serde(rename = "corresponsiveBankName")]
    corresponsive_bank_name: String,
}

impl LegacyRecord {
    /// Renders transaction `id` of `account`.
    pub fn new(id: i64, t: &NewTransaction, account: AccountRef<'_>) -> Self {
        Self {
            id,
            tid: t.reference.clone(),
            description: t.description.clone(),
            amount: t.amount,
            cusum_balance: t.running_balance,
            when: render_vn(t.booked_at),
            bank_sub_acc_id: account.number.to_string(),
            sub_acc_id: account.number.to_string(),
            bank_name: account.bank_name(),
            bank_abbreviation: account.bank_abbreviation(),
            virtual_account: t.virtual_account.clone(),
            virtual_account_name: t.virtual_account_name.clone(),
            corresponsive_name: t.counterparty_name.clone(),
            corresponsive_account: t.counterparty_account.clone(),
            corresponsive_bank_id: t.counterparty_bank_id.clone(),
            corresponsive_bank_name: t.counterparty_bank.clone(),
        }
    }
}

/// A webhook body: `{"error":0,"data":...}`, fields in Casso's order.
#[derive(Debug, Serialize)]
pub struct Body<T> {
    error: i64,
    data: T,
}

impl<T: Serialize> Body<T> {
    /// Wraps `data`.
    pub fn new(data: T) -> Self {
        Self { error: 0, data }
    }

    /// The bytes to send.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("webhook bodies serialize")
    }

    /// The body as a JSON value (what Casso's signature canonicalizes).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("webhook bodies serialize")
    }
}

/// The legacy body: `data` is a batch of records.
pub type LegacyBody<'a> = Body<&'a [LegacyRecord]>;

/// The Casso V2 body: `data` is one transaction.
pub type CassoV2Body<'a> = Body<&'a CassoV2Data>;

/// The `data` object of a Casso V2 (signed) webhook. Never contains null: an unknown balance is
/// sent as `""`, because official verifiers fail on null.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CassoV2Data {
    id: i64,
    reference: String,
    description: String,
    amount: i64,
    running_balance: Value,
    transaction_date_time: String,
    account_number: String,
    bank_name: String,
    bank_abbreviation: String,
    virtual_account_number: String,
    virtual_account_name: String,
    counter_account_name: String,
    counter_account_number: String,
    counter_account_bank_id: String,
    counter_account_bank_name: String,
}

impl CassoV2Data {
    /// Renders transaction `id` of `account`.
    pub fn new(id: i64, t: &NewTransaction, account: AccountRef<'_>) -> Self {
        Self {
            id,
            reference: t.reference.clone(),
            description: t.description.clone(),
            amount: t.amount,
            running_balance: t
                .running_balance
                .map_or_else(|| Value::String(String::new()), Value::from),
            transaction_date_time: render_vn(t.booked_at),
            account_number: account.number.to_string(),
            bank_name: account.bank_name(),
            bank_abbreviation: account.bank_abbreviation(),
            virtual_account_number: t.virtual_account.clone(),
            virtual_account_name: t.virtual_account_name.clone(),
            counter_account_name: t.counterparty_name.clone(),
            counter_account_number: t.counterparty_account.clone(),
            counter_account_bank_id: t.counterparty_bank_id.clone(),
            counter_account_bank_name: t.counterparty_bank.clone(),
        }
    }
}

/// Casso's test ping: id 0 and fixed values receivers recognise, booked at `now_ms`, on
/// VPBank account `88888888`.
pub fn test_ping(now_ms: i64) -> NewTransaction {
    NewTransaction {
        amount: 599_000,
        booked_at: now_ms,
        description: "giao dich thu nghiem".into(),
        reference: "MA_GIAO_DICH_THU_NGHIEM".into(),
        running_balance: Some(25_000_000),
        counterparty_name: "NGUYEN VAN A".into(),
        counterparty_account: "8888888888".into(),
        counterparty_bank_id: "970415".into(),
        counterparty_bank: "VietinBank".into(),
        source: "test".into(),
        ..Default::default()
    }
}

/// The account the test ping is addressed to.
pub const TEST_PING_ACCOUNT: &str = "88888888";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::signing::casso_v2_signature;
    use crate::domain::BankDirectory;
    use chrono::TimeZone;

    fn ping_account() -> AccountRef<'static> {
        AccountRef {
            number: TEST_PING_ACCOUNT,
            bank: BankDirectory::builtin().resolve("VPB"),
        }
    }

    fn official_time() -> i64 {
        crate::domain::time::vn_offset()
            .with_ymd_and_hms(2024, 10, 3, 15, 6, 37)
            .unwrap()
            .timestamp_millis()
    }

    /// Our test ping, rendered in the V2 format at Casso's example time, signs to Casso's
    /// published vector: the body is field-for-field Casso's.
    #[test]
    fn v2_test_ping_matches_the_official_example() {
        let data = CassoV2Data::new(0, &test_ping(official_time()), ping_account());
        let sig = casso_v2_signature(
            "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs",
            1727948258788,
            &CassoV2Body::new(&data).to_value(),
        );
        assert!(sig.ends_with("v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"), "{sig}");
    }

    #[test]
    fn v2_never_sends_null() {
        let mut t = test_ping(official_time());
        t.running_balance = None;
        let data = CassoV2Data::new(7, &t, ping_account());
        let body = CassoV2Body::new(&data);
        assert_eq!(body.to_value()["data"]["runningBalance"], "");
        assert!(!body.to_json().contains("null"));
    }

    #[test]
    fn legacy_record_has_casso_fields_in_order() {
        let records = [LegacyRecord::new(
            5789,
            &test_ping(official_time()),
            ping_account(),
        )];
        let text = LegacyBody::new(&records).to_json();
        assert!(text.starts_with(r#"{"error":0,"data":[{"id":5789,"tid":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem","amount":599000,"cusum_balance":25000000,"when":"2024-10-03 15:06:37","bank_sub_acc_id":"88888888","subAccId":"88888888","bankName":"VPBank","bankAbbreviation":"VPB""#), "{text}");
    }
}
