//! Arbitrary text as a bank description and as an order code: nothing panics, and a code
//! that parses is found in its own text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paymatch::{comparable, contains_code, contains_truncated, OrderCode};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (description, code) = text.split_once('\n').unwrap_or((text, text));
    let folded = comparable(description);
    assert_eq!(comparable(&folded), folded);
    if let Ok(code) = OrderCode::parse(code) {
        let _ = contains_code(description, &code);
        let _ = contains_truncated(description, &code, 4);
        assert!(contains_code(code.as_str(), &code));
    }
});
