//! Raw responses for tests that check bodies exactly: status, headers, the text as sent, and
//! object key order (serde_json's `Map` forgets it without the `preserve_order` feature).

use std::fmt;

use reqwest::header::HeaderMap;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Value};

/// A raw response: status, headers and the body text exactly as sent.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    /// Reads a response whole.
    pub async fn read(resp: reqwest::Response) -> Self {
        Self {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("body text"),
        }
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text))
    }

    /// Asserts a success envelope (HTTP 200, `error: 0`, `message: "success"`, keys in Casso's
    /// order) and returns `data`.
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "unexpected status; body: {}", self.text);
        let body = self.json();
        assert_eq!(body["error"], 0, "body: {}", self.text);
        assert_eq!(body["message"], "success", "body: {}", self.text);
        assert_eq!(
            keys_at(&self.text, ""),
            ["error", "message", "data"],
            "envelope key order"
        );
        body["data"].clone()
    }

    /// Asserts an error envelope: `error` equals the HTTP status, `data` is null, and the
    /// message contains every needle. Returns the message.
    pub fn assert_error(&self, status: u16, needles: &[&str]) -> String {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        let body = self.json();
        assert_eq!(body["error"], json!(status), "body: {}", self.text);
        assert_eq!(body["data"], Value::Null, "body: {}", self.text);
        assert_eq!(
            keys_at(&self.text, ""),
            ["error", "message", "data"],
            "envelope key order"
        );
        let message = body["message"]
            .as_str()
            .unwrap_or_else(|| panic!("message is not a string: {}", self.text))
            .to_string();
        for needle in needles {
            assert!(
                message.contains(needle),
                "message {message:?} should contain {needle:?}"
            );
        }
        message
    }
}

/// A JSON value that remembers object key order.
enum Ordered {
    Scalar,
    Arr(Vec<Ordered>),
    Obj(Vec<(String, Ordered)>),
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OrderedVisitor)
    }
}

struct OrderedVisitor;

impl<'de> Visitor<'de> for OrderedVisitor {
    type Value = Ordered;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_unit<E>(self) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_none<E>(self) -> Result<Ordered, E> {
        Ok(Ordered::Scalar)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
        let mut items = Vec::new();
        while let Some(x) = seq.next_element()? {
            items.push(x);
        }
        Ok(Ordered::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
            entries.push((k, v));
        }
        Ok(Ordered::Obj(entries))
    }
}

/// The keys, in serialized order, of the object at `pointer` (`/data/records/0`; "" is the
/// root) in the raw JSON `text`.
pub fn keys_at(text: &str, pointer: &str) -> Vec<String> {
    let root: Ordered = serde_json::from_str(text).expect("JSON body");
    let mut node = &root;
    for step in pointer.split('/').filter(|s| !s.is_empty()) {
        node = match node {
            Ordered::Obj(entries) => entries
                .iter()
                .find(|(k, _)| k == step)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {step:?} on the way to {pointer}")),
            Ordered::Arr(items) => items
                .get(step.parse::<usize>().expect("array index"))
                .unwrap_or_else(|| panic!("no element {step} on the way to {pointer}")),
            Ordered::Scalar => panic!("scalar on the way to {pointer}"),
        };
    }
    match node {
        Ordered::Obj(entries) => entries.iter().map(|(k, _)| k.clone()).collect(),
        _ => panic!("{pointer} is not an object"),
    }
}

/// A minimal `POST /v2/ingest` item.
pub fn item(booked_at: &str, amount: i64, description: &str) -> Value {
    json!({"bookedAt": booked_at, "amount": amount, "description": description})
}
