//! Additional data field template (tag `62`).

use crate::tlv::push_field;
use crate::value::check_text;
use crate::{BuildError, Memo, RawField, Tag, ValueError};

/// The sub-tags of tag `62` that EMVCo defines and this crate models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AdditionalField {
    /// `01`: bill or invoice number.
    BillNumber,
    /// `02`: customer mobile number.
    MobileNumber,
    /// `03`: store label.
    StoreLabel,
    /// `04`: loyalty number.
    LoyaltyNumber,
    /// `05`: reference label (e.g. a transaction or order reference).
    ReferenceLabel,
    /// `06`: customer label.
    CustomerLabel,
    /// `07`: terminal label.
    TerminalLabel,
    /// `08`: purpose of transaction: the memo that banks pre-fill. Prefer
    /// setting it from a [`Memo`].
    Purpose,
    /// `09`: additional consumer data request (up to three of `A`, `M`, `E`).
    ConsumerDataRequest,
}

impl AdditionalField {
    /// All fields, in tag order.
    pub const ALL: [AdditionalField; 9] = [
        AdditionalField::BillNumber,
        AdditionalField::MobileNumber,
        AdditionalField::StoreLabel,
        AdditionalField::LoyaltyNumber,
        AdditionalField::ReferenceLabel,
        AdditionalField::CustomerLabel,
        AdditionalField::TerminalLabel,
        AdditionalField::Purpose,
        AdditionalField::ConsumerDataRequest,
    ];

    /// The sub-tag id, `1..=9`.
    #[must_use]
    pub const fn id(self) -> u8 {
        self.index() as u8 + 1
    }

    /// The field for sub-tag id `1..=9`.
    #[must_use]
    pub fn from_id(id: u8) -> Option<AdditionalField> {
        Self::ALL.get(usize::from(id).checked_sub(1)?).copied()
    }

    /// Maximum length in characters: 3 for
    /// [`ConsumerDataRequest`](AdditionalField::ConsumerDataRequest), 25 for
    /// the others (the EMVCo limits).
    #[must_use]
    pub const fn max_len(self) -> usize {
        match self {
            AdditionalField::ConsumerDataRequest => 3,
            _ => 25,
        }
    }

    /// The full tag path, e.g. `62.08`.
    #[must_use]
    pub const fn tag(self) -> Tag {
        Tag::top(62).sub(self.id())
    }

    const fn index(self) -> usize {
        match self {
            AdditionalField::BillNumber => 0,
            AdditionalField::MobileNumber => 1,
            AdditionalField::StoreLabel => 2,
            AdditionalField::LoyaltyNumber => 3,
            AdditionalField::ReferenceLabel => 4,
            AdditionalField::CustomerLabel => 5,
            AdditionalField::TerminalLabel => 6,
            AdditionalField::Purpose => 7,
            AdditionalField::ConsumerDataRequest => 8,
        }
    }
}

/// The additional data field template (tag `62`).
///
/// Holds the nine EMVCo sub-fields (see [`AdditionalField`]) plus any other
/// sub-tags (`00`, `10`–`99`) as [`RawField`]s in their original order.
/// Values are 1 to 25 characters (3 for `09`) with no control characters;
/// the encoded template must fit in 99 characters. Both are enforced by every
/// setter, so a `AdditionalData` can always be encoded.
///
/// Encoding writes `01`–`09` in tag order, then the raw fields.
///
/// ```
/// use vietqr::{AdditionalData, AdditionalField, Memo};
///
/// let mut data = AdditionalData::new();
/// data.set(AdditionalField::BillNumber, "NPS6869")?;
/// data.set_memo(Memo::new("thanh toan don hang")?)?;
/// assert_eq!(data.bill_number(), Some("NPS6869"));
/// assert_eq!(data.encoded_len(), 34);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AdditionalData {
    fields: [Option<String>; 9],
    others: Vec<RawField>,
}

impl AdditionalData {
    /// Maximum encoded length of the template's value.
    pub const MAX_LEN: usize = 99;

    /// Empty additional data (tag `62` is then omitted).
    #[must_use]
    pub fn new() -> AdditionalData {
        AdditionalData::default()
    }

    /// Whether no sub-field is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.fields.iter().all(Option::is_none) && self.others.is_empty()
    }

    /// Length in characters of the encoded template value.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        let known: usize = self
            .fields
            .iter()
            .flatten()
            .map(|v| 4 + v.chars().count())
            .sum();
        known + self.others.iter().map(RawField::encoded_len).sum::<usize>()
    }

    /// The value of `field`, if set.
    #[must_use]
    pub fn get(&self, field: AdditionalField) -> Option<&str> {
        self.fields.get(field.index()).and_then(|v| v.as_deref())
    }

    /// Sets `field` to `value`, replacing any previous value.
    ///
    /// Fails with [`BuildError::Tag`] naming the sub-tag (e.g. `62.01`) if the
    /// value is empty, too long or contains a control character, or naming
    /// `62` with [`ValueError::TooLong`] if the template would exceed 99
    /// characters. On failure nothing changes.
    pub fn set(
        &mut self,
        field: AdditionalField,
        value: impl Into<String>,
    ) -> Result<(), BuildError> {
        let value = value.into();
        check_text(&value, field.max_len()).map_err(|kind| BuildError::Tag {
            tag: field.tag(),
            kind,
        })?;
        let old = self.get(field).map_or(0, |v| 4 + v.chars().count());
        Self::check_total(self.encoded_len() - old + 4 + value.chars().count())?;
        if let Some(slot) = self.fields.get_mut(field.index()) {
            *slot = Some(value);
        }
        Ok(())
    }

    /// Builder-style [`set`](AdditionalData::set).
    pub fn with(
        mut self,
        field: AdditionalField,
        value: impl Into<String>,
    ) -> Result<AdditionalData, BuildError> {
        self.set(field, value)?;
        Ok(self)
    }

    /// Sets the purpose of transaction (`62.08`) to `memo`. Fails only if the
    /// template would exceed 99 characters.
    pub fn set_memo(&mut self, memo: Memo) -> Result<(), BuildError> {
        self.set(AdditionalField::Purpose, String::from(memo))
    }

    /// Removes `field`, returning its value.
    pub fn remove(&mut self, field: AdditionalField) -> Option<String> {
        self.fields.get_mut(field.index()).and_then(Option::take)
    }

    /// Sub-tags other than `01`–`09`, in order.
    #[must_use]
    pub fn others(&self) -> &[RawField] {
        &self.others
    }

    /// Appends a sub-tag other than `01`–`09`.
    ///
    /// Fails with [`BuildError::ReservedTag`] for ids `1..=9` (use
    /// [`set`](AdditionalData::set)), [`BuildError::DuplicateTag`] if the id is
    /// already present, or [`BuildError::Tag`] naming `62` if the template
    /// would exceed 99 characters.
    pub fn push_other(&mut self, field: RawField) -> Result<(), BuildError> {
        let tag = Tag::top(62).sub(field.id());
        if AdditionalField::from_id(field.id()).is_some() {
            return Err(BuildError::ReservedTag(tag));
        }
        if self.others.iter().any(|f| f.id() == field.id()) {
            return Err(BuildError::DuplicateTag(tag));
        }
        Self::check_total(self.encoded_len() + field.encoded_len())?;
        self.others.push(field);
        Ok(())
    }

    /// `01`: bill number.
    #[must_use]
    pub fn bill_number(&self) -> Option<&str> {
        self.get(AdditionalField::BillNumber)
    }

    /// `02`: mobile number.
    #[must_use]
    pub fn mobile_number(&self) -> Option<&str> {
        self.get(AdditionalField::MobileNumber)
    }

    /// `03`: store label.
    #[must_use]
    pub fn store_label(&self) -> Option<&str> {
        self.get(AdditionalField::StoreLabel)
    }

    /// `04`: loyalty number.
    #[must_use]
    pub fn loyalty_number(&self) -> Option<&str> {
        self.get(AdditionalField::LoyaltyNumber)
    }

    /// `05`: reference label.
    #[must_use]
    pub fn reference_label(&self) -> Option<&str> {
        self.get(AdditionalField::ReferenceLabel)
    }

    /// `06`: customer label.
    #[must_use]
    pub fn customer_label(&self) -> Option<&str> {
        self.get(AdditionalField::CustomerLabel)
    }

    /// `07`: terminal label.
    #[must_use]
    pub fn terminal_label(&self) -> Option<&str> {
        self.get(AdditionalField::TerminalLabel)
    }

    /// `08`: purpose of transaction (the memo). Parsed payloads may carry any
    /// text here, not only what [`Memo`] allows.
    #[must_use]
    pub fn purpose(&self) -> Option<&str> {
        self.get(AdditionalField::Purpose)
    }

    /// `09`: additional consumer data request.
    #[must_use]
    pub fn consumer_data_request(&self) -> Option<&str> {
        self.get(AdditionalField::ConsumerDataRequest)
    }

    fn check_total(len: usize) -> Result<(), BuildError> {
        if len > Self::MAX_LEN {
            Err(BuildError::Tag {
                tag: Tag::top(62),
                kind: ValueError::TooLong {
                    len,
                    max: Self::MAX_LEN,
                },
            })
        } else {
            Ok(())
        }
    }

    /// Appends the encoded template value to `out`.
    pub(crate) fn encode(&self, out: &mut String) {
        for field in AdditionalField::ALL {
            if let Some(value) = self.get(field) {
                push_field(out, field.id(), value);
            }
        }
        for raw in &self.others {
            push_field(out, raw.id(), raw.value());
        }
    }

    /// Inserts a value the caller has already validated and whose total is
    /// known to fit (parsing, or a lone memo) (internal use).
    pub(crate) fn insert_unchecked(&mut self, field: AdditionalField, value: &str) {
        if let Some(slot) = self.fields.get_mut(field.index()) {
            *slot = Some(value.to_owned());
        }
    }

    /// Appends a raw field the caller knows fits and is not a duplicate
    /// (internal use).
    pub(crate) fn push_unchecked(&mut self, field: RawField) {
        self.others.push(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for f in AdditionalField::ALL {
            assert_eq!(AdditionalField::from_id(f.id()), Some(f));
        }
        assert_eq!(AdditionalField::from_id(0), None);
        assert_eq!(AdditionalField::from_id(10), None);
        assert_eq!(AdditionalField::Purpose.tag(), "62.08");
    }

    #[test]
    fn limits() {
        let mut d = AdditionalData::new();
        assert!(d.is_empty());
        assert_eq!(
            d.set(AdditionalField::ConsumerDataRequest, "AMEX"),
            Err(BuildError::Tag {
                tag: AdditionalField::ConsumerDataRequest.tag(),
                kind: ValueError::TooLong { len: 4, max: 3 }
            })
        );
        let v = "x".repeat(25);
        for f in &AdditionalField::ALL[..3] {
            assert_eq!(d.set(*f, v.as_str()), Ok(()));
        }
        assert_eq!(d.encoded_len(), 87);
        // 87 + 4 + 9 = 100 > 99
        assert_eq!(
            d.set(AdditionalField::Purpose, "123456789"),
            Err(BuildError::Tag {
                tag: Tag::top(62),
                kind: ValueError::TooLong { len: 100, max: 99 }
            })
        );
        assert_eq!(d.purpose(), None);
        // Replacing an existing value counts only the new one.
        assert_eq!(d.set(AdditionalField::BillNumber, "y".repeat(25)), Ok(()));
        assert_eq!(d.remove(AdditionalField::BillNumber), Some("y".repeat(25)));
        assert_eq!(d.encoded_len(), 58);
        assert_eq!(
            d.push_other(RawField::new(5, "x").unwrap()),
            Err(BuildError::ReservedTag(Tag::top(62).sub(5)))
        );
        assert_eq!(d.push_other(RawField::new(50, "x").unwrap()), Ok(()));
        assert_eq!(
            d.push_other(RawField::new(50, "y").unwrap()),
            Err(BuildError::DuplicateTag(Tag::top(62).sub(50)))
        );
        assert_eq!(d.others().len(), 1);
    }
}
