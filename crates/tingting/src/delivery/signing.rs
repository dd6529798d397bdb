//! Webhook signatures: Casso's V2 `X-Casso-Signature` and Standard Webhooks' `webhook-signature`.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Sha256, Sha512};

/// Prefix of Standard Webhooks secrets.
pub const STANDARD_SECRET_PREFIX: &str = "whsec_";

/// Casso's canonical form of a body: compact JSON with object keys sorted ascending at every
/// level, strings as raw UTF-8 (what JavaScript's `JSON.stringify` of a key-sorted object gives).
pub fn casso_canonical(body: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(body).to_string()
}

/// The `X-Casso-Signature` header value: `t=<unix ms>,v1=<hex HMAC-SHA512>` over
/// `t + "." + canonical(body)`, keyed with the webhook's secret.
pub fn casso_v2_signature(secret: &str, timestamp_ms: i64, body: &Value) -> String {
    let mut mac =
        Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(timestamp_ms.to_string().as_bytes());
    mac.update(b".");
    mac.update(casso_canonical(body).as_bytes());
    format!(
        "t={timestamp_ms},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// A Standard Webhooks signing secret: `whsec_` followed by base64 of the key bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct StandardSecret(Vec<u8>);

impl std::fmt::Debug for StandardSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StandardSecret(..)")
    }
}

impl StandardSecret {
    /// Parses `whsec_<base64>` (the prefix is optional, as the specification allows).
    pub fn parse(secret: &str) -> Result<Self, String> {
        let encoded = secret
            .strip_prefix(STANDARD_SECRET_PREFIX)
            .unwrap_or(secret);
        match BASE64.decode(encoded) {
            Ok(key) if (24..=64).contains(&key.len()) => Ok(Self(key)),
            Ok(_) => Err("secret must encode 24 to 64 bytes".into()),
            Err(_) => Err("secret must be whsec_ followed by base64".into()),
        }
    }

    /// The `webhook-signature` header value: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`.
    pub fn sign(&self, msg_id: &str, timestamp_s: i64, body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(format!("{msg_id}.{timestamp_s}.").as_bytes());
        mac.update(body.as_bytes());
        format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Casso's published test vector.
    #[test]
    fn casso_v2_official_vector() {
        let body: Value = serde_json::from_str(
            r#"{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem",
            "amount":599000,"runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37",
            "accountNumber":"88888888","bankName":"VPBank","bankAbbreviation":"VPB","virtualAccountNumber":"",
            "virtualAccountName":"","counterAccountName":"NGUYEN VAN A","counterAccountNumber":"8888888888",
            "counterAccountBankId":"970415","counterAccountBankName":"VietinBank"}}"#,
        )
        .unwrap();
        let sig = casso_v2_signature(
            "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs",
            1727948258788,
            &body,
        );
        assert_eq!(
            sig,
            "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
        );
    }

    #[test]
    fn canonical_form_sorts_every_level_and_keeps_utf8() {
        let body = serde_json::json!({"b": {"z": 1, "a": [{"y": "Hoà/Sen", "x": null}]}, "a": 0});
        assert_eq!(
            casso_canonical(&body),
            r#"{"a":0,"b":{"a":[{"x":null,"y":"Hoà/Sen"}],"z":1}}"#
        );
    }

    /// The Standard Webhooks specification's test vector.
    #[test]
    fn standard_webhooks_vector() {
        let secret = StandardSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                r#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn standard_secret_rejects_garbage() {
        assert!(StandardSecret::parse("whsec_!!!").is_err());
        assert!(StandardSecret::parse("whsec_c2hvcnQ=").is_err());
    }
}
