//! Decoding of payload strings.

use crate::tlv::{split, Field};
use crate::value::check_text;
use crate::{
    crc16_ccitt_false, AccountNumber, AdditionalData, AdditionalField, Amount, Bin, Initiation,
    MerchantCategory, ParseError, Payload, RawField, Service, Tag, ValueError, COUNTRY, CURRENCY,
    NAPAS_AID,
};

fn tag_error(tag: Tag) -> impl Fn(ValueError) -> ParseError {
    move |kind| ParseError::Tag { tag, kind }
}

fn find<'f, 'a>(fields: &'f [Field<'a>], id: u8) -> Option<&'f Field<'a>> {
    fields.iter().find(|f| f.id == id)
}

/// Parses a VietQR payload.
///
/// Surrounding whitespace is trimmed. The structure is checked first (TLV
/// layout, `00` first, `63` last, no repeated tag, no empty value), then the
/// checksum (hex digits in either case), then the meaning of each field.
/// Lengths count characters, so non-ASCII merchant names are handled as the
/// standard intends.
///
/// Accepted beyond the VietQR fields: any other top-level tag (kept as a
/// [`RawField`] in [`Payload::others`]) and any `62` sub-tag other than
/// `01`–`09` (kept in [`AdditionalData::others`]). Inside the NAPAS template
/// `38`, anything other than `00`/`01`/`02` (and `00`/`01` in `38.01`) is
/// rejected with [`ParseError::UnexpectedTag`].
///
/// `parse(p.build()) == p` for every [`Payload`]. The reverse, `build(parse(s))
/// == s`, holds for payloads in canonical form (tag order as written by
/// [`Payload::build`], upper-case checksum, no leading zeros in the amount).
///
/// ```
/// let p = vietqr::parse(
///     "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044f52",
/// )?;
/// assert_eq!(p.service(), vietqr::Service::ToCard);
/// assert_eq!(p.account().as_str(), "9704031101234567");
/// # Ok::<(), vietqr::ParseError>(())
/// ```
pub fn parse(input: &str) -> Result<Payload, ParseError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ParseError::Empty);
    }
    let fields = split(s, 0, None)?;

    // Structure: 00 first, 63 last.
    match fields.first() {
        Some(f) if f.id == 0 => {}
        _ if find(&fields, 0).is_some() => return Err(ParseError::MisplacedTag(Tag::top(0))),
        _ => return Err(ParseError::MissingTag(Tag::top(0))),
    }
    let crc_field = match fields.last() {
        Some(f) if f.id == 63 => f,
        _ if find(&fields, 63).is_some() => return Err(ParseError::MisplacedTag(Tag::top(63))),
        _ => return Err(ParseError::MissingTag(Tag::top(63))),
    };

    // Checksum, over everything up to and including "6304".
    let crc_tag = Tag::top(63);
    let crc_text = crc_field.value;
    if let Some((index, ch)) = crc_text
        .chars()
        .enumerate()
        .find(|&(_, c)| !c.is_ascii_hexdigit())
    {
        return Err(ParseError::Tag {
            tag: crc_tag,
            kind: ValueError::InvalidChar { ch, index },
        });
    }
    if crc_text.len() != 4 {
        return Err(ParseError::Tag {
            tag: crc_tag,
            kind: ValueError::WrongLength {
                len: crc_text.len(),
                expected: 4,
            },
        });
    }
    let found = u16::from_str_radix(crc_text, 16).map_err(|_| ParseError::Tag {
        tag: crc_tag,
        kind: ValueError::Unrecognized(crc_text.to_owned()),
    })?;
    let covered = s.get(..s.len() - crc_text.len()).unwrap_or(s);
    let expected = crc16_ccitt_false(covered.as_bytes());
    if expected != found {
        return Err(ParseError::CrcMismatch { expected, found });
    }

    // Meaning.
    let mut initiation = None;
    let mut napas = None;
    let mut amount = None;
    let mut merchant_category = None;
    let mut merchant_name = None;
    let mut merchant_city = None;
    let mut additional_data = AdditionalData::new();
    let mut currency_seen = false;
    let mut country_seen = false;
    let mut others = Vec::new();

    for field in &fields {
        let (tag, value) = (field.tag, field.value);
        match field.id {
            0 => {
                if value != "01" {
                    return Err(ParseError::Tag {
                        tag,
                        kind: ValueError::Unrecognized(value.to_owned()),
                    });
                }
            }
            1 => {
                initiation = Some(Initiation::from_code(value).ok_or_else(|| ParseError::Tag {
                    tag,
                    kind: ValueError::Unrecognized(value.to_owned()),
                })?);
            }
            38 => napas = Some(parse_napas(field)?),
            52 => merchant_category = Some(MerchantCategory::new(value).map_err(tag_error(tag))?),
            53 => {
                if value != CURRENCY {
                    return Err(ParseError::UnsupportedCurrency(value.to_owned()));
                }
                currency_seen = true;
            }
            54 => amount = Some(value.parse::<Amount>().map_err(tag_error(tag))?),
            58 => {
                if value != COUNTRY {
                    return Err(ParseError::UnsupportedCountry(value.to_owned()));
                }
                country_seen = true;
            }
            59 => {
                check_text(value, Payload::MERCHANT_NAME_MAX).map_err(tag_error(tag))?;
                merchant_name = Some(value.to_owned());
            }
            60 => {
                check_text(value, Payload::MERCHANT_CITY_MAX).map_err(tag_error(tag))?;
                merchant_city = Some(value.to_owned());
            }
            62 => additional_data = parse_additional(field)?,
            63 => {}
            id => others.push(RawField::new(id, value).map_err(tag_error(tag))?),
        }
    }

    let initiation = initiation.ok_or(ParseError::MissingTag(Tag::top(1)))?;
    let (bin, account, service) = napas.ok_or(ParseError::NotNapas)?;
    if !currency_seen {
        return Err(ParseError::MissingTag(Tag::top(53)));
    }
    if !country_seen {
        return Err(ParseError::MissingTag(Tag::top(58)));
    }
    if initiation == Initiation::Dynamic && amount.is_none() {
        return Err(ParseError::MissingTag(Tag::top(54)));
    }

    Ok(Payload {
        initiation,
        bin,
        account,
        service,
        amount,
        merchant_category,
        merchant_name,
        merchant_city,
        additional_data,
        others,
    })
}

/// Tag `38`: `00` = NAPAS AID, `01` = beneficiary, `02` = service.
fn parse_napas(field: &Field<'_>) -> Result<(Bin, AccountNumber, Service), ParseError> {
    let subs = split(field.value, field.value_at, Some(field.tag))?;
    // Identify the scheme before judging the rest.
    let aid = find(&subs, 0).ok_or(ParseError::MissingTag(field.tag.sub(0)))?;
    if aid.value != NAPAS_AID {
        return Err(ParseError::NotNapas);
    }
    if let Some(unexpected) = subs.iter().find(|f| f.id > 2) {
        return Err(ParseError::UnexpectedTag(unexpected.tag));
    }
    let beneficiary = find(&subs, 1).ok_or(ParseError::MissingTag(field.tag.sub(1)))?;
    let service = find(&subs, 2).ok_or(ParseError::MissingTag(field.tag.sub(2)))?;

    let inner = split(
        beneficiary.value,
        beneficiary.value_at,
        Some(beneficiary.tag),
    )?;
    if let Some(unexpected) = inner.iter().find(|f| f.id > 1) {
        return Err(ParseError::UnexpectedTag(unexpected.tag));
    }
    let bin = find(&inner, 0).ok_or(ParseError::MissingTag(beneficiary.tag.sub(0)))?;
    let account = find(&inner, 1).ok_or(ParseError::MissingTag(beneficiary.tag.sub(1)))?;
    let bin = Bin::new(bin.value).map_err(tag_error(bin.tag))?;
    let account = AccountNumber::new(account.value).map_err(tag_error(account.tag))?;

    let service = Service::from_code(service.value).ok_or_else(|| ParseError::Tag {
        tag: service.tag,
        kind: ValueError::Unrecognized(service.value.to_owned()),
    })?;
    Ok((bin, account, service))
}

/// Tag `62`: known sub-fields `01`–`09`, everything else kept raw.
fn parse_additional(field: &Field<'_>) -> Result<AdditionalData, ParseError> {
    let subs = split(field.value, field.value_at, Some(field.tag))?;
    let mut data = AdditionalData::new();
    for sub in &subs {
        match AdditionalField::from_id(sub.id) {
            Some(known) => {
                check_text(sub.value, known.max_len()).map_err(tag_error(sub.tag))?;
                data.insert_unchecked(known, sub.value);
            }
            None => {
                let raw = RawField::new(sub.id, sub.value).map_err(tag_error(sub.tag))?;
                data.push_unchecked(raw);
            }
        }
    }
    Ok(data)
}
