//! The field names forwarders use, and finding them leniently in a JSON
//! object or a form.

use serde_json::{Map, Value};

/// Names of the message text, most specific first.
pub(crate) const TEXT: &[&str] = &["text", "message", "msg", "body", "content", "sms"];
/// Names of the sender.
pub(crate) const SENDER: &[&str] = &[
    "from",
    "sender",
    "phoneNumber",
    "phone",
    "address",
    "number",
    "title",
];
/// Names of the send or receive time, in order of preference (the time the
/// bank sent the message is closest to the transaction).
pub(crate) const TIME: &[&str] = &[
    "sentStamp",
    "receivedStamp",
    "timestamp",
    "time",
    "date",
    "sentAt",
    "receivedAt",
];
/// Names of the forwarder's message id.
pub(crate) const ID: &[&str] = &["id", "messageId", "msgId", "smsId"];

/// A field name in the form used for matching: lower-case, without `_`,
/// `-` and spaces, so `phoneNumber`, `phone_number` and `Phone-Number`
/// match.
fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The values of the fields of `object` named by `names` (leniently), in
/// the order of `names`, with the key as written; `null` values are left
/// out.
pub(crate) fn candidates<'a>(
    object: &'a Map<String, Value>,
    names: &[&str],
) -> Vec<(&'a str, &'a Value)> {
    let keys: Vec<(String, &'a String, &'a Value)> = object
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| (folded(key), key, value))
        .collect();
    let mut found = Vec::new();
    for name in names {
        let name = folded(name);
        for (key, original, value) in &keys {
            if *key == name {
                found.push((original.as_str(), *value));
            }
        }
    }
    found
}

/// The first of `names` that holds a non-empty string or a number, as a
/// trimmed string; unreplaced template placeholders count as absent.
pub(crate) fn first_string(object: &Map<String, Value>, names: &[&str]) -> Option<String> {
    candidates(object, names)
        .into_iter()
        .find_map(|(_, value)| scalar_text(value))
}

/// A string (trimmed, non-empty, not a placeholder) or a number as text.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    (!text.is_empty() && !crate::text::is_placeholder(&text)).then_some(text)
}

/// `names` written out for an error message: `text, message, msg`.
pub(crate) fn listed(names: &[&str]) -> String {
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn names_match_leniently() {
        let map = object(json!({"Phone_Number": "+84901234567", "MSG": "hi", "from": null}));
        assert_eq!(first_string(&map, SENDER).as_deref(), Some("+84901234567"));
        assert_eq!(first_string(&map, TEXT).as_deref(), Some("hi"));
    }

    #[test]
    fn preference_follows_the_list() {
        let map = object(json!({"title": "Vietcombank", "from": "VCB", "sender": ""}));
        assert_eq!(first_string(&map, SENDER).as_deref(), Some("VCB"));
    }

    #[test]
    fn numbers_and_placeholders() {
        let map = object(json!({"from": "%from%", "phone": 84901234567_i64}));
        assert_eq!(first_string(&map, SENDER).as_deref(), Some("84901234567"));
        assert_eq!(first_string(&map, ID), None);
    }
}
