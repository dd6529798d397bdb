//! Telling texts that are not transactions (one-time passwords,
//! advertising, login alerts, texts without money) from unreadable ones.

use std::sync::LazyLock;

use regex::Regex;

/// Compiles one of this module's fixed patterns.
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("screening patterns are valid")
}

/// Words of one-time password and verification-code texts.
static OTP: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b(?:otp|smart ?otp|ma xac thuc|ma xac nhan|ma kich hoat|ma bao mat",
        r"|mat khau mot lan|one[- ]time password|verification code|passcode)\b",
    ))
});

/// Words of advertising texts.
static ADVERTISING: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b(?:uu dai|khuyen mai|giam gia|qua tang|tang ngay|hoan tien|chuong trinh",
        r"|mien phi|dang ky ngay|tu choi(?: nhan)? qc|qc|tri an|voucher|sale|cashback",
        r"|lai suat|mo the|vay)\b|[0-9] ?%",
    ))
});

/// Words of login and security alerts.
static LOGIN: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"\b(?:dang nhap|login|log in|sign in|thiet bi moi|dang xuat|doi mat khau)\b")
});

/// What a balance-change text has and an advert or alert has not: a signed
/// amount, a `(+)`/`(-)` marker or a balance label followed by a number.
static TRANSACTION_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"[+-] ?[0-9]{1,3}(?:[.,][0-9]{3})+|[+-] ?[0-9]+ ?(?:vnd|dong|d)\b|\( ?[+-] ?\)",
        r"|\b(?:so du|sd|sdc|sodu|sd cuoi)\b\s*:?\s*[+-]?[0-9]",
    ))
});

/// Anything that looks like money: a number grouped by thousands, a number
/// with a currency, or a signed number.
static MONEY: LazyLock<Regex> =
    LazyLock::new(|| compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+|[0-9] ?(?:vnd|dong|d)\b|[+-] ?[0-9]"));

/// Why a folded text that no layout read is not a transaction, if it is
/// clearly not one: a one-time password, an advert or a login alert, none
/// of them with the shape of a transaction (a text with a signed amount or
/// a balance is kept for a person to look at, whatever its words).
pub(crate) fn not_a_transaction(folded: &str) -> Option<&'static str> {
    if TRANSACTION_SHAPE.is_match(folded) {
        return None;
    }
    if OTP.is_match(folded) {
        return Some("one-time password or verification code");
    }
    if ADVERTISING.is_match(folded) {
        return Some("advertising or promotion");
    }
    if LOGIN.is_match(folded) {
        return Some("login or security alert");
    }
    None
}

/// Whether a folded text mentions anything like an amount of money.
pub(crate) fn has_money(folded: &str) -> bool {
    MONEY.is_match(folded)
}

#[cfg(test)]
mod tests {
    use super::{has_money, not_a_transaction};

    #[test]
    fn screens() {
        assert!(not_a_transaction("ma otp cua ban la 123456").is_some());
        assert!(not_a_transaction("uu dai thang 5: giam 50% phi chuyen tien").is_some());
        assert!(not_a_transaction("tai khoan dang nhap tren thiet bi moi luc 10:20").is_some());
        assert!(not_a_transaction("sd tk 123 +1,000vnd luc 01-01-2025 10:00").is_none());
        assert!(not_a_transaction("hoan tien +50,000d vao tk 123").is_none());
        assert!(not_a_transaction("tk 123 -500,000vnd ma otp 123456").is_none());
        assert!(has_money("so du 1,000"));
        assert!(has_money("+5"));
        assert!(!has_money("ma 123456 het han luc 10:20 25/04/2025"));
    }
}
