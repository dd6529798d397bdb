//! Operational metrics in the Prometheus text format (`GET /metrics`): what was ingested, by
//! feed and result; deliveries by outcome and their latency; the outbox's depth and oldest due
//! delivery; feed health; HTTP request latency by route. Each server has its own registry (no
//! global state); the outbox and feed gauges are read from the database at scrape time, so
//! they are the same on every instance.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::domain::time::now_ms;
use crate::domain::IngestOutcome;
use crate::storage::{Store, StoreResult};

/// `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Where ingested transactions came from and what became of them.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct IngestLabels {
    /// The transaction's source: `notify`, `email`, `api`, `demo`, `command`, a statement
    /// format...
    feed: String,
    /// `created`, `duplicate` or `enriched`.
    result: &'static str,
}

/// How a delivery attempt ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    /// `succeeded`, `retry` or `failed`.
    outcome: &'static str,
}

/// An HTTP request's route.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    /// The matched route pattern (`/v2/transactions/{id}`), never the raw path.
    route: String,
    /// The status class: `2xx`, `4xx`...
    status: String,
}

/// Feeds of one kind in one state.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FeedLabels {
    kind: String,
    /// `ok` (enabled, last poll succeeded or none yet), `failing` (enabled, last poll failed),
    /// `disabled`.
    state: &'static str,
}

/// The registry and the instruments of one server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    ingested: Family<IngestLabels, Counter>,
    deliveries: Family<OutcomeLabels, Counter>,
    attempt_seconds: Histogram,
    delivered_after_seconds: Histogram,
    http_seconds: Family<RouteLabels, Histogram>,
    outbox_depth: Gauge,
    outbox_oldest_due_seconds: Gauge<f64, AtomicU64>,
    feeds: Family<FeedLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry with every instrument at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tingting");
        let ingested = Family::<IngestLabels, Counter>::default();
        registry.register(
            "ingested_transactions",
            "Transactions received, by source feed and result",
            ingested.clone(),
        );
        let deliveries = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "delivery_attempts",
            "Webhook delivery attempts, by outcome (retry: failed, another attempt is scheduled)",
            deliveries.clone(),
        );
        // 1 ms to about 65 s.
        let attempt_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 17));
        registry.register(
            "delivery_attempt_seconds",
            "How long receivers took to answer",
            attempt_seconds.clone(),
        );
        let delivered_after_seconds = Histogram::new(exponential_buckets(0.001, 4.0, 14));
        registry.register(
            "delivery_latency_seconds",
            "From a delivery's enqueueing to its successful attempt",
            delivered_after_seconds.clone(),
        );
        let http_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_seconds",
            "HTTP requests by method, route and status class",
            http_seconds.clone(),
        );
        let outbox_depth = Gauge::default();
        registry.register(
            "outbox_pending",
            "Deliveries waiting in the outbox (all instances)",
            outbox_depth.clone(),
        );
        let outbox_oldest_due_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_due_seconds",
            "How long the longest-due pending delivery has been due (0 when none is)",
            outbox_oldest_due_seconds.clone(),
        );
        let feeds = Family::<FeedLabels, Gauge>::default();
        registry.register("feeds", "Feeds by kind and health", feeds.clone());
        Self {
            registry,
            ingested,
            deliveries,
            attempt_seconds,
            delivered_after_seconds,
            http_seconds,
            outbox_depth,
            outbox_oldest_due_seconds,
            feeds,
        }
    }

    /// Counts what one ingest call did with `sources[i]`'s transaction: `outcomes[i]`.
    pub fn ingested<'a>(
        &self,
        sources: impl IntoIterator<Item = &'a str>,
        outcomes: &[IngestOutcome],
    ) {
        for (feed, o) in sources.into_iter().zip(outcomes) {
            let result = if o.created {
                "created"
            } else if o.enriched {
                "enriched"
            } else {
                "duplicate"
            };
            self.ingested
                .get_or_create(&IngestLabels {
                    feed: feed.to_string(),
                    result,
                })
                .inc();
        }
    }

    /// Counts a delivery attempt: `outcome` is `succeeded`, `retry` or `failed`; `answered`
    /// is how long the receiver took (None when it was never asked); `since_enqueued` how long
    /// after its enqueueing a successful attempt came.
    pub fn attempt(
        &self,
        outcome: &'static str,
        answered: Option<Duration>,
        since_enqueued: Option<Duration>,
    ) {
        self.deliveries
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
        if let Some(d) = answered {
            self.attempt_seconds.observe(d.as_secs_f64());
        }
        if let Some(d) = since_enqueued {
            self.delivered_after_seconds.observe(d.as_secs_f64());
        }
    }

    /// Times one HTTP request.
    pub fn http(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.http_seconds
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
                status: format!("{}xx", status / 100),
            })
            .observe(took.as_secs_f64());
    }

    /// The text exposition, with the outbox and feed gauges read from `store` now.
    pub async fn render(&self, store: &dyn Store) -> StoreResult<String> {
        let now = now_ms();
        let (pending, oldest_due) = store.outbox_stats(now).await?;
        self.outbox_depth.set(pending);
        let overdue = oldest_due.map_or(0, |due| (now - due).max(0));
        self.outbox_oldest_due_seconds.set(overdue as f64 / 1000.0);
        self.feeds.clear();
        for (kind, enabled, failing, count) in store.feed_health().await? {
            let state = match (enabled, failing) {
                (false, _) => "disabled",
                (true, true) => "failing",
                (true, false) => "ok",
            };
            self.feeds
                .get_or_create(&FeedLabels { kind, state })
                .inc_by(count);
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        Ok(text)
    }
}
