//! `GET /v2/accounts/{id}/qr`: VietQR codes for an account, as the payload, a PNG that a QR
//! reader decodes back to that payload, or an SVG; bad parameters answer 400 naming them.
//! Both backends.

mod common;

use common::{Backend, TestServer};
use serde_json::Value;

both_backends!(codes_for_an_account, bad_parameters);

/// The spec's Vietcombank vector: 850,000 VND, order code DH482113.
const VCB_DYNAMIC: &str = "00020101021238570010A00000072701270006970436011300710012345670208QRIBFTTA530370454068500005802VN62120808DH4821136304E529";

/// GETs a path with the API key; status, content type and body.
async fn fetch(srv: &TestServer, key: &str, path: &str) -> (u16, String, Vec<u8>) {
    let resp = srv
        .client
        .get(format!("{}{path}", srv.base))
        .header("Authorization", format!("Apikey {key}"))
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        status,
        content_type,
        resp.bytes().await.expect("body").to_vec(),
    )
}

/// What a QR reader finds in a PNG.
fn read_png(bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let width = info.width as usize;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, info.height as usize, |x, y| {
            pixels[y * width + x]
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, content) = grids[0].decode().expect("a readable code");
    content
}

async fn codes_for_an_account(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", "0071001234567").await;
    let base = format!("/v2/accounts/{}/qr", account.id);

    let (status, content_type, body) = fetch(
        &srv,
        &t.key,
        &format!("{base}?amount=850000&memo=DH482113&format=text"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert_eq!(String::from_utf8(body).unwrap(), VCB_DYNAMIC);

    // The PNG carries exactly that payload.
    let (status, content_type, body) =
        fetch(&srv, &t.key, &format!("{base}?amount=850000&memo=DH482113")).await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    let read = read_png(&body);
    assert_eq!(read, VCB_DYNAMIC);
    let parsed = vietqr::parse(&read).unwrap();
    assert_eq!(parsed.amount().map(|a| a.get()), Some(850_000));

    // A static code (no amount) with a memo whose diacritics are removed, as SVG.
    let (status, _, body) = fetch(
        &srv,
        &t.key,
        &format!("{base}?memo=%C4%90%C6%A1n%20h%C3%A0ng%2042&format=text"),
    )
    .await;
    assert_eq!(status, 200);
    let parsed = vietqr::parse(std::str::from_utf8(&body).unwrap()).unwrap();
    assert_eq!(parsed.amount(), None);
    assert_eq!(parsed.purpose(), Some("Don hang 42"));
    let (status, content_type, body) = fetch(&srv, &t.key, &format!("{base}?format=svg")).await;
    assert_eq!((status, content_type.as_str()), (200, "image/svg+xml"));
    assert!(String::from_utf8(body).unwrap().contains("<svg"));
}

async fn bad_parameters(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", "0071001234567").await;
    let other = srv.tenant("other@shop.vn", "Other shop").await;
    let base = format!("/v2/accounts/{}/qr", account.id);
    for (query, status, start) in [
        ("?amount=12.5", 400, "amount: "),
        ("?amount=0", 400, "amount: "),
        ("?memo=%21%21%21", 400, "memo: "),
        ("?format=gif", 400, "format: "),
        ("?scale=0", 400, "scale: "),
    ] {
        let (got, _, body) = fetch(&srv, &t.key, &format!("{base}{query}")).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(got, status, "{query}: {body}");
        assert!(
            body["message"].as_str().unwrap().starts_with(start),
            "{query}: {body}"
        );
        assert_eq!(body["error"], status);
    }
    // Another business's account is not found; no key is refused.
    let (got, _, _) = fetch(&srv, &other.key, &base).await;
    assert_eq!(got, 404);
    let (got, _, _) = fetch(&srv, "nope", &base).await;
    assert_eq!(got, 401);
}
