//! Property tests: `parse` never panics, every family's layout round-trips
//! random values, and amounts read the same whatever their separators.

use banktext::{parse, Bank, Context, Notification, Parsed, TimePrecision};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};
use proptest::prelude::*;

/// Formats `value`'s magnitude with `separator` between groups of three.
fn grouped(value: i64, separator: &str) -> String {
    let digits = value.unsigned_abs().to_string();
    let head = (digits.len() - 1) % 3 + 1;
    let mut out = digits[..head].to_owned();
    for group in digits.as_bytes()[head..].chunks(3) {
        out.push_str(separator);
        out.push_str(std::str::from_utf8(group).expect("ASCII digits"));
    }
    out
}

/// `value` with a leading `-` when negative, grouped.
fn balance(value: i64, separator: &str) -> String {
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}", grouped(value, separator))
}

fn sign(value: i64) -> &'static str {
    if value < 0 {
        "-"
    } else {
        "+"
    }
}

/// Memo words that are no field label of any layout.
const WORDS: &[&str] = &[
    "chuyen", "tien", "thanh", "toan", "don", "hang", "mua", "ban", "cong", "ty", "NGUYEN", "VAN",
    "THI", "TRAN", "Le", "Pham", "hoa", "qua", "phi", "ship", "coc", "tra", "gop", "thang",
    "online", "QR", "CK", "Shop", "Cafe", "banh", "keo",
];

/// Random values for one notification.
#[derive(Debug, Clone)]
struct Values {
    amount: i64,
    balance: i64,
    /// Vietnam local time of the transaction.
    local: NaiveDateTime,
    memo: String,
    account: String,
    reference: String,
    name: String,
    /// How long after the transaction the text was received.
    delay: Duration,
}

fn values() -> impl Strategy<Value = Values> {
    let amount =
        (1i64..=10_000_000_000, any::<bool>())
            .prop_map(|(magnitude, debit)| if debit { -magnitude } else { magnitude });
    let day = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");
    let local = (0i64..36_524, 0i64..86_400).prop_map(move |(days, secs)| {
        day.and_hms_opt(0, 0, 0).expect("midnight")
            + TimeDelta::days(days)
            + TimeDelta::seconds(secs)
    });
    let memo = (
        proptest::collection::vec(proptest::sample::select(WORDS), 0..6),
        1000u32..10_000,
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut words, code, at)| {
            let code = format!("DH{code}");
            let at = at.index(words.len() + 1);
            words.insert(at, &code);
            words.join(" ")
        });
    (
        amount,
        -1_000_000_000_000i64..=1_000_000_000_000,
        local,
        memo,
        "[0-9]{6,16}",
        "[0-9]{3}[A-Z]{3}[0-9]{7}",
        "[A-Z]{2,6}( [A-Z]{1,6}){1,3}",
        0i64..(30 * 86_400),
    )
        .prop_map(
            |(amount, balance, local, memo, account, reference, name, delay)| Values {
                amount,
                balance,
                local,
                memo,
                account,
                reference,
                name,
                delay: Duration::seconds(delay),
            },
        )
}

/// The UTC instant of a Vietnam local time.
fn utc(local: NaiveDateTime) -> DateTime<Utc> {
    (local - TimeDelta::hours(7)).and_utc()
}

/// A text in `bank`'s layout and what it must read as.
fn render(bank: Bank, v: &Values) -> (String, Notification, DateTime<Utc>) {
    let a = v.amount;
    let b = v.balance;
    let m = &v.memo;
    let acct = &v.account;
    let t = v.local;
    let to_minute = t.with_second(0).expect("valid time");
    let mut expected = Notification {
        bank,
        amount: a,
        balance: Some(b),
        booked_at: utc(to_minute),
        time_precision: TimePrecision::Minutes,
        account_hint: Some(acct.clone()),
        description: m.clone(),
        reference: String::new(),
        counterparty: None,
    };
    let text = match bank {
        Bank::Vietcombank => {
            expected.booked_at = utc(t);
            expected.time_precision = TimePrecision::Seconds;
            expected.reference = format!("MBVCB.{}", v.account);
            format!(
                "SD TK {acct} {}{}VND luc {}. SD {}VND. Ref MBVCB.{}.{m}",
                sign(a),
                grouped(a, ","),
                t.format("%d-%m-%Y %H:%M:%S"),
                balance(b, ","),
                v.account
            )
        }
        Bank::Techcombank => {
            expected.time_precision = TimePrecision::Received;
            format!(
                "TK {acct} So tien GD:{}{} So du:{} {m}",
                sign(a),
                grouped(a, ","),
                balance(b, ",")
            )
        }
        Bank::MbBank => format!(
            "TK {acct}|GD: {}{}VND {}|SD:{}VND|ND: {m}",
            sign(a),
            grouped(a, ","),
            t.format("%d/%m/%y %H:%M"),
            balance(b, ",")
        ),
        Bank::Acb => format!(
            "ACB: TK {acct}(VND) {} {} luc {}. So du {}.GD: {m}",
            sign(a),
            grouped(a, ","),
            t.format("%H:%M %d/%m/%Y"),
            balance(b, ",")
        ),
        Bank::VietinBank => format!(
            "VietinBank:{}|TK:{acct}|GD:{}{}VND|SDC:{}VND|ND:{m}",
            t.format("%d/%m/%Y %H:%M"),
            sign(a),
            grouped(a, ","),
            balance(b, ",")
        ),
        Bank::Bidv => format!(
            "TK{acct} tai BIDV {}{}VND vao {}. So du:{}VND. ND: {m}",
            sign(a),
            grouped(a, ","),
            t.format("%H:%M %d/%m/%Y"),
            balance(b, ",")
        ),
        Bank::TpBank => {
            let masked = format!("xxxx{}", &acct[acct.len() - 4..]);
            expected.account_hint = Some(masked.clone());
            expected.reference = v.reference.clone();
            format!(
                "(TPBank): {}\nTK: {masked}\nPS:{}{}VND\nSD KHA DUNG: {}VND\nND: {m}\nSO GD: {}",
                t.format("%d/%m/%y;%H:%M"),
                sign(a),
                grouped(a, "."),
                balance(b, "."),
                v.reference
            )
        }
        Bank::VpBank => format!(
            "TK {acct} tai VPB {} {}VND luc {} do {m}. So du TK sau GD la {}VND",
            if a < 0 { "giam" } else { "tang" },
            grouped(a, ","),
            t.format("%H:%M %d/%m/%Y"),
            balance(b, ",")
        ),
        Bank::Agribank => format!(
            "Agribank: {} TK {acct}: {}{}VND ({m}). SD: {}VND.",
            t.format("%Hh%Mp %d/%m"),
            sign(a),
            grouped(a, ","),
            balance(b, ",")
        ),
        Bank::Ocb => format!(
            "OCB {} TK {acct} ({}) {} VND N/dung: {m} So du: {} VND",
            t.format("%d/%m %H:%M"),
            sign(a),
            grouped(a, ","),
            balance(b, ",")
        ),
        Bank::Vib => format!(
            "{} TK:{acct}VND PS:{}{} ND:{m} SODU:{}{}",
            t.format("%H:%M;%d/%m/%Y"),
            sign(a),
            grouped(a, ","),
            sign(b),
            grouped(b, ",")
        ),
        Bank::Scb => format!(
            "TK {acct} NGAY {} SD DAU {} {} {} SD CUOI {} VND ({m})",
            t.format("%d/%m/%y %H:%M"),
            balance(b - a, ","),
            if a < 0 { "GIAM" } else { "TANG" },
            grouped(a, ","),
            balance(b, ",")
        ),
        Bank::SeABank => {
            expected.booked_at = utc(t.date().and_hms_opt(0, 0, 0).expect("midnight"));
            expected.time_precision = TimePrecision::Day;
            expected.counterparty = Some(v.name.clone());
            format!(
                "SeABank: Ngay {} TK: {acct} Phat sinh: {}{} VND. So du: {} VND. Nguoi chuyen: {}. Noi dung: {m}",
                t.format("%d/%m/%Y"),
                sign(a),
                grouped(a, ","),
                balance(b, ","),
                v.name
            )
        }
        Bank::Msb => format!(
            "{} TK {acct} VND ({}) {} ND: {m} SD: {}",
            t.format("%d/%m %H:%M"),
            sign(a),
            grouped(a, "."),
            balance(b, ".")
        ),
    };
    // Received a while after the transaction, so a missing year is the
    // transaction's own.
    let received = utc(t) + v.delay;
    if expected.time_precision == TimePrecision::Received {
        expected.booked_at = received;
    }
    (text, expected, received)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_never_panics_on_arbitrary_strings(text in any::<String>(), bank in proptest::option::of(proptest::sample::select(Bank::ALL.to_vec()))) {
        let ctx = Context { bank, received_at: DateTime::<Utc>::UNIX_EPOCH };
        let _ = parse(&text, &ctx);
    }

    #[test]
    fn parse_never_panics_on_text_like_input(
        text in "[0-9a-zA-Z :;|.,+\\-()/\\n*xđĐốỐữ\u{300}\u{301}]{0,120}",
        bank in proptest::option::of(proptest::sample::select(Bank::ALL.to_vec())),
        secs in -9_000_000_000_000i64..9_000_000_000_000,
    ) {
        let received_at = DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let ctx = Context { bank, received_at };
        if let Parsed::Transaction(n) = parse(&text, &ctx) {
            prop_assert!(n.amount != 0);
        }
    }

    #[test]
    fn parse_never_panics_near_real_layouts(v in values(), bank in proptest::sample::select(Bank::ALL.to_vec()), cut in any::<prop::sample::Index>(), junk in "\\PC{0,8}") {
        // Cut-short and corrupted texts must not panic either.
        let (text, _, received) = render(bank, &v);
        let chars: Vec<char> = text.chars().collect();
        let at = cut.index(chars.len() + 1);
        let mangled: String = chars[..at].iter().collect::<String>() + &junk + &chars[at..].iter().collect::<String>();
        for given in [Some(bank), None] {
            let _ = parse(&mangled, &Context { bank: given, received_at: received });
        }
    }

    #[test]
    fn every_family_round_trips(v in values(), bank in proptest::sample::select(Bank::ALL.to_vec())) {
        let (text, expected, received) = render(bank, &v);
        for given in [Some(bank), None] {
            let got = parse(&text, &Context { bank: given, received_at: received });
            prop_assert_eq!(&got, &Parsed::Transaction(expected.clone()), "{:?} with {:?}", text, given);
        }
    }

    #[test]
    fn amount_separators_round_trip(
        magnitude in prop_oneof![1i64..=10_000_000_000, 1i64..=10_000],
        debit: bool,
        bal in prop_oneof![0i64..=10_000_000_000, 0i64..=10_000],
        shift in 0usize..9,
    ) {
        let amount = if debit { -magnitude } else { magnitude };
        let amounts = styles(magnitude);
        let balances = styles(bal);
        for (i, rendering) in amounts.iter().enumerate() {
            let balance = &balances[(i + shift) % balances.len()];
            let text = format!(
                "TK 0801xxxx5678|GD: {}{rendering}VND 21/04/25 14:05|SD:{balance}VND|ND: DH4410",
                sign(amount)
            );
            let ctx = Context { bank: Some(Bank::MbBank), received_at: DateTime::<Utc>::UNIX_EPOCH };
            match parse(&text, &ctx) {
                Parsed::Transaction(n) => {
                    prop_assert_eq!(n.amount, amount, "{}", text);
                    prop_assert_eq!(n.balance, Some(bal), "{}", text);
                }
                other => prop_assert!(false, "{:?} gave {:?}", text, other),
            }
        }
    }
}

/// `value` (not negative) written in every accepted style. A decimal part
/// is only accepted after a number of four or more digits (`420,00` could be
/// a cut-short `420,000`).
fn styles(value: i64) -> Vec<String> {
    let mut out = vec![
        value.to_string(),
        grouped(value, ","),
        grouped(value, "."),
        grouped(value, " "),
    ];
    if value >= 1000 {
        out.push(format!("{}.00", grouped(value, ",")));
        out.push(format!("{},00", grouped(value, ".")));
        out.push(format!("{},00", grouped(value, " ")));
        out.push(format!("{value}.00"));
        out.push(format!("{value},00"));
    }
    out
}
