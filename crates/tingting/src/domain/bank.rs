//! The bank directory: NAPAS BINs, short codes and Casso code names, loaded from a data file.

use serde::Deserialize;

/// One bank of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bank {
    /// NAPAS BIN, e.g. 970416.
    pub bin: u32,
    /// Short code, e.g. `ACB`, `VCB`.
    pub code: String,
    /// Short display name, e.g. `Vietcombank`.
    pub short_name: String,
    /// Casso's `codeName`, where Casso documents one.
    pub casso_code_name: Option<String>,
    /// Full legal name in Vietnamese.
    pub name: String,
}

impl Bank {
    /// The code name the Casso API shows: Casso's own where known, else the lower-cased code.
    pub fn code_name(&self) -> String {
        self.casso_code_name
            .clone()
            .unwrap_or_else(|| self.code.to_lowercase())
    }
}

/// The directory of known banks.
#[derive(Debug, Clone)]
pub struct BankDirectory {
    banks: Vec<Bank>,
}

/// The directory shipped with tingting (`data/banks.json`).
const BUILTIN: &str = include_str!("../../data/banks.json");

impl BankDirectory {
    /// Parses a directory from its JSON form (an array of banks).
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        Ok(Self {
            banks: serde_json::from_str(json)?,
        })
    }

    /// The directory shipped inside the binary.
    pub fn builtin() -> &'static BankDirectory {
        static DIR: std::sync::OnceLock<BankDirectory> = std::sync::OnceLock::new();
        DIR.get_or_init(|| Self::from_json(BUILTIN).expect("data/banks.json is valid"))
    }

    /// Finds a bank by BIN (`970416`), code (`ACB`), Casso code name (`acb_digi`) or short
    /// name (`Vietcombank`), case-insensitively.
    pub fn resolve(&self, query: &str) -> Option<&Bank> {
        let q = query.trim();
        if let Ok(bin) = q.parse::<u32>() {
            return self.by_bin(bin);
        }
        self.banks.iter().find(|b| {
            b.code.eq_ignore_ascii_case(q)
                || b.short_name.eq_ignore_ascii_case(q)
                || b.casso_code_name
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(q))
        })
    }

    /// Every bank, in the directory's order.
    pub fn all(&self) -> &[Bank] {
        &self.banks
    }

    /// Finds a bank by BIN.
    pub fn by_bin(&self, bin: u32) -> Option<&Bank> {
        self.banks.iter().find(|b| b.bin == bin)
    }
}

#[cfg(test)]
mod tests {
    use super::BankDirectory;

    #[test]
    fn resolves_every_spelling() {
        let dir = BankDirectory::builtin();
        for q in ["970416", "ACB", "acb", "acb_digi"] {
            assert_eq!(dir.resolve(q).map(|b| b.bin), Some(970416), "{q}");
        }
        assert_eq!(dir.resolve("vietcombank").map(|b| b.bin), Some(970436));
        assert_eq!(dir.resolve("HDB").unwrap().code_name(), "hdb");
        assert!(dir.resolve("NOPE").is_none());
        assert!(dir.resolve("123").is_none());
    }
}
