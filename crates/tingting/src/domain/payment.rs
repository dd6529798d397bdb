//! Payment requests: an amount a shop expects on one of its accounts, recognised by the order
//! code the customer puts in the transfer's content.

use super::BusinessId;

/// How long a request stays open unless told otherwise (seconds).
pub const DEFAULT_EXPIRY_S: i64 = 30 * 60;
/// Shortest expiry accepted (seconds).
pub const MIN_EXPIRY_S: i64 = 60;
/// Longest expiry accepted (seconds): 30 days.
pub const MAX_EXPIRY_S: i64 = 30 * 24 * 3600;
/// Longest description (characters).
pub const MAX_DESCRIPTION: usize = 255;
/// Longest return URL (characters).
pub const MAX_RETURN_URL: usize = 2000;
/// Largest metadata object (bytes of JSON).
pub const MAX_METADATA: usize = 4096;

/// Where a payment request stands, as stored. `expired` is not stored: a pending or underpaid
/// request past its expiry shows as expired ([`PaymentRequest::status_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Waiting for the transfer.
    Pending,
    /// Part of the amount arrived; waiting for the rest.
    Underpaid,
    /// The amount (or more) arrived.
    Paid,
    /// The shop cancelled it.
    Cancelled,
}

impl PaymentStatus {
    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Underpaid => "underpaid",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(PaymentStatus::Pending),
            "underpaid" => Some(PaymentStatus::Underpaid),
            "paid" => Some(PaymentStatus::Paid),
            "cancelled" => Some(PaymentStatus::Cancelled),
            _ => None,
        }
    }

    /// Whether a transfer can still pay it (before its expiry).
    pub fn is_open(self) -> bool {
        matches!(self, PaymentStatus::Pending | PaymentStatus::Underpaid)
    }
}

/// A stored payment request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// Id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// The account the transfer goes to.
    pub account_id: i64,
    /// Names it on its public checkout page (unguessable, unlike `id`).
    pub public_id: String,
    /// The order code the transfer's content carries (unique in the business).
    pub code: String,
    /// Expected amount (VND).
    pub amount: i64,
    /// How far below `amount` a payment still counts as paid (VND).
    pub tolerance: i64,
    /// What arrived in time (VND).
    pub paid_amount: i64,
    /// What arrived after it expired or was cancelled (VND).
    pub late_amount: i64,
    /// Stored status.
    pub status: PaymentStatus,
    /// The shop's description ("" when none).
    pub description: String,
    /// Where the checkout sends the customer afterwards ("" when none).
    pub return_url: String,
    /// The shop's own data, a JSON object.
    pub metadata: String,
    /// When it stops accepting payment (ms).
    pub expires_at: i64,
    /// When it was paid (ms).
    pub paid_at: Option<i64>,
    /// When it was cancelled (ms).
    pub cancelled_at: Option<i64>,
    /// When it was created (ms).
    pub created_at: i64,
}

impl PaymentRequest {
    /// The status as shown at `now`: `expired` for an open request past its expiry.
    pub fn status_at(&self, now: i64) -> &'static str {
        if self.status.is_open() && now >= self.expires_at {
            "expired"
        } else {
            self.status.as_str()
        }
    }

    /// Whether more than the amount and its tolerance arrived in time.
    pub fn overpaid(&self) -> bool {
        self.paid_amount > self.amount.saturating_add(self.tolerance)
    }

    /// Whether what arrived in time pays it.
    pub fn covered(&self) -> bool {
        self.paid_amount >= self.amount.saturating_sub(self.tolerance)
    }
}

/// Something that happened to a payment request, as its webhooks receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    /// Id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// The request.
    pub payment_request_id: i64,
    /// The request's account.
    pub account_id: i64,
    /// Its `type`, e.g. `payment_request.paid`.
    pub kind: String,
    /// Its `data`, a JSON object (see [`crate::payments::events`]).
    pub data: String,
    /// When it was raised (ms).
    pub created_at: i64,
}

/// A transfer linked to a payment request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentLink {
    /// The transaction.
    pub transaction_id: i64,
    /// Its amount (VND).
    pub amount: i64,
    /// It came after the request expired or was cancelled.
    pub late: bool,
}

/// A payment request to store.
#[derive(Debug, Clone)]
pub struct NewPaymentRequest {
    /// The account, of the business.
    pub account_id: i64,
    /// Its order code (normalized).
    pub code: String,
    /// Names it on its checkout page ([`new_public_id`]).
    pub public_id: String,
    /// Expected amount (VND, positive).
    pub amount: i64,
    /// How far below `amount` a payment still counts as paid (VND, not negative).
    pub tolerance: i64,
    /// Description.
    pub description: String,
    /// Return URL.
    pub return_url: String,
    /// Metadata, a JSON object.
    pub metadata: String,
    /// Expiry (ms).
    pub expires_at: i64,
    /// The client's `Idempotency-Key`, when it sent one.
    pub idempotency_key: Option<String>,
    /// A digest of the request, to tell a retry from a different request under the same key.
    pub request_digest: String,
}

/// A new public id: 128 random bits, as 32 hex digits.
pub fn new_public_id() -> String {
    use rand::Rng;
    hex::encode(rand::rng().random::<[u8; 16]>())
}

/// Which requests a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Stored with this status (open ones only while not expired).
    Is(PaymentStatus),
    /// Open but past their expiry.
    Expired,
}

impl StatusFilter {
    /// Parses a shown status name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "expired" => Some(StatusFilter::Expired),
            other => PaymentStatus::parse(other).map(StatusFilter::Is),
        }
    }
}

#[cfg(test)]
impl PaymentRequest {
    /// A pending request of account 1 of business 1, created at 0 and expiring at 1,000 ms.
    pub(crate) fn sample(id: i64, code: &str, amount: i64) -> Self {
        PaymentRequest {
            id,
            business_id: 1,
            account_id: 1,
            public_id: format!("p{id}"),
            code: code.into(),
            amount,
            tolerance: 0,
            paid_amount: 0,
            late_amount: 0,
            status: PaymentStatus::Pending,
            description: String::new(),
            return_url: String::new(),
            metadata: "{}".into(),
            expires_at: 1_000,
            paid_at: None,
            cancelled_at: None,
            created_at: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_requests_expire_when_shown() {
        let mut r = PaymentRequest::sample(1, "DH1", 100);
        assert_eq!(r.status_at(999), "pending");
        assert_eq!(r.status_at(1_000), "expired");
        r.status = PaymentStatus::Paid;
        assert_eq!(r.status_at(5_000), "paid");
        for s in ["pending", "underpaid", "paid", "cancelled"] {
            assert_eq!(PaymentStatus::parse(s).map(PaymentStatus::as_str), Some(s));
        }
        assert_eq!(StatusFilter::parse("expired"), Some(StatusFilter::Expired));
        assert_eq!(StatusFilter::parse("nope"), None);
    }
}
