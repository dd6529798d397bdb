//! Corpus coverage: how much of the test corpus reads as what it should.
//! Run with `cargo test -p banktext --test corpus -- --nocapture` to see
//! the report.

mod common;

use banktext::{parse, Parsed};
use common::{cases, ctx};

#[test]
fn corpus_coverage() {
    let mut total = 0;
    let mut read = 0;
    for (bank, cases) in cases::all() {
        let mut ok = 0;
        for case in &cases {
            for given in [Some(bank), None] {
                total += 1;
                if let Parsed::Transaction(n) = parse(case.text, &ctx(given, case.received)) {
                    if n.bank == bank && n.amount == case.amount {
                        ok += 1;
                        read += 1;
                    }
                }
            }
        }
        println!(
            "{:<12} {:>2}/{:>2} readings",
            bank.name(),
            ok,
            cases.len() * 2
        );
    }
    let mut screened = 0;
    for text in cases::IGNORED {
        total += 1;
        let got = parse(text, &ctx(None, "2025-04-25T03:00:00Z"));
        println!("ignored   {:?} <- {:.60?}", reason(&got), text);
        screened += usize::from(matches!(got, Parsed::Ignored(_)));
    }
    for text in cases::UNPARSED {
        total += 1;
        let got = parse(text, &ctx(None, "2025-04-25T03:00:00Z"));
        println!("unparsed  {:?} <- {:.60?}", reason(&got), text);
        screened += usize::from(matches!(got, Parsed::Unparsed(_)));
    }
    let good = read + screened;
    println!(
        "corpus: {good}/{total} texts as expected ({:.1}%)",
        100.0 * good as f64 / total as f64
    );
    assert_eq!(good, total);
}

fn reason(parsed: &Parsed) -> &str {
    match parsed {
        Parsed::Transaction(_) => "<transaction>",
        Parsed::Ignored(why) | Parsed::Unparsed(why) => why,
    }
}
