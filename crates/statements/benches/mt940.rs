//! Throughput of the MT940 reader: generates a 200,000-entry file in memory
//! (100 messages of 2,000 entries, each with a two-line `:86:`), parses it and
//! prints entries per second. Run with `cargo bench --bench mt940`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use statements::Mt940Reader;

const MESSAGES: usize = 100;
const ENTRIES_PER_MESSAGE: usize = 2_000;

fn generate() -> String {
    let mut file = String::new();
    for m in 0..MESSAGES {
        let mut balance: i64 = 1_000_000_000;
        let _ = write!(
            file,
            "{{1:F01BFTVVNVXAXXX0000000000}}{{2:O940BFTVVNVXAXXXN}}{{4:\r\n\
             :20:VCB{m:08}\r\n:25:970436/0123456789012\r\n:28C:{:05}/001\r\n\
             :60F:C250421VND{balance},00\r\n",
            m + 1
        );
        for e in 0..ENTRIES_PER_MESSAGE {
            let amount = ((e * 7_919 + m * 104_729) % 5_000_000 + 1_000) as i64;
            let (mark, signed) = if e % 3 == 0 {
                ("D", -amount)
            } else {
                ("C", amount)
            };
            balance += signed;
            let _ = write!(
                file,
                ":61:2504220422{mark}{amount},00NTRFNONREF//FT25112{m:04}{e:05}\r\n\
                 :86:DH{e:06} NGUYEN VAN A chuyen tien thanh toan don hang\r\n\
                 so {m}-{e} qua ung dung ngan hang\r\n"
            );
        }
        let mark = if balance < 0 { 'D' } else { 'C' };
        let _ = write!(
            file,
            ":62F:{mark}250422VND{},00\r\n-}}\r\n",
            balance.unsigned_abs()
        );
    }
    file
}

fn main() {
    let file = generate();
    let expected = MESSAGES * ENTRIES_PER_MESSAGE;
    // One warm-up pass, then the best of three timed passes.
    let mut best = f64::INFINITY;
    for pass in 0..4 {
        let start = Instant::now();
        let mut entries = 0usize;
        let mut errors = 0usize;
        for row in Mt940Reader::new(black_box(file.as_bytes())) {
            match row {
                Ok(entry) => {
                    black_box(&entry);
                    entries += 1;
                }
                Err(_) => errors += 1,
            }
        }
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(
            (entries, errors),
            (expected, 0),
            "the generated file must parse cleanly"
        );
        if pass > 0 {
            best = best.min(elapsed);
        }
    }
    println!(
        "mt940: {expected} entries ({:.1} MiB) in {:.3} s: {:.0} entries/s",
        file.len() as f64 / (1024.0 * 1024.0),
        best,
        expected as f64 / best
    );
}
