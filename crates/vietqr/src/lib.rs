//! Build and parse [VietQR] payment payloads.
//!
//! VietQR is the NAPAS profile of the EMVCo merchant-presented QR code: the
//! string a Vietnamese banking app decodes to pre-fill a fast transfer
//! (beneficiary bank and account, optionally amount and memo). This crate
//! turns typed values into that string and back. It is pure: no I/O, no
//! image rendering (feed [`Payload::build`] to any QR encoder), no unsafe
//! code, and no panics on any input.
//!
//! # Example
//!
//! ```
//! use vietqr::{AccountNumber, Amount, Bin, Memo, Payload};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A one-off QR code for 180 000 đ to account 0011012345678 at BIN 970403.
//! let qr = Payload::builder(Bin::new("970403")?, AccountNumber::new("0011012345678")?)
//!     .amount(Amount::new(180_000)?)
//!     .bill_number("NPS6869")
//!     .memo(Memo::sanitize("thanh toán đơn hàng").ok_or("empty memo")?)
//!     .finish()?;
//! let text = qr.build();
//! assert_eq!(
//!     text,
//!     "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA\
//!      530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
//! );
//!
//! // And back.
//! let parsed = vietqr::parse(&text)?;
//! assert_eq!(parsed, qr);
//! assert_eq!(parsed.amount().map(|a| a.get()), Some(180_000));
//! assert_eq!(parsed.purpose(), Some("thanh toan don hang"));
//! # Ok(())
//! # }
//! ```
//!
//! # Format
//!
//! Each data object is a two-digit id, a two-digit length and the value;
//! lengths count characters, not bytes. [`Payload::build`] writes, in order:
//!
//! | tag | content |
//! |---|---|
//! | `00` | payload format indicator `01` |
//! | `01` | [`Initiation`]: `11` static, `12` dynamic |
//! | `38` | NAPAS template: `00` = [`NAPAS_AID`], `01` = { `00` [`Bin`], `01` [`AccountNumber`] }, `02` = [`Service`] |
//! | `52` | [`MerchantCategory`], optional |
//! | `53` | currency `704` (VND) |
//! | `54` | [`Amount`], optional for static payloads |
//! | `58` | country `VN` |
//! | `59`, `60` | merchant name (≤ 25) and city (≤ 15), optional |
//! | `62` | [`AdditionalData`], omitted when empty |
//! | … | unmodelled tags ([`RawField`]), in their original order |
//! | `63` | CRC-16/CCITT-FALSE ([`crc16_ccitt_false`]), 4 upper-case hex digits |
//!
//! # Design decisions
//!
//! * **Typed values.** [`Bin`], [`AccountNumber`], [`Amount`], [`Memo`],
//!   [`MerchantCategory`] and [`RawField`] can only hold valid values, and a
//!   [`Payload`] can only be assembled in a valid state (a dynamic payload
//!   always has an amount, additional data always fits in 99 characters), so
//!   [`Payload::build`] is infallible.
//! * **Account numbers** are 1–19 ASCII letters or digits (letters because
//!   some banks issue alphanumeric virtual accounts); separators are rejected,
//!   not stripped.
//! * **Memos** are kept to `[A-Za-z0-9 ]`, at most 25 characters, because
//!   banks count, upper-case and truncate anything else differently.
//!   [`Memo::new`] is strict, [`Memo::normalize`] folds diacritics but errors
//!   when too long, and [`Memo::sanitize`] folds and **truncates**. A parsed
//!   memo ([`AdditionalData::purpose`]) may hold any text up to 25 characters.
//! * **Unknown tags are preserved.** Top-level tags other than the ones above
//!   (e.g. `26`–`51` other schemes, `64` language template, `80`–`99`) and
//!   `62` sub-tags other than `01`–`09` are kept verbatim as [`RawField`]s, in
//!   order, so foreign payloads round-trip. Inside the NAPAS template `38`,
//!   unknown sub-tags are rejected ([`ParseError::UnexpectedTag`]).
//! * **Strict where it matters, lenient where it is harmless.** Parsing
//!   trims surrounding whitespace and accepts a lower-case checksum and an
//!   amount with leading zeros, but rejects repeated tags, empty values,
//!   values over the EMVCo limits, other currencies or countries, and a
//!   checksum mismatch. Every error names the tag or position involved.
//!
//! [VietQR]: https://vietqr.net/

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod additional;
mod crc;
mod error;
mod memo;
mod parse;
mod payload;
mod tag;
mod tlv;
mod value;

pub use additional::{AdditionalData, AdditionalField};
pub use crc::crc16_ccitt_false;
pub use error::{BuildError, ParseError, ValueError};
pub use memo::Memo;
pub use parse::parse;
pub use payload::{Payload, PayloadBuilder};
pub use tag::{InvalidTag, Tag};
pub use value::{AccountNumber, Amount, Bin, Initiation, MerchantCategory, RawField, Service};

/// The NAPAS application identifier, the value of tag `38.00`.
pub const NAPAS_AID: &str = "A000000727";

/// The only supported currency (tag `53`): ISO 4217 numeric code of the
/// Vietnamese đồng.
pub const CURRENCY: &str = "704";

/// The only supported country (tag `58`).
pub const COUNTRY: &str = "VN";

/// Compiles and runs the README example as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
