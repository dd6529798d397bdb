//! The `Content-Type` header: the media type and its charset.

/// A parsed `Content-Type`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct MediaType {
    /// `type/subtype`, lower-case, without parameters; empty when none was
    /// given.
    pub(crate) essence: String,
    /// The `charset` parameter, unquoted, when given.
    pub(crate) charset: Option<String>,
}

impl MediaType {
    /// Parses a `Content-Type` header value leniently.
    pub(crate) fn parse(header: &str) -> MediaType {
        let mut parts = header.split(';');
        let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let charset = parts.find_map(|part| {
            let (name, value) = part.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches(['"', '\'']).trim().to_owned())
                .filter(|value| !value.is_empty())
        });
        MediaType { essence, charset }
    }

    /// Whether this is a JSON type (`application/json`, `text/json`,
    /// `application/*+json`).
    pub(crate) fn is_json(&self) -> bool {
        matches!(self.essence.as_str(), "application/json" | "text/json")
            || self.essence.ends_with("+json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parameters() {
        let media = MediaType::parse(" Text/Plain ; format=flowed; charset=\"Windows-1258\"");
        assert_eq!(media.essence, "text/plain");
        assert_eq!(media.charset.as_deref(), Some("Windows-1258"));
        assert_eq!(MediaType::parse(""), MediaType::default());
        assert!(MediaType::parse("application/vnd.api+json").is_json());
        assert!(!MediaType::parse("application/jsonp").is_json());
    }
}
