//! Whatever parses must re-build, and the re-built string must parse back to
//! an equal payload and re-build identically.
//!
//! Each input is tried as-is and, so the fuzzer can get past the checksum,
//! also as a body sealed with a correct `6304` + CRC.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn check(s: &str) {
    if let Ok(payload) = vietqr::parse(s) {
        let built = payload.build();
        let again = vietqr::parse(&built).expect("a built payload must parse");
        assert_eq!(again, payload);
        assert_eq!(again.build(), built);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        check(s);
        let mut sealed = String::with_capacity(s.len() + 8);
        sealed.push_str(s);
        sealed.push_str("6304");
        let crc = vietqr::crc16_ccitt_false(sealed.as_bytes());
        sealed.push_str(&format!("{crc:04X}"));
        check(&sealed);
    }
});
