//! `application/x-www-form-urlencoded` bodies, read like a template
//! object with string values.

use serde_json::{Map, Value};

use crate::{template, DecodeError, Kind, Message};

/// Reads a form: each field is a string; a name given twice keeps its
/// first value.
pub(crate) fn message(body: &[u8]) -> Result<Message, DecodeError> {
    let mut object = Map::new();
    for (name, value) in form_urlencoded::parse(body) {
        object
            .entry(name.into_owned())
            .or_insert_with(|| Value::String(value.into_owned()));
    }
    if object.is_empty() {
        return Err(DecodeError::Malformed("form has no fields".to_owned()));
    }
    template::message(&object, Kind::Form, "form")
}
