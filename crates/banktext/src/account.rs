//! Matching a possibly masked account hint against an account number.

/// Whether `account_number` can be the account a text's masked
/// `hint` stands for.
///
/// Spaces, `-` and `.` are ignored on both sides and letters compare
/// case-insensitively. In the hint, `x`, `X` and `*` are wildcards; each run
/// of wildcards stands for one or more characters (banks do not always keep
/// the number of hidden digits). So a hint matches by prefix and suffix:
/// `0801xxxx5678` matches `080112345678`, `**3896` and `xxxx4567` match any
/// account ending in `3896` / `4567`. A hint without wildcards must equal the
/// account number.
///
/// A hint that shows fewer than three characters (`xxxx`, `**12`) matches
/// nothing, since it cannot tell accounts apart.
///
/// ```
/// use banktext::account_matches;
/// assert!(account_matches("0801xxxx5678", "080112345678"));
/// assert!(account_matches("**3896", "0071003896"));
/// assert!(!account_matches("**3896", "0071003897"));
/// assert!(account_matches("12345678", "1234 5678"));
/// ```
pub fn account_matches(hint: &str, account_number: &str) -> bool {
    let hint = normalize(hint);
    let account = normalize(account_number);
    let shown = hint.iter().filter(|c| !is_wildcard(**c)).count();
    if shown < 3 || account.is_empty() {
        return false;
    }
    glob(&hint, &account)
}

/// Lower-cased characters without spaces, `-` and `.`.
fn normalize(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '.')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_wildcard(c: char) -> bool {
    c == 'x' || c == '*'
}

/// Whether `pattern` (with wildcard runs matching one or more characters)
/// matches the whole of `text`.
fn glob(pattern: &[char], text: &[char]) -> bool {
    // reachable[j]: the pattern read so far can match the first j chars of
    // `text`.
    let mut reachable: Vec<bool> = std::iter::once(true)
        .chain(text.iter().map(|_| false))
        .collect();
    let mut rest = pattern;
    while let Some((&p, tail)) = rest.split_first() {
        rest = tail;
        let next: Vec<bool> = if is_wildcard(p) {
            // A whole run of wildcards: one or more characters.
            while let Some((_, tail)) = rest.split_first().filter(|(c, _)| is_wildcard(**c)) {
                rest = tail;
            }
            let mut seen = false;
            std::iter::once(false)
                .chain(reachable.iter().take(text.len()).map(|&r| {
                    seen |= r;
                    seen
                }))
                .collect()
        } else {
            std::iter::once(false)
                .chain(reachable.iter().zip(text).map(|(&r, &c)| r && c == p))
                .collect()
        };
        reachable = next;
    }
    reachable.last().copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::account_matches;

    #[test]
    fn masked_hints() {
        assert!(account_matches("0801xxxx5678", "080112345678"));
        assert!(account_matches("0801XXXX5678", "0801999995678"));
        assert!(!account_matches("0801xxxx5678", "090112345678"));
        assert!(!account_matches("0801xxxx5678", "08015678"));
        assert!(account_matches("xxxx4567", "1234567"));
        assert!(account_matches("**3896", "0071003896"));
        assert!(account_matches("040xx1234", "04001011234"));
        assert!(account_matches("1201xxxx3456", "12010000123456"));
        assert!(!account_matches("**3896", "3896"));
        assert!(account_matches("100012345678", "100012345678"));
        assert!(!account_matches("100012345678", "100012345679"));
        assert!(account_matches("12-34-56", "123456"));
    }

    #[test]
    fn weak_hints_match_nothing() {
        assert!(!account_matches("xxxx", "1234"));
        assert!(!account_matches("**12", "0012"));
        assert!(!account_matches("", "0012"));
        assert!(!account_matches("123", ""));
    }
}
