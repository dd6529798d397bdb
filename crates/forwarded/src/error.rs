//! Why a payload could not be decoded.

use thiserror::Error;

/// Why [`decode`](crate::decode) rejected a payload. Every variant is the
/// sender's fault (an HTTP 4xx answer fits); none is worth a retry with the
/// same body.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The body is empty or only whitespace.
    #[error("the body is empty")]
    Empty,
    /// The body is larger than [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES).
    #[error("the body is larger than {} bytes", crate::MAX_BODY_BYTES)]
    TooLarge,
    /// The body does not hold what its content type promises; the text
    /// names the problem (`JSON body has no text field (looked for text,
    /// message, ...)`).
    #[error("malformed payload: {0}")]
    Malformed(String),
    /// The content type is none this crate reads; the text is the media
    /// type as given.
    #[error("unsupported content type {0:?}")]
    UnsupportedContentType(String),
}
