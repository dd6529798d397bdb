//! `GET /dashboard`: today's and this month's money in and out, the last 30 days as a chart,
//! the latest transactions (kept up to date by [`super::live`]) and the accounts with the
//! health of their feeds.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use serde::Serialize;

use super::{chart, text, AccountNames, TransactionRow, View, Viewer};
use crate::domain::time::{date_of_day, now_ms, render_vn, vn_day};
use crate::domain::{BankAccount, BusinessId, Feed};
use crate::http::page::{self, money};
use crate::http::session::SessionUser;
use crate::http::AppState;
use crate::storage::{DailyFlow, Store, StoreResult};

/// Days in the chart.
pub const CHART_DAYS: i64 = 30;
/// Transactions in the latest list.
pub const LATEST: i64 = 10;

/// Money in and out over some days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Sum of money in.
    pub in_amount: i64,
    /// Number of credits.
    pub in_count: i64,
    /// Sum of money in, as shown.
    pub in_text: String,
    /// Sum of money out (positive).
    pub out_amount: i64,
    /// Number of debits.
    pub out_count: i64,
    /// Sum of money out, as shown.
    pub out_text: String,
}

impl Totals {
    /// The totals of the flows of days `from` and later.
    pub fn since(flows: &[DailyFlow], from: i64) -> Self {
        let mut t = Totals::default();
        for f in flows.iter().filter(|f| f.day >= from) {
            t.in_amount = t.in_amount.saturating_add(f.credit_amount);
            t.in_count += f.credit_count;
            t.out_amount = t.out_amount.saturating_add(f.debit_amount);
            t.out_count += f.debit_count;
        }
        t.in_text = money(t.in_amount);
        t.out_text = money(t.out_amount);
        t
    }
}

/// The first day of the month of `day` (Vietnam-local day numbers).
pub fn month_start(day: i64) -> i64 {
    date_of_day(day).map_or(day, |d| day - i64::from(d.day0()))
}

/// Today's and this month's totals, as the overview shows them and the live stream updates
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Today's.
    pub today: Totals,
    /// This month's.
    pub month: Totals,
}

impl Summary {
    /// The business's totals of today (Vietnam time).
    pub async fn read(store: &dyn Store, business: BusinessId) -> StoreResult<Self> {
        let today = vn_day(now_ms());
        let first = month_start(today);
        let flows = store.daily_flows(business, first, today).await?;
        Ok(Self {
            today: Totals::since(&flows, today),
            month: Totals::since(&flows, first),
        })
    }
}

/// A feed as the overview shows it.
#[derive(Debug, Clone, Serialize)]
struct FeedView {
    /// `notify`, `demo`, `command` or `mailbox`.
    kind: &'static str,
    /// `ok`, `failing`, `off` or `waiting` (nothing read yet).
    status: &'static str,
    /// When it last brought something readable ("" never).
    last_success: String,
    /// Its last problem, while failing.
    error: String,
}

impl FeedView {
    fn new(feed: &Feed) -> Self {
        let status = feed_status(feed);
        Self {
            kind: feed.kind().as_str(),
            status,
            last_success: feed.last_success_at.map(render_vn).unwrap_or_default(),
            error: if status == "failing" {
                feed.last_error.clone()
            } else {
                String::new()
            },
        }
    }
}

/// A feed's health badge: `off` (disabled), `failing`, `waiting` (nothing read yet) or `ok`.
pub fn feed_status(feed: &Feed) -> &'static str {
    if !feed.enabled {
        "off"
    } else if feed.consecutive_failures > 0 {
        "failing"
    } else if feed.last_success_at.is_none() {
        "waiting"
    } else {
        "ok"
    }
}

/// An account with its feeds.
#[derive(Debug, Clone, Serialize)]
struct AccountView {
    id: i64,
    bank: String,
    number: String,
    name: String,
    balance: Option<String>,
    feeds: Vec<FeedView>,
}

/// The overview page.
pub async fn overview(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
) -> Response {
    let context = match context(&state, &user, lang).await {
        Ok(context) => context,
        Err(e) => return page::unavailable(e),
    };
    let view = View {
        user: &user,
        lang,
        uri: &uri,
        active: "overview",
    };
    view.render(&state, StatusCode::OK, "dashboard/overview.html", context)
        .await
}

/// What the overview shows, read from the business's rows.
async fn context(
    state: &AppState,
    user: &SessionUser,
    lang: &'static str,
) -> StoreResult<minijinja::Value> {
    let business = user.business_id;
    let today = vn_day(now_ms());
    let first_of_month = month_start(today);
    let chart_start = today - CHART_DAYS + 1;
    let flows = state
        .store
        .daily_flows(business, chart_start.min(first_of_month), today)
        .await?;
    let accounts = state.store.list_accounts(business).await?;
    let feeds = state.store.list_feeds(business, None).await?;
    let latest = state.store.latest_transactions(business, 0, LATEST).await?;

    let names = AccountNames::new(&accounts, state.banks);
    let rows: Vec<TransactionRow> = latest
        .iter()
        .map(|t| TransactionRow::new(t, &names, lang))
        .collect();
    let last_id = latest.first().map_or(0, |t| t.id);
    let failing = feeds.iter().filter(|f| f.is_failing()).count();
    let enabled = feeds.iter().filter(|f| f.enabled).count();
    Ok(minijinja::context! {
        today => Totals::since(&flows, today),
        month => Totals::since(&flows, first_of_month),
        chart => chart::svg(
            &flows,
            chart_start,
            CHART_DAYS,
            (text(lang, "money_in"), text(lang, "money_out")),
        ),
        latest => rows,
        latest_max => LATEST,
        live_url => format!("/dashboard/live?after={last_id}&lang={lang}"),
        accounts => account_views(&accounts, &feeds, &names),
        feeds_enabled => enabled,
        feeds_failing => failing,
    })
}

/// The accounts, oldest first, each with its feeds.
fn account_views(
    accounts: &[BankAccount],
    feeds: &[Feed],
    names: &AccountNames,
) -> Vec<AccountView> {
    accounts
        .iter()
        .map(|a| AccountView {
            id: a.id,
            bank: names.parts(a.id).0.to_string(),
            number: a.account_number.clone(),
            name: a.account_name.clone().unwrap_or_default(),
            balance: a.balance.map(money),
            feeds: feeds
                .iter()
                .filter(|f| f.account_id == a.id)
                .map(FeedView::new)
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_up_the_days_since() {
        let flows = [
            DailyFlow {
                day: 10,
                credit_count: 2,
                credit_amount: 300_000,
                debit_count: 1,
                debit_amount: 50_000,
            },
            DailyFlow {
                day: 12,
                credit_count: 1,
                credit_amount: 1_000_000,
                debit_count: 0,
                debit_amount: 0,
            },
        ];
        let t = Totals::since(&flows, 11);
        assert_eq!((t.in_amount, t.in_count, t.out_count), (1_000_000, 1, 0));
        assert_eq!(t.in_text, "1.000.000 ₫");
        let t = Totals::since(&flows, 0);
        assert_eq!((t.in_amount, t.out_amount), (1_300_000, 50_000));
        assert_eq!(Totals::since(&[], 0).out_text, "0 ₫");
        assert_eq!(
            month_start(crate::domain::time::day_of_date(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
            )),
            crate::domain::time::day_of_date(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        );
    }
}
