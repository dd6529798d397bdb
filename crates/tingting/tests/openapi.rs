//! The OpenAPI document is generated from the code; this snapshot makes any drift in the API's
//! shape a visible, reviewed change (`cargo insta review` or `INSTA_UPDATE=always`).

use tingting::http::openapi::ApiDoc;
use utoipa::OpenApi;

#[test]
fn openapi_document_matches_snapshot() {
    let doc = serde_json::to_value(ApiDoc::openapi()).expect("serializable document");
    insta::assert_json_snapshot!("openapi", doc);
}
