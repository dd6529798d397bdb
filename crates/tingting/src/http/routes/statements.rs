//! `POST /v2/accounts/{id}/statements` (ours): upload a statement file into an account.

use std::io::{Seek, SeekFrom};

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use tokio::io::AsyncWriteExt;

use super::accounts::find;
use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Id};
use crate::http::AppState;
use crate::ingest::statement::{
    import_statement, Format, ImportError, ImportOptions, ImportReport,
};

/// Largest statement file accepted by upload; larger ones go through `tingting import`.
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;

/// Imports a statement file (a bank's CSV or Excel export, canonical CSV, MT940 or camt.05x,
/// detected unless `format` says) into the account, like `tingting import`: entries already
/// stored are duplicates, entries of another account are rejected. Send `multipart/form-data`
/// with the file in a part named `file` and optionally parts `format` (`csv`, `xlsx`, `mt940`,
/// `camt`), `columns` (a column mapping, as `tingting import --columns`) and `sheet`.
#[utoipa::path(post, path = "/v2/accounts/{id}/statements", tag = "tingting",
    security(("apikey" = []), ("oauth2" = ["ingest"])),
    params(("id" = i64, Path, description = "Account id")),
    request_body(content_type = "multipart/form-data",
        description = "`file`: the statement; optional: `format` (`csv`, `xlsx`, `mt940` or `camt`), `columns` (a column mapping such as `date=Ngày GD,credit=Ghi có,debit=Ghi nợ`), `sheet` (an Excel worksheet)"),
    responses((status = 200, body = Envelope<ImportReport>, description = "What was imported; rejected entries listed with their lines"),
              (status = 400, description = "No file part, an unknown format, a bad column mapping, or a file that is not a statement"),
              (status = 404, description = "No such account in this business"),
              (status = 413, description = "File over 20 MiB (use `tingting import`)")))]
pub async fn upload(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    mut multipart: Multipart,
) -> Result<axum::Json<Envelope<ImportReport>>, ApiError> {
    let account = find(&state, who.business_id, id).await?;
    let (file, options) = read_parts(&mut multipart).await?;
    match import_statement(state.store.as_ref(), &account, options, file, |_| {}).await {
        Ok(report) => Ok(success(report)),
        Err(ImportError::Header(message)) => Err(ApiError::bad_request(message)),
        Err(ImportError::Ingest(e)) => Err(e.into()),
    }
}

/// Reads the (remaining) parts of a statement upload, the API's and the dashboard's: the
/// file in part `file`, spooled to a temporary file (at most [`UPLOAD_LIMIT`] bytes) and
/// rewound, and the import options of parts `format` (blank: detected), `columns` and
/// `sheet`; other parts are skipped.
pub(crate) async fn read_parts(
    multipart: &mut Multipart,
) -> Result<(std::fs::File, ImportOptions), ApiError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request(format!("invalid multipart body: {}", e.body_text()))
    };
    let mut options = ImportOptions::default();
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                let spool = tempfile::tempfile().map_err(spool_failed)?;
                let mut writer =
                    tokio::fs::File::from_std(spool.try_clone().map_err(spool_failed)?);
                let mut size = 0usize;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    size += chunk.len();
                    if size > UPLOAD_LIMIT {
                        return Err(ApiError::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "Statement file too large (limit 20 MiB); import it with `tingting import`",
                        ));
                    }
                    writer.write_all(&chunk).await.map_err(spool_failed)?;
                }
                writer.flush().await.map_err(spool_failed)?;
                file = Some(spool);
            }
            Some("format") => {
                let text = field.text().await.map_err(bad)?;
                if text.trim().is_empty() {
                    continue; // detected, as when the part is missing (a form's "detect")
                }
                let format = <Format as clap::ValueEnum>::from_str(text.trim(), true)
                    .map_err(|_| {
                        ApiError::bad_request(format!(
                            "format: unknown statement format {:?} (expected csv, xlsx, mt940 or camt)",
                            text.trim()
                        ))
                    })?;
                options.format = Some(format);
            }
            Some("columns") => {
                let text = field.text().await.map_err(bad)?;
                if text.trim().is_empty() {
                    continue; // found by the header, as when the part is missing (a blank field)
                }
                let columns = text
                    .parse()
                    .map_err(|e| ApiError::bad_request(format!("columns: {e}")))?;
                options.columns = Some(columns);
            }
            Some("sheet") => {
                let sheet = field.text().await.map_err(bad)?.trim().to_string();
                // Blank: the first sheet, as when the part is missing.
                options.sheet = Some(sheet).filter(|s| !s.is_empty());
            }
            _ => {}
        }
    }
    let mut file = file.ok_or_else(|| ApiError::bad_request("file: no part named \"file\""))?;
    file.seek(SeekFrom::Start(0)).map_err(spool_failed)?;
    Ok((file, options))
}

/// The upload could not be kept on disk for reading.
fn spool_failed(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "cannot spool a statement upload");
    ApiError::internal()
}
