//! Webhook delivery. So far: the bodies and signatures of each webhook format (the outbox and its
//! workers come with the rest of the webhook issue).

pub mod payload;
pub mod signing;
