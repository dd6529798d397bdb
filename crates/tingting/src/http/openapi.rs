//! The OpenAPI document, generated from the handlers and views, served at `/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, AuthorizationCode, ClientCredentials, Flow, OAuth2, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi};

use super::routes;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "tingting", description = "Casso-compatible bank-transaction API (v2), self-hosted."),
    paths(
        routes::user_info::user_info,
        routes::transactions::list,
        routes::transactions::get,
        routes::accounts::list,
        routes::accounts::get,
        routes::accounts::transactions,
        routes::feeds::list,
        routes::feeds::create,
        routes::feeds::disable,
        routes::feeds::update,
        routes::feeds::new_token,
        routes::feeds::unparsed,
        routes::feeds::reparse,
        routes::statements::upload,
        routes::qr::qr,
        routes::payments::create,
        routes::payments::list,
        routes::payments::get,
        routes::payments::cancel,
        routes::sync::sync,
        routes::ingest::ingest,
        routes::notify::notify,
        routes::webhooks::create,
        routes::webhooks::list,
        routes::webhooks::get,
        routes::webhooks::update,
        routes::webhooks::delete,
        routes::webhooks::delete_by_url,
        routes::deliveries::list,
        routes::deliveries::test,
        routes::deliveries::retry,
        routes::deliveries::replay,
        routes::health::healthz,
        routes::health::metrics,
    ),
    modifiers(&Credentials),
    tags((name = "casso", description = "Casso v2 compatible"),
         (name = "tingting", description = "tingting extensions"),
         (name = "operations", description = "Operations"))
)]
pub struct ApiDoc;

/// The credentials: API keys, and OAuth2 tokens with their scopes.
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apikey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`Apikey <key>` (scheme case-insensitive)",
            ))),
        );
        let scopes = || {
            Scopes::from_iter(
                crate::domain::Scope::ALL
                    .into_iter()
                    .map(|s| (s.name(), s.describe().1)),
            )
        };
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [
                    Flow::AuthorizationCode(AuthorizationCode::new(
                        "/auth/authorize",
                        "/auth/token",
                        scopes(),
                    )),
                    Flow::ClientCredentials(ClientCredentials::new("/auth/token", scopes())),
                ],
                "`Authorization: Bearer <token>`; Casso v1 tokens are sent without a scheme",
            )),
        );
    }
}

/// `GET /openapi.json`.
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
