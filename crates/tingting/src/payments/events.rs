//! The data of payment events: what a `payment_request.*` webhook carries in `data`. It is
//! rendered when the event is raised and stored with it, so a retry or a replay sends the same.

use serde::Serialize;

use super::matching::Credit;
use crate::domain::payment::PaymentRequest;
use crate::domain::time::render_vn;

/// The `data` of a payment event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventData<'a> {
    /// The request, as it stands after the change.
    pub payment_request: RequestData<'a>,
    /// The transfer that caused the change (none for expiry and cancellation).
    pub transaction: Option<TransactionData<'a>>,
}

/// A payment request in event data (the fields of `GET /v2/payment-requests/{id}` that
/// describe its state).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestData<'a> {
    id: i64,
    code: &'a str,
    account_id: i64,
    amount: i64,
    paid_amount: i64,
    late_amount: i64,
    status: &'static str,
    overpaid: bool,
    description: &'a str,
    metadata: serde_json::Value,
    expires_at: String,
    paid_at: Option<String>,
    cancelled_at: Option<String>,
    created_at: String,
}

/// The transfer in event data.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionData<'a> {
    id: i64,
    amount: i64,
    description: &'a str,
    reference: &'a str,
    /// When the bank booked it, Vietnam time.
    transaction_date_time: String,
    /// It came after the request expired or was cancelled.
    late: bool,
}

/// The stored `data` of an event about `request` at `now`, caused by `credit` (`late` when it
/// came too late).
pub fn render(request: &PaymentRequest, credit: Option<(&Credit<'_>, bool)>, now: i64) -> String {
    let data = EventData {
        payment_request: RequestData {
            id: request.id,
            code: &request.code,
            account_id: request.account_id,
            amount: request.amount,
            paid_amount: request.paid_amount,
            late_amount: request.late_amount,
            status: request.status_at(now),
            overpaid: request.overpaid(),
            description: &request.description,
            metadata: serde_json::from_str(&request.metadata).unwrap_or_default(),
            expires_at: render_vn(request.expires_at),
            paid_at: request.paid_at.map(render_vn),
            cancelled_at: request.cancelled_at.map(render_vn),
            created_at: render_vn(request.created_at),
        },
        transaction: credit.map(|(c, late)| TransactionData {
            id: c.transaction_id,
            amount: c.amount,
            description: c.description,
            reference: c.reference,
            transaction_date_time: render_vn(c.booked_at),
            late,
        }),
    };
    serde_json::to_string(&data).expect("event data serializes")
}
