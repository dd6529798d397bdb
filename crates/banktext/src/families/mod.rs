//! The bank families, one module each, and their compiled layouts.

use std::sync::LazyLock;

use crate::layout::{Compiled, Family};
use crate::Bank;

mod acb;
mod agribank;
mod bidv;
mod mb_bank;
mod msb;
mod ocb;
mod scb;
mod seabank;
mod techcombank;
mod tpbank;
mod vib;
mod vietcombank;
mod vietinbank;
mod vpbank;

/// The family of a bank.
fn family(bank: Bank) -> &'static Family {
    match bank {
        Bank::Vietcombank => &vietcombank::FAMILY,
        Bank::Techcombank => &techcombank::FAMILY,
        Bank::MbBank => &mb_bank::FAMILY,
        Bank::Acb => &acb::FAMILY,
        Bank::VietinBank => &vietinbank::FAMILY,
        Bank::Bidv => &bidv::FAMILY,
        Bank::TpBank => &tpbank::FAMILY,
        Bank::VpBank => &vpbank::FAMILY,
        Bank::Agribank => &agribank::FAMILY,
        Bank::Ocb => &ocb::FAMILY,
        Bank::Vib => &vib::FAMILY,
        Bank::Scb => &scb::FAMILY,
        Bank::SeABank => &seabank::FAMILY,
        Bank::Msb => &msb::FAMILY,
    }
}

/// Every family, compiled once, in [`Bank::ALL`] order.
static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    Bank::ALL
        .iter()
        .map(|&bank| family(bank).compile())
        .collect()
});

/// Every family, compiled, in [`Bank::ALL`] order.
pub(crate) fn all() -> &'static [Compiled] {
    &COMPILED
}

#[cfg(test)]
mod tests {
    use super::{all, family};
    use crate::Bank;

    #[test]
    fn every_family_compiles_and_is_its_own_bank() {
        for bank in Bank::ALL {
            assert_eq!(family(bank).bank, bank);
        }
        let banks: Vec<Bank> = all().iter().map(|c| c.bank).collect();
        assert_eq!(banks, Bank::ALL);
    }
}
