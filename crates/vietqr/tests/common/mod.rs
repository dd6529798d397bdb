//! Helpers shared by the integration tests.
#![allow(dead_code)]

/// One data object with its character-counted length.
pub fn tlv(id: &str, value: &str) -> String {
    format!("{id}{:02}{value}", value.chars().count())
}

/// Appends `6304` and the correct checksum.
pub fn seal(body: &str) -> String {
    let with_tag = format!("{body}6304");
    let crc = vietqr::crc16_ccitt_false(with_tag.as_bytes());
    format!("{with_tag}{crc:04X}")
}

/// A NAPAS template (tag 38) for `bin`/`account` and `service`.
pub fn napas(bin: &str, account: &str, service: &str) -> String {
    tlv(
        "38",
        &format!(
            "{}{}{}",
            tlv("00", "A000000727"),
            tlv("01", &format!("{}{}", tlv("00", bin), tlv("01", account))),
            tlv("02", service)
        ),
    )
}

/// A static to-account body without checksum.
pub fn static_body() -> String {
    format!(
        "000201010211{}53037045802VN",
        napas("970403", "0011012345678", "QRIBFTTA")
    )
}
