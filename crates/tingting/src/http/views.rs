//! Response bodies in Casso's exact field names and order.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::time::{day_start_ms, render_vn, render_vn_date};
use crate::domain::{AccountTotals, BankAccount, BankDirectory, Feed, Transaction};

/// A transaction as `/v2/transactions` lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionRecord {
    /// System-wide id; receivers deduplicate on it.
    pub id: i64,
    /// The bank's reference; may be empty or repeat.
    pub tid: String,
    /// Description as the bank wrote it.
    pub description: String,
    /// Signed VND: positive is money in.
    pub amount: i64,
    /// Balance after the transaction, when known.
    pub cusum_balance: Option<i64>,
    /// Casso's camelCase duplicate of `cusum_balance`, sent by the detail endpoint only.
    #[serde(rename = "cusumBalance", skip_serializing_if = "Option::is_none")]
    pub cusum_balance_detail: Option<Option<i64>>,
    /// Booking time, Vietnam local, `YYYY-MM-DD HH:MM:SS`.
    pub when: String,
    /// Account number.
    #[serde(rename = "bankSubAccId")]
    pub bank_sub_acc_id: String,
    /// Payment channel or "".
    #[serde(rename = "paymentChannel")]
    pub payment_channel: String,
    /// Virtual account or "".
    #[serde(rename = "virtualAccount")]
    pub virtual_account: String,
    /// Virtual account name or "".
    #[serde(rename = "virtualAccountName")]
    pub virtual_account_name: String,
    /// Counterparty name or "".
    #[serde(rename = "corresponsiveName")]
    pub corresponsive_name: String,
    /// Counterparty account or "".
    #[serde(rename = "corresponsiveAccount")]
    pub corresponsive_account: String,
    /// Counterparty bank id or "".
    #[serde(rename = "corresponsiveBankId")]
    pub corresponsive_bank_id: String,
    /// Counterparty bank name or "".
    #[serde(rename = "corresponsiveBankName")]
    pub corresponsive_bank_name: String,
    /// Id of the bank account.
    #[serde(rename = "accountId")]
    pub account_id: i64,
    /// Casso code name of the bank, e.g. `acb_digi`.
    #[serde(rename = "bankCodeName")]
    pub bank_code_name: String,
}

impl TransactionRecord {
    /// Renders a stored transaction of `account`.
    pub fn new(t: Transaction, account: Option<&BankAccount>, banks: &BankDirectory) -> Self {
        let f = t.fields;
        let (number, code_name) = account.map_or_else(Default::default, |a| {
            let code = banks
                .by_bin(a.bank_bin)
                .map(|b| b.code_name())
                .unwrap_or_default();
            (a.account_number.clone(), code)
        });
        Self {
            id: t.id,
            tid: f.reference,
            description: f.description,
            amount: f.amount,
            cusum_balance: f.running_balance,
            cusum_balance_detail: None,
            when: render_vn(f.booked_at),
            bank_sub_acc_id: number,
            payment_channel: f.payment_channel,
            virtual_account: f.virtual_account,
            virtual_account_name: f.virtual_account_name,
            corresponsive_name: f.counterparty_name,
            corresponsive_account: f.counterparty_account,
            corresponsive_bank_id: f.counterparty_bank_id,
            corresponsive_bank_name: f.counterparty_bank,
            account_id: t.account_id,
            bank_code_name: code_name,
        }
    }

    /// The detail form: also carries `cusumBalance`.
    pub fn into_detail(mut self) -> Self {
        self.cusum_balance_detail = Some(self.cusum_balance);
        self
    }
}

/// A page of records with Casso's paging fields.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// This page's number, from 1.
    pub page: i64,
    /// Rows per page.
    pub page_size: i64,
    /// Next page, or null on the last page.
    pub next_page: Option<i64>,
    /// Previous page, or null on the first.
    pub prev_page: Option<i64>,
    /// Number of pages.
    pub total_pages: i64,
    /// Number of matching records.
    pub total_records: i64,
    /// The records.
    pub records: Vec<T>,
}

impl<T> Page<T> {
    /// Builds the paging fields around one page of records.
    pub fn new(page: i64, page_size: i64, total_records: i64, records: Vec<T>) -> Self {
        let total_pages = (total_records + page_size - 1) / page_size;
        Self {
            page,
            page_size,
            next_page: (page < total_pages).then_some(page + 1),
            prev_page: (page > 1).then_some(page - 1),
            total_pages,
            total_records,
            records,
        }
    }
}

/// `/v2/userInfo` payload.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserInfo {
    /// The user behind the credential.
    pub user: UserView,
    /// The user's business.
    pub business: BusinessView,
    /// The business's bank accounts.
    #[serde(rename = "bankAccs")]
    pub bank_accs: Vec<BankAccSummary>,
}

/// A user in `userInfo`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// User id.
    pub id: i64,
    /// Login e-mail.
    pub email: String,
}

/// A business in `userInfo`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BusinessView {
    /// Business id.
    pub id: i64,
    /// Business name.
    pub name: String,
}

/// An account's connection, as its feeds report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Casso's `connectStatus`: 1 connected, 0 not.
    pub status: i64,
    /// Why not ("" when connected).
    pub reason: String,
}

impl Connection {
    /// The connection of account `account_id`: 0 while one of its enabled feeds is failing,
    /// with that feed's last error.
    pub fn of(feeds: &[Feed], account_id: i64) -> Self {
        match feeds
            .iter()
            .find(|f| f.account_id == account_id && f.is_failing())
        {
            Some(f) => Self {
                status: 0,
                reason: format!(
                    "feed {} ({}) failed {} time(s) in a row: {}",
                    f.id,
                    f.kind().as_str(),
                    f.consecutive_failures,
                    f.last_error
                ),
            },
            None => Self {
                status: 1,
                reason: String::new(),
            },
        }
    }
}

/// A bank account in `userInfo`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BankAccSummary {
    /// Account id.
    pub id: i64,
    /// The bank (lower-case `bin`, a number).
    pub bank: BankRef,
    /// Holder name, or null.
    pub bank_account_name: Option<String>,
    /// Account number.
    pub bank_sub_acc_id: String,
    /// 1 when the account's feeds are healthy, 0 when one is failing.
    pub connect_status: i64,
    /// **ours**: why `connectStatus` is 0 ("" when it is 1).
    pub connect_reason: String,
    /// 0: active.
    pub plan_status: i64,
}

/// A bank reference in `userInfo`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BankRef {
    /// NAPAS BIN.
    pub bin: u32,
    /// Casso code name.
    pub code_name: String,
}

impl BankAccSummary {
    /// Summarizes an account.
    pub fn new(a: &BankAccount, banks: &BankDirectory, connection: Connection) -> Self {
        Self {
            id: a.id,
            bank: BankRef {
                bin: a.bank_bin,
                code_name: banks
                    .by_bin(a.bank_bin)
                    .map(|b| b.code_name())
                    .unwrap_or_default(),
            },
            bank_account_name: a.account_name.clone(),
            bank_sub_acc_id: a.account_number.clone(),
            connect_status: connection.status,
            connect_reason: connection.reason,
            plan_status: 0,
        }
    }
}

/// A bank account as `/v2/accounts` shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// Account id.
    pub id: i64,
    /// Account number.
    pub account_number: String,
    /// Holder name or "".
    pub account_name: String,
    /// Always "".
    pub account_type: String,
    /// Latest known balance.
    pub balance: i64,
    /// Always `VND`.
    pub currency: String,
    /// "".
    pub swift: String,
    /// "".
    pub citad: String,
    /// `personal`.
    pub service_type: String,
    /// The bank's full name.
    pub bank_name: String,
    /// NAPAS BIN (upper-case key, a number).
    #[serde(rename = "BIN")]
    pub bin: u32,
    /// Casso code name.
    pub bank_code_name: String,
    /// "".
    pub memo: String,
    /// 1 when the account's feeds are healthy, 0 when one is failing.
    pub connect_status: i64,
    /// **ours**: why `connectStatus` is 0 ("" when it is 1).
    pub connect_reason: String,
    /// The date the account was added.
    pub beginning_setting_date: String,
    /// Date of the first transaction, or null.
    pub beginning_txn_date: Option<String>,
    /// Balance before the first stored transaction.
    pub beginning_balance: i64,
    /// Number of credits.
    pub credit_txn_total: i64,
    /// Sum of credits.
    pub credit_txn_amount: i64,
    /// Number of debits.
    pub debit_txn_total: i64,
    /// Sum of debits.
    pub debit_txn_amount: i64,
    /// Always null.
    pub lock_sync_date: Option<String>,
    /// Balance after the last stored transaction.
    pub ending_balance: i64,
    /// Date of the last transaction, or null.
    pub ending_txn_date: Option<String>,
}

impl AccountView {
    /// Renders an account with its totals and connection.
    pub fn new(
        a: &BankAccount,
        totals: AccountTotals,
        banks: &BankDirectory,
        connection: Connection,
    ) -> Self {
        let bank = banks.by_bin(a.bank_bin);
        let net = totals.credit_amount - totals.debit_amount;
        let ending = a.balance.unwrap_or(net);
        let day = |d: Option<i64>| d.map(|d| render_vn_date(day_start_ms(d)));
        Self {
            id: a.id,
            account_number: a.account_number.clone(),
            account_name: a.account_name.clone().unwrap_or_default(),
            account_type: String::new(),
            balance: ending,
            currency: "VND".into(),
            swift: String::new(),
            citad: String::new(),
            service_type: "personal".into(),
            bank_name: bank.map(|b| b.name.clone()).unwrap_or_default(),
            bin: a.bank_bin,
            bank_code_name: bank.map(|b| b.code_name()).unwrap_or_default(),
            memo: String::new(),
            connect_status: connection.status,
            connect_reason: connection.reason,
            beginning_setting_date: render_vn_date(a.created_at),
            beginning_txn_date: day(totals.first_day),
            beginning_balance: ending - net,
            credit_txn_total: totals.credit_count,
            credit_txn_amount: totals.credit_amount,
            debit_txn_total: totals.debit_count,
            debit_txn_amount: totals.debit_amount,
            lock_sync_date: None,
            ending_balance: ending,
            ending_txn_date: day(totals.last_day),
        }
    }
}

/// What `/v2/ingest` did with one item.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestResult {
    /// Id of the stored transaction (the existing one for a duplicate).
    pub id: i64,
    /// `created`, `duplicate`, or `enriched` (already stored from another feed; this item
    /// filled in fields it lacked).
    pub status: &'static str,
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn paging_edges() {
        let p = Page::new(1, 10, 0, Vec::<()>::new());
        assert_eq!((p.total_pages, p.next_page, p.prev_page), (0, None, None));
        let p = Page::new(2, 10, 25, Vec::<()>::new());
        assert_eq!(
            (p.total_pages, p.next_page, p.prev_page),
            (3, Some(3), Some(1))
        );
        let p = Page::new(3, 10, 25, Vec::<()>::new());
        assert_eq!(p.next_page, None);
        let p = Page::new(9, 10, 25, Vec::<()>::new());
        assert_eq!((p.next_page, p.prev_page), (None, Some(8)));
    }
}
