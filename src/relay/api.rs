//! The relay's API (`share::http_api` lists it): each request checked, then
//! done by the folder relay underneath (`share::DirRelay`), which already
//! writes all or nothing, claims each one-time prekey once and keeps each
//! name for the identity key of its first bundle.
//!
//! Checked before anything is stored: every name and id against the naming
//! rule (so nothing a client sends becomes a path outside the relay's
//! folder), every body against its size limit, bundles against their own
//! signatures, envelopes against their format and recipient, and the
//! requests only a name's owner may make against a signature by that name's
//! identity key on a fresh nonce.

use std::io::{self, Read, Write};
use std::sync::atomic::Ordering;

use libsignal_protocol::IdentityKey;

use crate::engine::{ServerBundle, fetch_and_verify};
use crate::share::envelope::{Envelope, Kind};
use crate::share::http_api::{
    self, ErrorBody, InboxList, Limits, NonceResponse, Posted, PrekeysLeft, PublishRequest,
    PublishResponse, kind, shown_blob_id,
};
use crate::share::names::{Name, is_relay_id};
use crate::share::publish::MAX_ONE_TIME_PREKEYS;
use crate::share::regular_file;
use crate::share::relay::{MAX_MESSAGE_BYTES, Relay, RelayError};

use super::activity::TransferGuard;
use super::http::{self, Connection, Request, Response};
use super::limits::MAX_SMALL_BODY;
use super::page;
use super::shared::Shared;

/// An answer, and the transfer it keeps listed until it is sent.
pub struct Answer {
    pub response: Response,
    pub transfer: Option<TransferGuard>,
}

impl From<Response> for Answer {
    fn from(response: Response) -> Self {
        Self {
            response,
            transfer: None,
        }
    }
}

/// A refusal: a status, a kind for programs, a sentence for people.
pub fn refuse(status: u16, kind: &str, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        error: kind.to_string(),
        message: message.into(),
    };
    Response::bytes(
        status,
        "application/json",
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

fn json<T: serde::Serialize>(status: u16, value: &T) -> Response {
    Response::bytes(
        status,
        "application/json",
        serde_json::to_vec(value).unwrap_or_default(),
    )
}

fn no_content() -> Response {
    Response::bytes(204, "text/plain", Vec::new())
}

/// A folder relay error as an answer. Storage failures are the operator's
/// to read (printed here), not the client's.
fn relay_error(e: RelayError, address: &str) -> Response {
    match e {
        RelayError::UnknownName(name) => refuse(
            404,
            kind::UNKNOWN_NAME,
            format!("no one called '{name}' has published keys on this relay"),
        ),
        RelayError::NameTaken { name } => refuse(
            409,
            kind::NAME_TAKEN,
            format!("the relay already holds keys for '{name}' with another identity key"),
        ),
        RelayError::NoBlob(id) => refuse(
            404,
            kind::NO_BLOB,
            format!("the relay has no blob '{id}' (it was deleted, or never uploaded)"),
        ),
        RelayError::BadId(id) => refuse(400, kind::BAD_ID, format!("'{id}' is not a valid id")),
        RelayError::Refused { what, reason, .. } => {
            refuse(400, "refused", format!("the {what} was refused: {reason}"))
        }
        e => {
            eprintln!("pqxdh-lab relay: {address}: storage failed: {e}");
            refuse(
                500,
                "storage",
                "the relay could not store or read this (its operator sees why)",
            )
        }
    }
}

fn bad_name(text: &str) -> Response {
    refuse(
        400,
        kind::BAD_ID,
        format!(
            "'{}' is not a name or id this relay uses: 1 to 64 lowercase letters, digits, '-' \
             or '_'",
            crate::share::escape::escaped(text)
        ),
    )
}

/// The request's path as checked segments.
enum Route<'a> {
    Page,
    Script,
    Style,
    View,
    Summary,
    Limits,
    Nonce,
    Bundle(&'a str),
    Claim(&'a str),
    Prekeys(&'a str),
    Blob(&'a str),
    Inbox(&'a str),
    Message(&'a str, &'a str),
}

/// Which route a path is; `Err` for a path that is not one (404) or names
/// what no relay object can be called (400).
fn route(path: &str) -> Result<Route<'_>, Response> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let name = |s: &'_ str| -> Result<(), Response> {
        if Name::new(s).is_ok() {
            Ok(())
        } else {
            Err(bad_name(s))
        }
    };
    let id = |s: &'_ str| -> Result<(), Response> {
        if is_relay_id(s) {
            Ok(())
        } else {
            Err(bad_name(s))
        }
    };
    Ok(match segments.as_slice() {
        [""] => Route::Page,
        ["page.js"] => Route::Script,
        ["page.css"] => Route::Style,
        ["api", "view"] => Route::View,
        ["api", "summary"] => Route::Summary,
        ["api", "limits"] => Route::Limits,
        ["api", "nonce"] => Route::Nonce,
        ["api", "bundles", n] => {
            name(n)?;
            Route::Bundle(n)
        }
        ["api", "bundles", n, "claim"] => {
            name(n)?;
            Route::Claim(n)
        }
        ["api", "bundles", n, "prekeys"] => {
            name(n)?;
            Route::Prekeys(n)
        }
        ["api", "blobs", b] => {
            id(b)?;
            Route::Blob(b)
        }
        ["api", "inbox", n] => {
            name(n)?;
            Route::Inbox(n)
        }
        ["api", "inbox", n, m] => {
            name(n)?;
            id(m)?;
            Route::Message(n, m)
        }
        _ => {
            return Err(refuse(
                404,
                "not_found",
                "no such page or API path on this relay",
            ));
        }
    })
}

/// Serves one request.
pub fn handle(shared: &Shared, conn: &mut Connection, req: &Request) -> Answer {
    let address = req.peer.ip().to_string();
    let route = match route(&req.path) {
        Ok(route) => route,
        Err(response) => return response.into(),
    };
    let method = req.method.as_str();
    let answer: Answer = match (method, route) {
        ("GET", Route::Page) => page::html(&shared.public_url).into(),
        ("GET", Route::Script) => page::script().into(),
        ("GET", Route::Style) => page::style().into(),
        ("GET", Route::View) => match shared.view() {
            Ok(bytes) => Response::bytes(200, "application/json", bytes),
            Err(e) => {
                eprintln!("pqxdh-lab relay: the relay folder could not be read: {e}");
                refuse(500, "storage", "the relay folder could not be read")
            }
        }
        .into(),
        ("GET", Route::Summary) => match shared.relay.summary() {
            Ok(summary) => json(200, &summary.redacted()).into(),
            Err(e) => relay_error(e, &address).into(),
        },
        ("GET", Route::Limits) => json(
            200,
            &Limits {
                max_file_bytes: shared.max_blob,
            },
        )
        .into(),
        ("GET", Route::Nonce) => json(
            200,
            &NonceResponse {
                nonce: shared.nonces.issue(),
            },
        )
        .into(),
        ("PUT", Route::Bundle(name)) => publish(shared, conn, req, name).into(),
        ("GET", Route::Bundle(name)) => match shared.relay.peek_bundle(name) {
            Ok(Some(bytes)) => Response::bytes(200, "application/octet-stream", bytes).into(),
            Ok(None) => relay_error(RelayError::UnknownName(name.into()), &address).into(),
            Err(e) => relay_error(e, &address).into(),
        },
        ("POST", Route::Claim(name)) => claim(shared, &address, name).into(),
        ("GET", Route::Prekeys(name)) => match shared.relay.prekeys_left(name) {
            Ok(left) => json(200, &PrekeysLeft { left }).into(),
            Err(e) => relay_error(e, &address).into(),
        },
        ("PUT", Route::Blob(id)) => upload(shared, conn, req, id).into(),
        ("GET", Route::Blob(id)) => download(shared, &address, id),
        ("DELETE", Route::Blob(id)) => match shared.relay.delete_blob(id) {
            Ok(()) => {
                shared
                    .activity
                    .record(&address, format!("deleted blob {}", shown_blob_id(id)));
                no_content().into()
            }
            Err(e) => relay_error(e, &address).into(),
        },
        ("POST", Route::Inbox(name)) => post(shared, conn, req, name).into(),
        ("GET", Route::Inbox(name)) => {
            if let Err(refusal) = check_owner(shared, req, name, b"") {
                return refusal.into();
            }
            shared.activity.seen(name, &address, "signed");
            match shared.relay.inbox(name) {
                Ok(ids) => json(200, &InboxList { ids }).into(),
                Err(e) => relay_error(e, &address).into(),
            }
        }
        ("GET", Route::Message(name, id)) => {
            if let Err(refusal) = check_owner(shared, req, name, b"") {
                return refusal.into();
            }
            match shared.relay.read(name, id) {
                Ok(bytes) => Response::bytes(200, "application/octet-stream", bytes).into(),
                Err(e) => relay_error(e, &address).into(),
            }
        }
        ("DELETE", Route::Message(name, id)) => {
            if let Err(refusal) = check_owner(shared, req, name, b"") {
                return refusal.into();
            }
            match shared.relay.delete(name, id) {
                Ok(()) => {
                    shared
                        .activity
                        .record(&address, format!("{name} took a message from their inbox"));
                    no_content().into()
                }
                Err(e) => relay_error(e, &address).into(),
            }
        }
        _ => refuse(
            405,
            "method_not_allowed",
            format!("{method} is not used on this path"),
        )
        .into(),
    };
    answer
}

/// The identity key of NAME's stored bundle, if NAME has a readable one.
fn stored_identity(shared: &Shared, name: &str) -> Option<IdentityKey> {
    let bytes = shared.relay.peek_bundle(name).ok()??;
    let bundle = ServerBundle::decode(&bytes).ok()?;
    IdentityKey::decode(&bundle.identity_key).ok()
}

// ANCHOR: check_signed
/// Checks that the request is signed by `key` on a fresh nonce.
fn check_signed(
    shared: &Shared,
    req: &Request,
    body: &[u8],
    key: &IdentityKey,
    name: &str,
) -> Result<(), Response> {
    let (Some(nonce), Some(signature)) = (
        req.header(http_api::NONCE_HEADER),
        req.header(http_api::SIGNATURE_HEADER),
    ) else {
        return Err(refuse(
            401,
            "unsigned",
            format!("only {name} may do this, with a request signed by {name}'s identity key"),
        ));
    };
    // Spent whatever comes next: a nonce is never tried twice.
    if !shared.nonces.spend(nonce) {
        return Err(refuse(
            401,
            kind::STALE_NONCE,
            "this request's nonce is unknown, expired or already used (a replayed request \
             looks like this); ask for a fresh one",
        ));
    }
    if !http_api::verify(key, &req.method, &req.path, nonce, body, signature) {
        return Err(refuse(
            401,
            "bad_signature",
            format!("the signature is not {name}'s identity key's signature of this request"),
        ));
    }
    Ok(())
}
// ANCHOR_END: check_signed

/// Checks that a request about NAME's inbox comes from NAME.
fn check_owner(shared: &Shared, req: &Request, name: &str, body: &[u8]) -> Result<(), Response> {
    let Some(key) = stored_identity(shared, name) else {
        return Err(refuse(
            403,
            "no_identity",
            format!(
                "{name} has published no keys on this relay, so nobody can prove to be {name} \
                 (run `pqxdh-lab share publish {name}`)"
            ),
        ));
    };
    check_signed(shared, req, body, &key, name)
}

/// Reads a small body whole, or answers why not.
fn small_body(
    conn: &mut Connection,
    req: &Request,
    limit: u64,
    what: &str,
) -> Result<Vec<u8>, Response> {
    if let http::Framing::Length(n) = req.framing
        && n > limit
    {
        return Err(too_large(what, limit));
    }
    let read = conn.body(req, limit).and_then(|mut body| body.read_all());
    match read {
        Ok(bytes) => Ok(bytes),
        Err(e) if http::too_large(&e) => Err(too_large(what, limit)),
        Err(e) => Err(refuse(
            400,
            "bad_request",
            format!("the {what} did not arrive: {e}"),
        )),
    }
}

fn too_large(what: &str, limit: u64) -> Response {
    refuse(
        413,
        "too_large",
        format!("the {what} is larger than the {limit} bytes this relay accepts"),
    )
}

fn bad_request(message: impl Into<String>) -> Response {
    refuse(400, "bad_request", message)
}

/// `PUT /api/bundles/NAME`: a bundle whose signatures verify, signed as a
/// request by its own identity key, which must be the name's (or the name new).
fn publish(shared: &Shared, conn: &mut Connection, req: &Request, name: &str) -> Response {
    let address = req.peer.ip().to_string();
    let body = match small_body(conn, req, MAX_SMALL_BODY, "publication") {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let Ok(request) = serde_json::from_slice::<PublishRequest>(&body) else {
        return bad_request("the publication is not the JSON this relay expects");
    };
    let Ok(bundle) = hex::decode(&request.bundle) else {
        return bad_request("the bundle is not hex");
    };
    // Signatures by its own IK: a bundle that fails them helps no one.
    let verified = match fetch_and_verify(&bundle) {
        Ok(verified) => verified,
        Err(e) => return bad_request(format!("the bundle was refused: {e}")),
    };
    let Ok(key) = verified.identity_key().copied() else {
        return bad_request("the bundle has no identity key");
    };
    if request.one_time_prekeys.len() > MAX_ONE_TIME_PREKEYS as usize {
        return bad_request(format!(
            "at most {MAX_ONE_TIME_PREKEYS} one-time prekeys at once"
        ));
    }
    let mut prekeys = Vec::with_capacity(request.one_time_prekeys.len());
    for (id, key) in &request.one_time_prekeys {
        match hex::decode(key) {
            Ok(key) if key.len() == 33 && key[0] == 0x05 && *id <= 0x00ff_ffff => {
                prekeys.push((*id, key));
            }
            _ => return bad_request(format!("one-time prekey {id} is not a curve public key")),
        }
    }
    if let Err(refusal) = check_signed(shared, req, &body, &key, name) {
        return refusal;
    }
    // Trust on first use: a name keeps the identity key of its first bundle.
    if let Some(owner) = stored_identity(shared, name)
        && owner != key
    {
        return if request.take_over {
            refuse(
                403,
                "name_owned",
                format!(
                    "this relay keeps '{name}' for the identity key of its first bundle, and \
                     accepts a new bundle for it only signed by that key. If the name is yours \
                     and the old keys are lost, ask the relay's operator to free it (remove \
                     bundles/{name}.bundle in the relay's folder), or pick another name"
                ),
            )
        } else {
            relay_error(RelayError::NameTaken { name: name.into() }, &address)
        };
    }
    match shared.relay.publish(name, &bundle, &prekeys, false) {
        Ok(withdrawn) => {
            shared.activity.seen(name, &address, "signed");
            shared.activity.record(
                &address,
                format!(
                    "{name} published keys: IK {}…, {} one-time prekeys",
                    &hex::encode(key.serialize())[..16],
                    prekeys.len()
                ),
            );
            json(200, &PublishResponse { withdrawn })
        }
        Err(e) => relay_error(e, &address),
    }
}

/// `POST /api/bundles/NAME/claim`: the bundle, with a one-time prekey that
/// nobody else will get.
fn claim(shared: &Shared, address: &str, name: &str) -> Response {
    match shared.relay.fetch_bundle(name) {
        Ok(bytes) => {
            let prekey = ServerBundle::decode(&bytes)
                .ok()
                .and_then(|b| b.pre_key)
                .map(|(id, _)| format!("one-time prekey {id}"))
                .unwrap_or_else(|| "no one-time prekey left".into());
            shared.activity.record(
                address,
                format!("someone fetched {name}'s bundle for a first contact ({prekey})"),
            );
            Response::bytes(200, "application/octet-stream", bytes)
        }
        Err(e) => relay_error(e, address),
    }
}

/// `PUT /api/blobs/ID`: streamed into a temporary file, which becomes the
/// blob only once the body ended as announced. Cut off, it is deleted.
fn upload(shared: &Shared, conn: &mut Connection, req: &Request, id: &str) -> Response {
    let address = req.peer.ip().to_string();
    let limit = shared.max_blob;
    if req.framing == http::Framing::Empty {
        return refuse(
            411,
            "bad_request",
            "an upload needs a body (with a content-length, or in chunks)",
        );
    }
    if let http::Framing::Length(n) = req.framing
        && n > limit
    {
        return too_large("file", limit);
    }
    // Never replaced: only the sender and the recipient know a blob's id.
    if regular_file::open(&shared.relay.blob_path(id)).is_ok() {
        return refuse(409, "blob_exists", format!("blob '{id}' exists already"));
    }
    let mut target = match shared.relay.upload_blob(id) {
        Ok(target) => target,
        Err(e) => return relay_error(e, &address),
    };
    let guard = shared
        .activity
        .transfer("upload", shown_blob_id(id), &address, None);
    let counter = guard.bytes();
    let mut body = match conn.body(req, limit) {
        Ok(body) => body,
        Err(e) => return bad_request(format!("the upload did not start: {e}")),
    };
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    let copied: io::Result<()> = loop {
        match body.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                if let Err(e) = target.write_all(&buf[..n]) {
                    break Err(e);
                }
                total += n as u64;
                counter.store(total, Ordering::Relaxed);
            }
            Err(e) => break Err(e),
        }
    };
    drop(body);
    if let Err(e) = copied {
        // `target` is dropped unfinished: the temporary file goes.
        drop(target);
        shared.activity.record(
            &address,
            format!(
                "an upload of blob {} broke off after {total} bytes; nothing was kept",
                shown_blob_id(id)
            ),
        );
        return if http::too_large(&e) {
            too_large("file", limit)
        } else {
            bad_request(format!("the upload did not arrive whole: {e}"))
        };
    }
    if total == 0 {
        return bad_request("an empty file is no encrypted file; nothing was kept");
    }
    if let Err(e) = target.finish() {
        return relay_error(e, &address);
    }
    drop(guard);
    shared.activity.record(
        &address,
        format!("uploaded blob {} ({total} bytes)", shown_blob_id(id)),
    );
    Response::bytes(201, "text/plain", Vec::new())
}

/// `GET /api/blobs/ID`: the file, streamed.
fn download(shared: &Shared, address: &str, id: &str) -> Answer {
    let path = shared.relay.blob_path(id);
    let file = match regular_file::open(&path) {
        Ok(file) => file,
        Err(regular_file::Refusal::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
            return relay_error(RelayError::NoBlob(id.into()), address).into();
        }
        Err(refusal) => {
            return relay_error(
                RelayError::Refused {
                    what: "blob",
                    path,
                    reason: refusal.to_string(),
                },
                address,
            )
            .into();
        }
    };
    let len = match file.metadata() {
        Ok(meta) => meta.len(),
        Err(e) => {
            return relay_error(RelayError::Io { path, source: e }, address).into();
        }
    };
    let guard = shared
        .activity
        .transfer("download", shown_blob_id(id), address, Some(len));
    shared.activity.record(
        address,
        format!("downloads blob {} ({len} bytes)", shown_blob_id(id)),
    );
    Answer {
        response: Response::file(file, len, guard.bytes()),
        transfer: Some(guard),
    }
}

/// `POST /api/inbox/NAME`: an envelope for NAME, as it says.
fn post(shared: &Shared, conn: &mut Connection, req: &Request, name: &str) -> Response {
    let address = req.peer.ip().to_string();
    let body = match small_body(conn, req, MAX_MESSAGE_BYTES, "message") {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let envelope = match Envelope::decode(&body) {
        Ok(envelope) => envelope,
        Err(e) => return bad_request(format!("the message is not an envelope: {e}")),
    };
    if envelope.to != name {
        return bad_request("the envelope is addressed to someone else than this inbox");
    }
    if Name::new(&envelope.from).is_err() {
        return bad_name(&envelope.from);
    }
    if stored_identity(shared, name).is_none() {
        return relay_error(RelayError::UnknownName(name.into()), &address);
    }
    match shared.relay.post(name, &body) {
        Ok(id) => {
            shared.activity.seen(&envelope.from, &address, "envelope");
            shared.activity.record(
                &address,
                format!(
                    "{} → {name}: a {} in a {} ({} bytes)",
                    envelope.from,
                    match envelope.kind {
                        Kind::File => "file message",
                        Kind::Receipt => "delivery receipt",
                    },
                    envelope.message_type.libsignal_name(),
                    body.len()
                ),
            );
            json(201, &Posted { id })
        }
        Err(e) => relay_error(e, &address),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_folder_are_refused() {
        for path in [
            "/api/bundles/..",
            "/api/bundles/../../etc/passwd",
            "/api/blobs/a.blob",
            "/api/inbox/bob/..%2f..%2fx",
            "/api/inbox/Bob",
            "/api/bundles/%2e%2e",
        ] {
            match route(path) {
                Err(r) => assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status),
                Ok(_) => panic!("{path} was accepted"),
            }
        }
        assert!(matches!(
            route("/api/inbox/bob/00000001-aa"),
            Ok(Route::Message("bob", "00000001-aa"))
        ));
    }
}
