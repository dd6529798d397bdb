//! JSON bodies: one template object, an SMS Gateway webhook, or an array
//! of them (a batch).

use serde_json::Value;

use crate::template::type_name;
use crate::{gateway, template, DecodeError, Decoded, Kind, Message};

/// The most objects one batch may hold.
pub const MAX_BATCH: usize = 1000;

/// What one JSON object holds.
pub(crate) enum Item {
    /// A message to ingest.
    Message(Message),
    /// A well-formed event that carries none, and why.
    Ignored(String),
}

/// Reads a JSON body that is not valid JSON as an error naming the place.
pub(crate) fn parse(body: &[u8]) -> Result<Value, DecodeError> {
    serde_json::from_slice(body)
        .map_err(|error| DecodeError::Malformed(format!("invalid JSON: {error}")))
}

/// Reads a parsed JSON body.
pub(crate) fn decode(value: &Value) -> Result<Decoded, DecodeError> {
    match value {
        Value::Object(_) => Ok(match item(value)? {
            Item::Message(message) => Decoded::Messages(vec![message]),
            Item::Ignored(why) => Decoded::Ignored(why),
        }),
        Value::Array(items) => batch(items),
        other => Err(DecodeError::Malformed(format!(
            "JSON body is {}, not an object or an array of objects",
            type_name(other)
        ))),
    }
}

/// Reads a batch: every object must read; ignored events are skipped.
fn batch(items: &[Value]) -> Result<Decoded, DecodeError> {
    if items.is_empty() {
        return Err(DecodeError::Malformed("JSON array is empty".to_owned()));
    }
    if items.len() > MAX_BATCH {
        return Err(DecodeError::Malformed(format!(
            "JSON array has {} items, at most {MAX_BATCH} are accepted",
            items.len()
        )));
    }
    let mut messages = Vec::new();
    let mut ignored = Vec::new();
    for (index, value) in items.iter().enumerate() {
        let problem = |error: DecodeError| match error {
            DecodeError::Malformed(why) => DecodeError::Malformed(format!("item {index}: {why}")),
            other => other,
        };
        match item(value).map_err(problem)? {
            Item::Message(message) => messages.push(message),
            Item::Ignored(why) => ignored.push(why),
        }
    }
    if messages.is_empty() {
        ignored.dedup();
        Ok(Decoded::Ignored(ignored.join("; ")))
    } else {
        Ok(Decoded::Messages(messages))
    }
}

/// Reads one object of a body or a batch.
fn item(value: &Value) -> Result<Item, DecodeError> {
    match value {
        Value::Object(object) if gateway::is_event(object) => gateway::item(object),
        Value::Object(object) => {
            template::message(object, Kind::TemplateJson, "JSON body").map(Item::Message)
        }
        other => Err(DecodeError::Malformed(format!(
            "{}, not an object",
            type_name(other)
        ))),
    }
}
