//! `GET /dashboard/accounts`: the business's bank accounts with the health of their feeds,
//! and a form to add one (`POST /dashboard/accounts`, checked like `tingting account add`).
//! Each account has its own page, [`super::account`].

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Serialize;

use super::overview::feed_status;
use super::{Posted, View, Viewer};
use crate::domain::time::{date_of_day, render_vn};
use crate::domain::{BankAccount, Feed, FeedSettings, NewAccountError, NewBankAccount};
use crate::http::page::{self, money};
use crate::http::session::{self, SessionUser};
use crate::http::AppState;
use crate::storage::{StoreError, StoreResult};

/// A feed as the dashboard's account pages show it.
#[derive(Debug, Serialize)]
pub struct FeedRow {
    /// Feed id.
    pub id: i64,
    /// `notify`, `demo`, `command` or `mailbox`.
    pub kind: &'static str,
    /// `ok`, `failing`, `off` or `waiting` (see [`feed_status`]).
    pub status: &'static str,
    /// Whether it is on.
    pub enabled: bool,
    /// A notification feed's token prefix ("" for pull feeds).
    pub token_prefix: String,
    /// Whether a notification feed's posts must be signed.
    pub signed: bool,
    /// A notification feed's signing key ("" none), for its settings form.
    pub secret: String,
    /// A pull feed's settings (a mailbox password masked), as the API shows them.
    pub settings: Option<serde_json::Value>,
    /// A demo feed's transfers per minute, as typed ("4", "2.5").
    pub rate: Option<String>,
    /// A pull feed's poll interval in seconds.
    pub interval: Option<i64>,
    /// When a pull feed was last polled ("" never).
    pub last_poll: String,
    /// When it last brought something readable ("" never).
    pub last_success: String,
    /// Its last problem ("" none).
    pub last_error: String,
    /// When that happened ("" never).
    pub last_error_at: String,
    /// Problems since the last success.
    pub failures: i64,
    /// What its last poll printed.
    pub last_log: String,
}

impl FeedRow {
    /// The row of `f`.
    pub fn new(f: &Feed) -> Self {
        let pull = f.settings.is_pull();
        let at = |ms: Option<i64>| ms.map(render_vn).unwrap_or_default();
        Self {
            id: f.id,
            kind: f.kind().as_str(),
            status: feed_status(f),
            enabled: f.enabled,
            token_prefix: f.token_prefix.clone(),
            signed: !f.secret.is_empty(),
            secret: f.secret.clone(),
            settings: f.settings.shown(),
            rate: match &f.settings {
                FeedSettings::Demo(demo) => Some(demo.per_minute.to_string()),
                _ => None,
            },
            interval: pull.then_some(f.interval_ms / 1000),
            last_poll: at(f.polled_at),
            last_success: at(f.last_success_at),
            last_error: f.last_error.clone(),
            last_error_at: at(f.last_error_at),
            failures: f.consecutive_failures,
            last_log: f.last_log.clone(),
        }
    }
}

/// An account as the dashboard's account pages show it.
#[derive(Debug, Serialize)]
pub struct AccountRow {
    /// Account id.
    pub id: i64,
    /// Its page.
    pub url: String,
    /// The bank's short name (its BIN when unknown).
    pub bank: String,
    /// The account number.
    pub number: String,
    /// The holder's name ("" unknown).
    pub name: String,
    /// The latest known balance.
    pub balance: Option<String>,
    /// The Vietnam day of its latest transaction (`YYYY-MM-DD`, "" none).
    pub last_transaction: String,
    /// Its feeds, oldest first.
    pub feeds: Vec<FeedRow>,
}

impl AccountRow {
    /// The row of `a`, with its feeds (of `feeds`, any account's) and totals read for it.
    pub async fn read(
        state: &AppState,
        a: &BankAccount,
        feeds: &[Feed],
        lang: &str,
    ) -> StoreResult<Self> {
        let totals = state.store.account_totals(a.business_id, a.id).await?;
        Ok(Self {
            id: a.id,
            url: format!("/dashboard/accounts/{}?lang={lang}", a.id),
            bank: state
                .banks
                .by_bin(a.bank_bin)
                .map_or_else(|| a.bank_bin.to_string(), |b| b.short_name.clone()),
            number: a.account_number.clone(),
            name: a.account_name.clone().unwrap_or_default(),
            balance: a.balance.map(money),
            last_transaction: totals
                .last_day
                .and_then(date_of_day)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            feeds: feeds
                .iter()
                .filter(|f| f.account_id == a.id)
                .map(FeedRow::new)
                .collect(),
        })
    }
}

/// A bank the add form offers.
#[derive(Debug, Serialize)]
struct BankChoice {
    bin: u32,
    label: String,
}

/// What was typed into the add form, shown again with its error.
#[derive(Debug, Default, Serialize)]
struct Typed {
    bank: String,
    number: String,
    name: String,
}

/// `GET /dashboard/accounts`.
pub async fn list(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
) -> Response {
    render(
        &state,
        &user,
        &uri,
        lang,
        StatusCode::OK,
        None,
        Typed::default(),
    )
    .await
}

/// `POST /dashboard/accounts`: adds an account (bank, number, holder name), then goes to its
/// page; the form again with the error when the account is refused.
pub async fn add(
    State(state): State<AppState>,
    Posted {
        user,
        lang,
        uri,
        form,
        ..
    }: Posted,
) -> Response {
    let typed = Typed {
        bank: form.get("bank").to_string(),
        number: form.get("number").to_string(),
        name: form.get("name").to_string(),
    };
    let refused = |error| {
        render(
            &state,
            &user,
            &uri,
            lang,
            StatusCode::BAD_REQUEST,
            Some(error),
            typed,
        )
    };
    let parsed = NewBankAccount::parse(
        state.banks,
        form.get("bank"),
        form.get("number"),
        Some(form.get("name")),
    );
    let new = match parsed {
        Ok((new, _)) => new,
        Err(NewAccountError::UnknownBank(_)) => return refused("acc_err_bank").await,
        Err(NewAccountError::Number(_)) => return refused("acc_err_number").await,
        Err(NewAccountError::NameTooLong) => return refused("acc_err_name").await,
    };
    match state.store.add_account(user.business_id, &new).await {
        Ok(account) => {
            session::redirect(&format!("/dashboard/accounts/{}?lang={lang}", account.id))
        }
        Err(StoreError::Conflict(_)) => refused("acc_err_duplicate").await,
        Err(e) => page::unavailable(e),
    }
}

/// The accounts page with `error` (a text key) and what was typed; `status` 404 with
/// `acc_not_found` for another business's account.
async fn render(
    state: &AppState,
    user: &SessionUser,
    uri: &Uri,
    lang: &'static str,
    status: StatusCode,
    error: Option<&'static str>,
    typed: Typed,
) -> Response {
    let read = async {
        let accounts = state.store.list_accounts(user.business_id).await?;
        let feeds = state.store.list_feeds(user.business_id, None).await?;
        let mut rows = Vec::with_capacity(accounts.len());
        for a in &accounts {
            rows.push(AccountRow::read(state, a, &feeds, lang).await?);
        }
        StoreResult::Ok(rows)
    };
    let accounts = match read.await {
        Ok(rows) => rows,
        Err(e) => return page::unavailable(e),
    };
    let banks: Vec<BankChoice> = state
        .banks
        .all()
        .iter()
        .map(|b| BankChoice {
            bin: b.bin,
            label: format!("{} ({})", b.short_name, b.code),
        })
        .collect();
    let view = View {
        user,
        lang,
        uri,
        active: "accounts",
    };
    view.render(
        state,
        status,
        "dashboard/accounts.html",
        minijinja::context! { accounts, banks, error, typed },
    )
    .await
}

/// The accounts page answering 404 for an account not of this business.
pub(super) async fn not_found(
    state: &AppState,
    user: &SessionUser,
    uri: &Uri,
    lang: &'static str,
) -> Response {
    render(
        state,
        user,
        uri,
        lang,
        StatusCode::NOT_FOUND,
        Some("acc_not_found"),
        Typed::default(),
    )
    .await
}
