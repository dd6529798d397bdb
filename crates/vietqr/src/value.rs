//! Typed values: each can only hold what a VietQR payload may carry.

use core::fmt;
use core::str::FromStr;

use crate::ValueError;

/// Checks that `s` is 1..=`max` characters long.
fn check_len(s: &str, max: usize) -> Result<usize, ValueError> {
    let len = s.chars().count();
    if len == 0 {
        Err(ValueError::Empty)
    } else if len > max {
        Err(ValueError::TooLong { len, max })
    } else {
        Ok(len)
    }
}

/// Checks that every character of `s` satisfies `allowed`.
fn check_chars(s: &str, allowed: impl Fn(char) -> bool) -> Result<(), ValueError> {
    match s.chars().enumerate().find(|&(_, ch)| !allowed(ch)) {
        Some((index, ch)) => Err(ValueError::InvalidChar { ch, index }),
        None => Ok(()),
    }
}

/// Free text: 1..=`max` characters, none of them a control character.
pub(crate) fn check_text(s: &str, max: usize) -> Result<(), ValueError> {
    if s.is_empty() {
        return Err(ValueError::Empty);
    }
    check_chars(s, |c| !c.is_control())?;
    check_len(s, max).map(|_| ())
}

/// Exactly `n` ASCII digits.
fn check_fixed_digits(s: &str, n: usize) -> Result<(), ValueError> {
    if s.is_empty() {
        return Err(ValueError::Empty);
    }
    check_chars(s, |c| c.is_ascii_digit())?;
    let len = s.len(); // all ASCII now
    if len == n {
        Ok(())
    } else {
        Err(ValueError::WrongLength { len, expected: n })
    }
}

macro_rules! string_newtype_impls {
    ($ty:ident) => {
        impl $ty {
            /// The value as a string slice.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $ty {
            type Err = ValueError;

            fn from_str(s: &str) -> Result<Self, ValueError> {
                Self::new(s)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.0
            }
        }
    };
}

/// A bank identification number: exactly six ASCII digits (e.g. `970436`
/// for Vietcombank), as assigned by NAPAS. Tag `38.01.00`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bin(String);

impl Bin {
    /// Length of a BIN in digits.
    pub const LEN: usize = 6;

    /// Accepts exactly six ASCII digits.
    ///
    /// ```
    /// assert!(vietqr::Bin::new("970436").is_ok());
    /// assert!(vietqr::Bin::new("97043").is_err());
    /// ```
    pub fn new(bin: &str) -> Result<Bin, ValueError> {
        check_fixed_digits(bin, Self::LEN)?;
        Ok(Bin(bin.to_owned()))
    }
}
string_newtype_impls!(Bin);

/// A beneficiary account or card number. Tag `38.01.01`.
///
/// Accepts 1 to 19 ASCII letters and digits (`[A-Za-z0-9]{1,19}`), case
/// preserved. NAPAS defines the field as up to 19 characters; letters are
/// allowed because several banks issue alphanumeric virtual or alias
/// accounts. Spaces, dashes and other separators are rejected rather than
/// stripped: remove them before constructing, since banks match the number
/// exactly. Card numbers use the same type (with [`Service::ToCard`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountNumber(String);

impl AccountNumber {
    /// Maximum length in characters.
    pub const MAX_LEN: usize = 19;

    /// Accepts 1 to 19 ASCII letters and digits.
    ///
    /// ```
    /// assert!(vietqr::AccountNumber::new("0011012345678").is_ok());
    /// assert!(vietqr::AccountNumber::new("0011-0123").is_err());
    /// ```
    pub fn new(account: &str) -> Result<AccountNumber, ValueError> {
        if account.is_empty() {
            return Err(ValueError::Empty);
        }
        check_chars(account, |c| c.is_ascii_alphanumeric())?;
        check_len(account, Self::MAX_LEN)?;
        Ok(AccountNumber(account.to_owned()))
    }
}
string_newtype_impls!(AccountNumber);

/// A merchant category code (ISO 18245): exactly four ASCII digits. Tag `52`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MerchantCategory(String);

impl MerchantCategory {
    /// Accepts exactly four ASCII digits.
    ///
    /// ```
    /// assert!(vietqr::MerchantCategory::new("5812").is_ok());
    /// assert!(vietqr::MerchantCategory::new("58").is_err());
    /// ```
    pub fn new(code: &str) -> Result<MerchantCategory, ValueError> {
        check_fixed_digits(code, 4)?;
        Ok(MerchantCategory(code.to_owned()))
    }
}
string_newtype_impls!(MerchantCategory);

/// An amount in whole Vietnamese đồng (VND has no minor unit). Tag `54`.
///
/// Ranges over `1..=9_999_999_999_999`, i.e. at most 13 digits. It is written
/// without leading zeros or a decimal point. When parsing, leading zeros are
/// accepted (`"0100"` is 100 đồng, re-encoded as `"100"`), while a decimal
/// point, a sign or any other non-digit is rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Amount(u64);

impl Amount {
    /// The smallest amount, 1 đồng.
    pub const MIN: u64 = 1;
    /// The largest amount that fits in 13 digits.
    pub const MAX: u64 = 9_999_999_999_999;
    /// Maximum length of the encoded amount.
    pub const MAX_DIGITS: usize = 13;

    /// Accepts `1..=9_999_999_999_999` đồng.
    ///
    /// ```
    /// assert_eq!(vietqr::Amount::new(180_000).map(|a| a.get()), Ok(180_000));
    /// assert!(vietqr::Amount::new(0).is_err());
    /// ```
    pub fn new(vnd: u64) -> Result<Amount, ValueError> {
        if (Self::MIN..=Self::MAX).contains(&vnd) {
            Ok(Amount(vnd))
        } else {
            Err(ValueError::OutOfRange)
        }
    }

    /// The amount in đồng.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for Amount {
    type Error = ValueError;

    fn try_from(vnd: u64) -> Result<Amount, ValueError> {
        Amount::new(vnd)
    }
}

impl From<Amount> for u64 {
    fn from(amount: Amount) -> u64 {
        amount.0
    }
}

impl FromStr for Amount {
    type Err = ValueError;

    /// Parses 1 to 13 ASCII digits (leading zeros allowed) denoting at least 1.
    fn from_str(s: &str) -> Result<Amount, ValueError> {
        if s.is_empty() {
            return Err(ValueError::Empty);
        }
        check_chars(s, |c| c.is_ascii_digit())?;
        check_len(s, Self::MAX_DIGITS)?;
        let vnd = s
            .bytes()
            .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
        Amount::new(vnd)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Point of initiation method (tag `01`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Initiation {
    /// `11`: a static, reusable code (e.g. printed at a counter); the amount is
    /// optional.
    Static,
    /// `12`: a dynamic code for one payment; it always carries an amount.
    Dynamic,
}

impl Initiation {
    /// The two-digit code written in tag `01`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Initiation::Static => "11",
            Initiation::Dynamic => "12",
        }
    }

    /// The method for a tag `01` code, if it is `11` or `12`.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Initiation> {
        match code {
            "11" => Some(Initiation::Static),
            "12" => Some(Initiation::Dynamic),
            _ => None,
        }
    }
}

/// NAPAS service code (tag `38.02`): where the money goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// `QRIBFTTA`: fast transfer to a bank account.
    ToAccount,
    /// `QRIBFTTC`: fast transfer to a card number.
    ToCard,
}

impl Service {
    /// The code written in tag `38.02`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Service::ToAccount => "QRIBFTTA",
            Service::ToCard => "QRIBFTTC",
        }
    }

    /// The service for a tag `38.02` code, if it is `QRIBFTTA` or `QRIBFTTC`.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Service> {
        match code {
            "QRIBFTTA" => Some(Service::ToAccount),
            "QRIBFTTC" => Some(Service::ToCard),
            _ => None,
        }
    }
}

/// A data object this crate does not model, kept verbatim so that foreign
/// payloads survive a parse/build round trip.
///
/// Used for top-level tags outside those VietQR defines (e.g. `26`–`51`
/// other schemes' merchant account templates, `55`–`57` tip and fee,
/// `61` postal code, `64` language template, `80`–`99` unreserved templates)
/// and for tag `62` sub-tags other than `01`–`09`. The value is opaque: it
/// is not parsed as a template.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RawField {
    id: u8,
    value: String,
}

impl RawField {
    /// Maximum length of a data object's value.
    pub const MAX_LEN: usize = 99;

    /// A field with id `0..=99` and a value of 1 to 99 characters, none of
    /// them a control character.
    ///
    /// ```
    /// let f = vietqr::RawField::new(64, "0002vi").unwrap();
    /// assert_eq!((f.id(), f.value()), (64, "0002vi"));
    /// assert!(vietqr::RawField::new(100, "x").is_err());
    /// ```
    pub fn new(id: u8, value: impl Into<String>) -> Result<RawField, ValueError> {
        if id > 99 {
            return Err(ValueError::OutOfRange);
        }
        let value = value.into();
        check_text(&value, Self::MAX_LEN)?;
        Ok(RawField { id, value })
    }

    /// The two-digit id.
    #[must_use]
    pub const fn id(&self) -> u8 {
        self.id
    }

    /// The value, verbatim.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Encoded length in characters (id, length and value).
    pub(crate) fn encoded_len(&self) -> usize {
        4 + self.value.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_from_str() {
        assert_eq!("180000".parse::<Amount>(), Ok(Amount(180_000)));
        assert_eq!("0100".parse::<Amount>(), Ok(Amount(100)));
        assert_eq!("9999999999999".parse::<Amount>(), Ok(Amount(Amount::MAX)));
        assert_eq!(
            "10000000000000".parse::<Amount>(),
            Err(ValueError::TooLong { len: 14, max: 13 })
        );
        assert_eq!("0".parse::<Amount>(), Err(ValueError::OutOfRange));
        assert_eq!("".parse::<Amount>(), Err(ValueError::Empty));
        assert_eq!(
            "100.00".parse::<Amount>(),
            Err(ValueError::InvalidChar { ch: '.', index: 3 })
        );
        assert_eq!(
            "+100".parse::<Amount>(),
            Err(ValueError::InvalidChar { ch: '+', index: 0 })
        );
        assert_eq!(Amount::new(Amount::MAX + 1), Err(ValueError::OutOfRange));
        assert_eq!(Amount::try_from(5).map(u64::from), Ok(5));
        assert_eq!(Amount(1_000).to_string(), "1000");
    }

    #[test]
    fn bin_and_account() {
        assert_eq!(
            Bin::new("97040"),
            Err(ValueError::WrongLength {
                len: 5,
                expected: 6
            })
        );
        assert_eq!(
            Bin::new("97040a"),
            Err(ValueError::InvalidChar { ch: 'a', index: 5 })
        );
        assert_eq!(Bin::new(""), Err(ValueError::Empty));
        assert_eq!(Bin::new("970436").map(String::from), Ok("970436".into()));
        assert!(AccountNumber::new("VQRQ12345abc").is_ok());
        assert_eq!(AccountNumber::new(""), Err(ValueError::Empty));
        assert_eq!(
            AccountNumber::new("12345678901234567890"),
            Err(ValueError::TooLong { len: 20, max: 19 })
        );
        assert_eq!(
            AccountNumber::new("123 456"),
            Err(ValueError::InvalidChar { ch: ' ', index: 3 })
        );
        assert_eq!(
            AccountNumber::new("12345đ"),
            Err(ValueError::InvalidChar { ch: 'đ', index: 5 })
        );
        assert_eq!(
            MerchantCategory::new("5812").map(|m| m.to_string()),
            Ok("5812".into())
        );
    }

    #[test]
    fn codes() {
        for i in [Initiation::Static, Initiation::Dynamic] {
            assert_eq!(Initiation::from_code(i.code()), Some(i));
        }
        for s in [Service::ToAccount, Service::ToCard] {
            assert_eq!(Service::from_code(s.code()), Some(s));
        }
        assert_eq!(Initiation::from_code("13"), None);
        assert_eq!(Service::from_code("QRPUSH"), None);
    }

    #[test]
    fn text_rules() {
        assert_eq!(check_text("Cửa hàng", 25), Ok(()));
        assert_eq!(
            check_text("a\nb", 25),
            Err(ValueError::InvalidChar { ch: '\n', index: 1 })
        );
        assert_eq!(
            check_text("ệệệ", 2),
            Err(ValueError::TooLong { len: 3, max: 2 })
        );
        assert_eq!(RawField::new(26, ""), Err(ValueError::Empty));
    }
}
