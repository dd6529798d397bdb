//! The banks whose notification texts this crate reads, and how to recognize
//! them by code, BIN or sender name.

use std::fmt;

/// A bank family: one bank and the notification text layouts it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bank {
    /// Vietcombank (Joint Stock Commercial Bank for Foreign Trade of Vietnam), code `VCB`.
    Vietcombank,
    /// Techcombank, code `TCB`.
    Techcombank,
    /// MB Bank (Military Commercial Joint Stock Bank), code `MB`.
    MbBank,
    /// ACB (Asia Commercial Bank), code `ACB`.
    Acb,
    /// VietinBank, code `ICB`.
    VietinBank,
    /// BIDV, code `BIDV`.
    Bidv,
    /// TPBank, code `TPB`.
    TpBank,
    /// VPBank, code `VPB`.
    VpBank,
    /// Agribank, code `VBA`.
    Agribank,
    /// OCB (Orient Commercial Bank), code `OCB`.
    Ocb,
    /// VIB (Vietnam International Bank), code `VIB`.
    Vib,
    /// SCB (Saigon Commercial Bank), code `SCB`.
    Scb,
    /// SeABank, code `SEAB`.
    SeABank,
    /// MSB (Maritime Bank), code `MSB`.
    Msb,
}

/// Short codes and names (lower case, letters and digits only) that mean a
/// bank when they are a whole word of a sender name or a whole label of an
/// e-mail domain.
const WORDS: [(&str, Bank); 33] = [
    ("vcb", Bank::Vietcombank),
    ("vietcombank", Bank::Vietcombank),
    ("tcb", Bank::Techcombank),
    ("techcombank", Bank::Techcombank),
    ("mb", Bank::MbBank),
    ("mbbank", Bank::MbBank),
    ("mbbankvn", Bank::MbBank),
    ("acb", Bank::Acb),
    ("icb", Bank::VietinBank),
    ("ctg", Bank::VietinBank),
    ("vietinbank", Bank::VietinBank),
    ("bidv", Bank::Bidv),
    ("tpb", Bank::TpBank),
    ("tpbank", Bank::TpBank),
    ("vpb", Bank::VpBank),
    ("vpbank", Bank::VpBank),
    ("vba", Bank::Agribank),
    ("agribank", Bank::Agribank),
    ("ocb", Bank::Ocb),
    ("vib", Bank::Vib),
    ("myvib", Bank::Vib),
    ("scb", Bank::Scb),
    ("seab", Bank::SeABank),
    ("seabank", Bank::SeABank),
    ("msb", Bank::Msb),
    ("maritimebank", Bank::Msb),
    ("vcbdigibank", Bank::Vietcombank),
    ("vcbnotify", Bank::Vietcombank),
    ("techcombankvn", Bank::Techcombank),
    ("bidvsmartbanking", Bank::Bidv),
    ("vietinbankipay", Bank::VietinBank),
    ("tpbankebank", Bank::TpBank),
    ("vpbankneo", Bank::VpBank),
];

/// Full bank names that mean the bank wherever they appear inside a sender
/// word (`VCBDigibank` has none, `VietcombankAlert` has `vietcombank`).
const NAMES: [(&str, Bank); 9] = [
    ("vietcombank", Bank::Vietcombank),
    ("techcombank", Bank::Techcombank),
    ("mbbank", Bank::MbBank),
    ("vietinbank", Bank::VietinBank),
    ("tpbank", Bank::TpBank),
    ("vpbank", Bank::VpBank),
    ("agribank", Bank::Agribank),
    ("seabank", Bank::SeABank),
    ("maritimebank", Bank::Msb),
];

/// Words that senders append to a bank code (`VCB Digibank`, `VIB-Alert`);
/// a sender word made of a bank code followed by one of these means the bank.
const SUFFIXES: [&str; 12] = [
    "bank",
    "digibank",
    "ebank",
    "alert",
    "alerts",
    "sms",
    "notify",
    "notification",
    "info",
    "online",
    "app",
    "vn",
];

impl Bank {
    /// Every bank family, in a fixed order (the order auto-detection tries them).
    pub const ALL: [Bank; 14] = [
        Bank::Vietcombank,
        Bank::Techcombank,
        Bank::MbBank,
        Bank::Acb,
        Bank::VietinBank,
        Bank::Bidv,
        Bank::TpBank,
        Bank::VpBank,
        Bank::Agribank,
        Bank::Ocb,
        Bank::Vib,
        Bank::Scb,
        Bank::SeABank,
        Bank::Msb,
    ];

    /// The bank's code in the VietQR/NAPAS directory: `VCB`, `TCB`, `MB`,
    /// `ACB`, `ICB` (VietinBank), `BIDV`, `TPB`, `VPB`, `VBA` (Agribank),
    /// `OCB`, `VIB`, `SCB`, `SEAB`, `MSB`.
    pub fn code(self) -> &'static str {
        match self {
            Bank::Vietcombank => "VCB",
            Bank::Techcombank => "TCB",
            Bank::MbBank => "MB",
            Bank::Acb => "ACB",
            Bank::VietinBank => "ICB",
            Bank::Bidv => "BIDV",
            Bank::TpBank => "TPB",
            Bank::VpBank => "VPB",
            Bank::Agribank => "VBA",
            Bank::Ocb => "OCB",
            Bank::Vib => "VIB",
            Bank::Scb => "SCB",
            Bank::SeABank => "SEAB",
            Bank::Msb => "MSB",
        }
    }

    /// The bank's NAPAS BIN (the six-digit bank identifier used in VietQR).
    pub fn bin(self) -> u32 {
        match self {
            Bank::Vietcombank => 970436,
            Bank::VietinBank => 970415,
            Bank::Bidv => 970418,
            Bank::Agribank => 970405,
            Bank::Techcombank => 970407,
            Bank::MbBank => 970422,
            Bank::Acb => 970416,
            Bank::VpBank => 970432,
            Bank::TpBank => 970423,
            Bank::Ocb => 970448,
            Bank::Vib => 970441,
            Bank::Msb => 970426,
            Bank::Scb => 970429,
            Bank::SeABank => 970440,
        }
    }

    /// The bank's usual short name, as customers write it (`Vietcombank`,
    /// `MB Bank`, `TPBank`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Bank::Vietcombank => "Vietcombank",
            Bank::Techcombank => "Techcombank",
            Bank::MbBank => "MB Bank",
            Bank::Acb => "ACB",
            Bank::VietinBank => "VietinBank",
            Bank::Bidv => "BIDV",
            Bank::TpBank => "TPBank",
            Bank::VpBank => "VPBank",
            Bank::Agribank => "Agribank",
            Bank::Ocb => "OCB",
            Bank::Vib => "VIB",
            Bank::Scb => "SCB",
            Bank::SeABank => "SeABank",
            Bank::Msb => "MSB",
        }
    }

    /// The bank with this VietQR/NAPAS code (see [`Bank::code`]), compared
    /// case-insensitively after trimming surrounding whitespace.
    ///
    /// ```
    /// use banktext::Bank;
    /// assert_eq!(Bank::from_code("icb"), Some(Bank::VietinBank));
    /// assert_eq!(Bank::from_code("XYZ"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Bank> {
        let code = code.trim();
        Bank::ALL
            .into_iter()
            .find(|bank| bank.code().eq_ignore_ascii_case(code))
    }

    /// The bank an SMS sender name or an e-mail sender means.
    ///
    /// Sender names are split into words of letters and digits; a word that
    /// is a bank code or name (`VCB`, `Vietcombank`, `MBBANK`, `TPBank`,
    /// `VietinBank`, `CTG`, `SeABank`, `Maritimebank`, ...), a bank code
    /// followed by a usual suffix (`VCBDigibank`, `VIBAlert`), or a word that
    /// contains a full bank name (`VietcombankAlert`) means that bank.
    /// For an e-mail address (`VCBDigibank@info.vietcombank.com.vn`, also
    /// `"Vietcombank" <...>`) the domain's labels are tried first, then the
    /// rest. When the sender names no bank, or two different banks, the
    /// answer is `None`.
    ///
    /// ```
    /// use banktext::Bank;
    /// assert_eq!(Bank::from_sender("MBBANK"), Some(Bank::MbBank));
    /// assert_eq!(
    ///     Bank::from_sender("VCBDigibank@info.vietcombank.com.vn"),
    ///     Some(Bank::Vietcombank)
    /// );
    /// assert_eq!(Bank::from_sender("+84901234567"), None);
    /// ```
    pub fn from_sender(sender: &str) -> Option<Bank> {
        let lower = sender.to_lowercase();
        // An e-mail address: trust its domain first.
        let address = match (lower.rfind('<'), lower.rfind('>')) {
            (Some(open), Some(close)) if open < close => lower.get(open + 1..close),
            _ => None,
        }
        .unwrap_or(&lower);
        if let Some((_, domain)) = address.rsplit_once('@') {
            if let Some(bank) = unique(domain.split('.').filter_map(word_bank)) {
                return Some(bank);
            }
        }
        unique(
            lower
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter_map(word_bank),
        )
    }
}

/// The bank a single lower-case word means, if any.
fn word_bank(word: &str) -> Option<Bank> {
    if word.is_empty() {
        return None;
    }
    if let Some(&(_, bank)) = WORDS.iter().find(|(w, _)| *w == word) {
        return Some(bank);
    }
    for &(code, bank) in &WORDS {
        if let Some(rest) = word.strip_prefix(code) {
            if SUFFIXES.contains(&rest) {
                return Some(bank);
            }
        }
    }
    NAMES
        .iter()
        .find(|(name, _)| word.contains(name))
        .map(|&(_, bank)| bank)
}

/// The one bank all of `banks` agree on, or `None` when there is none or
/// they disagree.
fn unique(banks: impl Iterator<Item = Bank>) -> Option<Bank> {
    let mut found = None;
    for bank in banks {
        match found {
            None => found = Some(bank),
            Some(seen) if seen == bank => {}
            Some(_) => return None,
        }
    }
    found
}

impl fmt::Display for Bank {
    /// Writes the bank's short name (see [`Bank::name`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Bank;

    #[test]
    fn codes_round_trip_and_bins_are_distinct() {
        for bank in Bank::ALL {
            assert_eq!(Bank::from_code(bank.code()), Some(bank));
            assert_eq!(Bank::from_code(&bank.code().to_lowercase()), Some(bank));
            assert_eq!(Bank::from_sender(bank.code()), Some(bank), "{bank}");
            assert_eq!(Bank::from_sender(bank.name()), Some(bank), "{bank}");
        }
        let mut bins: Vec<u32> = Bank::ALL.iter().map(|b| b.bin()).collect();
        bins.sort_unstable();
        bins.dedup();
        assert_eq!(bins.len(), 14);
    }

    #[test]
    fn senders_map_to_banks() {
        let cases = [
            ("Vietcombank", Bank::Vietcombank),
            ("VCB", Bank::Vietcombank),
            ("TPBank", Bank::TpBank),
            ("MBBANK", Bank::MbBank),
            ("Techcombank", Bank::Techcombank),
            ("VietinBank", Bank::VietinBank),
            ("BIDV", Bank::Bidv),
            ("Agribank", Bank::Agribank),
            ("ACB", Bank::Acb),
            ("VPBank", Bank::VpBank),
            ("OCB", Bank::Ocb),
            ("VIB", Bank::Vib),
            ("SCB", Bank::Scb),
            ("SeABank", Bank::SeABank),
            ("MSB", Bank::Msb),
            ("VCBDigibank@info.vietcombank.com.vn", Bank::Vietcombank),
            (
                "\"Vietcombank\" <VCBDigibank@info.vietcombank.com.vn>",
                Bank::Vietcombank,
            ),
            ("alerts@techcombank.com.vn", Bank::Techcombank),
            ("no-reply@acb.com.vn", Bank::Acb),
            ("ebank@tpb.vn", Bank::TpBank),
            ("VCB Digibank", Bank::Vietcombank),
            ("VIB-Alert", Bank::Vib),
        ];
        for (sender, bank) in cases {
            assert_eq!(Bank::from_sender(sender), Some(bank), "{sender}");
        }
        for sender in ["", "+84901234567", "8149", "Shopee", "VCB ACB", "bank"] {
            assert_eq!(Bank::from_sender(sender), None, "{sender}");
        }
    }
}
