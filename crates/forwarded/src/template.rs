//! Template-based forwarders: one flat object (JSON or form) with the
//! text, the sender and a time under any of the usual names.

use serde_json::{Map, Value};

use crate::fields::{self, candidates, first_string};
use crate::{text, time, DecodeError, Kind, Message};

/// Keys under which some forwarders nest the message object.
const NESTED: &[&str] = &["payload", "data"];

/// What looking for the text in one object found.
enum Lookup {
    /// A usable text.
    Found(String),
    /// A text field that cannot be used, and why.
    Problem(String),
    /// No text field at all.
    Absent,
}

/// Reads one template object into a message of `kind`. `what` names the
/// payload in error messages (`JSON body`, `form`). When the object has no
/// text field but holds an object under `payload` or `data` that has one,
/// that object is read instead.
pub(crate) fn message(
    object: &Map<String, Value>,
    kind: Kind,
    what: &str,
) -> Result<Message, DecodeError> {
    let top = lookup_text(object);
    if let Lookup::Found(text) = top {
        return Ok(build(object, text, kind));
    }
    let mut nested_problem = None;
    for (_, value) in candidates(object, NESTED) {
        if let Value::Object(inner) = value {
            match lookup_text(inner) {
                Lookup::Found(text) => return Ok(build(inner, text, kind)),
                Lookup::Problem(problem) => nested_problem = nested_problem.or(Some(problem)),
                Lookup::Absent => {}
            }
        }
    }
    let problem = match (top, nested_problem) {
        (Lookup::Problem(problem), _) | (_, Some(problem)) => problem,
        _ => format!(
            "{what} has no text field (looked for {})",
            fields::listed(fields::TEXT)
        ),
    };
    Err(DecodeError::Malformed(problem))
}

/// Finds the message text among the fields of `object`.
fn lookup_text(object: &Map<String, Value>) -> Lookup {
    let mut problem = None;
    for (key, value) in candidates(object, fields::TEXT) {
        match value {
            Value::String(raw) => match checked_text(key, raw) {
                Ok(text) => return Lookup::Found(text),
                Err(why) => problem = problem.or(Some(why)),
            },
            other => {
                problem = problem.or(Some(format!(
                    "field `{key}` is {}, not a string",
                    type_name(other)
                )))
            }
        }
    }
    problem.map_or(Lookup::Absent, Lookup::Problem)
}

/// The text of field `key` tidied, or why it cannot be used.
pub(crate) fn checked_text(key: &str, raw: &str) -> Result<String, String> {
    if text::is_placeholder(raw) {
        return Err(format!(
            "field `{key}` holds the unreplaced placeholder {}: check the forwarder's body template",
            raw.trim()
        ));
    }
    if text::is_encrypted(raw) {
        return Err(format!(
            "field `{key}` is end-to-end encrypted: turn encryption off in the forwarder"
        ));
    }
    let text = text::tidy_sms(raw);
    if text.is_empty() {
        return Err(format!("field `{key}` is empty"));
    }
    Ok(text)
}

/// The message around `text` with what else `object` tells.
fn build(object: &Map<String, Value>, text: String, kind: Kind) -> Message {
    Message {
        text,
        sender: first_string(object, fields::SENDER),
        received_at: candidates(object, fields::TIME)
            .into_iter()
            .find_map(|(_, value)| time::from_json(value)),
        kind,
        subject: None,
        id: first_string(object, fields::ID),
    }
}

/// A JSON value's type for error messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
