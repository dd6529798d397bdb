//! The VietQR payload and its builder.

use core::fmt::{self, Write as _};
use core::str::FromStr;

use crate::tlv::push_field;
use crate::value::check_text;
use crate::{
    crc16_ccitt_false, AccountNumber, AdditionalData, AdditionalField, Amount, Bin, BuildError,
    Initiation, Memo, MerchantCategory, ParseError, RawField, Service, Tag, COUNTRY, CURRENCY,
    NAPAS_AID,
};

/// Top-level tags this crate models; everything else is a [`RawField`].
pub(crate) const MODELLED_TAGS: [u8; 11] = [0, 1, 38, 52, 53, 54, 58, 59, 60, 62, 63];

/// A VietQR payload: a NAPAS fast-transfer request in EMVCo
/// merchant-presented form.
///
/// A `Payload` is always valid: its constructors and [`PayloadBuilder`]
/// enforce every rule, so [`build`](Payload::build) cannot fail and
/// [`parse`](crate::parse) of the result gives back an equal `Payload`.
/// Currency is always `704` (VND) and country always `VN`.
///
/// ```
/// use vietqr::{AccountNumber, Bin, Payload};
///
/// let qr = Payload::static_account(Bin::new("970403")?, AccountNumber::new("0011012345678")?);
/// assert_eq!(
///     qr.build(),
///     "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F"
/// );
/// # Ok::<(), vietqr::ValueError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Payload {
    pub(crate) initiation: Initiation,
    pub(crate) bin: Bin,
    pub(crate) account: AccountNumber,
    pub(crate) service: Service,
    pub(crate) amount: Option<Amount>,
    pub(crate) merchant_category: Option<MerchantCategory>,
    pub(crate) merchant_name: Option<String>,
    pub(crate) merchant_city: Option<String>,
    pub(crate) additional_data: AdditionalData,
    pub(crate) others: Vec<RawField>,
}

impl Payload {
    /// Maximum length of the merchant name (tag `59`), in characters.
    pub const MERCHANT_NAME_MAX: usize = 25;
    /// Maximum length of the merchant city (tag `60`), in characters.
    pub const MERCHANT_CITY_MAX: usize = 15;

    fn minimal(
        initiation: Initiation,
        bin: Bin,
        account: AccountNumber,
        service: Service,
        amount: Option<Amount>,
        memo: Option<Memo>,
    ) -> Payload {
        let mut additional_data = AdditionalData::new();
        if let Some(memo) = memo {
            // A lone memo (at most 4 + 25 characters) always fits.
            additional_data.insert_unchecked(AdditionalField::Purpose, memo.as_str());
        }
        Payload {
            initiation,
            bin,
            account,
            service,
            amount,
            merchant_category: None,
            merchant_name: None,
            merchant_city: None,
            additional_data,
            others: Vec::new(),
        }
    }

    /// A static (reusable) QR code for transfers of any amount to a bank
    /// account.
    #[must_use]
    pub fn static_account(bin: Bin, account: AccountNumber) -> Payload {
        Self::minimal(
            Initiation::Static,
            bin,
            account,
            Service::ToAccount,
            None,
            None,
        )
    }

    /// A dynamic (one payment) QR code for a transfer of `amount` to a bank
    /// account, with an optional memo (tag `62.08`).
    #[must_use]
    pub fn dynamic_account(
        bin: Bin,
        account: AccountNumber,
        amount: Amount,
        memo: Option<Memo>,
    ) -> Payload {
        Self::minimal(
            Initiation::Dynamic,
            bin,
            account,
            Service::ToAccount,
            Some(amount),
            memo,
        )
    }

    /// A static (reusable) QR code for transfers of any amount to a card.
    #[must_use]
    pub fn static_card(bin: Bin, card: AccountNumber) -> Payload {
        Self::minimal(Initiation::Static, bin, card, Service::ToCard, None, None)
    }

    /// A dynamic (one payment) QR code for a transfer of `amount` to a card,
    /// with an optional memo (tag `62.08`).
    #[must_use]
    pub fn dynamic_card(
        bin: Bin,
        card: AccountNumber,
        amount: Amount,
        memo: Option<Memo>,
    ) -> Payload {
        Self::minimal(
            Initiation::Dynamic,
            bin,
            card,
            Service::ToCard,
            Some(amount),
            memo,
        )
    }

    /// Starts a [`PayloadBuilder`] for a transfer to `account` at bank `bin`.
    pub fn builder(bin: Bin, account: AccountNumber) -> PayloadBuilder {
        PayloadBuilder::new(bin, account)
    }

    /// A builder pre-filled with this payload, for making a modified copy.
    pub fn into_builder(self) -> PayloadBuilder {
        PayloadBuilder {
            initiation: Some(self.initiation),
            bin: self.bin,
            account: self.account,
            service: self.service,
            amount: self.amount,
            merchant_category: self.merchant_category,
            merchant_name: self.merchant_name,
            merchant_city: self.merchant_city,
            additional_data: self.additional_data,
            others: self.others,
            error: None,
        }
    }

    /// Parses a payload string; see [`crate::parse`].
    pub fn parse(s: &str) -> Result<Payload, ParseError> {
        crate::parse::parse(s)
    }

    /// Encodes the payload, checksum included.
    ///
    /// Data objects are written in canonical order: `00`, `01`, `38`, `52`,
    /// `53`, `54`, `58`, `59`, `60`, `62`, then unmodelled tags in the order
    /// they were added or parsed, then `63`. Lengths count characters. The
    /// checksum is four upper-case hex digits.
    #[must_use]
    pub fn build(&self) -> String {
        let mut out = String::with_capacity(160);
        push_field(&mut out, 0, "01");
        push_field(&mut out, 1, self.initiation.code());

        let mut beneficiary = String::with_capacity(33);
        push_field(&mut beneficiary, 0, self.bin.as_str());
        push_field(&mut beneficiary, 1, self.account.as_str());
        let mut napas = String::with_capacity(63);
        push_field(&mut napas, 0, NAPAS_AID);
        push_field(&mut napas, 1, &beneficiary);
        push_field(&mut napas, 2, self.service.code());
        push_field(&mut out, 38, &napas);

        if let Some(mcc) = &self.merchant_category {
            push_field(&mut out, 52, mcc.as_str());
        }
        push_field(&mut out, 53, CURRENCY);
        if let Some(amount) = self.amount {
            push_field(&mut out, 54, &amount.to_string());
        }
        push_field(&mut out, 58, COUNTRY);
        if let Some(name) = &self.merchant_name {
            push_field(&mut out, 59, name);
        }
        if let Some(city) = &self.merchant_city {
            push_field(&mut out, 60, city);
        }
        if !self.additional_data.is_empty() {
            let mut data = String::with_capacity(AdditionalData::MAX_LEN);
            self.additional_data.encode(&mut data);
            push_field(&mut out, 62, &data);
        }
        for raw in &self.others {
            push_field(&mut out, raw.id(), raw.value());
        }
        out.push_str("6304");
        let crc = crc16_ccitt_false(out.as_bytes());
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{crc:04X}");
        out
    }

    /// Point of initiation (tag `01`).
    #[must_use]
    pub fn initiation(&self) -> Initiation {
        self.initiation
    }

    /// Beneficiary bank BIN (tag `38.01.00`).
    #[must_use]
    pub fn bin(&self) -> &Bin {
        &self.bin
    }

    /// Beneficiary account or card number (tag `38.01.01`).
    #[must_use]
    pub fn account(&self) -> &AccountNumber {
        &self.account
    }

    /// Transfer service (tag `38.02`).
    #[must_use]
    pub fn service(&self) -> Service {
        self.service
    }

    /// Amount in đồng (tag `54`); always present for dynamic payloads.
    #[must_use]
    pub fn amount(&self) -> Option<Amount> {
        self.amount
    }

    /// Currency code (tag `53`): always [`CURRENCY`] (`704`, VND).
    #[must_use]
    pub fn currency(&self) -> &'static str {
        CURRENCY
    }

    /// Country code (tag `58`): always [`COUNTRY`] (`VN`).
    #[must_use]
    pub fn country(&self) -> &'static str {
        COUNTRY
    }

    /// Merchant category code (tag `52`).
    #[must_use]
    pub fn merchant_category(&self) -> Option<&MerchantCategory> {
        self.merchant_category.as_ref()
    }

    /// Merchant name (tag `59`).
    #[must_use]
    pub fn merchant_name(&self) -> Option<&str> {
        self.merchant_name.as_deref()
    }

    /// Merchant city (tag `60`).
    #[must_use]
    pub fn merchant_city(&self) -> Option<&str> {
        self.merchant_city.as_deref()
    }

    /// Additional data (tag `62`).
    #[must_use]
    pub fn additional_data(&self) -> &AdditionalData {
        &self.additional_data
    }

    /// Shortcut for the memo, [`AdditionalData::purpose`] (tag `62.08`).
    #[must_use]
    pub fn purpose(&self) -> Option<&str> {
        self.additional_data.purpose()
    }

    /// Top-level data objects this crate does not model, in order.
    #[must_use]
    pub fn others(&self) -> &[RawField] {
        &self.others
    }
}

impl fmt::Display for Payload {
    /// Writes [`Payload::build`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.build())
    }
}

impl FromStr for Payload {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Payload, ParseError> {
        crate::parse::parse(s)
    }
}

/// Assembles a [`Payload`] field by field.
///
/// Setters never fail; the first invalid value is remembered and reported by
/// [`finish`](PayloadBuilder::finish). Defaults: [`Service::ToAccount`], no
/// amount, and an initiation method inferred at `finish` when not set
/// explicitly: [`Initiation::Dynamic`] if an amount is set, otherwise
/// [`Initiation::Static`].
///
/// ```
/// use vietqr::{AccountNumber, Amount, Bin, Memo, Payload};
///
/// let qr = Payload::builder(Bin::new("970436")?, AccountNumber::new("0071001234567")?)
///     .amount(Amount::new(850_000)?)
///     .memo(Memo::sanitize("Đơn hàng DH482113").unwrap())
///     .merchant_name("Cửa hàng Tiến Phát")
///     .finish()?;
/// assert_eq!(qr.purpose(), Some("Don hang DH482113"));
/// assert_eq!(vietqr::parse(&qr.build())?, qr);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct PayloadBuilder {
    initiation: Option<Initiation>,
    bin: Bin,
    account: AccountNumber,
    service: Service,
    amount: Option<Amount>,
    merchant_category: Option<MerchantCategory>,
    merchant_name: Option<String>,
    merchant_city: Option<String>,
    additional_data: AdditionalData,
    others: Vec<RawField>,
    error: Option<BuildError>,
}

impl PayloadBuilder {
    /// A builder for a transfer to `account` at bank `bin`.
    pub fn new(bin: Bin, account: AccountNumber) -> PayloadBuilder {
        PayloadBuilder {
            initiation: None,
            bin,
            account,
            service: Service::ToAccount,
            amount: None,
            merchant_category: None,
            merchant_name: None,
            merchant_city: None,
            additional_data: AdditionalData::new(),
            others: Vec::new(),
            error: None,
        }
    }

    fn record(mut self, result: Result<(), BuildError>) -> PayloadBuilder {
        if let Err(e) = result {
            self.error.get_or_insert(e);
        }
        self
    }

    /// Sets the point of initiation explicitly.
    pub fn initiation(mut self, initiation: Initiation) -> PayloadBuilder {
        self.initiation = Some(initiation);
        self
    }

    /// Sets the service (default [`Service::ToAccount`]).
    pub fn service(mut self, service: Service) -> PayloadBuilder {
        self.service = service;
        self
    }

    /// Sets the amount (tag `54`).
    pub fn amount(mut self, amount: Amount) -> PayloadBuilder {
        self.amount = Some(amount);
        self
    }

    /// Removes the amount.
    pub fn no_amount(mut self) -> PayloadBuilder {
        self.amount = None;
        self
    }

    /// Sets the memo, i.e. the purpose of transaction (tag `62.08`).
    pub fn memo(mut self, memo: Memo) -> PayloadBuilder {
        let result = self.additional_data.set_memo(memo);
        self.record(result)
    }

    /// Sets the merchant category code (tag `52`).
    pub fn merchant_category(mut self, code: MerchantCategory) -> PayloadBuilder {
        self.merchant_category = Some(code);
        self
    }

    /// Sets the merchant name (tag `59`): 1 to 25 characters, any script, no
    /// control characters.
    pub fn merchant_name(mut self, name: impl Into<String>) -> PayloadBuilder {
        let name = name.into();
        let result =
            check_text(&name, Payload::MERCHANT_NAME_MAX).map_err(|kind| BuildError::Tag {
                tag: Tag::top(59),
                kind,
            });
        self.merchant_name = Some(name);
        self.record(result)
    }

    /// Sets the merchant city (tag `60`): 1 to 15 characters, any script, no
    /// control characters.
    pub fn merchant_city(mut self, city: impl Into<String>) -> PayloadBuilder {
        let city = city.into();
        let result =
            check_text(&city, Payload::MERCHANT_CITY_MAX).map_err(|kind| BuildError::Tag {
                tag: Tag::top(60),
                kind,
            });
        self.merchant_city = Some(city);
        self.record(result)
    }

    /// Sets one additional data sub-field (tag `62.01`–`62.09`); see
    /// [`AdditionalData::set`].
    pub fn additional(
        mut self,
        field: AdditionalField,
        value: impl Into<String>,
    ) -> PayloadBuilder {
        let result = self.additional_data.set(field, value);
        self.record(result)
    }

    /// Sets the bill number (tag `62.01`).
    pub fn bill_number(self, value: impl Into<String>) -> PayloadBuilder {
        self.additional(AdditionalField::BillNumber, value)
    }

    /// Sets the reference label (tag `62.05`).
    pub fn reference_label(self, value: impl Into<String>) -> PayloadBuilder {
        self.additional(AdditionalField::ReferenceLabel, value)
    }

    /// Replaces all additional data (tag `62`).
    pub fn additional_data(mut self, data: AdditionalData) -> PayloadBuilder {
        self.additional_data = data;
        self
    }

    /// Appends a top-level data object this crate does not model.
    ///
    /// [`finish`](PayloadBuilder::finish) then fails with
    /// [`BuildError::ReservedTag`] if its id is one of `00`, `01`, `38`, `52`,
    /// `53`, `54`, `58`, `59`, `60`, `62`, `63`, or with
    /// [`BuildError::DuplicateTag`] if the id was already added.
    pub fn other(mut self, field: RawField) -> PayloadBuilder {
        let tag = Tag::top(field.id());
        let result = if MODELLED_TAGS.contains(&field.id()) {
            Err(BuildError::ReservedTag(tag))
        } else if self.others.iter().any(|f| f.id() == field.id()) {
            Err(BuildError::DuplicateTag(tag))
        } else {
            self.others.push(field);
            Ok(())
        };
        self.record(result)
    }

    /// Validates and returns the payload.
    ///
    /// Fails with the first error recorded by a setter, or with
    /// [`BuildError::DynamicWithoutAmount`] if [`Initiation::Dynamic`] was set
    /// without an amount.
    pub fn finish(self) -> Result<Payload, BuildError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let initiation = match (self.initiation, self.amount) {
            (Some(Initiation::Dynamic), None) => return Err(BuildError::DynamicWithoutAmount),
            (Some(i), _) => i,
            (None, Some(_)) => Initiation::Dynamic,
            (None, None) => Initiation::Static,
        };
        Ok(Payload {
            initiation,
            bin: self.bin,
            account: self.account,
            service: self.service,
            amount: self.amount,
            merchant_category: self.merchant_category,
            merchant_name: self.merchant_name,
            merchant_city: self.merchant_city,
            additional_data: self.additional_data,
            others: self.others,
        })
    }
}
