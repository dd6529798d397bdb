//! Webhooks of the open-source "SMS Gateway for Android" app
//! (capcom6/android-sms-gateway): an event envelope
//! `{"deviceId","event","id","payload","webhookId"}` whose `sms:received`
//! payload carries `messageId`, `message`, `phoneNumber`, `simNumber` and
//! `receivedAt`.

use serde_json::{Map, Value};

use crate::fields::scalar_text;
use crate::json::Item;
use crate::template::{checked_text, type_name};
use crate::{time, DecodeError, Kind, Message};

/// The event that carries a received SMS.
const RECEIVED: &str = "sms:received";

/// Whether `object` is an SMS Gateway webhook envelope: an `event` named
/// like the app's events (`sms:received`, `system:ping`: a colon inside)
/// beside a `payload`, `deviceId` or `webhookId`. A template object that
/// happens to have an `event` field of its own is not taken for one.
pub(crate) fn is_event(object: &Map<String, Value>) -> bool {
    matches!(object.get("event"), Some(Value::String(event)) if event.contains(':'))
        && ["payload", "deviceId", "webhookId"]
            .iter()
            .any(|key| object.contains_key(*key))
}

/// Reads an SMS Gateway webhook: the message of an `sms:received` event;
/// any other event (`sms:sent`, `sms:delivered`, `sms:failed`,
/// `sms:data-received`, `mms:received`, `system:ping`, ...) is ignored.
pub(crate) fn item(object: &Map<String, Value>) -> Result<Item, DecodeError> {
    let event = match object.get("event") {
        Some(Value::String(event)) => event.trim(),
        _ => "",
    };
    if event != RECEIVED {
        return Ok(Item::Ignored(format!("{} event", printable(event))));
    }
    let payload = match object.get("payload") {
        Some(Value::Object(payload)) => payload,
        Some(other) => {
            return Err(DecodeError::Malformed(format!(
                "{RECEIVED} payload is {}, not an object",
                type_name(other)
            )))
        }
        None => {
            return Err(DecodeError::Malformed(format!(
                "{RECEIVED} event has no payload"
            )))
        }
    };
    let text = match payload.get("message") {
        Some(Value::String(raw)) => checked_text("payload.message", raw),
        Some(other) => Err(format!(
            "field `payload.message` is {}, not a string",
            type_name(other)
        )),
        None => Err(format!("{RECEIVED} payload has no message")),
    }
    .map_err(DecodeError::Malformed)?;
    Ok(Item::Message(Message {
        text,
        sender: payload.get("phoneNumber").and_then(scalar_text),
        received_at: payload.get("receivedAt").and_then(time::from_json),
        kind: Kind::SmsGateway,
        subject: None,
        id: payload
            .get("messageId")
            .and_then(scalar_text)
            .or_else(|| object.get("id").and_then(scalar_text)),
    }))
}

/// An event name fit for a log line: at most 64 characters, no control
/// characters.
fn printable(event: &str) -> String {
    let name: String = event.chars().filter(|c| !c.is_control()).take(64).collect();
    if name.is_empty() {
        "unnamed".to_owned()
    } else {
        name
    }
}
