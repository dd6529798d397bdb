//! Throughput of the camt reader: generates a camt.053 statement with
//! 200,000 entries in memory (pretty-printed as banks usually send it, and
//! the same without indentation), parses it and prints entries per second,
//! next to a bare quick-xml pass over the same bytes for scale.
//! Run with `cargo bench --bench camt`.
//!
//! Besides wall-clock time, the time the thread actually spent on a CPU is
//! shown where Linux reports it (`/proc/thread-self/schedstat`), since on a
//! shared machine the wall clock also counts time spent waiting for a core.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use statements::CamtReader;

const ENTRIES: usize = 200_000;
const RUNS: usize = 3;

/// A statement with `entries` realistic entries: amount, status, booking
/// and value dates, references, bank transaction code, related party with
/// account and agent, remittance information.
fn generate(entries: usize, indent: bool) -> String {
    let mut xml = String::with_capacity(entries * 1_100);
    xml.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n\
         <BkToCstmrStmt>\n<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2025-04-22T23:59:00+07:00</CreDtTm></GrpHdr>\n\
         <Stmt>\n<Acct><Id><Othr><Id>0071001234567</Id></Othr></Id><Ccy>VND</Ccy></Acct>\n\
         <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"VND\">1000000000.00</Amt>\
         <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-04-22</Dt></Dt></Bal>\n",
    );
    let (nl, i1, i2, i3) = if indent {
        ("\n", "    ", "      ", "        ")
    } else {
        ("", "", "", "")
    };
    for i in 0..entries {
        let (indicator, role, account_role) = if i % 3 == 0 {
            ("DBIT", "Cdtr", "CdtrAcct")
        } else {
            ("CRDT", "Dbtr", "DbtrAcct")
        };
        let _ = writeln!(
            xml,
            "{i1}<Ntry>{nl}\
             {i2}<Amt Ccy=\"VND\">{amount}.00</Amt>{nl}\
             {i2}<CdtDbtInd>{indicator}</CdtDbtInd>{nl}\
             {i2}<Sts><Cd>BOOK</Cd></Sts>{nl}\
             {i2}<BookgDt><DtTm>2025-04-22T{h:02}:{m:02}:{s:02}+07:00</DtTm></BookgDt>{nl}\
             {i2}<ValDt><Dt>2025-04-22</Dt></ValDt>{nl}\
             {i2}<AcctSvcrRef>FT25112{i:08}</AcctSvcrRef>{nl}\
             {i2}<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>{nl}\
             {i2}<NtryDtls><TxDtls>{nl}\
             {i3}<Refs><EndToEndId>E2E{i}</EndToEndId></Refs>{nl}\
             {i3}<RltdPties><{role}><Pty><Nm>NGUYEN VAN A {i}</Nm></Pty></{role}>\
             <{account_role}><Id><Othr><Id>0451000{i:06}</Id></Othr></Id></{account_role}></RltdPties>{nl}\
             {i3}<RltdAgts><DbtrAgt><FinInstnId><BICFI>BFTVVNVX</BICFI></FinInstnId></DbtrAgt></RltdAgts>{nl}\
             {i3}<RmtInf><Ustrd>DH{i} chuyen tien thanh toan don hang</Ustrd></RmtInf>{nl}\
             {i2}</TxDtls></NtryDtls>{nl}\
             {i1}</Ntry>",
            amount = 10_000 + (i % 1000) * 1_000,
            h = i / 3600 % 24,
            m = i / 60 % 60,
            s = i % 60,
        );
    }
    xml.push_str("</Stmt>\n</BkToCstmrStmt>\n</Document>\n");
    xml
}

/// Wall-clock and on-CPU time of one run (on-CPU when the OS reports it).
#[derive(Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Option<Duration>,
}

/// Time this thread has spent running on a CPU so far, if Linux tells.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Times `f`.
fn timed(f: impl FnOnce()) -> Timing {
    let cpu = cpu_time();
    let start = Instant::now();
    f();
    let wall = start.elapsed();
    Timing {
        wall,
        cpu: cpu
            .zip(cpu_time())
            .map(|(before, after)| after.saturating_sub(before)),
    }
}

/// Parses `xml` with [`CamtReader`], checking every entry.
fn parse(xml: &str) -> Timing {
    timed(|| parse_all(xml))
}

fn parse_all(xml: &str) {
    let mut count = 0usize;
    let mut balance = 0i64;
    for row in CamtReader::new(black_box(xml.as_bytes())) {
        let entry = row.expect("generated entries are valid");
        balance = entry.balance.expect("the statement has an opening balance");
        count += 1;
    }
    assert_eq!(count, ENTRIES);
    black_box(balance);
}

/// Reads every XML event of `xml` with quick-xml and nothing else.
fn bare_quick_xml(xml: &str) -> Timing {
    timed(|| read_events(xml))
}

fn read_events(xml: &str) {
    let mut reader = quick_xml::Reader::from_reader(black_box(xml.as_bytes()));
    let mut buf = Vec::new();
    let mut events = 0usize;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => events += 1,
            Err(e) => panic!("generated XML is well-formed: {e}"),
        }
    }
    black_box(events);
}

fn main() {
    for (label, indent) in [("pretty-printed", true), ("without indentation", false)] {
        let xml = generate(ENTRIES, indent);
        println!(
            "camt.053, {ENTRIES} entries, {label}: {:.1} MiB ({} bytes per entry)",
            xml.len() as f64 / (1024.0 * 1024.0),
            xml.len() / ENTRIES
        );
        // Best of RUNS, alternating the two so both see the same conditions.
        let (mut camt, mut bare) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            camt.push(parse(&xml));
            bare.push(bare_quick_xml(&xml));
        }
        let mib = xml.len() as f64 / (1024.0 * 1024.0);
        for (name, runs) in [("CamtReader", &camt), ("quick-xml only", &bare)] {
            let wall = runs.iter().map(|t| t.wall).min().unwrap();
            let cpu = runs.iter().filter_map(|t| t.cpu).min();
            let rate = |d: Duration| ENTRIES as f64 / d.as_secs_f64();
            print!(
                "  {name:<15} wall {:.3} s = {:>7.0} entries/s, {:>4.0} MiB/s",
                wall.as_secs_f64(),
                rate(wall),
                mib / wall.as_secs_f64()
            );
            match cpu {
                Some(cpu) => println!(
                    "; on-CPU {:.3} s = {:>7.0} entries/s",
                    cpu.as_secs_f64(),
                    rate(cpu)
                ),
                None => println!(),
            }
        }
        println!("  (best of {RUNS}; quick-xml only = reading the events, nothing done with them)");
    }
}
