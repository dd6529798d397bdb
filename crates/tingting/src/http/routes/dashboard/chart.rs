//! The overview's chart: money in and out per day as an inline SVG bar chart, drawn on the
//! server (no script, no library). Each day has a group with a tooltip (`<title>`), a green bar
//! for money in and an orange one for money out; the scale runs from 0 to a round amount.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::domain::time::date_of_day;
use crate::http::page::money;
use crate::storage::DailyFlow;

/// The drawing's width in SVG units (it scales to its box).
const WIDTH: f64 = 480.0;
/// The drawing's height.
const HEIGHT: f64 = 200.0;
/// Room above the bars for the scale's label.
const TOP: f64 = 22.0;
/// Room below the bars for dates.
const BOTTOM: f64 = 22.0;
/// Margin left and right.
const SIDE: f64 = 2.0;
/// Colour of money in.
const IN_COLOUR: &str = "#1a7f4b";
/// Colour of money out.
const OUT_COLOUR: &str = "#d4552b";

/// The top of the scale for a largest amount `max`: the smallest 1, 2 or 5 × 10ⁿ at least
/// `max`; 1 when nothing moved.
pub fn scale_top(max: i64) -> i64 {
    if max <= 1 {
        return 1;
    }
    let mut power: i64 = 1;
    loop {
        for step in [1, 2, 5] {
            let top = power.saturating_mul(step);
            if top >= max {
                return top;
            }
        }
        match power.checked_mul(10) {
            Some(next) => power = next,
            None => return max,
        }
    }
}

/// The height of the bar of `value` on a scale from 0 to `top` drawn `height` units tall:
/// proportional, at least 1 unit for any money at all (a small day stays visible), 0 for none.
pub fn bar_height(value: i64, top: i64, height: f64) -> f64 {
    if value <= 0 || top <= 0 {
        return 0.0;
    }
    (value as f64 / top as f64 * height).clamp(1.0, height)
}

/// Text safe inside SVG markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart of the `days` days from `first_day` (Vietnam-local day numbers): `flows` (days
/// outside are ignored, days missing drew nothing), with `labels` (money in, money out) in
/// the tooltips. An `<svg>` element to put inline in a page.
pub fn svg(flows: &[DailyFlow], first_day: i64, days: i64, labels: (&str, &str)) -> String {
    let days = days.max(1);
    let last_day = first_day + days - 1;
    let by_day: HashMap<i64, &DailyFlow> = flows
        .iter()
        .filter(|f| (first_day..=last_day).contains(&f.day))
        .map(|f| (f.day, f))
        .collect();
    let max = by_day
        .values()
        .map(|f| f.credit_amount.max(f.debit_amount))
        .max()
        .unwrap_or(0);
    let top = scale_top(max);
    let plot = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot;
    let slot = (WIDTH - 2.0 * SIDE) / days as f64;
    let bar = slot * 0.38;
    let (in_label, out_label) = (escape(labels.0), escape(labels.1));

    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-label=\"{in_label} / {out_label}\" data-top=\"{top}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\" font-size=\"11\">"
    );
    // The scale: lines at 0, half and the top, labelled at the top and half.
    for (fraction, label) in [(1.0, Some(top)), (0.5, Some(top / 2)), (0.0, None)] {
        let y = base - plot * fraction;
        let _ = write!(
            out,
            "<line x1=\"{SIDE}\" x2=\"{x2:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#dde3ec\" stroke-width=\"1\"/>",
            x2 = WIDTH - SIDE
        );
        if let Some(amount) = label.filter(|_| max > 0) {
            let _ = write!(
                out,
                "<text x=\"{SIDE}\" y=\"{ty:.1}\" fill=\"#5b6676\">{}</text>",
                escape(&money(amount)),
                ty = y - 4.0
            );
        }
    }
    for i in 0..days {
        let day = first_day + i;
        let date = date_of_day(day);
        let iso = date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let short = date
            .map(|d| d.format("%d/%m").to_string())
            .unwrap_or_default();
        let flow = by_day.get(&day).copied().copied().unwrap_or_default();
        let x = SIDE + i as f64 * slot;
        let _ = write!(
            out,
            "<g class=\"day\" data-day=\"{iso}\"><title>{short} · {in_label} {} ({}) · {out_label} {} ({})</title>\
             <rect x=\"{x:.1}\" y=\"{TOP}\" width=\"{slot:.1}\" height=\"{plot:.1}\" fill=\"transparent\"/>",
            escape(&money(flow.credit_amount)),
            flow.credit_count,
            escape(&money(flow.debit_amount)),
            flow.debit_count,
        );
        for (class, value, offset, colour) in [
            ("in", flow.credit_amount, 0.1, IN_COLOUR),
            ("out", flow.debit_amount, 0.52, OUT_COLOUR),
        ] {
            let h = bar_height(value, top, plot);
            if h > 0.0 {
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" data-amount=\"{value}\" x=\"{bx:.1}\" y=\"{by:.1}\" \
                     width=\"{bar:.1}\" height=\"{h:.1}\" rx=\"1\" fill=\"{colour}\"/>",
                    bx = x + slot * offset,
                    by = base - h,
                );
            }
        }
        out.push_str("</g>");
        // Dates under every seventh day, counted back from the last.
        if (days - 1 - i) % 7 == 0 {
            let _ = write!(
                out,
                "<text x=\"{cx:.1}\" y=\"{ty}\" text-anchor=\"middle\" fill=\"#5b6676\">{short}</text>",
                cx = (x + slot / 2.0).clamp(14.0, WIDTH - 14.0),
                ty = HEIGHT - 6.0
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(day: i64, credit: i64, debit: i64) -> DailyFlow {
        DailyFlow {
            day,
            credit_count: i64::from(credit > 0),
            credit_amount: credit,
            debit_count: i64::from(debit > 0),
            debit_amount: debit,
        }
    }

    /// The `(class, amount, height)` of every bar of a chart.
    fn bars(svg: &str) -> Vec<(String, i64, f64)> {
        svg.split("<rect class=\"")
            .skip(1)
            .map(|r| {
                let class = r.split('"').next().unwrap().to_string();
                let attr = |name: &str| {
                    let at = r.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                    r[at..].split('"').next().unwrap().to_string()
                };
                (
                    class,
                    attr("data-amount").parse().unwrap(),
                    attr("height").parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn the_scale_tops_at_a_round_amount() {
        assert_eq!(scale_top(0), 1);
        assert_eq!(scale_top(1), 1);
        assert_eq!(scale_top(7), 10);
        assert_eq!(scale_top(150_000), 200_000);
        assert_eq!(scale_top(200_000), 200_000);
        assert_eq!(scale_top(200_001), 500_000);
        assert_eq!(scale_top(1_500_000), 2_000_000);
        assert_eq!(scale_top(9_000_000_000), 10_000_000_000);
        assert_eq!(scale_top(i64::MAX), i64::MAX);
    }

    #[test]
    fn bars_are_proportional_and_small_days_stay_visible() {
        assert_eq!(bar_height(0, 100, 150.0), 0.0);
        assert_eq!(bar_height(-5, 100, 150.0), 0.0);
        assert_eq!(bar_height(100, 100, 150.0), 150.0);
        assert_eq!(bar_height(50, 100, 150.0), 75.0);
        assert_eq!(bar_height(1, 1_000_000, 150.0), 1.0);
        assert_eq!(bar_height(5, 0, 150.0), 0.0);
    }

    #[test]
    fn the_chart_draws_each_day_on_one_scale() {
        let first = 20_000;
        let flows = [
            flow(first, 1_500_000, 0),
            flow(first + 29, 750_000, 300_000),
            flow(first - 1, 99_000_000, 0), // before the range: ignored
            flow(first + 30, 99_000_000, 0), // after: ignored
        ];
        let svg = svg(&flows, first, 30, ("Tiền vào", "Tiền ra"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("data-top=\"2000000\""), "{svg}");
        assert_eq!(svg.matches("<g class=\"day\"").count(), 30);
        let plot = HEIGHT - TOP - BOTTOM;
        assert_eq!(
            bars(&svg),
            vec![
                ("in".into(), 1_500_000, plot * 0.75),
                ("in".into(), 750_000, plot * 0.375),
                ("out".into(), 300_000, (plot * 0.15 * 10.0).round() / 10.0),
            ]
        );
        assert!(svg.contains("2.000.000 ₫"), "the scale is labelled");
        assert!(svg.contains("<title>"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn an_empty_chart_has_no_bars_and_no_scale_labels() {
        let svg = svg(&[], 20_000, 30, ("<in>", "out"));
        assert!(bars(&svg).is_empty());
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(
            !svg.contains("<in>") && svg.contains("&lt;in&gt;"),
            "escaped"
        );
        assert!(!svg.contains("0 ₫</text>"));
    }
}
