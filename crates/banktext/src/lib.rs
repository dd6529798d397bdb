//! Pure, I/O-free parser for Vietnamese bank balance-change notification
//! texts ("biến động số dư"): SMS, banking-app push texts, and the text body
//! of alert e-mails.
//!
//! [`parse`] reads a text into a normalized [`Notification`] — signed VND
//! amount, running balance, booking instant, masked account, memo and
//! reference — or says why it will not: [`Parsed::Ignored`] for texts that
//! are not transactions (one-time passwords, adverts, login alerts, texts
//! without money) and [`Parsed::Unparsed`] for texts that may be
//! transactions but cannot be read with confidence. Nothing is guessed.
//!
//! # Families
//!
//! Fourteen bank families are known ([`Bank::ALL`]), each with one or more
//! layouts: Vietcombank (SMS and newer app text, with `Ref`), Techcombank
//! (SMS without a date, app text), MB Bank, ACB, VietinBank, BIDV (SMS and
//! app text), TPBank (multi-line, with `SO GD`), VPBank (`tang`/`giam`),
//! Agribank (`10h05p dd/mm`), OCB, VIB, SCB (opening and closing balance),
//! SeABank (date only) and MSB. Texts may carry Vietnamese diacritics.
//!
//! # Reading rules
//!
//! - **Amounts** are whole VND with `,`, `.` or space thousands separators
//!   (`2,500,000`, `1.500.000`, `1 500 000`) or none; a decimal part is
//!   accepted only as `.0`/`.00`/`,00` after a correctly grouped number
//!   (`2,500,000.00`). A separator followed by three digits is always a
//!   thousands separator (`99.000VND` is 99,000 VND). The sign comes from
//!   `+`/`-`, `(+)`/`(-)` or `tang`/`giam`.
//! - **Times** are Vietnam local time (UTC+7) converted to UTC. Two-digit
//!   years are 20yy. A date without a year gets the year that puts it
//!   closest to `received_at` but not more than one day after it. A date
//!   without a time means 00:00 local ([`TimePrecision::Day`]); a text
//!   without a date gets `received_at` ([`TimePrecision::Received`]).
//! - **References**: TPBank's `SO GD:` value; for Vietcombank, the
//!   technical head of the `Ref` field — an optional channel prefix of
//!   letters (`MBVCB`) and one to three dot-separated digit groups
//!   (`MBVCB.9876543210`, `5123.120325.080109`) — with the rest of the
//!   field as the description. Other banks' texts give none (`""`).
//! - **Confidence**: a text must fit a layout completely; an opening
//!   balance must add up with the amount to the closing balance; a memo
//!   that swallowed an unreadable balance is rejected.
//!
//! ```
//! use banktext::{parse, Bank, Context, Parsed};
//!
//! let ctx = Context { bank: Some(Bank::Vietcombank), received_at: "2025-05-03T03:15:30Z".parse().unwrap() };
//! let text = "SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22. SD 12,345,678VND. \
//!             Ref MBVCB.9876543210.DH1042.Thanh toan";
//! match parse(text, &ctx) {
//!     Parsed::Transaction(n) => {
//!         assert_eq!(n.amount, 2_500_000);
//!         assert_eq!(n.balance, Some(12_345_678));
//!         assert_eq!(n.booked_at.to_rfc3339(), "2025-05-03T03:15:22+00:00");
//!         assert_eq!(n.reference, "MBVCB.9876543210");
//!         assert_eq!(n.description, "DH1042.Thanh toan");
//!     }
//!     other => panic!("{other:?}"),
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod account;
mod amount;
mod bank;
mod detect;
mod families;
mod fold;
mod layout;
mod notification;
mod reference;
mod screen;
mod when;

pub use account::account_matches;
pub use bank::Bank;
pub use detect::parse;
pub use notification::{Context, Notification, Parsed};
pub use when::TimePrecision;

/// A lower-case copy of `text` without Vietnamese (and common Latin)
/// diacritics, as the parsers compare texts: `Đơn hàng` -> `don hang`.
pub fn fold(text: &str) -> String {
    fold::Text::new(text).folded().to_string()
}
