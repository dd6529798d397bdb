//! tingting: a self-hosted, Casso-compatible bank-transaction hub.
//!
//! Layers, in the direction data flows: [`domain`] types; [`ingest`] (feeds into normalized,
//! deduplicated transactions); [`storage`] (one trait, SQLite and PostgreSQL); [`http`] (the
//! Casso v2 API and ours); [`cli`] (the `tingting` binary's commands).

pub mod cli;
pub mod delivery;
pub mod demo;
pub mod domain;
pub mod housekeeping;
pub mod http;
pub mod ingest;
pub mod keys;
pub mod metrics;
pub mod payments;
pub mod storage;
