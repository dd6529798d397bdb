//! VietQR codes for an account: the payload (built by the `vietqr` crate) and its image, as
//! PNG or SVG.

use qrcode::{EcLevel, QrCode};
use vietqr::{AccountNumber, Amount, Bin, Memo, Payload};

use crate::domain::payment::PaymentRequest;
use crate::domain::BankAccount;

/// Quiet zone around a code, in modules (the QR standard's minimum).
const QUIET_ZONE: u32 = 4;
/// Largest module size of a PNG, in pixels.
pub const MAX_SCALE: u32 = 40;

/// Why a code could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QrError {
    /// The amount is not a whole number of VND in VietQR's range.
    #[error("amount: {0}")]
    Amount(String),
    /// Nothing of the memo is left once it is reduced to VietQR's letters, digits and spaces.
    #[error("memo: {0}")]
    Memo(String),
    /// The account cannot be put in a VietQR code.
    #[error("account: {0}")]
    Account(String),
    /// The text does not fit in a QR code.
    #[error("the payload does not fit in a QR code")]
    TooLong,
}

/// The VietQR payload for a transfer to `account`: static (reusable) without an amount,
/// dynamic (one payment) with one; `memo` is the transfer's pre-filled content, reduced to
/// letters, digits and spaces (diacritics removed) and cut to 25 characters.
pub fn payload(
    account: &BankAccount,
    amount: Option<&str>,
    memo: Option<&str>,
) -> Result<Payload, QrError> {
    let bin = Bin::new(&format!("{:06}", account.bank_bin))
        .map_err(|e| QrError::Account(format!("bank BIN {}: {e}", account.bank_bin)))?;
    let number = AccountNumber::new(&account.account_number)
        .map_err(|e| QrError::Account(format!("number {}: {e}", account.account_number)))?;
    let mut builder = Payload::builder(bin, number);
    if let Some(amount) = amount.map(str::trim) {
        let vnd: u64 = amount
            .parse()
            .map_err(|_| QrError::Amount(format!("{amount:?} is not a whole number of VND")))?;
        let amount = Amount::new(vnd).map_err(|e| QrError::Amount(e.to_string()))?;
        builder = builder.amount(amount);
    }
    if let Some(memo) = memo {
        let memo = Memo::sanitize(memo).ok_or_else(|| {
            QrError::Memo(format!(
                "{memo:?} has no letters or digits (banks only take A-Z, 0-9 and spaces)"
            ))
        })?;
        builder = builder.memo(memo);
    }
    builder
        .finish()
        .map_err(|e| QrError::Account(e.to_string()))
}

/// The VietQR payload of a payment request: one transfer of its amount to its account, with
/// its order code as the memo.
pub fn request_payload(account: &BankAccount, r: &PaymentRequest) -> Result<Payload, QrError> {
    payload(account, Some(&r.amount.to_string()), Some(&r.code))
}

/// The QR code of `text`, at medium error correction (a phone camera reads it from a screen
/// or paper with some damage).
fn code(text: &str) -> Result<QrCode, QrError> {
    // A VietQR payload is at most a few hundred characters: version 40 holds 2,331 at level M.
    QrCode::with_error_correction_level(text, EcLevel::M).map_err(|_| QrError::TooLong)
}

/// The code as an SVG document (scalable; black on white).
pub fn svg(text: &str) -> Result<String, QrError> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .build())
}

/// The code as an `<svg>` element to put in an HTML page (the SVG document without its XML
/// declaration).
pub fn inline_svg(text: &str) -> Result<String, QrError> {
    let svg = svg(text)?;
    Ok(svg
        .find("<svg")
        .map_or(svg.as_str(), |i| &svg[i..])
        .to_string())
}

/// The code as a grayscale PNG, each module `scale` pixels (1 to [`MAX_SCALE`]) with a
/// four-module quiet zone.
pub fn png(text: &str, scale: u32) -> Result<Vec<u8>, QrError> {
    let scale = scale.clamp(1, MAX_SCALE);
    let code = code(text)?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for dy in 0..scale {
            let y = (my + QUIET_ZONE) * scale + dy;
            let row = (y * side) as usize;
            let x0 = ((mx + QUIET_ZONE) * scale) as usize;
            pixels[row + x0..row + x0 + scale as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    // Writing into a Vec cannot fail, and the header matches the buffer.
    if let Ok(mut writer) = encoder.write_header() {
        let _ = writer.write_image_data(&pixels);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(bin: u32, number: &str) -> BankAccount {
        BankAccount {
            id: 1,
            business_id: 1,
            bank_bin: bin,
            account_number: number.into(),
            account_name: None,
            balance: None,
            created_at: 0,
        }
    }

    #[test]
    fn payloads_match_the_spec_vectors() {
        let vcb = account(970436, "0071001234567");
        let p = payload(&vcb, Some("850000"), Some("DH482113")).unwrap();
        assert_eq!(
            p.build(),
            "00020101021238570010A00000072701270006970436011300710012345670208QRIBFTTA\
             530370454068500005802VN62120808DH4821136304E529"
        );
        let stb = account(970403, "0011012345678");
        assert_eq!(
            payload(&stb, None, None).unwrap().build(),
            "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA\
             53037045802VN63049E6F"
        );
    }

    #[test]
    fn bad_inputs_name_their_field() {
        let vcb = account(970436, "0071001234567");
        assert!(matches!(
            payload(&vcb, Some("12.5"), None),
            Err(QrError::Amount(_))
        ));
        assert!(matches!(
            payload(&vcb, Some("0"), None),
            Err(QrError::Amount(_))
        ));
        assert!(matches!(
            payload(&vcb, None, Some("!!!")),
            Err(QrError::Memo(_))
        ));
        let odd = account(970436, "0071-001");
        assert!(matches!(
            payload(&odd, None, None),
            Err(QrError::Account(_))
        ));
        let memo = payload(&vcb, Some("1000"), Some("Đơn hàng số 42 – cảm ơn")).unwrap();
        assert_eq!(memo.purpose(), Some("Don hang so 42 cam on"));
    }

    #[test]
    fn images_have_the_quiet_zone_and_scale() {
        let text = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F";
        let image = png(text, 4).unwrap();
        assert!(image.starts_with(b"\x89PNG\r\n\x1a\n"));
        let decoder = png::Decoder::new(std::io::Cursor::new(&image));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        let modules = code(text).unwrap().width() as u32;
        assert_eq!(info.width, (modules + 8) * 4);
        assert!(svg(text).unwrap().contains("<svg"));
        assert_eq!(svg(&"9".repeat(10_000)), Err(QrError::TooLong));
    }
}
