//! CRC-16/CCITT-FALSE, the checksum carried in tag `63`.

/// Computes CRC-16/CCITT-FALSE over `bytes`.
///
/// Parameters: polynomial `0x1021`, initial value `0xFFFF`, no input or
/// output reflection, no final XOR. This is the checksum EMVCo (and hence
/// VietQR) stores in tag `63`, computed over the UTF-8 bytes of the payload
/// up to and including the `6304` that introduces the checksum itself.
///
/// ```
/// assert_eq!(vietqr::crc16_ccitt_false(b"123456789"), 0x29B1);
/// assert_eq!(vietqr::crc16_ccitt_false(b""), 0xFFFF);
/// ```
#[must_use]
pub const fn crc16_ccitt_false(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    let mut i = 0;
    while i < bytes.len() {
        crc ^= (bytes[i] as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        i += 1;
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::crc16_ccitt_false;

    #[test]
    fn check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    #[test]
    fn residue_is_zero_when_crc_is_appended() {
        let msg = b"00020101021138570010A000000727";
        let crc = crc16_ccitt_false(msg);
        let mut with_crc = msg.to_vec();
        with_crc.extend_from_slice(&crc.to_be_bytes());
        assert_eq!(crc16_ccitt_false(&with_crc), 0);
    }
}
