//! Creating and cancelling payment requests: what `POST /v2/payment-requests`, its cancel
//! route and the dashboard's payments page share (checks, generated order codes, the store
//! calls and the wake-up of the delivery worker).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::delivery::worker::Wakeup;
use crate::domain::payment::{
    new_public_id, NewPaymentRequest, PaymentRequest, PaymentStatus, DEFAULT_EXPIRY_S,
    MAX_DESCRIPTION, MAX_EXPIRY_S, MAX_METADATA, MAX_RETURN_URL, MIN_EXPIRY_S,
};
use crate::domain::BusinessId;
use crate::storage::{Store, StoreError};

/// Tries at a free generated order code.
const CODE_TRIES: usize = 5;
/// The largest amount a VietQR code carries (13 digits).
pub const MAX_AMOUNT: i64 = 9_999_999_999_999;

/// A payment request to create.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreatePayment {
    /// The account (id) the customer transfers to.
    pub account_id: i64,
    /// Expected amount, whole VND.
    pub amount: i64,
    /// The order code the transfer's content must carry (letters and digits; spaces, `-`,
    /// `_`, `.` are dropped; upper-cased), unique in the business. Generated when absent:
    /// the server's prefix (`DH` unless `--order-prefix` says) and eight characters without
    /// look-alikes, e.g. `DH7KQ3M9XA`.
    #[serde(default)]
    pub order_code: Option<String>,
    /// How far below `amount` a payment still pays it (VND); the server's
    /// `--payment-tolerance` (0 unless set) when absent.
    #[serde(default)]
    pub tolerance: Option<i64>,
    /// The shop's description.
    #[serde(default)]
    pub description: Option<String>,
    /// Seconds until it stops accepting payment (60 to 30 days; default 30 minutes).
    #[serde(default)]
    pub expires_in_seconds: Option<i64>,
    /// Where the checkout page sends the customer afterwards (http or https).
    #[serde(default)]
    pub return_url: Option<String>,
    /// The shop's own data, a JSON object of at most 4 KiB, handed back as is.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
}

/// A field of a [`CreatePayment`] that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {detail}")]
pub struct Invalid {
    /// The field, as the API names it: `amount`, `orderCode`, `description`, `returnUrl`,
    /// `metadata`, `expiresInSeconds` or `tolerance`.
    pub field: &'static str,
    /// What is wrong with it.
    pub detail: String,
}

impl Invalid {
    fn new(field: &'static str, detail: impl Into<String>) -> Self {
        Self {
            field,
            detail: detail.into(),
        }
    }
}

/// Why a payment request was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// A field cannot be used.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// No free order code was drawn in a few tries.
    #[error("{0}")]
    NoFreeCode(String),
    /// The order code given is used by another request of the business.
    #[error("{0}")]
    CodeTaken(String),
    /// The idempotency key was used for a different request.
    #[error("{0}")]
    KeyReused(String),
    /// The store refused (another conflict) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a request is created besides its fields.
#[derive(Debug, Clone, Copy)]
pub struct Defaults<'a> {
    /// The prefix of generated order codes.
    pub prefix: &'a paymatch::Prefix,
    /// The tolerance of requests that do not give one (VND).
    pub tolerance: i64,
}

/// The checked form of a creation request, without its order code.
struct Checked {
    expires_in: i64,
    description: String,
    return_url: String,
    metadata: String,
    code: Option<paymatch::OrderCode>,
}

/// Checks a creation request.
fn check(req: &CreatePayment) -> Result<Checked, Invalid> {
    if !(1..=MAX_AMOUNT).contains(&req.amount) {
        return Err(Invalid::new(
            "amount",
            format!("must be a whole number of VND from 1 to {MAX_AMOUNT}"),
        ));
    }
    let description = req.description.clone().unwrap_or_default();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(Invalid::new(
            "description",
            format!("at most {MAX_DESCRIPTION} characters"),
        ));
    }
    let return_url = req.return_url.clone().unwrap_or_default();
    if !return_url.is_empty() {
        let ok = return_url.len() <= MAX_RETURN_URL
            && url::Url::parse(&return_url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !ok {
            return Err(Invalid::new(
                "returnUrl",
                "must be an http or https URL of at most 2000 characters",
            ));
        }
    }
    let metadata = match &req.metadata {
        None => "{}".to_string(),
        Some(serde_json::Value::Object(m)) => serde_json::to_string(m).unwrap_or_default(),
        Some(_) => return Err(Invalid::new("metadata", "must be a JSON object")),
    };
    if metadata.len() > MAX_METADATA {
        return Err(Invalid::new("metadata", "at most 4 KiB of JSON"));
    }
    let expires_in = req.expires_in_seconds.unwrap_or(DEFAULT_EXPIRY_S);
    if !(MIN_EXPIRY_S..=MAX_EXPIRY_S).contains(&expires_in) {
        return Err(Invalid::new(
            "expiresInSeconds",
            "must be from 60 seconds to 30 days",
        ));
    }
    if let Some(t) = req.tolerance {
        if !(0..req.amount).contains(&t) {
            return Err(Invalid::new(
                "tolerance",
                "must be from 0 to less than the amount",
            ));
        }
    }
    let code = match &req.order_code {
        Some(code) => Some(
            paymatch::OrderCode::parse(code)
                .map_err(|e| Invalid::new("orderCode", e.to_string()))?,
        ),
        None => None,
    };
    Ok(Checked {
        expires_in,
        description,
        return_url,
        metadata,
        code,
    })
}

/// Creates a payment request of the business at `now` (its account is expected to be the
/// business's: the caller checks). `idempotency` is the client's `Idempotency-Key` and a
/// digest of its request, when it sent one. A generated order code that happens to be
/// taken is drawn again.
pub async fn create(
    store: &dyn Store,
    defaults: Defaults<'_>,
    business_id: BusinessId,
    req: &CreatePayment,
    idempotency: Option<(String, String)>,
    now: i64,
) -> Result<PaymentRequest, CreateError> {
    let checked = check(req)?;
    let (idempotency_key, request_digest) = match idempotency {
        Some((key, digest)) => (Some(key), digest),
        None => (None, String::new()),
    };
    let mut tries = 0;
    loop {
        let code = checked
            .code
            .clone()
            .unwrap_or_else(|| paymatch::generate(defaults.prefix, &mut rand::rng()));
        let new = NewPaymentRequest {
            account_id: req.account_id,
            code: code.as_str().to_string(),
            public_id: new_public_id(),
            amount: req.amount,
            tolerance: req
                .tolerance
                .unwrap_or(defaults.tolerance)
                .clamp(0, req.amount - 1),
            description: checked.description.clone(),
            return_url: checked.return_url.clone(),
            metadata: checked.metadata.clone(),
            expires_at: now + checked.expires_in * 1000,
            idempotency_key: idempotency_key.clone(),
            request_digest: request_digest.clone(),
        };
        match store.create_payment_request(business_id, &new, now).await {
            // A generated code that happens to be taken: draw another.
            Err(StoreError::Conflict(m))
                if checked.code.is_none() && m.starts_with("the order code") =>
            {
                tries += 1;
                if tries >= CODE_TRIES {
                    return Err(CreateError::NoFreeCode(m));
                }
            }
            Ok((stored, _)) => return Ok(stored),
            Err(StoreError::Conflict(m)) if m.starts_with("the order code") => {
                return Err(CreateError::CodeTaken(m))
            }
            Err(StoreError::Conflict(m)) if m.contains("Idempotency-Key") => {
                return Err(CreateError::KeyReused(m))
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The digest an idempotency key is stored with: the same key may only create the same
/// request again.
pub fn digest(req: &CreatePayment) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(serde_json::to_vec(req).unwrap_or_default()))
}

/// Why a payment request was not cancelled.
#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    /// The business has no such request.
    #[error("Payment request {0} not found")]
    NotFound(i64),
    /// It is paid (or otherwise closed): the id and its status.
    #[error("Payment request {0} is {1}")]
    Closed(i64, &'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Cancels an open payment request of the business at `now` and wakes the delivery worker
/// for its event; a cancelled one is answered as is.
pub async fn cancel(
    store: &dyn Store,
    wakeup: &Wakeup,
    business_id: BusinessId,
    id: i64,
    now: i64,
) -> Result<PaymentRequest, CancelError> {
    if let Some(r) = store.cancel_payment_request(business_id, id, now).await? {
        // Its event's deliveries.
        wakeup.wake();
        return Ok(r);
    }
    let r = store
        .get_payment_request(business_id, id)
        .await?
        .ok_or(CancelError::NotFound(id))?;
    if r.status == PaymentStatus::Cancelled {
        return Ok(r);
    }
    Err(CancelError::Closed(id, r.status.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(amount: i64) -> CreatePayment {
        CreatePayment {
            account_id: 1,
            amount,
            order_code: None,
            tolerance: None,
            description: None,
            expires_in_seconds: None,
            return_url: None,
            metadata: None,
        }
    }

    #[test]
    fn checks_name_the_field() {
        let field = |req: CreatePayment| check(&req).err().map(|e| e.field);
        assert_eq!(field(request(0)), Some("amount"));
        assert_eq!(field(request(MAX_AMOUNT + 1)), Some("amount"));
        assert_eq!(field(request(1)), None);
        let mut r = request(100);
        r.expires_in_seconds = Some(59);
        assert_eq!(field(r), Some("expiresInSeconds"));
        let mut r = request(100);
        r.order_code = Some("!!".into());
        assert_eq!(field(r), Some("orderCode"));
        let mut r = request(100);
        r.tolerance = Some(100);
        assert_eq!(field(r), Some("tolerance"));
        let mut r = request(100);
        r.description = Some("x".repeat(MAX_DESCRIPTION + 1));
        assert_eq!(field(r), Some("description"));
        let mut r = request(100);
        r.return_url = Some("ftp://x".into());
        assert_eq!(field(r), Some("returnUrl"));
        let mut r = request(100);
        r.metadata = Some(serde_json::json!([1]));
        let e = check(&r).err().unwrap();
        assert_eq!(e.to_string(), "metadata: must be a JSON object");
    }
}
