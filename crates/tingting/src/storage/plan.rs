//! Deciding, before anything of an ingest is written, what each incoming transaction of one
//! account is: new, a repeat of a stored or earlier one (same dedup key, or a key recorded as
//! an alias of it), or the same transfer as a stored or earlier transaction reported by
//! another feed (the rules of [`crate::domain::dedup`]). Pure: the caller reads what it needs
//! from the database and writes what the plan says.

use std::collections::HashMap;

use crate::domain::dedup::Reported;
use crate::domain::NewTransaction;

/// A transaction a decision points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Target {
    /// A stored transaction, by id.
    Stored(i64),
    /// The plan's `index`-th new transaction.
    New(usize),
}

/// What happens to one incoming transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    /// It is stored as the plan's `index`-th new transaction.
    Create(usize),
    /// It is `target` again; `enriched` when it filled in fields `target` lacked.
    Same { target: Target, enriched: bool },
}

/// A stored transaction that incoming ones may turn out to be.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    /// Its id.
    pub id: i64,
    /// Its fields and the sources that reported it.
    pub reported: Reported,
    /// True once the plan changed it (it must be written back).
    pub changed: bool,
}

/// The decisions for one account's incoming transactions, and what they imply.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// One per incoming transaction, in order.
    pub decisions: Vec<Decision>,
    /// The transactions to insert, with their dedup keys.
    pub new: Vec<(Reported, String)>,
    /// The stored candidates, some changed by merges.
    pub candidates: Vec<Candidate>,
    /// Dedup keys to record as other names of their targets.
    pub aliases: Vec<(String, Target)>,
}

/// Plans `rows` (transactions with their dedup keys, in arrival order). `known` maps the keys
/// already stored (as a transaction's own key or an alias) to their transaction; `candidates`
/// are the stored transactions near the incoming ones in amount and time.
pub(super) fn plan(
    rows: &[(&NewTransaction, &str)],
    known: &HashMap<String, i64>,
    candidates: Vec<Candidate>,
) -> Plan {
    let mut plan = Plan {
        candidates,
        ..Plan::default()
    };
    let mut by_key: HashMap<&str, Target> = HashMap::new();
    // Candidates and new transactions by amount: only those can match.
    let mut stored_by_amount: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, c) in plan.candidates.iter().enumerate() {
        stored_by_amount
            .entry(c.reported.fields.amount)
            .or_default()
            .push(i);
    }
    let mut new_by_amount: HashMap<i64, Vec<usize>> = HashMap::new();
    let none = Vec::new();
    for &(t, key) in rows {
        let repeat = by_key
            .get(key)
            .copied()
            .or_else(|| known.get(key).map(|&id| Target::Stored(id)));
        if let Some(target) = repeat {
            by_key.insert(key, target);
            plan.decisions.push(Decision::Same {
                target,
                enriched: false,
            });
            continue;
        }
        let stored = stored_by_amount
            .get(&t.amount)
            .unwrap_or(&none)
            .iter()
            .filter(|&&i| plan.candidates[i].reported.matches(t))
            .map(|&i| Err(i));
        let earlier = new_by_amount
            .get(&t.amount)
            .unwrap_or(&none)
            .iter()
            .filter(|&&i| plan.new[i].0.matches(t))
            .map(|&i| Ok(i));
        let mut matches = stored.chain(earlier);
        let decision = match (matches.next(), matches.next()) {
            (Some(found), None) => {
                let (target, enriched) = match found {
                    Err(i) => {
                        let c = &mut plan.candidates[i];
                        c.changed = true;
                        (Target::Stored(c.id), c.reported.absorb(t))
                    }
                    Ok(i) => (Target::New(i), plan.new[i].0.absorb(t)),
                };
                plan.aliases.push((key.to_string(), target));
                by_key.insert(key, target);
                Decision::Same { target, enriched }
            }
            _ => {
                let index = plan.new.len();
                plan.new
                    .push((Reported::new(t.clone(), ""), key.to_string()));
                new_by_amount.entry(t.amount).or_default().push(index);
                by_key.insert(key, Target::New(index));
                Decision::Create(index)
            }
        };
        plan.decisions.push(decision);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-04-22 09:30 Vietnam time.
    const AT: i64 = 1_745_289_000_000;

    fn t(source: &str, amount: i64, description: &str, reference: &str) -> NewTransaction {
        NewTransaction {
            amount,
            booked_at: AT,
            description: description.into(),
            reference: reference.into(),
            source: source.into(),
            ..Default::default()
        }
    }

    fn run(
        rows: &[NewTransaction],
        known: &HashMap<String, i64>,
        stored: &[NewTransaction],
    ) -> Plan {
        let keys: Vec<String> = rows.iter().map(NewTransaction::dedup_key).collect();
        let rows: Vec<(&NewTransaction, &str)> = rows
            .iter()
            .zip(&keys)
            .map(|(t, k)| (t, k.as_str()))
            .collect();
        let candidates = stored
            .iter()
            .enumerate()
            .map(|(i, s)| Candidate {
                id: 100 + i as i64,
                reported: Reported::new(s.clone(), ""),
                changed: false,
            })
            .collect();
        plan(&rows, known, candidates)
    }

    #[test]
    fn repeats_and_known_keys_are_the_same_transaction() {
        let a = t("mt940", 1000, "A", "FT1");
        let known = HashMap::from([(a.dedup_key(), 7)]);
        let b = t("mt940", 2000, "B", "FT2");
        let p = run(&[a.clone(), b.clone(), b], &known, &[]);
        assert_eq!(
            p.decisions,
            [
                Decision::Same {
                    target: Target::Stored(7),
                    enriched: false
                },
                Decision::Create(0),
                Decision::Same {
                    target: Target::New(0),
                    enriched: false
                },
            ]
        );
        assert!(p.aliases.is_empty());
    }

    #[test]
    fn another_feed_merges_into_a_stored_or_earlier_transaction() {
        let sms = t("notify", 1000, "DH1 thanh toan", "");
        let entry = t("mt940", 1000, "DH1 thanh toan don hang", "FT1");
        let p = run(
            std::slice::from_ref(&entry),
            &HashMap::new(),
            std::slice::from_ref(&sms),
        );
        assert_eq!(
            p.decisions,
            [Decision::Same {
                target: Target::Stored(100),
                enriched: true
            }]
        );
        assert!(p.candidates[0].changed);
        assert_eq!(p.candidates[0].reported.fields.reference, "FT1");
        assert_eq!(p.aliases, [(entry.dedup_key(), Target::Stored(100))]);

        let p = run(&[sms, entry], &HashMap::new(), &[]);
        assert_eq!(
            p.decisions,
            [
                Decision::Create(0),
                Decision::Same {
                    target: Target::New(0),
                    enriched: true
                },
            ]
        );
        assert_eq!(p.new.len(), 1);
        assert_eq!(p.new[0].0.fields.reference, "FT1");
    }

    #[test]
    fn one_statement_never_merges_its_own_entries() {
        let a = t("mt940", 1000, "chuyen tien", "FT1");
        let b = t("mt940", 1000, "chuyen tien", "FT2");
        let p = run(&[a, b], &HashMap::new(), &[]);
        assert_eq!(p.decisions, [Decision::Create(0), Decision::Create(1)]);
    }

    #[test]
    fn an_ambiguous_report_stays_separate() {
        let one = t("notify", 1000, "", "");
        let two = t("notify", 1000, "", "");
        let entry = t("mt940", 1000, "DH9", "FT9");
        let p = run(std::slice::from_ref(&entry), &HashMap::new(), &[one, two]);
        assert_eq!(p.decisions, [Decision::Create(0)]);
        assert!(p.candidates.iter().all(|c| !c.changed));
    }
}
