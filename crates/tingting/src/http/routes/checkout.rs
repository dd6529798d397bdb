//! The hosted checkout page (**ours**, public): `GET /pay/{publicId}` shows a payment request
//! to the customer (bank, account, amount, order code, QR code, countdown) in Vietnamese or
//! English, and `GET /pay/{publicId}/events` streams its status (server-sent events) so the
//! page turns to paid without reloading. The public id is unguessable; nothing else of the
//! business is shown.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use futures_util::Stream;
use serde::{Deserialize, Serialize};

use crate::domain::payment::PaymentRequest;
use crate::domain::time::now_ms;
use crate::http::page::{self, money};
use crate::http::AppState;
use crate::payments::qr;
use crate::storage::Store;

/// How often an open event stream looks at its request.
const POLL: Duration = Duration::from_millis(200);
/// Longest one event stream lasts; the browser then reconnects (so that a shutting-down
/// server is not held up by open pages).
const STREAM_LIFETIME: Duration = Duration::from_secs(20);
/// How soon the browser reconnects a stream that ended.
const RECONNECT: Duration = Duration::from_millis(500);

/// `?lang=`.
#[derive(Debug, Deserialize)]
pub struct PageParams {
    /// `vi` or `en`; otherwise the browser's preference, Vietnamese by default.
    pub lang: Option<String>,
}

/// A small page for a request that does not exist.
fn not_found(lang: &str) -> Response {
    let text = if lang == "en" {
        "This payment link does not exist."
    } else {
        "Liên kết thanh toán này không tồn tại."
    };
    let page = format!(
        "<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width,initial-scale=1\"><title>404</title>\
         <p style=\"font-family:system-ui,sans-serif;margin:2rem\">{text}</p></html>"
    );
    (StatusCode::NOT_FOUND, Html(page)).into_response()
}

/// The checkout page of a payment request.
pub async fn page(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Response {
    let lang = page::language(params.lang.as_deref(), &headers);
    match render(&state, &public_id, lang).await {
        Ok(Some(html)) => (
            [
                (header::CACHE_CONTROL, "no-store"),
                (header::REFERRER_POLICY, "no-referrer"),
            ],
            Html(html),
        )
            .into_response(),
        Ok(None) => not_found(lang),
        Err(e) => page::unavailable(e),
    }
}

/// The page's HTML, or None when there is no such request.
async fn render(state: &AppState, public_id: &str, lang: &str) -> anyhow::Result<Option<String>> {
    let Some(r) = state.store.payment_request_by_public_id(public_id).await? else {
        return Ok(None);
    };
    let Some(account) = state.store.get_account(r.business_id, r.account_id).await? else {
        return Ok(None);
    };
    let business = state.store.get_business(r.business_id).await?;
    let bank = state.banks.by_bin(account.bank_bin);
    let payload = qr::request_payload(&account, &r)?;
    let svg = qr::inline_svg(&payload.build())?;
    let now = now_ms();
    let context = minijinja::context! {
        lang,
        status => r.status_at(now),
        business_name => business.map(|b| b.name).unwrap_or_default(),
        bank_name => bank.map(|b| b.short_name.clone()).unwrap_or_else(|| account.bank_bin.to_string()),
        account_name => account.account_name.clone().unwrap_or_default(),
        account_number => account.account_number.clone(),
        amount => r.amount,
        amount_text => money(r.amount),
        paid_amount => r.paid_amount,
        paid_amount_text => money(r.paid_amount),
        overpaid => r.overpaid(),
        code => r.code.clone(),
        description => r.description.clone(),
        qr_svg => svg,
        expires_at_ms => r.expires_at,
        now_ms => now,
        events_url => format!("/pay/{public_id}/events"),
        return_url => r.return_url.clone(),
    };
    Ok(Some(
        page::templates()
            .get_template("checkout.html")?
            .render(context)?,
    ))
}

/// What the page is told on each change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    status: &'static str,
    paid_amount: i64,
    paid_amount_text: String,
    amount: i64,
    overpaid: bool,
}

impl Status {
    fn of(r: &PaymentRequest, now: i64) -> Self {
        Self {
            status: r.status_at(now),
            paid_amount: r.paid_amount,
            paid_amount_text: money(r.paid_amount),
            amount: r.amount,
            overpaid: r.overpaid(),
        }
    }

    /// Nothing more will change for the page.
    fn is_final(&self) -> bool {
        matches!(self.status, "paid" | "expired" | "cancelled")
    }
}

/// The status stream of a checkout page: a `status` event now and on every change, until the
/// request is paid, expired or cancelled.
pub async fn events(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Response> {
    let first = match state.store.payment_request_by_public_id(&public_id).await {
        Ok(Some(r)) => Status::of(&r, now_ms()),
        Ok(None) => return Err(not_found("vi")),
        Err(e) => return Err(page::unavailable(e)),
    };
    let watch = Watch {
        store: state.store.clone(),
        public_id,
        last: None,
        next: Some(first),
        until: tokio::time::Instant::now() + STREAM_LIFETIME,
    };
    let stream = futures_util::stream::unfold(watch, |mut w| async move {
        let status = w.next_change().await?;
        let event = Event::default()
            .event("status")
            .retry(RECONNECT)
            .json_data(&status)
            .unwrap_or_default();
        Some((Ok(event), w))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// A request watched for a page.
struct Watch {
    store: Arc<dyn Store>,
    public_id: String,
    /// What the page was last sent.
    last: Option<Status>,
    /// What to send next, already read.
    next: Option<Status>,
    /// When the stream ends.
    until: tokio::time::Instant,
}

impl Watch {
    /// The next status to send; None when the stream ends (final status sent, request gone,
    /// lifetime over).
    async fn next_change(&mut self) -> Option<Status> {
        if let Some(next) = self.next.take() {
            self.last = Some(next.clone());
            return Some(next);
        }
        loop {
            if self.last.as_ref().is_some_and(Status::is_final)
                || tokio::time::Instant::now() >= self.until
            {
                return None;
            }
            tokio::time::sleep(POLL).await;
            let current = match self
                .store
                .payment_request_by_public_id(&self.public_id)
                .await
            {
                Ok(Some(r)) => Status::of(&r, now_ms()),
                Ok(None) => return None,
                // Passing trouble: keep watching.
                Err(_) => continue,
            };
            if self.last.as_ref() != Some(&current) {
                self.last = Some(current.clone());
                return Some(current);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_renders_and_escapes() {
        let html = page::templates()
            .get_template("checkout.html")
            .unwrap()
            .render(minijinja::context! {
                lang => "en", status => "pending", business_name => "<b>Shop</b>",
                bank_name => "Vietcombank", account_number => "0123", amount => 1000,
                amount_text => "1.000 ₫", code => "DH7KQ3M9XA", qr_svg => "<svg></svg>",
                expires_at_ms => 2, now_ms => 1, events_url => "/pay/x/events",
            })
            .unwrap();
        assert!(
            html.contains("&lt;b&gt;Shop") && !html.contains("<b>Shop"),
            "escaped"
        );
        assert!(html.contains("<svg></svg>"), "the QR code is inline");
        assert!(html.contains(r#"data-status="pending""#));
    }
}
