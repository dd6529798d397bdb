//! Matching incoming transfers to payment requests, and what each match changes. Pure: the
//! storage layer runs it inside the transaction that stores the transfers, over the requests of
//! the transfers' account, read (and on PostgreSQL locked) in that transaction.
//!
//! # Rules
//! - A credit (amount > 0) is matched by its description: the request whose order code it
//!   contains ([`paymatch::find::contains_code`]: case, diacritics, separators and bank-added
//!   text ignored). When it contains the codes of several requests, none is paid: the shop
//!   must look (sequential codes such as `DH10` and `DH1042` in `CK DH 10 42`).
//! - A description that contains no code but ends with the beginning of one (a bank cut the
//!   memo) pays that request only when it is the only such request, still open, and the
//!   amount is what is due within the tolerance.
//! - In time (booked before the expiry, not cancelled), the amount adds to `paid_amount`: at
//!   least `amount - tolerance` pays it (more than `amount + tolerance` is overpaid), less
//!   leaves it underpaid, waiting for the rest.
//! - Late (booked at or after the expiry, or the request was cancelled), the amount adds to
//!   `late_amount`: the transfer is linked and flagged, the status stays.
//! - A transfer pays at most one request.

use paymatch::code::OrderCode;
use paymatch::find::{comparable, contains_code, contains_truncated};

use crate::domain::payment::{PaymentRequest, PaymentStatus};
use crate::domain::NewTransaction;

/// How long after its expiry a request is still matched (late payments): 30 days.
pub const LATE_WINDOW_MS: i64 = 30 * 24 * 3600 * 1000;

/// Fewest characters of a code a truncated memo must keep to count.
const TRUNCATED_MIN: usize = 7;

/// The `type` of a payment event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// Part of the amount arrived.
    Underpaid,
    /// The amount arrived (perhaps more: see `overpaid` in the data).
    Paid,
    /// More arrived for a request already paid.
    Overpaid,
    /// Money arrived after the request expired or was cancelled.
    LatePayment,
    /// The request expired unpaid (or underpaid).
    Expired,
    /// The shop cancelled the request.
    Cancelled,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 6] = [
        EventKind::Underpaid,
        EventKind::Paid,
        EventKind::Overpaid,
        EventKind::LatePayment,
        EventKind::Expired,
        EventKind::Cancelled,
    ];

    /// The event `type`, e.g. `payment_request.paid`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Underpaid => "payment_request.underpaid",
            EventKind::Paid => "payment_request.paid",
            EventKind::Overpaid => "payment_request.overpaid",
            EventKind::LatePayment => "payment_request.late_payment",
            EventKind::Expired => "payment_request.expired",
            EventKind::Cancelled => "payment_request.cancelled",
        }
    }
}

/// A stored credit to match.
#[derive(Debug, Clone, Copy)]
pub struct Credit<'a> {
    /// The transaction.
    pub transaction_id: i64,
    /// Its amount (VND, positive).
    pub amount: i64,
    /// When the bank booked it (ms).
    pub booked_at: i64,
    /// Its description, where the order code is looked for.
    pub description: &'a str,
    /// The bank's reference.
    pub reference: &'a str,
}

impl<'a> Credit<'a> {
    /// Transaction `transaction_id` as a credit.
    pub fn of(transaction_id: i64, t: &'a NewTransaction) -> Self {
        Self {
            transaction_id,
            amount: t.amount,
            booked_at: t.booked_at,
            description: &t.description,
            reference: &t.reference,
        }
    }
}

/// What [`find`] found for a credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The request at this index pays.
    One(usize),
    /// No request.
    Nothing,
    /// The codes of these requests (ids) all appear: none is paid.
    Ambiguous(Vec<i64>),
}

/// Finds the request among `requests` (all of the credit's account) that `credit` pays.
pub fn find(requests: &[PaymentRequest], credit: &Credit<'_>) -> Found {
    if credit.amount <= 0 {
        return Found::Nothing;
    }
    // The comparable description holds every code it contains, and ends with every beginning
    // of one a truncation left: a cheap test before the exact rules.
    let folded = comparable(credit.description);
    let codes: Vec<Option<OrderCode>> = requests
        .iter()
        .map(|r| OrderCode::parse(&r.code).ok())
        .collect();
    let full: Vec<usize> = (0..requests.len())
        .filter(|&i| {
            codes[i].as_ref().is_some_and(|c| {
                folded.contains(c.as_str()) && contains_code(credit.description, c)
            })
        })
        .collect();
    match full.as_slice() {
        [one] => return Found::One(*one),
        [] => {}
        many => return Found::Ambiguous(many.iter().map(|&i| requests[i].id).collect()),
    }
    let truncated: Vec<usize> = (0..requests.len())
        .filter(|&i| {
            let r = &requests[i];
            let due = r.amount - r.paid_amount;
            codes[i].as_ref().is_some_and(|c| {
                (TRUNCATED_MIN..=c.len()).any(|k| folded.ends_with(&c.as_str()[..k]))
                    && contains_truncated(credit.description, c, TRUNCATED_MIN)
            }) && !is_late(r, credit)
                && r.status.is_open()
                && (due - r.tolerance..=due + r.tolerance).contains(&credit.amount)
        })
        .collect();
    match truncated.as_slice() {
        [one] => Found::One(*one),
        _ => Found::Nothing,
    }
}

/// Whether `credit` comes too late for `request`.
fn is_late(request: &PaymentRequest, credit: &Credit<'_>) -> bool {
    request.status == PaymentStatus::Cancelled || credit.booked_at >= request.expires_at
}

/// What a credit did to the request it pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// It came after the expiry or the cancellation.
    pub late: bool,
    /// The event it raises (None when the status stays and nothing is worth telling: more
    /// money within the tolerance of a paid request).
    pub event: Option<EventKind>,
}

/// Applies `credit` to `request` at `now`.
pub fn apply(request: &mut PaymentRequest, credit: &Credit<'_>, now: i64) -> Settlement {
    if is_late(request, credit) {
        request.late_amount = request.late_amount.saturating_add(credit.amount);
        return Settlement {
            late: true,
            event: Some(EventKind::LatePayment),
        };
    }
    let was_paid = request.status == PaymentStatus::Paid;
    request.paid_amount = request.paid_amount.saturating_add(credit.amount);
    let event = if !request.covered() {
        request.status = PaymentStatus::Underpaid;
        Some(EventKind::Underpaid)
    } else if !was_paid {
        request.status = PaymentStatus::Paid;
        request.paid_at = Some(now);
        Some(EventKind::Paid)
    } else if request.overpaid() {
        Some(EventKind::Overpaid)
    } else {
        None
    };
    Settlement { late: false, event }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(id: i64, code: &str, amount: i64) -> PaymentRequest {
        PaymentRequest::sample(id, code, amount)
    }

    fn credit(description: &str, amount: i64, booked_at: i64) -> Credit<'_> {
        Credit {
            transaction_id: 9,
            amount,
            booked_at,
            description,
            reference: "",
        }
    }

    #[test]
    fn finds_codes_leniently_and_refuses_ambiguity() {
        let requests = [
            request(1, "DH10", 100),
            request(2, "DH1042", 100),
            request(3, "DH7KQ3M9XA", 100),
        ];
        let find_in = |d: &str| find(&requests, &credit(d, 100, 0));
        assert_eq!(find_in("MBVCB.123.456.dh1042.CT tu 0123"), Found::One(1));
        assert_eq!(find_in("IBFT DH10 cam on"), Found::One(0));
        assert_eq!(find_in("thanh toan dh 7kq3 m9xa"), Found::One(2));
        assert_eq!(find_in("THANHTOANDH7KQ3M9XACAMON"), Found::One(2));
        assert_eq!(find_in("CK DH 10 42"), Found::Ambiguous(vec![1, 2]));
        assert_eq!(find_in("DH10421"), Found::Nothing);
        assert_eq!(find_in("no code here"), Found::Nothing);
        // Debits never pay.
        assert_eq!(find(&requests, &credit("DH1042", -100, 0)), Found::Nothing);
    }

    #[test]
    fn truncated_memos_pay_only_the_exact_amount_of_one_open_request() {
        let mut requests = [request(1, "DH7KQ3M9XA", 150_000), request(2, "DH4TT", 5)];
        let cut = "NGUYEN VAN A chuyen khoan thanh toan don DH7KQ3M";
        assert_eq!(find(&requests, &credit(cut, 150_000, 0)), Found::One(0));
        assert_eq!(find(&requests, &credit(cut, 149_000, 0)), Found::Nothing);
        assert_eq!(
            find(&requests, &credit("... DH7KQ3", 150_000, 0)),
            Found::Nothing
        );
        requests[0].tolerance = 1_000;
        assert_eq!(find(&requests, &credit(cut, 149_000, 0)), Found::One(0));
        // Not after the expiry.
        assert_eq!(
            find(&requests, &credit(cut, 150_000, 1_000)),
            Found::Nothing
        );
    }

    #[test]
    fn partial_transfers_add_up_then_overpay() {
        let mut r = request(1, "DH1", 100);
        let s = apply(&mut r, &credit("DH1", 40, 10), 50);
        assert_eq!(s.event, Some(EventKind::Underpaid));
        assert_eq!((r.status, r.paid_amount), (PaymentStatus::Underpaid, 40));
        let s = apply(&mut r, &credit("DH1", 60, 20), 60);
        assert_eq!(s.event, Some(EventKind::Paid));
        assert_eq!(
            (r.status, r.paid_at, r.overpaid()),
            (PaymentStatus::Paid, Some(60), false)
        );
        let s = apply(&mut r, &credit("DH1", 5, 30), 70);
        assert_eq!(s.event, Some(EventKind::Overpaid));
        assert_eq!(
            (r.paid_amount, r.overpaid(), r.paid_at),
            (105, true, Some(60))
        );
    }

    #[test]
    fn tolerance_decides_paid_and_overpaid() {
        let mut r = request(1, "DH1", 100_000);
        r.tolerance = 1_000;
        let s = apply(&mut r, &credit("DH1", 99_000, 0), 1);
        assert_eq!((s.event, r.overpaid()), (Some(EventKind::Paid), false));
        // Still within the tolerance above: nothing to tell.
        assert_eq!(apply(&mut r, &credit("DH1", 2_000, 0), 1).event, None);
        assert_eq!(
            apply(&mut r, &credit("DH1", 1, 0), 1).event,
            Some(EventKind::Overpaid)
        );
        let mut big = request(2, "DH2", 100_000);
        big.tolerance = 1_000;
        apply(&mut big, &credit("DH2", 101_001, 0), 1);
        assert!(big.overpaid() && big.status == PaymentStatus::Paid);
    }

    #[test]
    fn late_payments_are_linked_not_counted() {
        let mut expired = request(1, "DH1", 100);
        let s = apply(&mut expired, &credit("DH1", 100, 1_000), 2_000);
        assert_eq!(
            s,
            Settlement {
                late: true,
                event: Some(EventKind::LatePayment)
            }
        );
        assert_eq!((expired.paid_amount, expired.late_amount), (0, 100));
        assert_eq!(expired.status, PaymentStatus::Pending);
        let mut cancelled = request(2, "DH2", 100);
        cancelled.status = PaymentStatus::Cancelled;
        assert!(apply(&mut cancelled, &credit("DH2", 100, 0), 1).late);
        assert_eq!(cancelled.status, PaymentStatus::Cancelled);
        // Booked before the expiry but stored after it: in time.
        let mut slow = request(3, "DH3", 100);
        assert!(!apply(&mut slow, &credit("DH3", 100, 999), 5_000).late);
        assert_eq!(slow.status, PaymentStatus::Paid);
    }

    #[test]
    fn event_types_are_named_for_webhooks() {
        let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        assert!(names.iter().all(|n| n.starts_with("payment_request.")));
        assert!(names.contains(&"payment_request.paid"));
    }
}
