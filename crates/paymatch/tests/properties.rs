//! Property tests for `paymatch`.

use paymatch::code::{ALPHABET, GENERATED_LEN};
use paymatch::{comparable, contains_code, contains_truncated, generate, OrderCode, Prefix};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

fn prefix() -> impl Strategy<Value = Prefix> {
    "[A-Za-z]{1,8}".prop_map(|s| Prefix::parse(&s).unwrap())
}

fn generated_code() -> impl Strategy<Value = OrderCode> {
    (prefix(), any::<u64>()).prop_map(|(p, seed)| generate(&p, &mut StdRng::seed_from_u64(seed)))
}

/// Casso-style `prefix + order number` codes.
fn sequential_code() -> impl Strategy<Value = OrderCode> {
    ("[A-Za-z]{2,8}", 0u64..10_000_000_000)
        .prop_map(|(p, n)| Prefix::parse(&p).unwrap().code_for(n).unwrap())
}

fn any_code() -> impl Strategy<Value = OrderCode> {
    prop_oneof![generated_code(), sequential_code()]
}

/// A word without digits, with Vietnamese letters mixed in.
fn word() -> impl Strategy<Value = String> {
    "[a-zA-ZàáảãạăằâấđèéêếìíòóôồơờùúưứỳýĐƠƯ]{1,8}"
}

fn words() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(word(), 0..5)
}

/// Text a bank may put in front of the memo.
fn bank_prefix() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{6,12}".prop_map(|d| format!("MBVCB.{d}.")),
        "[0-9]{3}\\.[0-9]{3}".prop_map(|d| format!("MBVCB.{d}.")),
        Just("IBFT".to_string()),
        Just("IBFT ".to_string()),
        prop::collection::vec(word(), 1..4).prop_map(|n| format!("{} chuyen tien ", n.join(" "))),
    ]
}

/// What may appear between two characters of a code in a description.
fn inner_separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", "", "", " ", "  ", "-", ".", "_", "\n", "/", ",", " - ", "\u{301}",
    ])
}

/// The code as a customer or bank may have written it: random case, random
/// separators between characters.
fn written(code: &OrderCode) -> impl Strategy<Value = String> {
    let chars: Vec<char> = code.as_str().chars().collect();
    let n = chars.len();
    (
        prop::collection::vec(any::<bool>(), n),
        prop::collection::vec(inner_separator(), n),
    )
        .prop_map(move |(lower, seps)| {
            let mut s = String::new();
            for (i, c) in chars.iter().enumerate() {
                if i > 0 {
                    s.push_str(seps[i]);
                }
                s.push(if lower[i] { c.to_ascii_lowercase() } else { *c });
            }
            s
        })
}

/// Surroundings of a code: bank prefix, words before, glue before, glue
/// after, words after.
type Surround = (String, Vec<String>, bool, bool, Vec<String>);

fn surround() -> impl Strategy<Value = Surround> {
    (
        bank_prefix(),
        words(),
        any::<bool>(),
        any::<bool>(),
        words(),
    )
}

fn describe(s: &Surround, written_code: &str) -> String {
    let (bank, before, glue_before, glue_after, after) = s;
    format!(
        "{bank}{}{}{written_code}{}{}",
        before.join(" "),
        if *glue_before { "" } else { " " },
        if *glue_after { "" } else { " " },
        after.join(" ")
    )
}

proptest! {
    #[test]
    fn inserted_code_is_found(
        (code, text) in any_code().prop_flat_map(|c| {
            let w = written(&c);
            (Just(c), w)
        }),
        s in surround(),
    ) {
        let description = describe(&s, &text);
        prop_assert!(contains_code(&description, &code), "{} in {:?}", code, description);
    }

    #[test]
    fn code_with_one_char_changed_is_not_found(
        (code, text, pos, replacement) in generated_code().prop_flat_map(|c| {
            let n = c.len();
            let w = written(&c);
            (Just(c), w, 0..n, prop::sample::select(ALPHABET.chars().collect::<Vec<_>>()))
        }),
        s in surround(),
    ) {
        let mut chars: Vec<char> = code.as_str().chars().collect();
        prop_assume!(chars[pos] != replacement);
        chars[pos] = replacement;
        let changed = OrderCode::parse(&chars.iter().collect::<String>()).unwrap();
        let description = describe(&s, &text);
        prop_assert!(!contains_code(&description, &changed), "{} in {:?}", changed, description);
    }

    #[test]
    fn appended_digit_makes_code_not_found(
        (code, text) in any_code()
            .prop_filter("ends with a digit", |c| c.as_str().ends_with(|ch: char| ch.is_ascii_digit()))
            .prop_flat_map(|c| {
                let w = written(&c);
                (Just(c), w)
            }),
        digit in 0u8..10,
        s in surround(),
    ) {
        let text = format!("{text}{digit}");
        let description = describe(&s, &text);
        prop_assert!(!contains_code(&description, &code), "{} in {:?}", code, description);
    }

    #[test]
    fn comparable_is_idempotent_and_ascii(s in any::<String>()) {
        let once = comparable(&s);
        prop_assert!(once.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        prop_assert_eq!(comparable(&once), once);
    }

    #[test]
    fn comparable_is_idempotent_on_vietnamese(s in "[a-zA-Z0-9 .,àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ\u{300}-\u{36f}]{0,40}") {
        let once = comparable(&s);
        prop_assert_eq!(comparable(&once), once.clone());
        // Every letter of this alphabet folds to something: only spaces,
        // '.', ',' and combining marks disappear.
        let kept = s.chars().filter(|c| !matches!(c, ' ' | '.' | ',' | '\u{300}'..='\u{36f}')).count();
        prop_assert_eq!(once.len(), kept);
    }

    #[test]
    fn generated_codes_are_well_formed(p in prefix(), seed in any::<u64>()) {
        let code = generate(&p, &mut StdRng::seed_from_u64(seed));
        prop_assert_eq!(OrderCode::parse(code.as_str()), Ok(code.clone()));
        let body = code.as_str().strip_prefix(p.as_str()).unwrap();
        prop_assert_eq!(body.len(), GENERATED_LEN);
        prop_assert!(body.chars().all(|c| ALPHABET.contains(c)));
        prop_assert!(body.starts_with(|c: char| c.is_ascii_digit()));
        prop_assert!(body.chars().any(|c| c.is_ascii_digit()));
        prop_assert!(body.chars().any(|c| c.is_ascii_alphabetic()));
    }

    #[test]
    fn parsed_code_is_found_in_its_own_text(s in "[A-Za-z0-9 ._-]{0,30}") {
        if let Ok(code) = OrderCode::parse(&s) {
            prop_assert!(contains_code(&s, &code));
            prop_assert!(contains_truncated(&s, &code, code.len()));
            prop_assert_eq!(OrderCode::parse(code.as_str()), Ok(code.clone()));
        }
    }

    #[test]
    fn found_implies_comparable_substring(description in any::<String>(), code in any_code()) {
        if contains_code(&description, &code) {
            prop_assert!(comparable(&description).contains(code.as_str()));
        }
    }

    #[test]
    fn arbitrary_input_never_panics(
        description in any::<String>(),
        raw_code in any::<String>(),
        raw_prefix in any::<String>(),
        min_len in any::<usize>(),
        code in any_code(),
    ) {
        let _ = comparable(&description);
        let _ = contains_code(&description, &code);
        let _ = contains_truncated(&description, &code, min_len);
        let _ = contains_truncated(&description, &code, min_len % 24);
        if let Ok(c) = OrderCode::parse(&raw_code) {
            let _ = contains_code(&description, &c);
            let _ = contains_truncated(&description, &c, min_len % 24);
        } else if let Err(e) = OrderCode::parse(&raw_code) {
            let _ = e.to_string();
        }
        match Prefix::parse(&raw_prefix) {
            Ok(p) => { let _ = p.code_for(min_len as u64); }
            Err(e) => { let _ = e.to_string(); }
        }
    }
}
