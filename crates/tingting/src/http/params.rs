//! Listing parameters, parsed the way sloppy real clients need: unknown or repeated parameters
//! are tolerated, `page=0` means 1, oversized pages are clamped, `sort` is case-insensitive.

use chrono::{Days, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use crate::domain::time::day_of_date;
use crate::storage::SortOrder;

/// Default page size.
pub const DEFAULT_PAGE_SIZE: i64 = 10;
/// Largest page size served; larger requests are clamped to it.
pub const MAX_PAGE_SIZE: i64 = 1000;
/// Default listing window: this many days before today.
const DEFAULT_DAYS_BACK: u64 = 7;
/// Highest page number accepted (beyond it the offset would be absurd).
const MAX_PAGE: i64 = 10_000_000;

/// Query parameters of transaction listings (as documented in the OpenAPI document).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct ListParams {
    /// First day, `YYYY-MM-DD` (Vietnam time); default 7 days before `toDate`.
    pub fromDate: Option<String>,
    /// Last day included, `YYYY-MM-DD`; default today.
    pub toDate: Option<String>,
    /// Page number from 1 (0 or empty means 1).
    pub page: Option<String>,
    /// Rows per page, default 10, at most 1000 (larger values are clamped).
    pub pageSize: Option<String>,
    /// `ASC` (default) or `DESC` by transaction time, any case.
    pub sort: Option<String>,
}

/// A listing request after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// First Vietnam-local day.
    pub from_day: i64,
    /// Last Vietnam-local day, inclusive.
    pub to_day: i64,
    /// Page number, from 1.
    pub page: i64,
    /// Rows per page.
    pub page_size: i64,
    /// Sort order.
    pub sort: SortOrder,
}

impl ListParams {
    /// Collects the parameters from raw query pairs; the last of repeated parameters wins and
    /// unknown ones are ignored.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut p = Self::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "fromDate" => &mut p.fromDate,
                "toDate" => &mut p.toDate,
                "page" => &mut p.page,
                "pageSize" => &mut p.pageSize,
                "sort" => &mut p.sort,
                _ => continue,
            };
            *slot = Some(v);
        }
        p
    }

    /// Parses the parameters, `today` being the Vietnam-local date.
    pub fn parse(&self, today: NaiveDate) -> Result<Listing, ApiError> {
        let to = parse_date("toDate", self.toDate.as_deref(), today)?;
        // Without fromDate the window is the 7 days up to toDate (up to today by default).
        let default_from = to
            .checked_sub_days(Days::new(DEFAULT_DAYS_BACK))
            .unwrap_or(to);
        let from = parse_date("fromDate", self.fromDate.as_deref(), default_from)?;
        if from > to {
            return Err(ApiError::bad_request(format!(
                "fromDate ({from}) must not be after toDate ({to})"
            )));
        }
        let page = parse_int("page", self.page.as_deref())?
            .filter(|p| *p > 0)
            .unwrap_or(1)
            .min(MAX_PAGE);
        let page_size = parse_int("pageSize", self.pageSize.as_deref())?
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .min(MAX_PAGE_SIZE);
        let sort = match self.sort.as_deref().map(str::trim).unwrap_or("") {
            "" => SortOrder::Asc,
            s if s.eq_ignore_ascii_case("asc") => SortOrder::Asc,
            s if s.eq_ignore_ascii_case("desc") => SortOrder::Desc,
            other => {
                return Err(ApiError::bad_request(format!(
                    "sort must be ASC or DESC, got {other:?}"
                )))
            }
        };
        Ok(Listing {
            from_day: day_of_date(from),
            to_day: day_of_date(to),
            page,
            page_size,
            sort,
        })
    }
}

/// A date parameter: `YYYY-MM-DD`, or a date-time whose date part is that (the time is ignored).
fn parse_date(name: &str, value: Option<&str>, default: NaiveDate) -> Result<NaiveDate, ApiError> {
    let value = value.map(str::trim).unwrap_or("");
    if value.is_empty() {
        return Ok(default);
    }
    let date_part = match value.get(10..11) {
        Some(" " | "T") => &value[..10],
        _ => value,
    };
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(format!("{name} must be a date YYYY-MM-DD, got {value:?}"))
    })
}

/// An integer parameter; empty means absent.
fn parse_int(name: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    let value = value.map(str::trim).unwrap_or("");
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError::bad_request(format!("{name} must be an integer, got {value:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<Listing, ApiError> {
        let today = NaiveDate::from_ymd_opt(2024, 4, 15).unwrap();
        ListParams::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
        .parse(today)
    }

    #[test]
    fn defaults_follow_casso() {
        let l = parse(&[]).unwrap();
        let today = day_of_date(NaiveDate::from_ymd_opt(2024, 4, 15).unwrap());
        assert_eq!((l.from_day, l.to_day), (today - 7, today));
        assert_eq!((l.page, l.page_size, l.sort), (1, 10, SortOrder::Asc));
    }

    #[test]
    fn tolerates_sloppy_clients() {
        let l = parse(&[
            ("page", "0"),
            ("pageSize", "100000"),
            ("sort", "desc"),
            ("junk", "1"),
            ("fromDate", "2024-04-01 00:00:00"),
        ])
        .unwrap();
        assert_eq!(
            (l.page, l.page_size, l.sort),
            (1, MAX_PAGE_SIZE, SortOrder::Desc)
        );
        assert_eq!(
            l.from_day,
            day_of_date(NaiveDate::from_ymd_opt(2024, 4, 1).unwrap())
        );
        assert_eq!(
            parse(&[("page", ""), ("pageSize", "")]).unwrap().page_size,
            10
        );
    }

    #[test]
    fn rejects_what_cannot_be_meant() {
        for (pairs, needle) in [
            (vec![("fromDate", "15/04/2024")], "fromDate"),
            (vec![("toDate", "2024-02-30")], "toDate"),
            (
                vec![("fromDate", "2024-04-10"), ("toDate", "2024-04-01")],
                "fromDate",
            ),
            (vec![("page", "two")], "page"),
            (vec![("pageSize", "1.5")], "pageSize"),
            (vec![("sort", "newest")], "sort"),
        ] {
            let err = parse(&pairs).unwrap_err();
            assert_eq!(err.status(), 400);
            assert!(
                format!("{err:?}").contains(needle),
                "{err:?} should name {needle}"
            );
        }
    }
}
